// Offline import, export, the vote outcome on the citizen's tracking page, and the reserve
// carried into the next cycle.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { exportTable, toXlsx, type ExportRow } from '../server/src/modules/proposals/proposals-export.ts';
import { adminClient, adoptRules, Client, createTestApp, defaultCycle, key, rosterCsv, userClient, type TestApp } from './helpers/app.ts';

let t: TestApp;
let admin: Client;
let staff: Client;
let presidium: Client;

const DAY = 86_400_000;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function newCycle(over: Record<string, unknown> = {}): Promise<string> {
  const r = await staff.post('/api/cycles', { ...defaultCycle, ...over });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const n = await staff.req('PUT', `/api/cycles/${r.body.id}/collection`, {
    title: '征集公告',
    body: '',
    opensAt: new Date(Date.now() - DAY).toISOString(),
    closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
  });
  expect(n.status).toBe(200);
  return r.body.id;
}

async function citizen(cycleId: string, ip: string, title: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/public/cycles/${cycleId}/proposals`,
    remoteAddress: ip,
    headers: { 'x-piaojue-csrf': '1' },
    payload: { title, content: `${title}，请尽快安排。`, area: '住有所居', proposerName: '赵桂兰', proposerPhone: '13900001111' },
  });
  expect(res.statusCode, res.body).toBe(200);
  const code = JSON.parse(res.body).trackingCode as string;
  const q = await staff.get(`/api/cycles/${cycleId}/proposals?q=${code}`);
  return { code, id: q.body.items[0].id as string };
}

const track = async (code: string) => JSON.parse((await t.app.inject({ method: 'GET', url: `/api/public/proposals/${code}`, remoteAddress: '10.1.9.9' })).body);

beforeAll(async () => {
  t = await createTestApp();
  admin = await adminClient(t);
  staff = await userClient(t, admin, 'clerk', ['staff']);
  presidium = await userClient(t, admin, 'zhuxi', ['presidium']);
});
afterAll(async () => {
  await t?.close();
});

describe('importing proposals gathered offline', () => {
  const header = '标题,内容,理由,领域,区县,地点,估算费用（万元）,姓名,电话,渠道,收到日期';

  it('reports every bad row and imports nothing', async () => {
    const cycleId = await newCycle();
    const csv = [
      header,
      '西湖路路灯不亮,西湖路晚上漆黑一片,夜间出行安全,公共安全,宿城区,西湖路,12,张三,13800000000,热线,2026-07-02',
      ',没有标题的内容,,公共安全,,,,,,热线,',
      '增设公厕,,,航天,,,五十万,,请回电,传真,2026-13-45',
      '"多行内容的建议","第一行\n第二行",,住有所居,,,,,,来信,2099-01-01',
    ].join('\n');
    const r = await staff.post(`/api/cycles/${cycleId}/proposals/import`, { fileName: '热线汇总.csv', contentBase64: b64(csv), channel: 'hotline' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('PROPOSALS_INVALID');
    expect(r.body.error.details.errors.map((e: { row: number; column: string; code: string }) => `${e.row}:${e.column}:${e.code}`)).toEqual([
      '3:title:REQUIRED',
      '4:content:REQUIRED',
      '4:area:UNKNOWN_AREA',
      '4:phone:BAD_PHONE',
      '4:cost:BAD_NUMBER',
      '4:channel:UNKNOWN_CHANNEL',
      '4:received:BAD_DATE',
      '5:received:FUTURE_DATE',
    ]);
    expect(r.body.error.details.errors[0].message).toBe('第 3 行：缺少标题 / Row 3: title is required');
    const missing = await staff.post(`/api/cycles/${cycleId}/proposals/import`, { fileName: 'x.csv', contentBase64: b64('名称,说明\n甲,乙'), channel: 'letter' });
    expect(missing.body.error.details.errors.map((e: { code: string; column: string }) => `${e.column}:${e.code}`)).toEqual(['title:MISSING_COLUMN', 'content:MISSING_COLUMN', 'area:MISSING_COLUMN']);
    const binary = await staff.post(`/api/cycles/${cycleId}/proposals/import`, { fileName: 'x.bin', contentBase64: b64(Buffer.from([0, 1, 2, 3, 0, 255])), channel: 'letter' });
    expect(binary.body.error.code).toBe('BAD_FILE');
    expect((await staff.get(`/api/cycles/${cycleId}/proposals`)).body.total).toBe(0);
  });

  it('imports CSV and XLSX with channels, dates and contacts, and answers with the tracking codes', async () => {
    const cycleId = await newCycle();
    const csv = [
      header,
      '西湖路路灯不亮,西湖路晚上漆黑一片,夜间出行安全,公共安全,宿城区,西湖路,12,张三,13800000000,热线,2026-07-02',
      '"阳光新村加装电梯","阳光新村5号楼没有电梯，\n老人上楼困难",,住有所居,,,,,,来信,2026/7/3',
      '社区助餐点,建议在社区设立老年助餐点,,老有所养,,,,,,,',
    ].join('\r\n');
    const r = await staff.post(`/api/cycles/${cycleId}/proposals/import`, { fileName: '热线汇总.csv', contentBase64: b64(`\ufeff${csv}`), channel: 'deputy' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.imported).toBe(3);
    expect(r.body.proposals.map((p: { row: number }) => p.row)).toEqual([2, 3, 4]);
    const q = await staff.get(`/api/cycles/${cycleId}/proposals?sort=oldest`);
    expect(q.body.items.map((i: { title: string; channel: string; receivedAt: string }) => [i.title, i.channel, i.receivedAt.slice(0, 10)])).toEqual([
      ['西湖路路灯不亮', 'hotline', '2026-07-01'],
      ['阳光新村加装电梯', 'letter', '2026-07-02'],
      ['社区助餐点', 'deputy', new Date().toISOString().slice(0, 10)],
    ]);
    const first = await staff.get(`/api/proposals/${r.body.proposals[0].id}`);
    expect(first.body).toMatchObject({ proposerName: '张三', proposerPhone: '13800000000', costWan: 12, district: '宿城区', createdBy: 'user:clerk' });
    expect(first.body.trackingCode).toBe(r.body.proposals[0].trackingCode);
    expect((await staff.get(`/api/proposals/${r.body.proposals[1].id}`)).body.content).toBe('阳光新村5号楼没有电梯，\n老人上楼困难');
    expect((await track(r.body.proposals[2].trackingCode)).status).toBe('received');

    const row = (title: string): ExportRow => ({
      no: 1,
      tracking_code: 'ABCDEFGHJKMN',
      status: 'received',
      title,
      content: `${title}的具体内容`,
      reason: '',
      area: '交通出行',
      district: '宿豫区',
      location: '',
      cost_wan: null,
      channel: 'letter',
      point_name: null,
      channel_note: '',
      received_at: new Date('2026-07-05T01:30:00Z'),
      candidate_name: null,
      decision_reason: null,
      routed_to: null,
      proposer_name: null,
      proposer_phone: null,
    });
    const xlsx = await toXlsx(exportTable([row('实验小学门口拥堵'), row('公交线路延伸')], false), '来信');
    const x = await staff.post(`/api/cycles/${cycleId}/proposals/import`, { fileName: '来信.xlsx', contentBase64: b64(xlsx), channel: 'letter' });
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    expect(x.body.imported).toBe(2);
    const letters = await staff.get(`/api/cycles/${cycleId}/proposals?channel=letter&area=${encodeURIComponent('交通出行')}`);
    expect(letters.body.items.map((i: { title: string; district: string; receivedAt: string }) => [i.title, i.district, i.receivedAt])).toEqual([
      ['公交线路延伸', '宿豫区', '2026-07-05T01:30:00.000Z'],
      ['实验小学门口拥堵', '宿豫区', '2026-07-05T01:30:00.000Z'],
    ]);
  });
});

describe('exporting the queue', () => {
  it('writes CSV and XLSX with formula-like cells neutralised, contact only when asked, audited', async () => {
    const cycleId = await newCycle();
    await staff.post(`/api/cycles/${cycleId}/proposals`, {
      title: '=HYPERLINK("http://evil.example","点击")',
      content: '+1 建议增设路灯',
      reason: '@SUM(A1)',
      area: '公共安全',
      channel: 'hotline',
      proposerName: '-王五',
      proposerPhone: '13911112222',
    });
    await staff.post(`/api/cycles/${cycleId}/proposals`, { title: '普通建议', content: '社区增设健身器材', area: '文化体育', channel: 'letter' });

    const csv = await staff.get(`/api/cycles/${cycleId}/proposals/export?format=csv`);
    expect(csv.status).toBe(200);
    const text = csv.body as string;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('编号,查询码,状态,标题,内容,理由,领域,区县,地点,估算费用（万元）,渠道,收集点,渠道备注,收到时间,候选项目,处理意见');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(`,"'=HYPERLINK(""http://evil.example"",""点击"")",'+1 建议增设路灯,'@SUM(A1),公共安全,`);
    expect(text).not.toContain('13911112222');

    const withContact = await staff.get(`/api/cycles/${cycleId}/proposals/export?format=csv&contact=true`);
    const contactLines = (withContact.body as string).slice(1).trim().split('\r\n');
    expect(contactLines[0]!.endsWith(',姓名,电话')).toBe(true);
    expect(contactLines[2]!.endsWith(",'-王五,13911112222")).toBe(true);

    const xlsx = await t.app.inject({ method: 'GET', url: `/api/cycles/${cycleId}/proposals/export?format=xlsx&area=${encodeURIComponent('文化体育')}`, headers: { cookie: `pj_session=${staff.cookie}` } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="proposals-2027-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const { rows } = await sql<{ details: { count: number; format: string; contact: boolean } }>`
      select details from audit_log where action = 'proposal.exported' and subject = ${`cycle:${cycleId}`} order by seq`.execute(t.app.services.db);
    expect(rows.map((r) => r.details)).toEqual([
      { count: 2, format: 'csv', contact: false },
      { count: 2, format: 'csv', contact: true },
      { count: 1, format: 'xlsx', contact: false },
    ]);

    // a room of staff exporting at once: every export answered, one entry each, the chain intact
    // (the entry is appended in its own transaction: the chain's lock is a transaction lock)
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => staff.get(`/api/cycles/${cycleId}/proposals/export?format=${i % 2 ? 'csv' : 'xlsx'}`)));
    expect(many.map((r) => r.status)).toEqual(many.map(() => 200));
    const { rows: after } = await sql<{ n: string }>`
      select count(*) as n from audit_log where action = 'proposal.exported' and subject = ${`cycle:${cycleId}`}`.execute(t.app.services.db);
    expect(Number(after[0]!.n)).toBe(3 + 12);
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });
});

describe('after the vote, and into next year', () => {
  it('shows where the candidate went and carries the reserve and the unchosen into the next cycle with their history', async () => {
    const cycleA = await newCycle({ chooseN: 2, maxExtraRatio: 1, name: '2027年度民生实事项目' });
    const p1 = await citizen(cycleA, '10.1.0.1', '幸福花园加装电梯');
    const p2 = await citizen(cycleA, '10.1.0.2', '马陵路路灯不亮');
    const p3 = await citizen(cycleA, '10.1.0.3', '东大街菜市场改造');
    const p4 = await citizen(cycleA, '10.1.0.4', '西湖公园增设公厕');
    const p5 = await citizen(cycleA, '10.1.0.5', '城北新建体育馆');
    const cand: Record<string, string> = {};
    for (const [p, name] of [
      [p1, '既有住宅加装电梯'],
      [p2, '城区路灯补短板'],
      [p3, '农贸市场标准化改造'],
    ] as const) {
      cand[name] = (await staff.post(`/api/cycles/${cycleA}/proposals/merge`, { proposalIds: [p.id], newCandidate: { name, category: '住有所居' } })).body.candidate.id;
    }
    await staff.post(`/api/cycles/${cycleA}/proposals/actions`, { action: 'reserve', proposalIds: [p4.id], reason: '今年资金已安排完毕，列入储备' });
    const early = await staff.post(`/api/cycles/${cycleA}/carry-over`, { proposalIds: [p4.id] });
    expect(early.body.error.code).toBe('NOT_CARRIABLE');
    const frozen = await staff.post(`/api/cycles/${cycleA}/shortlist/freeze`, { organ: 'presidium', decidedOn: '2026-12-01', reference: '镇人大主席团第五次会议' });
    expect(frozen.status, JSON.stringify(frozen.body)).toBe(200);

    // The vote: three deputies approve the lift and the street lights.
    const session = (await staff.post('/api/sessions', { cycleId: cycleA, name: '镇人大第三次会议' })).body.id;
    await staff.post(`/api/sessions/${session}/roster`, { fileName: 'roster.csv', contentBase64: b64(rosterCsv(3)) });
    const codes = (await staff.post(`/api/sessions/${session}/codes`, {})).body as { code: string; deputyId: string }[];
    await staff.post(`/api/sessions/${session}/checkin/open`);
    await adoptRules(staff, session, [codes[0]!.deputyId]);
    const poll = (await staff.post(`/api/sessions/${session}/polls`, {})).body.id;
    const deputies: Client[] = [];
    for (const c of codes) {
      const d = new Client(t.app);
      await d.post('/api/auth/deputy-login', { code: c.code });
      await d.post('/api/deputy/checkin');
      deputies.push(d);
    }
    expect((await staff.post(`/api/polls/${poll}/open`, {})).status).toBe(200);
    for (const d of deputies) {
      const cast = await d.post(`/api/polls/${poll}/ballots`, {
        idempotencyKey: key(),
        ballot: { type: 'approve', marks: { [cand['既有住宅加装电梯']!]: 'for', [cand['城区路灯补短板']!]: 'for', [cand['农贸市场标准化改造']!]: 'against' } },
      });
      expect(cast.status, JSON.stringify(cast.body)).toBe(200);
    }
    await staff.post(`/api/polls/${poll}/close`);
    expect((await track(p1.code)).candidate.outcome).toBeNull();
    expect((await presidium.post(`/api/polls/${poll}/certify`)).body.status).toBe('certified');

    const chosen = await track(p1.code);
    expect(chosen.candidate).toMatchObject({ name: '既有住宅加装电梯', listFrozen: true, listDecision: '镇人大主席团第五次会议（2026-12-01）', outcome: { status: 'chosen', votesFor: 3, rank: 1 } });
    expect(chosen.candidate.outcome.certifiedAt).not.toBeNull();
    expect((await track(p3.code)).candidate.outcome).toMatchObject({ status: 'not_chosen', votesFor: 0, rank: 3 });

    const reserve = await staff.get(`/api/cycles/${cycleA}/reserve`);
    expect(reserve.body.proposals.map((p: { id: string }) => p.id)).toEqual([p4.id]);
    expect(reserve.body.candidates.map((c: { candidate: { name: string }; sourceCount: number; outcome: { status: string } }) => [c.candidate.name, c.sourceCount, c.outcome.status])).toEqual([
      ['农贸市场标准化改造', 1, 'not_chosen'],
    ]);

    const cycleB = await newCycle({ year: 2028, name: '2028年度民生实事项目' });
    const notChosen = cand['农贸市场标准化改造']!;
    for (const [body, code] of [
      [{ candidateIds: [cand['既有住宅加装电梯']] }, 'NOT_CARRIABLE'],
      [{ proposalIds: [p1.id] }, 'NOT_CARRIABLE'],
      [{ proposalIds: [p5.id] }, 'NOT_CARRIABLE'],
      [{}, 'VALIDATION'],
    ] as const) {
      expect((await staff.post(`/api/cycles/${cycleB}/carry-over`, body)).body.error.code, JSON.stringify(body)).toBe(code);
    }
    const carried = await staff.post(`/api/cycles/${cycleB}/carry-over`, { proposalIds: [p4.id], candidateIds: [notChosen] });
    expect(carried.status, JSON.stringify(carried.body)).toBe(200);
    expect(carried.body.created.map((c: { title: string; channel: string; status: string; carried: boolean; cycleId: string }) => [c.title, c.channel, c.status, c.carried, c.cycleId])).toEqual([
      ['西湖公园增设公厕', 'carried', 'received', true, cycleB],
      ['农贸市场标准化改造', 'carried', 'received', true, cycleB],
    ]);
    const again = await staff.post(`/api/cycles/${cycleB}/carry-over`, { proposalIds: [p4.id] });
    expect(again.body.error.code).toBe('ALREADY_CARRIED');
    expect((await staff.get(`/api/cycles/${cycleA}/reserve`)).body).toMatchObject({ proposals: [], candidates: [] });

    // The citizen's old code leads to the new cycle; the history stays on both sides.
    const old = await track(p4.code);
    expect(old.status).toBe('reserved');
    expect(old.decisionReason).toBe('今年资金已安排完毕，列入储备');
    expect(old.carriedTo).toMatchObject({ trackingCode: carried.body.created[0].trackingCode, cycle: { id: cycleB, name: '2028年度民生实事项目', year: 2028 }, status: 'received' });
    expect(old.timeline.map((e: { kind: string; cycleName?: string }) => [e.kind, e.cycleName ?? null])).toEqual([
      ['received', null],
      ['reserved', null],
      ['carried_out', '2028年度民生实事项目'],
    ]);
    const next = await track(carried.body.created[0].trackingCode);
    expect(next.timeline.map((e: { kind: string; cycleName?: string }) => [e.kind, e.cycleName ?? null])).toEqual([
      ['received', null],
      ['carried_in', '2027年度民生实事项目'],
    ]);
    const copy = await staff.get(`/api/proposals/${carried.body.created[0].id}`);
    expect(copy.body).toMatchObject({ proposerName: '赵桂兰', carriedFrom: { proposalId: p4.id, candidateId: null, cycleId: cycleA, title: '西湖公园增设公厕' } });
    expect((await staff.get(`/api/proposals/${p4.id}`)).body.carriedTo.map((c: { proposalId: string }) => c.proposalId)).toEqual([carried.body.created[0].id]);
    const fromCandidate = await staff.get(`/api/proposals/${carried.body.created[1].id}`);
    expect(fromCandidate.body.carriedFrom).toMatchObject({ proposalId: null, candidateId: notChosen, cycleName: '2027年度民生实事项目', title: '农贸市场标准化改造' });
    expect((await track(p3.code)).timeline.at(-1)).toEqual({ at: expect.any(String), kind: 'candidate_carried', cycleName: '2028年度民生实事项目' });
    const stuck = await staff.post(`/api/cycles/${cycleA}/proposals/actions`, { action: 'reopen', proposalIds: [p4.id] });
    expect(stuck.body.error.code).toBe('PROPOSAL_STATE');
  });
});
