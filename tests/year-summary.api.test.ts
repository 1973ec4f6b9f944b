import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, fixList, hall, openPoll, staffPair, type Hall } from './helpers/world.ts';

// 代表小组 supervision with the units' replies, and the year summary checked against figures
// computed by hand (docs/PROCEDURE.md §4).
let t: TestApp;
let admin: Client, staff: Client, presidium: Client;
let h: Hall;
const P: string[] = [];

async function deptUser(username: string, department: string): Promise<Client> {
  const password = 'a long enough password';
  const made = await admin.post('/api/users', { username, displayName: `${department}填报员`, password, roles: ['department'], department });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const c = new Client(t.app);
  expect((await c.post('/api/auth/login', { username, password })).status).toBe(200);
  return c;
}

async function proposal(channel: string, area: string, district: string | undefined, title: string): Promise<string> {
  const r = await staff.post(`/api/cycles/${h.cycleId}/proposals`, { title, content: `${title}的具体内容`, area, channel, ...(district ? { district } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  presidium = await userClient(t, admin, 'presidium1', ['presidium']);
  h = await hall(t, staff, { candidates: 4, deputies: 5, freeze: false, cycle: { chooseN: 3, year: 2099, name: '2099年度民生实事项目' } });
  const [c1, , , c4] = h.candidateIds as [string, string, string, string];
  // seven proposals: two merged into a candidate that will be chosen, one into one that will not,
  // one reserved, one routed, one not adopted, one still open
  const p = [
    await proposal('hotline', '老有所养', '宿城区', '增设社区助餐点'),
    await proposal('letter', '老有所养', '宿城区', '老年食堂进社区'),
    await proposal('deputy', '学有所教', '宿豫区', '扩建城北小学'),
    await proposal('hotline', '交通出行', '沭阳县', '县城公交加密'),
    await proposal('letter', '交通出行', '宿豫区', '镇村公交站台改造'),
    await proposal('hotline', '生态环境', '宿城区', '取缔广场舞噪音'),
    await proposal('deputy', '生态环境', undefined, '河道清淤'),
  ];
  for (const [ids, candidateId] of [
    [[p[0], p[1]], c1],
    [[p[2]], c4],
  ] as const) {
    const m = await staff.post(`/api/cycles/${h.cycleId}/proposals/merge`, { proposalIds: ids, candidateId });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
  }
  for (const body of [
    { action: 'reserve', proposalIds: [p[3]], reason: '列入储备' },
    { action: 'route', proposalIds: [p[4]], routedTo: '宿豫区人大' },
    { action: 'reject', proposalIds: [p[5]], reason: '不属于民生实事项目' },
  ]) {
    const r = await staff.post(`/api/cycles/${h.cycleId}/proposals/actions`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  expect((await fixList(staff, h.cycleId)).status).toBe(200);
  await adoptRules(staff, h.sessionId, [h.deputies[0]!.id]);
  const vote = await openPoll(staff, h.sessionId);
  const [, c2, c3] = h.candidateIds as [string, string, string];
  for (const d of h.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [c1]: 'for', [c2]: 'for', [c3]: 'for', [c4]: 'against' } });
  await staff.post(`/api/polls/${vote}/close`);
  expect((await staff.post(`/api/polls/${vote}/certify`)).body.status).toBe('certified');
  const init = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
  for (const pr of init.body.projects as { id: string }[]) P.push(pr.id);
  expect(P).toHaveLength(3);
});
afterAll(async () => {
  await t?.close();
});

describe('代表小组 supervision', () => {
  let mz: Client, jy: Client;
  let opinions: { id: string; department: string }[];

  it('records 视察/调研/专题询问 with deputies of other levels and the opinions raised', async () => {
    const bad = await staff.post(`/api/cycles/${h.cycleId}/supervision`, { kind: 'inspection', heldOn: '2099-05-10', title: '视察', participants: [] });
    expect(bad.status).toBe(400);
    const elsewhere = await staff.post(`/api/cycles/${h.cycleId}/supervision`, { kind: 'inspection', heldOn: '2099-05-10', title: '视察', participants: [{ name: '张三', level: 'city' }], projectId: h.sessionId });
    expect(elsewhere.body.error.code).toBe('VALIDATION');
    expect((await presidium.post(`/api/cycles/${h.cycleId}/supervision`, { kind: 'inspection', heldOn: '2099-05-10', title: 'x', participants: [{ name: '张三', level: 'city' }] })).status).toBe(403);

    const a1 = await staff.post(`/api/cycles/${h.cycleId}/supervision`, {
      kind: 'inspection',
      heldOn: '2099-05-10',
      title: '视察社区助餐点建设',
      projectId: P[0],
      participants: [
        { name: '张三', level: 'city', note: '宿城区代表团' },
        { name: '李四', level: 'province' },
        { name: '王五', level: 'township', note: '某镇人大代表' },
      ],
      findings: '部分助餐点选址偏远',
      opinions: [
        { body: '调整两处助餐点选址', department: '市民政局' },
        { body: '延长供餐时间', department: '市民政局' },
      ],
    });
    expect(a1.status, JSON.stringify(a1.body)).toBe(200);
    expect(a1.body).toMatchObject({ kind: 'inspection', projectName: '项目1', participants: [{ level: 'city' }, { level: 'province' }, { level: 'township' }] });
    const a2 = await staff.post(`/api/cycles/${h.cycleId}/supervision`, { kind: 'research', heldOn: '2099-06-02', title: '调研学校扩建', participants: [{ name: '赵六', level: 'county' }], opinions: [{ body: '加快施工进度', department: '市教育局' }] });
    const a3 = await staff.post(`/api/cycles/${h.cycleId}/supervision`, { kind: 'inquiry', heldOn: '2099-09-01', title: '专题询问民生实事项目推进情况', participants: [{ name: '张三', level: 'city' }, { name: '孙七', level: 'national' }] });
    expect([a2.status, a3.status]).toEqual([200, 200]);
    opinions = [...a1.body.opinions, ...a2.body.opinions];
    expect(opinions.map((o) => o.department)).toEqual(['市民政局', '市民政局', '市教育局']);
  });

  it('takes each unit’s reply to its own opinions only, and rolls the counts up', async () => {
    mz = await deptUser('minzheng', '市民政局');
    jy = await deptUser('jiaoyu', '市教育局');
    const mine = await mz.get('/api/supervision/opinions/mine');
    expect(mine.body.opinions.map((o: { opinion: { body: string } }) => o.opinion.body)).toEqual(['调整两处助餐点选址', '延长供餐时间']);
    const wrong = await jy.post(`/api/supervision/opinions/${opinions[0]!.id}/reply`, { reply: '已办', status: 'done' });
    expect(wrong.status).toBe(403);
    const done = await mz.post(`/api/supervision/opinions/${opinions[0]!.id}/reply`, { reply: '两处助餐点已迁至小区内', status: 'done' });
    expect(done.body).toMatchObject({ status: 'done', reply: '两处助餐点已迁至小区内' });
    expect(done.body.repliedAt).toBeTruthy();
    const replied = await jy.post(`/api/supervision/opinions/${opinions[2]!.id}/reply`, { reply: '已增加施工班组', status: 'replied' });
    expect(replied.body.status).toBe('replied');
    expect((await mz.post(`/api/supervision/opinions/${opinions[1]!.id}/reply`, { reply: '', status: 'done' })).status).toBe(400);

    const all = await presidium.get(`/api/cycles/${h.cycleId}/supervision`);
    expect(all.status).toBe(200);
    expect(all.body.counts).toEqual({ activities: 3, byKind: { inspection: 1, research: 1, inquiry: 1 }, participants: 6, opinions: 3, replied: 2, done: 1 });
    expect((await mz.get(`/api/cycles/${h.cycleId}/supervision`)).status).toBe(403);
  });
});

describe('year summary', () => {
  it('reports planned vs completed investment, completion and report dues as computed by hand', async () => {
    const plans = [
      { department: '市民政局', fundingWan: 12000, invested: [5000, 11800] },
      { department: '市教育局', fundingWan: 8000, invested: [8000] },
      { department: '市交通局', fundingWan: 4100, invested: [] as number[] },
    ];
    for (const [i, pl] of plans.entries()) {
      const put = await staff.req('PUT', `/api/tracking/projects/${P[i]}/plan`, { department: pl.department, targets: '按期建成', fundingWan: pl.fundingWan, fundingSource: '市级财政', measures: '专班推进', deadline: '2099-12-31' });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      expect((await staff.post(`/api/tracking/projects/${P[i]}/plan/publish`)).status).toBe(200);
      for (const [k, inv] of pl.invested.entries()) {
        const r = await staff.post(`/api/tracking/projects/${P[i]}/reports`, { percent: 50 + k * 50, text: '按计划推进', investedWan: inv });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.investedWan).toBe(inv);
      }
    }
    expect((await staff.req('PUT', `/api/tracking/projects/${P[0]}/completion`, { completion: 'completed' })).status).toBe(200);
    expect((await staff.req('PUT', `/api/tracking/projects/${P[1]}/completion`, { completion: 'basic', note: '个别学位延至次年' })).status).toBe(200);
    expect((await staff.req('PUT', `/api/tracking/projects/${P[1]}/completion`, { completion: 'finished' })).status).toBe(400);

    const s = await presidium.get(`/api/cycles/${h.cycleId}/year-summary?asOf=2099-12-31`);
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    // planned 12000 + 8000 + 4100 = 24100 万元 = 2.41亿元; completed 11800 + 8000 = 19800 万元 = 1.98亿元;
    // 19800 / 24100 = 0.8216 → 82.2%
    expect(s.body.investment.plannedWan).toBe(24100);
    expect(s.body.investment.investedWan).toBe(19800);
    expect(s.body.investment.ratio).toBeCloseTo(0.8216, 4);
    expect(s.body.paragraphs[0]).toBe('2099年度民生实事项目共3个项目，计划投资2.41亿元，完成投资1.98亿元，占年度计划的82.2%。');
    expect(s.body.completion).toEqual({ completed: 1, basic: 1, not_completed: 0, unassessed: 1 });
    expect(s.body.paragraphs[1]).toBe('对照目标任务，完成1个，基本完成1个，未完成0个，尚未评估1个。');
    expect(s.body.projects.map((p: { investedWan: number | null; completion: string | null }) => [p.investedWan, p.completion])).toEqual([
      [11800, 'completed'],
      [8000, 'basic'],
      [null, null],
    ]);
    // Published today, long before 2099: every quarter of 2099 is due; on 12-31 the first
    // three have passed with no report in them (the reports were made today), the fourth is today.
    expect(s.body.projects[0].reports.map((r: { dueDate: string; overdue: boolean }) => [r.dueDate, r.overdue])).toEqual([
      ['2099-03-31', true],
      ['2099-06-30', true],
      ['2099-09-30', true],
      ['2099-12-31', false],
    ]);
    expect(s.body.projects.map((p: { overdueReports: number }) => p.overdueReports)).toEqual([3, 3, 3]);

    // half-yearly reporting for the third project: 6-30 passed unanswered, 12-31 is today
    const before = (await staff.get(`/api/tracking/projects/${P[2]}/report-cadence`)).body;
    expect(before.everyMonths).toBe(3);
    expect(before.reports.map((r: { dueDate: string }) => r.dueDate)).toEqual(['2099-03-31', '2099-06-30', '2099-09-30', '2099-12-31']);
    const set = await staff.req('PUT', `/api/tracking/projects/${P[2]}/report-cadence`, { everyMonths: 6 });
    expect(set.status).toBe(200);
    // as of today (long before 2099) nothing is overdue yet
    expect(set.body).toEqual({
      everyMonths: 6,
      reports: [
        { dueDate: '2099-06-30', reportedOn: null, overdue: false },
        { dueDate: '2099-12-31', reportedOn: null, overdue: false },
      ],
    });
    expect((await staff.req('PUT', `/api/tracking/projects/${P[2]}/report-cadence`, { everyMonths: 5 })).status).toBe(400);
    // a unit reads its own project's cadence, not another unit's, and changes neither
    const mz = await deptUser('mzcadence', '市民政局');
    expect((await mz.get(`/api/tracking/projects/${P[0]}/report-cadence`)).body.everyMonths).toBe(3);
    const other = await mz.get(`/api/tracking/projects/${P[2]}/report-cadence`);
    expect([other.status, other.body.error.code]).toEqual([403, 'DEPARTMENT_MISMATCH']);
    expect((await mz.req('PUT', `/api/tracking/projects/${P[0]}/report-cadence`, { everyMonths: 1 })).status).toBe(403);
    const half = (await presidium.get(`/api/cycles/${h.cycleId}/year-summary?asOf=2099-12-31`)).body.projects[2];
    expect(half.reports.map((r: { dueDate: string; overdue: boolean }) => [r.dueDate, r.overdue])).toEqual([
      ['2099-06-30', true],
      ['2099-12-31', false],
    ]);
  });

  it('counts proposals by channel, area, district and outcome, and supervision', async () => {
    const s = (await staff.get(`/api/cycles/${h.cycleId}/year-summary?asOf=2099-12-31`)).body;
    expect(s.proposals.total).toBe(7);
    expect(s.proposals.merged).toBe(3);
    expect(s.proposals.byOutcome).toEqual({ chosen: 2, not_chosen: 1, reserved: 1, routed: 1, rejected: 1, pending: 1 });
    expect(s.proposals.byChannel).toEqual([
      { key: 'hotline', count: 3 },
      { key: 'deputy', count: 2 },
      { key: 'letter', count: 2 },
    ]);
    expect(Object.fromEntries(s.proposals.byArea.map((x: { key: string; count: number }) => [x.key, x.count]))).toEqual({ 老有所养: 2, 交通出行: 2, 生态环境: 2, 学有所教: 1 });
    expect(Object.fromEntries(s.proposals.byDistrict.map((x: { key: string; count: number }) => [x.key, x.count]))).toEqual({ 宿城区: 3, 宿豫区: 2, 沭阳县: 1, '—': 1 });
    expect(s.paragraphs[3]).toBe('代表小组开展监督活动3次（视察1次、调研1次、专题询问1次），参加代表6人次，提出意见建议3条，已答复2条，已办结1条。');
    expect(s.paragraphs.at(-1)).toBe('以上情况报人大常委会。');
  });

  it('exports the same figures as XLSX, to staff and presidium only', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/cycles/${h.cycleId}/year-summary.xlsx?asOf=2099-12-31`, headers: { cookie: `pj_session=${presidium.cookie}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const projects = wb.getWorksheet('项目完成情况')!;
    const total = projects.getRow(5).values as unknown[];
    expect(total.slice(1, 7)).toEqual(['合计', '', '', 24100, 19800, '82.2%']);
    expect((projects.getRow(2).values as unknown[]).slice(1, 9)).toEqual([1, '项目1', '市民政局', 12000, 11800, '98.3%', '100%', '完成']);
    expect(wb.getWorksheet('建议办理结果')!.getRow(8).values).toEqual([undefined, '合计', 7]);
    expect(wb.getWorksheet('代表监督')!.getRow(7).values).toEqual([undefined, '意见建议（条）', 3]);
    expect((await t.app.inject({ method: 'GET', url: `/api/cycles/${h.cycleId}/year-summary.xlsx` })).statusCode).toBe(401);
  });
});
