import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballotFormColumns, paperFiguresOf, partsAddUp, type BallotBody, type CountSheet, type CreateCycleBody, type PaperPoll } from '@piaojue/shared';
import { extractText, getDocumentProxy } from 'unpdf';
import { adoptRules, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, expectErrorBody, hall, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

/** 表决结果报告单 (docs/PROCEDURE.md §3, "The count sheet"): figures, parts, signatures, the 执行主席, the PDF, who may read it. */
let t: TestApp;
let admin: Client, staff: Client, teller1: Client, teller2: Client, presidium: Client, scrutineerUser: Client, department: Client;
const ids: Record<string, string> = {};

async function userId(c: Client): Promise<string> {
  return (await c.get('/api/auth/me')).body.user.id as string;
}

async function pdfText(buf: Buffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(buf));
  const { text } = await extractText(pdf, { mergePages: true });
  return (text as string).replace(/\s+/g, '');
}

const pdfOf = (c: Client | null, pollId: string) =>
  t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/count-sheet.pdf`, headers: c?.cookie ? { cookie: `pj_session=${c.cookie}` } : {} });

/** A hall whose deputy 0 is the 总监票人 and deputy 1 a 监票人, with tellers 1 and 2 as its 计票人. */
async function countedHall(opts: { deputies?: number; cycle?: Partial<CreateCycleBody> } = {}): Promise<Hall> {
  const h = await hall(t, staff, { deputies: opts.deputies ?? 8, candidates: 5, adopt: false, ...(opts.cycle && { cycle: opts.cycle }) });
  const r = await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, {
    scrutineers: [
      { deputyId: h.deputies[0]!.id, chief: true },
      { deputyId: h.deputies[1]!.id, chief: false },
    ],
    counterIds: [ids.teller1, ids.teller2],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await adoptRules(staff, h.sessionId);
  return h;
}

async function newPoll(h: Hall): Promise<string> {
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  expect((await staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
  return poll.body.id as string;
}

const approve = (h: Hall, ...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'abstain'])) });
const formOf = (h: Hall): PaperPoll => ({ ballotType: 'approve', choose: 3, candidateIds: h.candidateIds, allowAbstain: true });

/** Tablets vote `tablets`; the last `paper.length` deputies vote on paper, entered by both tellers and confirmed by the 总监票人. */
async function mixedPoll(h: Hall, tablets: BallotBody[], paper: BallotBody[]): Promise<{ pollId: string; receipts: string[] }> {
  const pollId = await newPoll(h);
  const onPaper = h.deputies.slice(h.deputies.length - paper.length);
  for (const d of onPaper) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
  const receipts: string[] = [];
  for (const [i, b] of tablets.entries()) receipts.push(await castOk(h.deputies[i]!.client, pollId, b));
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
  // counting: no released result, so no count sheet yet
  const early = await staff.get(`/api/polls/${pollId}/count-sheet`);
  expect(early.status).toBe(409);
  expectErrorBody(early.body, 'COUNT_SHEET_UNAVAILABLE');
  const figures = paperFiguresOf(formOf(h), paper, { issued: paper.length });
  for (const teller of [teller1, teller2]) expect((await teller.post(`/api/polls/${pollId}/paper/entries`, { figures })).status).toBe(200);
  const chief = h.deputies[0]!.client;
  const review = await chief.get(`/api/polls/${pollId}/paper/review`);
  expect((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: review.body.reconciled.figuresHash })).status).toBe(200);
  return { pollId, receipts };
}

/** What every count sheet must satisfy against its poll's result. */
function expectConsistent(sheet: CountSheet, poll: { result: { rows: { candidateId: string; for: number; status: string; rank: number }[]; chosen: string[]; record: object } }) {
  const r = sheet.record;
  expect(r.valid + r.invalid).toBe(r.returned);
  expect(r.returned).toBeLessThanOrEqual(r.issued);
  expect(r).toEqual(poll.result.record);
  for (const row of sheet.rows) {
    if (sheet.rules.ballotType === 'approve') expect(row.for + row.against + row.abstain).toBe(r.valid);
    const res = poll.result.rows.find((x) => x.candidateId === row.candidateId)!;
    expect([row.for, row.status, row.rank]).toEqual([res.for, res.status, res.rank]);
  }
  expect(sheet.rows.filter((x) => x.status === 'chosen').map((x) => x.candidateId)).toEqual(poll.result.chosen);
  expect(sheet.chosenCount).toBe(poll.result.chosen.length);
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  teller1 = await userClient(t, admin, 'jipiao1', ['staff']);
  teller2 = await userClient(t, admin, 'jipiao2', ['staff']);
  presidium = await userClient(t, admin, 'zhuxituan1', ['presidium']);
  scrutineerUser = await userClient(t, admin, 'jianpiao1', ['scrutineer']);
  const dept = await admin.post('/api/users', { username: 'dept', displayName: '市教育局', password: 'a long enough password', roles: ['department'], department: '市教育局' });
  expect(dept.status).toBe(200);
  department = new Client(t.app);
  await department.post('/api/auth/login', { username: 'dept', password: 'a long enough password' });
  [ids.teller1, ids.teller2] = await Promise.all([userId(teller1), userId(teller2)]);
});
afterAll(async () => {
  await t?.close();
});

describe('a tablet-only poll', () => {
  it('adds up, matches the result, names the signatories and the 执行主席; only the counting side reads it before certification', async () => {
    const h = await countedHall({ deputies: 6 });
    const pollId = await newPoll(h);
    const open = await staff.get(`/api/polls/${pollId}/count-sheet`);
    expect(open.status).toBe(409);
    expectErrorBody(open.body, 'COUNT_SHEET_UNAVAILABLE');
    const ballots = [approve(h, 0, 1, 2), approve(h, 0, 1), approve(h, 0, 3), approve(h, 1, 2), approve(h, 0)];
    const receipts: string[] = [];
    for (const [i, b] of ballots.entries()) receipts.push(await castOk(h.deputies[i]!.client, pollId, b));
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;

    const got = await staff.read<CountSheet>(`/api/polls/${pollId}/count-sheet`);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const sheet = got.body as CountSheet;
    expectConsistent(sheet, poll);
    expect(sheet.title).toEqual(['市十届人大三次会议', '2027年度宿迁市民生实事项目票决', '表决结果报告单']);
    expect(sheet.record).toMatchObject({ seated: 6, present: 6, issued: 6, returned: 5, valid: 5, invalid: 0 });
    expect(sheet.parts).toBeNull();
    expect(sheet.rows.every((r) => r.split === null)).toBe(true);
    expect(sheet.provisional).toBe(true);
    // 项目1 has 4 赞成, 项目2 3, 项目3 2 and 项目4 1: the top three of five are chosen
    expect(sheet.rows.map((r) => [r.name, r.for, r.status])).toEqual([
      ['项目1', 4, 'chosen'],
      ['项目2', 3, 'chosen'],
      ['项目3', 2, 'chosen'],
      ['项目4', 1, 'not_chosen'],
      ['项目5', 0, 'not_chosen'],
    ]);
    expect(sheet.chiefScrutineer).toEqual({ name: '代表1', delegation: expect.any(String) });
    expect(sheet.scrutineers.map((s) => s.name)).toEqual(['代表2']);
    expect(sheet.counters).toEqual(['jipiao1', 'jipiao2']);
    expect(sheet.presidingChair).toBe('');
    expect(sheet.countedAt).toBe(sheet.closedAt);
    expect(sheet.ruleText.join('')).toContain('前3个项目入选');
    expect(sheet.ruleText.join('')).toContain('本次表决未出现此种情形');
    expect(sheet.ruleText.join('')).toContain('入选项目3个：项目1、项目2、项目3。');
    // nothing of a deputy's ballot: no deputy id, no receipt
    const wire = JSON.stringify(sheet);
    for (const d of h.deputies) expect(wire).not.toContain(d.id);
    for (const rc of receipts) expect(wire).not.toContain(rc);

    // a provisional sheet: the counting side reads it, a deputy, a department and the public do not
    for (const c of [presidium, scrutineerUser, teller1]) expect((await c.get(`/api/polls/${pollId}/count-sheet`)).status).toBe(200);
    for (const [c, status] of [[h.deputies[0]!.client, 403], [h.deputies[3]!.client, 403], [department, 403], [new Client(t.app), 401]] as const) {
      const r = await c.get(`/api/polls/${pollId}/count-sheet`);
      expect(r.status).toBe(status);
      expect((await pdfOf(c, pollId)).statusCode).toBe(status);
    }

    // the 执行主席: staff enter it, trimmed; bad names are refused with a stable code and change nothing
    const before = await snapshot(t.url);
    for (const [name, code] of [
      ['   ', 'PRESIDING_CHAIR_NAME'],
      ['', 'PRESIDING_CHAIR_NAME'],
      ['张\n三', 'PRESIDING_CHAIR_NAME'],
      ['张'.repeat(51), 'PRESIDING_CHAIR_NAME'],
      ['张'.repeat(201), 'VALIDATION'],
    ] as const) {
      const r = await staff.req('PUT', `/api/polls/${pollId}/presiding-chair`, { name });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expectErrorBody(r.body, code);
    }
    expectErrorBody((await staff.req('PUT', `/api/polls/${pollId}/presiding-chair`, {})).body, 'VALIDATION');
    expectErrorBody((await staff.req('PUT', `/api/polls/00000000-0000-4000-8000-000000000000/presiding-chair`, { name: '张三' })).body, 'NOT_FOUND');
    for (const c of [presidium, scrutineerUser, h.deputies[0]!.client]) expect((await c.req('PUT', `/api/polls/${pollId}/presiding-chair`, { name: '李四' })).status).toBe(403);
    expect(await snapshot(t.url)).toEqual(before);
    const set = await staff.req('PUT', `/api/polls/${pollId}/presiding-chair`, { name: '  王五  ' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.name).toBe('王五');
    expect((await staff.req('PUT', `/api/polls/${pollId}/presiding-chair`, { name: '张三' })).body.name).toBe('张三');
    const audit = await withPg(t.url, (c) => c.query(`select actor, details from audit_log where action = 'poll.presiding_chair_set' and subject = $1 order by seq`, [`poll:${pollId}`]));
    expect(audit.rows.map((r) => [r.actor, r.details.name, r.details.previous])).toEqual([
      ['user:staff1', '王五', null],
      ['user:staff1', '张三', '王五'],
    ]);
    expect((await staff.get(`/api/polls/${pollId}/count-sheet`)).body.presidingChair).toBe('张三');

    // the PDF: title, figures, the rule applied and every signature line
    const pdf = await pdfOf(staff, pollId);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    for (const s of ['表决结果报告单', '应到代表6名，实到代表6名', '表决票6550', '1项目1401入选', '2项目2302入选', '4项目4104未入选', '前3个项目入选', '总监票人代表1签名', '监票人代表2签名', '计票人jipiao1签名', '计票人jipiao2签名', '执行主席张三签名']) {
      expect(text).toContain(s);
    }
    expect(text).toContain('待主席团确认');
    expect((await getDocumentProxy(new Uint8Array(pdf.rawPayload))).numPages).toBe(1);

    // certified: public like the 公告, and no longer provisional
    expect((await staff.post(`/api/polls/${pollId}/certify`)).body.status).toBe('certified');
    const pub = await new Client(t.app).read<CountSheet>(`/api/polls/${pollId}/count-sheet`);
    expect(pub.status).toBe(200);
    expect((pub.body as CountSheet).provisional).toBe(false);
    expect(await pdfText((await pdfOf(null, pollId)).rawPayload)).toContain('已经主席团确认');
  });

  it('a cancelled poll has no count sheet and takes no 执行主席', async () => {
    const h = await countedHall({ deputies: 4 });
    const pollId = await newPoll(h);
    expect((await staff.post(`/api/polls/${pollId}/cancel`, { reason: '设备故障' })).status).toBe(200);
    expectErrorBody((await staff.get(`/api/polls/${pollId}/count-sheet`)).body, 'COUNT_SHEET_UNAVAILABLE');
    expectErrorBody((await staff.req('PUT', `/api/polls/${pollId}/presiding-chair`, { name: '张三' })).body, 'POLL_STATE');
  });
});

describe('a tie the 主席团 decided', () => {
  it('keeps the count as counted and names the decision beside it, once it is in effect', async () => {
    const h = await countedHall({ deputies: 6, cycle: { chooseN: 2, tieRule: 'presidium', certifyK: 2 } });
    const pollId = await newPoll(h);
    // 项目1 4 赞成 → 入选; 项目2 and 项目3 2 each → tied for the one place left.
    const ballots = [approve(h, 0, 1), approve(h, 0, 2), approve(h, 0, 1), approve(h, 0, 2), approve(h, 3)];
    for (const [i, b] of ballots.entries()) await castOk(h.deputies[i]!.client, pollId, b);
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
    for (const d of h.deputies.slice(0, 2)) expect((await d.client.post(`/api/polls/${pollId}/confirm`)).status).toBe(200);
    const sheetOf = async () => (await staff.read<CountSheet>(`/api/polls/${pollId}/count-sheet`)).body as CountSheet;
    const counted = await sheetOf();
    expect(counted.tie).toEqual({ names: ['项目2', '项目3'], places: 1, resolution: 'presidium' });
    expect(counted.tieDecision).toBeNull();
    expect(counted.rows.map((r) => [r.name, r.status, r.decided])).toEqual([
      ['项目1', 'chosen', null],
      ['项目2', 'tied', null],
      ['项目3', 'tied', null],
      ['项目4', 'not_chosen', null],
      ['项目5', 'not_chosen', null],
    ]);
    expect(counted.ruleText).toHaveLength(4);
    expect(counted.ruleText[3]).toBe('入选项目1个：项目1；待定名额1个。');

    // Recorded by one member: awaiting the second signature, it changes nothing on the sheet.
    const decision = { kind: 'tie', meeting: '主席团第三次会议', decidedOn: '2027-01-15', signerIds: [await userId(presidium), await userId(staff)], chosen: [h.candidateIds[2]] };
    const recorded = await presidium.post(`/api/polls/${pollId}/presidium-decisions`, decision);
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(await sheetOf()).toEqual(counted);
    const d = recorded.body.certification.pending[0].id as string;
    expect((await staff.post(`/api/polls/${pollId}/presidium-decisions/${d}/signatures`, { answer: 'sign' })).status).toBe(200);

    const sheet = await sheetOf();
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    // The count as counted: still 票数相同, still one chosen by the count.
    expectConsistent(sheet, poll);
    expect(sheet.tie).toEqual(counted.tie);
    expect(sheet.chosenCount).toBe(1);
    expect(sheet.rows.map((r) => [r.name, r.for, r.status, r.decided])).toEqual([
      ['项目1', 4, 'chosen', null],
      ['项目2', 2, 'tied', 'not_chosen'],
      ['项目3', 2, 'tied', 'chosen'],
      ['项目4', 1, 'not_chosen', null],
      ['项目5', 0, 'not_chosen', null],
    ]);
    expect(sheet.tieDecision).toEqual({ meeting: '大会主席团第三次会议', decidedOn: '2027-01-15', chosen: ['项目3'], signers: ['zhuxituan1', 'staff1'] });
    expect(sheet.ruleText.slice(0, 4)).toEqual(counted.ruleText);
    expect(sheet.ruleText[4]).toBe('主席团决定：项目2、项目3得票相同，经大会主席团第三次会议（2027年1月15日）决定，项目3入选；入选项目共2个：项目1、项目3。');
    const pdf = await pdfText((await pdfOf(staff, pollId)).rawPayload);
    expect(pdf).toContain('主席团决定入选');
    expect(pdf).toContain('经大会主席团第三次会议（2027年1月15日）决定，项目3入选');
  });
});

describe('a mixed poll: two deputies on paper', () => {
  it('shows both parts, which add up to the total, per project too; 入选 as the combined result', async () => {
    const h = await countedHall();
    const { pollId, receipts } = await mixedPoll(h, [approve(h, 0, 1, 2), approve(h, 0, 1), approve(h, 0, 3), approve(h, 1, 2), approve(h, 0), approve(h)], [approve(h, 2, 3, 4), approve(h, 3, 4)]);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    const sheet = (await staff.read<CountSheet>(`/api/polls/${pollId}/count-sheet`)).body as CountSheet;
    expectConsistent(sheet, poll);
    expect(sheet.parts).not.toBeNull();
    expect(sheet.parts!.electronic).toMatchObject({ issued: 6, returned: 6, valid: 6, invalid: 0 });
    expect(sheet.parts!.paper).toMatchObject({ issued: 2, returned: 2, valid: 2, invalid: 0 });
    expect(partsAddUp(sheet.record, sheet.parts!.electronic, sheet.parts!.paper)).toBe(true);
    for (const row of sheet.rows) {
      expect(row.split).not.toBeNull();
      for (const c of ballotFormColumns('approve')) expect(row.split!.electronic[c.key]! + row.split!.paper[c.key]!).toBe(row[c.key]);
    }
    // 项目1 leads with 4; 项目2, 项目3 and 项目4 tie at 3 for the 2 places left: a run-off
    expect(sheet.tie).toEqual({ names: ['项目2', '项目3', '项目4'], places: 2, resolution: 'runoff' });
    expect(sheet.ruleText.join('')).toContain('项目2、项目3、项目4得票相等，争2个名额');
    const p5 = sheet.rows.find((r) => r.name === '项目5')!;
    expect([p5.for, p5.split!.electronic.for, p5.split!.paper.for]).toEqual([2, 0, 2]);
    // the count is complete when the 总监票人 confirms the paper figures
    expect(Date.parse(sheet.countedAt!)).toBeGreaterThanOrEqual(Date.parse(sheet.closedAt!));
    expect(sheet.countedAt).not.toBe(sheet.closedAt);
    const wire = JSON.stringify(sheet);
    for (const d of h.deputies) expect(wire).not.toContain(d.id);
    for (const rc of receipts) expect(wire).not.toContain(rc);

    const text = await pdfText((await pdfOf(staff, pollId)).rawPayload);
    for (const s of ['电子表决6660', '纸质表决票2220', '合计8880', '应到代表8名，实到代表8名', '项目5', '电子表决（赞成/反对/弃权）', '纸质表决票（赞成/反对/弃权）', '5项目52060/0/62/0/0未入选', '总监票人代表1签名', '计票人jipiao2签名', '执行主席']) expect(text).toContain(s);
  });

  it('with fewer paper ballots than the minimum there is no count, so no count sheet', async () => {
    // two paper ballots under a minimum of 3 (docs/PROCEDURE.md §3, "Minimum ballots"): the close is refused
    const h = await countedHall({ cycle: { minBallots: 3 } });
    const pollId = await newPoll(h);
    for (const d of h.deputies.slice(6)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
    for (const d of h.deputies.slice(0, 6)) await castOk(d.client, pollId, approve(h, 0));
    expectErrorBody((await staff.post(`/api/polls/${pollId}/close`)).body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
    expectErrorBody((await staff.get(`/api/polls/${pollId}/count-sheet`)).body, 'COUNT_SHEET_UNAVAILABLE');
    expect((await pdfOf(staff, pollId)).statusCode).not.toBe(200);
  });
});
