import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';
import { TrackingReportsService } from '../server/src/modules/tracking/tracking-reports.service.ts';

// The cycle is dated 2099 so that reports made today always fall before its milestones and
// its mid-year and year-end dates, whenever this runs; decisions are dated in the past.
let t: TestApp;
let admin: Client, staff: Client, presidium: Client;
let h: Hall;
let votePollId: string, runoffPollId: string;
/** Tracked project ids by candidate name (项目1 … 项目5). */
const P: Record<string, string> = {};
let mz: Client, jy: Client, nodept: Client;
let mzId: string, staffUserId: string;

const MiB = 1024 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const b64 = (b: Buffer) => b.toString('base64');
function pdf(size: number): Buffer {
  const b = Buffer.alloc(size, 0x20);
  b.write('%PDF-1.7\n', 0, 'latin1');
  return b;
}
const docx = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('word/document.xml'), Buffer.alloc(64)]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);

async function deptUser(username: string, displayName: string, department?: string): Promise<{ client: Client; id: string }> {
  const password = 'a long enough password';
  const made = await admin.post('/api/users', { username, displayName, password, roles: ['department'], ...(department ? { department } : {}) });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const client = new Client(t.app);
  expect((await client.post('/api/auth/login', { username, password })).status).toBe(200);
  return { client, id: made.body.id };
}

async function download(c: Client | null, url: string) {
  return t.app.inject({ method: 'GET', url, headers: c?.cookie ? { cookie: `pj_session=${c.cookie}` } : {} });
}

const pub = (id: string, asOf?: string) => new Client(t.app).get(`/api/public/projects/${id}${asOf ? `?asOf=${asOf}` : ''}`);

async function publishWithMilestones(id: string, department: string, milestones: { title: string; dueDate: string }[], deadline: string | null = '2099-12-31') {
  const plan = await staff.req('PUT', `/api/tracking/projects/${id}/plan`, { department, targets: '按期完成', fundingWan: 500, fundingSource: '市级财政', measures: '专班推进', deadline });
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const ids: string[] = [];
  for (const m of milestones) {
    const r = await staff.post(`/api/tracking/projects/${id}/milestones`, m);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ids.push(r.body.id);
  }
  expect((await staff.post(`/api/tracking/projects/${id}/plan/publish`)).status).toBe(200);
  return ids;
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  presidium = await userClient(t, admin, 'presidium1', ['presidium']);
  h = await hall(t, staff, { candidates: 6, deputies: 6, cycle: { chooseN: 5, year: 2099, name: '2099年度民生实事项目' } });
  ({ client: mz, id: mzId } = await deptUser('minzheng', '市民政局填报员', '市民政局'));
  ({ client: jy } = await deptUser('jiaoyu', '市教育局填报员', '市教育局'));
  ({ client: nodept } = await deptUser('nodept', '未指定单位'));
  const users = await admin.get('/api/users');
  staffUserId = users.body.find((u: { username: string }) => u.username === 'staff1').id;
});
afterAll(async () => {
  await t?.close();
});

describe('tracking the chosen projects', () => {
  it('starts only from a certified result, takes run-off winners too, and is idempotent', async () => {
    const none = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NO_CERTIFIED_RESULT');

    const [c1, c2, c3, c4, c5, c6] = h.candidateIds as [string, string, string, string, string, string];
    votePollId = await openPoll(staff, h.sessionId);
    for (const [i, d] of h.deputies.entries()) {
      await castOk(d.client, votePollId, { type: 'approve', marks: { [c1]: 'for', [c2]: 'for', [c3]: 'for', [c4]: 'for', [i < 3 ? c5 : c6]: 'for' } });
    }
    const closed = await staff.post(`/api/polls/${votePollId}/close`);
    expect(closed.body.result.tie).toMatchObject({ places: 1 });

    // Closed but not certified: still nothing to track.
    expect((await staff.post(`/api/cycles/${h.cycleId}/tracking/init`)).body.error.code).toBe('NO_CERTIFIED_RESULT');
    expect((await staff.post(`/api/polls/${votePollId}/certify`)).body.status).toBe('certified');

    expect((await mz.post(`/api/cycles/${h.cycleId}/tracking/init`)).status).toBe(403);
    const first = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.created).toBe(4);
    expect(first.body.projects.map((p: { name: string }) => p.name)).toEqual(['项目1', '项目2', '项目3', '项目4']);

    const runoff = await staff.post(`/api/polls/${votePollId}/runoff`);
    runoffPollId = runoff.body.id;
    expect((await staff.post(`/api/polls/${runoffPollId}/open`, {})).status).toBe(200);
    for (const d of h.deputies) await castOk(d.client, runoffPollId, { type: 'approve', marks: { [c5]: 'for', [c6]: 'against' } });
    await staff.post(`/api/polls/${runoffPollId}/close`);
    expect((await staff.post(`/api/polls/${runoffPollId}/certify`)).body.status).toBe('certified');

    const second = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
    expect(second.body.created).toBe(1);
    expect(second.body.projects.map((p: { name: string }) => p.name)).toEqual(['项目1', '项目2', '项目3', '项目4', '项目5']);
    const again = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
    expect(again.body.created).toBe(0);
    expect(again.body.projects).toHaveLength(5);
    for (const p of again.body.projects as { name: string; id: string }[]) P[p.name] = p.id;

    const p5 = await staff.get(`/api/tracking/projects/${P['项目5']}`);
    expect(p5.body.selection.pollId).toBe(runoffPollId);
    expect(p5.body.plan).toMatchObject({ department: '市民政局', fundingWan: 500, publishedAt: null });
  });

  it('keeps the plan private and editable until published, then fixed except by a decision', async () => {
    const id = P['项目1']!;
    const put = await staff.req('PUT', `/api/tracking/projects/${id}/plan`, {
      department: '市民政局',
      targets: '新建社区养老服务中心10个',
      fundingWan: 1200,
      fundingSource: '市级财政',
      measures: '每月调度',
      deadline: '2099-12-31',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const m1 = await staff.post(`/api/tracking/projects/${id}/milestones`, { title: '完成选址', dueDate: '2099-03-31' });
    const m2 = await staff.post(`/api/tracking/projects/${id}/milestones`, { title: '主体完工', dueDate: '2099-09-30' });
    const tmp = await staff.post(`/api/tracking/projects/${id}/milestones`, { title: '临时节点', dueDate: '2099-05-01' });
    expect((await staff.del(`/api/tracking/milestones/${tmp.body.id}`)).status).toBe(200);
    expect((await staff.patch(`/api/tracking/milestones/${m1.body.id}`, { description: '确定10处站点' })).body.description).toBe('确定10处站点');

    const draft = await pub(id);
    expect(draft.status).toBe(200);
    expect(draft.body.plan).toBeNull();
    expect(draft.body.milestones).toEqual([]);

    const early = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 10, text: '前期工作' });
    expect(early.body.error.code).toBe('PLAN_NOT_PUBLISHED');

    const published = await staff.post(`/api/tracking/projects/${id}/plan/publish`);
    expect(published.status).toBe(200);
    expect(published.body.publishedAt).not.toBeNull();

    const open = await pub(id);
    expect(open.body.plan).toMatchObject({ targets: '新建社区养老服务中心10个', fundingWan: 1200, deadline: '2099-12-31' });
    expect(open.body.milestones.map((m: { title: string; dueDate: string }) => `${m.title}@${m.dueDate}`)).toEqual(['完成选址@2099-03-31', '主体完工@2099-09-30']);

    expect((await staff.req('PUT', `/api/tracking/projects/${id}/plan`, { ...put.body, targets: '悄悄改小' })).body.error.code).toBe('PLAN_PUBLISHED');
    expect((await staff.post(`/api/tracking/projects/${id}/milestones`, { title: '加塞', dueDate: '2099-04-01' })).body.error.code).toBe('PLAN_PUBLISHED');
    expect((await staff.patch(`/api/tracking/milestones/${m2.body.id}`, { dueDate: '2099-12-30' })).body.error.code).toBe('PLAN_PUBLISHED');
    expect((await staff.del(`/api/tracking/milestones/${m2.body.id}`)).body.error.code).toBe('PLAN_PUBLISHED');
    expect((await staff.post(`/api/tracking/projects/${id}/plan/publish`)).body.error.code).toBe('PLAN_PUBLISHED');

    // The database itself refuses a silent change of a published plan or a state change.
    await withPg(t.url, async (c) => {
      await expect(c.query(`update tracking_projects set targets = 'x' where id = $1`, [id])).rejects.toThrow(/without a recorded decision/);
      await expect(c.query(`update tracking_projects set state = 'cancelled' where id = $1`, [id])).rejects.toThrow(/without a recorded decision/);
      await expect(c.query(`update tracking_milestones set due_date = '2099-12-30' where id = $1`, [m2.body.id])).rejects.toThrow(/without a recorded decision/);
      await expect(c.query(`update tracking_projects set plan_published_at = null where id = $1`, [id])).rejects.toThrow(/stays published/);
    });
    expect((await pub(id)).body.plan.targets).toBe('新建社区养老服务中心10个');
  });

  it('refuses a modify, pause or cancel without a standing-committee decision; with one it is recorded and public', async () => {
    const id = P['项目1']!;
    const before = await staff.get(`/api/tracking/projects/${id}`);
    const m2 = before.body.milestones.find((m: { title: string }) => m.title === '主体完工');

    for (const body of [
      { kind: 'modify', description: '调整建设目标', plan: { targets: '新建社区养老服务中心12个' } },
      { kind: 'pause', description: '暂缓实施', decisionRef: '   ', decisionDate: '2026-11-20' },
      { kind: 'cancel', description: '终止实施', decisionRef: '宿常发〔2026〕9号' },
    ]) {
      const r = await staff.post(`/api/tracking/projects/${id}/changes`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('DECISION_REQUIRED');
    }
    const unchanged = await pub(id);
    expect(unchanged.body.state).toBe('active');
    expect(unchanged.body.plan.targets).toBe('新建社区养老服务中心10个');
    expect(unchanged.body.changes).toEqual([]);

    expect((await staff.post(`/api/tracking/projects/${id}/changes`, { kind: 'resume', description: '恢复', decisionRef: '宿常发〔2026〕8号', decisionDate: '2026-11-20' })).body.error.code).toBe('PROJECT_STATE');
    expect((await staff.post(`/api/tracking/projects/${id}/changes`, { kind: 'pause', description: 'x', decisionRef: '宿常发〔2099〕1号', decisionDate: '2099-01-01' })).body.error.code).toBe('VALIDATION');
    expect((await mz.post(`/api/tracking/projects/${id}/changes`, { kind: 'pause', description: 'x', decisionRef: 'x', decisionDate: '2026-11-20' })).status).toBe(403);

    const modify = await staff.post(`/api/tracking/projects/${id}/changes`, {
      kind: 'modify',
      description: '根据选址情况调整目标和节点',
      decisionRef: '宿常发〔2026〕15号',
      decisionDate: '2026-11-21',
      plan: { targets: '新建社区养老服务中心12个', fundingWan: 1500 },
      milestones: { update: [{ id: m2.id, dueDate: '2099-10-31' }], add: [{ title: '竣工验收', dueDate: '2099-12-15' }] },
    });
    expect(modify.status, JSON.stringify(modify.body)).toBe(200);
    expect(modify.body).toMatchObject({ seq: 1, kind: 'modify', decisionRef: '宿常发〔2026〕15号', decisionDate: '2026-11-21' });
    expect(modify.body.diff).toEqual([
      { field: 'targets', before: '新建社区养老服务中心10个', after: '新建社区养老服务中心12个' },
      { field: 'fundingWan', before: '1200', after: '1500' },
      { field: 'milestone', before: null, after: '竣工验收（2099-12-15）' },
      { field: 'milestone', before: '主体完工（2099-09-30）', after: '主体完工（2099-10-31）' },
    ]);

    const earlier = await staff.post(`/api/tracking/projects/${id}/changes`, { kind: 'pause', description: 'x', decisionRef: '宿常发〔2026〕3号', decisionDate: '2026-11-01' });
    expect(earlier.body.error.code).toBe('VALIDATION');

    const after = await pub(id);
    expect(after.body.plan).toMatchObject({ targets: '新建社区养老服务中心12个', fundingWan: 1500 });
    expect(after.body.milestones.map((m: { title: string; dueDate: string }) => `${m.title}@${m.dueDate}`)).toEqual([
      '完成选址@2099-03-31',
      '主体完工@2099-10-31',
      '竣工验收@2099-12-15',
    ]);
    expect(after.body.changes).toHaveLength(1);
    expect(after.body.changes[0]).toMatchObject({ kind: 'modify', description: '根据选址情况调整目标和节点', decisionRef: '宿常发〔2026〕15号', decisionDate: '2026-11-21' });

    // Pause and resume 项目4, pause it again; cancel 项目5.
    await publishWithMilestones(P['项目4']!, '市民政局', [{ title: '开工', dueDate: '2099-02-28' }]);
    const pause = await staff.post(`/api/tracking/projects/${P['项目4']}/changes`, { kind: 'pause', description: '因规划调整暂缓实施', decisionRef: '宿常发〔2026〕16号', decisionDate: '2026-11-22' });
    expect(pause.status, JSON.stringify(pause.body)).toBe(200);
    expect((await pub(P['项目4']!)).body).toMatchObject({ state: 'paused', status: 'paused' });
    expect((await staff.post(`/api/tracking/projects/${P['项目4']}/changes`, { kind: 'pause', description: 'x', decisionRef: 'y', decisionDate: '2026-11-22' })).body.error.code).toBe('PROJECT_STATE');
    const resume = await staff.post(`/api/tracking/projects/${P['项目4']}/changes`, { kind: 'resume', description: '恢复实施', decisionRef: '宿常发〔2026〕17号', decisionDate: '2026-11-23' });
    expect(resume.status).toBe(200);
    expect((await pub(P['项目4']!)).body.state).toBe('active');
    await staff.post(`/api/tracking/projects/${P['项目4']}/changes`, { kind: 'pause', description: '再次暂缓', decisionRef: '宿常发〔2026〕18号', decisionDate: '2026-11-24' });

    const cancel = await staff.post(`/api/tracking/projects/${P['项目5']}/changes`, { kind: 'cancel', description: '上级已统一实施，本项目终止', decisionRef: '宿常发〔2026〕19号', decisionDate: '2026-11-24' });
    expect(cancel.status).toBe(200);
    const p5 = await pub(P['项目5']!);
    expect(p5.body).toMatchObject({ state: 'cancelled', status: 'cancelled' });
    expect(p5.body.changes.map((c: { kind: string; decisionRef: string }) => `${c.kind}:${c.decisionRef}`)).toEqual(['cancel:宿常发〔2026〕19号']);
    expect((await staff.post(`/api/tracking/projects/${P['项目5']}/changes`, { kind: 'resume', description: 'x', decisionRef: 'y', decisionDate: '2026-11-25' })).body.error.code).toBe('PROJECT_STATE');
    expect((await staff.post(`/api/tracking/projects/${P['项目5']}/reports`, { percent: 5, text: 'x' })).body.error.code).toBe('PROJECT_STATE');

    const list = await new Client(t.app).get(`/api/public/cycles/${h.cycleId}/progress`);
    const p4 = list.body.projects.find((p: { id: string }) => p.id === P['项目4']);
    expect(p4.latestChange).toEqual({ kind: 'pause', decisionRef: '宿常发〔2026〕18号', decisionDate: '2026-11-24' });

    // Recorded decisions are the public record: never edited, never removed.
    await withPg(t.url, async (c) => {
      await expect(c.query(`update tracking_changes set decision_ref = 'x'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`delete from tracking_changes`)).rejects.toThrow(/append-only/);
    });
  });

  it('lets a department account report only on projects of its own department', async () => {
    const id = P['项目1']!;
    const milestones = (await staff.get(`/api/tracking/projects/${id}`)).body.milestones as { id: string; title: string }[];
    const site = milestones.find((m) => m.title === '完成选址')!;

    const other = await jy.post(`/api/tracking/projects/${id}/reports`, { percent: 40, text: '代报' });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('DEPARTMENT_MISMATCH');
    expect((await nodept.post(`/api/tracking/projects/${id}/reports`, { percent: 40, text: '代报' })).body.error.code).toBe('DEPARTMENT_MISMATCH');
    expect((await h.deputies[0]!.client.post(`/api/tracking/projects/${id}/reports`, { percent: 40, text: 'x' })).status).toBe(403);
    expect((await new Client(t.app).post(`/api/tracking/projects/${id}/reports`, { percent: 40, text: 'x' })).status).toBe(401);
    expect((await jy.get(`/api/tracking/projects/${id}`)).body.error.code).toBe('DEPARTMENT_MISMATCH');
    expect((await mz.req('PUT', `/api/tracking/projects/${id}/plan`, { department: '市民政局', targets: '', fundingWan: null, fundingSource: '', measures: '', deadline: null })).status).toBe(403);

    const ok = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 40, text: '已完成10处选址，4处开工', milestoneIds: [site.id] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ seq: 1, percent: 40, department: '市民政局', reporter: '市民政局填报员', milestonesReached: [{ id: site.id, title: '完成选址' }] });
    expect((await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 45, text: 'x', milestoneIds: [site.id] })).body.error.code).toBe('VALIDATION');

    // 项目2: the plan names another department (市教育局), which then reports; 市民政局 no longer can.
    await publishWithMilestones(P['项目2']!, '市教育局', [{ title: '开工', dueDate: '2099-04-30' }]);
    expect((await mz.post(`/api/tracking/projects/${P['项目2']}/reports`, { percent: 100, text: 'x' })).body.error.code).toBe('DEPARTMENT_MISMATCH');
    const done = await jy.post(`/api/tracking/projects/${P['项目2']}/reports`, { percent: 100, text: '全部建成并投入使用' });
    expect(done.status).toBe(200);
    expect(done.body.department).toBe('市教育局');

    // Staff may report on any project (e.g. a paper report handed in).
    expect((await staff.post(`/api/tracking/projects/${P['项目4']}/reports`, { percent: 10, text: '暂停前已完成设计' })).status).toBe(200);

    const mine = await jy.get('/api/tracking/mine');
    expect(mine.body.department).toBe('市教育局');
    expect(mine.body.projects.map((p: { name: string }) => p.name)).toEqual(['项目2']);
    expect((await mz.get('/api/tracking/mine')).body.projects.map((p: { name: string }) => p.name)).toEqual(['项目1', '项目3', '项目4', '项目5']);
    expect((await nodept.get('/api/tracking/mine')).body).toEqual({ department: null, projects: [] });
  });

  it('keeps progress monotonic unless the drop is explained', async () => {
    const id = P['项目1']!;
    const drop = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 30, text: '重新核定' });
    expect(drop.status).toBe(400);
    expect(drop.body.error.code).toBe('PROGRESS_REGRESSION');
    expect(drop.body.error.details).toEqual({ previous: 40, percent: 30 });
    expect((await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 30, text: '重新核定', explanation: '   ' })).body.error.code).toBe('PROGRESS_REGRESSION');

    const explained = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 30, text: '重新核定', explanation: '审计核减已完成工程量' });
    expect(explained.status).toBe(200);
    expect((await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 30, text: '持平' })).status).toBe(200);
    expect((await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 50, text: '8处主体施工' })).status).toBe(200);

    const page = await pub(id);
    expect(page.body.percent).toBe(50);
    expect(page.body.progress.map((r: { seq: number; percent: number; explanation: string | null }) => [r.seq, r.percent, r.explanation])).toEqual([
      [1, 40, null],
      [2, 30, '审计核减已完成工程量'],
      [3, 30, null],
      [4, 50, null],
    ]);

    await withPg(t.url, async (c) => {
      await expect(
        c.query(`insert into tracking_reports (project_id, seq, percent, body, reported_on, department, reporter_name) values ($1, 99, 10, 'x', current_date, '市民政局', 'x')`, [id]),
      ).rejects.toThrow(/without explanation/);
      await expect(c.query(`update tracking_reports set percent = 100 where project_id = $1`, [id])).rejects.toThrow(/append-only/);
    });
  });

  it('stores attachments of allowed types up to 5 MiB each in PostgreSQL; only public ones are public', async () => {
    const id = P['项目1']!;
    const exact = pdf(5 * MiB);
    const tooBig = pdf(5 * MiB + 1);

    const big = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 55, text: '附件过大', attachments: [{ fileName: '大.pdf', contentType: 'application/pdf', contentBase64: b64(tooBig) }] });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('ATTACHMENT_TOO_LARGE');
    const html = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 55, text: 'x', attachments: [{ fileName: 'a.html', contentType: 'text/html', contentBase64: b64(Buffer.from('<script>1</script>')) }] });
    expect(html.status).toBe(415);
    expect(html.body.error.code).toBe('ATTACHMENT_TYPE');
    const lying = await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 55, text: 'x', attachments: [{ fileName: 'a.png', contentType: 'image/png', contentBase64: b64(exact.subarray(0, 100)) }] });
    expect(lying.body.error.code).toBe('ATTACHMENT_TYPE');
    expect((await pub(id)).body.progress).toHaveLength(4);

    const ok = await mz.post(`/api/tracking/projects/${id}/reports`, {
      percent: 55,
      text: '附现场照片和验收材料',
      attachments: [
        { fileName: '验收报告.pdf', contentType: 'application/pdf', contentBase64: b64(exact) },
        { fileName: '进度说明.docx', contentType: DOCX, contentBase64: b64(docx), public: true },
        { fileName: '现场.png', contentType: 'image/png', contentBase64: b64(png), public: true },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body).slice(0, 500)).toBe(200);
    const [aPdf, aDocx, aPng] = ok.body.attachments as { id: string; fileName: string; size: number; sha256: string; public: boolean }[];
    // A department asks; the public site shows nothing until staff review it.
    expect(ok.body.attachments.map((a: { fileName: string; size: number; public: boolean; publicRequested: boolean }) => [a.fileName, a.size, a.public, a.publicRequested])).toEqual([
      ['验收报告.pdf', 5 * MiB, false, false],
      ['进度说明.docx', docx.length, false, true],
      ['现场.png', png.length, false, true],
    ]);
    expect(aPdf!.sha256).toBe(createHash('sha256').update(exact).digest('hex'));

    const got = await download(staff, `/api/tracking/attachments/${aPdf!.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(String(got.headers['content-disposition'])).toBe(`attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('验收报告.pdf')}`);
    expect(got.rawPayload.equals(exact)).toBe(true);
    expect((await download(mz, `/api/tracking/attachments/${aPdf!.id}`)).statusCode).toBe(200);
    expect((await download(presidium, `/api/tracking/attachments/${aPdf!.id}`)).statusCode).toBe(200);
    expect((await download(jy, `/api/tracking/attachments/${aPdf!.id}`)).statusCode).toBe(403);
    expect((await download(null, `/api/tracking/attachments/${aPdf!.id}`)).statusCode).toBe(401);

    expect((await download(null, `/api/public/attachments/${aPdf!.id}`)).statusCode).toBe(404);
    expect((await download(null, `/api/public/attachments/${aDocx!.id}`)).statusCode).toBe(404);
    expect((await pub(id)).body.progress.at(-1).attachments).toEqual([]);
    expect((await mz.patch(`/api/tracking/attachments/${aDocx!.id}`, { public: true })).status).toBe(403);
    for (const a of [aDocx!, aPng!]) {
      const reviewed = await staff.patch(`/api/tracking/attachments/${a.id}`, { public: true });
      expect([reviewed.body.public, reviewed.body.publicRequested]).toEqual([true, true]);
    }
    const publicDocx = await download(null, `/api/public/attachments/${aDocx!.id}`);
    expect(publicDocx.statusCode).toBe(200);
    expect(publicDocx.rawPayload.equals(docx)).toBe(true);
    expect((await download(null, `/api/public/attachments/${aPng!.id}`)).headers['content-disposition']).toMatch(/^inline;/);

    const listed = (await pub(id)).body.progress.at(-1).attachments.map((a: { fileName: string }) => a.fileName);
    expect(listed).toEqual(['进度说明.docx', '现场.png']);

    const shown = await staff.patch(`/api/tracking/attachments/${aPdf!.id}`, { public: true });
    expect(shown.body.public).toBe(true);
    expect((await download(null, `/api/public/attachments/${aPdf!.id}`)).statusCode).toBe(200);
    await staff.patch(`/api/tracking/attachments/${aPdf!.id}`, { public: false });
    expect((await download(null, `/api/public/attachments/${aPdf!.id}`)).statusCode).toBe(404);

    await withPg(t.url, async (c) => {
      const { rows } = await c.query(`select octet_length(content) as n from tracking_attachments where id = $1`, [aPdf!.id]);
      expect(Number(rows[0].n)).toBe(5 * MiB);
    });
  });

  it('publishes a department\'s public attachment at once only where review is switched off (TRACKING_PUBLIC_REVIEW=false)', async () => {
    const id = P['项目1']!;
    const dept = await t.app.services.auth.resolve(mz.cookie);
    const file = { fileName: '现场2.png', contentType: 'image/png', contentBase64: b64(png), public: true };
    const unreviewed = new TrackingReportsService(t.app.services.db, false);
    const [direct] = (await unreviewed.report(dept, id, { percent: 55, text: '不经审核', attachments: [file] })).attachments;
    expect([direct!.public, direct!.publicRequested]).toEqual([true, true]);
    expect((await download(null, `/api/public/attachments/${direct!.id}`)).statusCode).toBe(200);
    const [held] = (await t.app.services.trackingReports.report(dept, id, { percent: 55, text: '经审核', attachments: [file] })).attachments;
    expect([held!.public, held!.publicRequested]).toEqual([false, true]);
    expect((await download(null, `/api/public/attachments/${held!.id}`)).statusCode).toBe(404);
  });

  it('flags a milestone past its date and not reached, against the given day', async () => {
    const id = P['项目3']!;
    const [early] = await publishWithMilestones(id, '市民政局', [
      { title: '完成招标', dueDate: '2026-01-15' },
      { title: '完成设计', dueDate: '2099-03-31' },
      { title: '完成建设', dueDate: '2099-09-30' },
    ]);
    // Reached today, long after its date.
    expect((await mz.post(`/api/tracking/projects/${id}/reports`, { percent: 20, text: '招标完成', milestoneIds: [early] })).status).toBe(200);

    const flags = (body: { milestones: { title: string; overdue: boolean }[] }) => body.milestones.map((m) => `${m.title}:${m.overdue}`);
    const then = await pub(id, '2026-02-01');
    expect(flags(then.body)).toEqual(['完成招标:true', '完成设计:false', '完成建设:false']);
    expect(then.body).toMatchObject({ status: 'overdue', percent: 0, asOf: '2026-02-01' });

    const onTheDay = await pub(id, '2099-03-31');
    expect(flags(onTheDay.body)).toEqual(['完成招标:false', '完成设计:false', '完成建设:false']);
    expect(onTheDay.body).toMatchObject({ status: 'on_track', percent: 20 });

    const dayAfter = await staff.get(`/api/tracking/projects/${id}?asOf=2099-04-01`);
    expect(flags(dayAfter.body)).toEqual(['完成招标:false', '完成设计:true', '完成建设:false']);
    expect(dayAfter.body.status).toBe('overdue');

    const row = (await new Client(t.app).get(`/api/public/cycles/${h.cycleId}/progress?asOf=2099-04-01`)).body.projects.find((p: { id: string }) => p.id === id);
    expect(row).toMatchObject({ status: 'overdue', percent: 20, milestones: { total: 3, reached: 1, overdue: 1 } });
  });

  it('assigns a monitoring group from the cycle’s deputies and shows it without ids', async () => {
    const id = P['项目1']!;
    const [d0, d1] = h.deputies;
    expect((await staff.req('PUT', `/api/tracking/projects/${id}/monitors`, { members: [{ deputyId: d0!.id, leader: true }, { deputyId: d1!.id, leader: true }] })).body.error.code).toBe(
      'VALIDATION',
    );
    const stranger = '00000000-0000-4000-8000-000000000000';
    expect((await staff.req('PUT', `/api/tracking/projects/${id}/monitors`, { members: [{ deputyId: stranger }] })).body.error.details).toMatchObject({ deputyIds: [stranger] });

    const set = await staff.req('PUT', `/api/tracking/projects/${id}/monitors`, { members: [{ deputyId: d0!.id, leader: true }, { deputyId: d1!.id }] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.map((m: { deputyId: string; leader: boolean }) => [m.deputyId, m.leader])).toEqual([
      [d0!.id, true],
      [d1!.id, false],
    ]);
    expect((await pub(id)).body.monitors).toEqual([
      { name: '代表1', delegation: '宿豫区代表团', leader: true },
      { name: '代表2', delegation: '沭阳县代表团', leader: false },
    ]);
    const replaced = await staff.req('PUT', `/api/tracking/projects/${id}/monitors`, { members: [{ deputyId: d1!.id, leader: true }] });
    expect(replaced.body).toHaveLength(1);
  });

  it('summarises a cycle at mid-year and year-end by status with the average progress', async () => {
    // 项目1 on track (选址 reached, 主体 due 2099-10-31) at 55 %; 项目2 completed; 项目3 overdue at 20 %;
    // 项目4 paused at 10 %; 项目5 cancelled.
    expect((await mz.get(`/api/cycles/${h.cycleId}/tracking/summary`)).status).toBe(403);
    const mid = await presidium.get(`/api/cycles/${h.cycleId}/tracking/summary?period=mid_year`);
    expect(mid.status, JSON.stringify(mid.body)).toBe(200);
    expect(mid.body).toMatchObject({ asOf: '2099-06-30', period: 'mid_year', total: 5, averagePercent: 46.3 });
    expect(mid.body.counts).toEqual({ on_track: 1, overdue: 1, completed: 1, paused: 1, cancelled: 1 });
    expect(mid.body.projects.map((p: { name: string; status: string }) => `${p.name}:${p.status}`)).toEqual([
      '项目1:on_track',
      '项目2:completed',
      '项目3:overdue',
      '项目4:paused',
      '项目5:cancelled',
    ]);

    const end = await staff.get(`/api/cycles/${h.cycleId}/tracking/summary?period=year_end`);
    expect(end.body.asOf).toBe('2099-12-31');
    expect(end.body.counts).toEqual({ on_track: 0, overdue: 2, completed: 1, paused: 1, cancelled: 1 });

    // Before the pause and cancel decisions (dated 2026-11-24) and before any report was made.
    const before = await staff.get(`/api/cycles/${h.cycleId}/tracking/summary?asOf=2026-11-01&period=year_end`);
    expect(before.body).toMatchObject({ asOf: '2026-11-01', period: null, averagePercent: 0 });
    expect(before.body.counts).toEqual({ on_track: 4, overdue: 1, completed: 0, paused: 0, cancelled: 0 });

    const publicMid = await new Client(t.app).get(`/api/public/cycles/${h.cycleId}/progress?asOf=2099-06-30`);
    expect(publicMid.body.counts).toEqual(mid.body.counts);
    expect(publicMid.body.averagePercent).toBe(46.3);
  });

  it('follows a candidate from the vote to its progress and its latest certified rating', async () => {
    const [c1, c2, , , , c6] = h.candidateIds as string[];
    const trail = await new Client(t.app).get(`/api/public/candidates/${c1}/trail`);
    expect(trail.status).toBe(200);
    expect(trail.body).toMatchObject({ chosen: true, pollId: votePollId, rating: null, progress: { projectId: P['项目1'], percent: 55, state: 'active' } });
    expect(trail.body.certifiedAt).not.toBeNull();

    const lost = await t.app.services.tracking.projectTrail(c6!);
    expect(lost).toEqual({ chosen: false, pollId: runoffPollId, certifiedAt: expect.any(String), progress: null, rating: null });

    const rating = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '2099年度民生实事项目满意度测评', candidateIds: [c1, c2] });
    expect((await staff.post(`/api/polls/${rating.body.id}/open`, {})).status).toBe(200);
    for (const [i, d] of h.deputies.entries()) {
      await castOk(d.client, rating.body.id, { type: 'rating', marks: { [c1!]: i < 4 ? 'satisfied' : 'basic', [c2!]: i < 3 ? 'basic' : 'unsatisfied' } });
    }
    await staff.post(`/api/polls/${rating.body.id}/close`);
    // Not certified yet: not shown.
    expect((await t.app.services.tracking.projectTrail(c1!)).rating).toBeNull();
    expect((await staff.post(`/api/polls/${rating.body.id}/certify`)).body.status).toBe('certified');

    const rated = await t.app.services.tracking.projectTrail(c1!);
    expect(rated.rating).toMatchObject({ grade: 'satisfied', pollId: rating.body.id, satisfactionRate: 1 });
    const page = await pub(P['项目1']!);
    expect(page.body.rating).toMatchObject({ grade: 'satisfied', satisfied: 4, basic: 2, unsatisfied: 0, abstain: 0 });
    expect((await pub(P['项目2']!)).body.rating).toMatchObject({ grade: 'unsatisfied', basic: 3, unsatisfied: 3 });
    const list = await new Client(t.app).get(`/api/public/cycles/${h.cycleId}/progress`);
    expect(list.body.projects.map((p: { ratingGrade: string | null }) => p.ratingGrade)).toEqual(['satisfied', 'unsatisfied', null, null, null]);
  });

  it('never exposes account or deputy ids on public pages', async () => {
    const anon = new Client(t.app);
    const texts = [JSON.stringify((await anon.get(`/api/public/cycles/${h.cycleId}/progress`)).body)];
    for (const id of Object.values(P)) texts.push(JSON.stringify((await anon.get(`/api/public/projects/${id}`)).body));
    texts.push(JSON.stringify((await anon.get(`/api/public/candidates/${h.candidateIds[0]}/trail`)).body));
    const secrets = [mzId, staffUserId, ...h.deputies.map((d) => d.id)];
    for (const text of texts) {
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toMatch(/reporterId|deputyId|recordedBy|userId|password|phone/);
    }
    // The internal page does carry the monitors' deputy ids, to edit the group.
    expect(JSON.stringify((await staff.get(`/api/tracking/projects/${P['项目1']}`)).body)).toContain(h.deputies[1]!.id);
    expect((await anon.get(`/api/public/projects/${h.candidateIds[0]}`)).status).toBe(404);
  });
});
