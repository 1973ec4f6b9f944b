import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, snapshot, staffPair, type Hall } from './helpers/world.ts';

// After the vote (docs/PROCEDURE.md §4–§5): the rating base, 满意率, 整改 and 再次测评.
let t: TestApp;
let admin: Client, staff: Client;
let h: Hall;
let a: string, b: string;
/** Tracked project ids by candidate id. */
const P: Record<string, string> = {};
let membersPoll: string;

async function deptUser(username: string, department: string): Promise<Client> {
  const password = 'a long enough password';
  const made = await admin.post('/api/users', { username, displayName: `${department}填报员`, password, roles: ['department'], department });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const c = new Client(t.app);
  expect((await c.post('/api/auth/login', { username, password })).status).toBe(200);
  return c;
}

/** A rating poll over a and b: 8 of the 10 seated deputies rate, with the marks given. */
async function ratingPoll(body: Record<string, unknown>, marks: [string, string][]): Promise<string> {
  const poll = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '2099年度民生实事项目满意度测评', candidateIds: [a, b], ...body });
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  expect((await staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
  for (const [i, [ma, mb]] of marks.entries()) {
    const ballot: Record<string, string> = {};
    if (ma) ballot[a] = ma;
    if (mb) ballot[b] = mb;
    await castOk(h.deputies[i]!.client, poll.body.id, { type: 'rating', marks: ballot });
  }
  const closed = await staff.post(`/api/polls/${poll.body.id}/close`);
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  return poll.body.id as string;
}

// a: 5 满意 + 3 基本满意; b: 2 满意 + 3 基本满意 + 3 不满意 — 8 rated of 10 seated.
const MARKS: [string, string][] = [
  ['satisfied', 'satisfied'],
  ['satisfied', 'satisfied'],
  ['satisfied', 'basic'],
  ['satisfied', 'basic'],
  ['satisfied', 'basic'],
  ['basic', 'unsatisfied'],
  ['basic', 'unsatisfied'],
  ['basic', 'unsatisfied'],
];

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 3, deputies: 10, cycle: { chooseN: 2, year: 2099, name: '2099年度民生实事项目' } });
  [a, b] = h.candidateIds as [string, string];
  const vote = await openPoll(staff, h.sessionId);
  for (const d of h.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [a]: 'for', [b]: 'for' } });
  await staff.post(`/api/polls/${vote}/close`);
  expect((await staff.post(`/api/polls/${vote}/certify`)).body.status).toBe('certified');
  const init = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
  for (const p of init.body.projects as { id: string; candidateId: string }[]) P[p.candidateId] = p.id;
});
afterAll(async () => {
  await t?.close();
});

describe('the rating base is a setting of the rating poll', () => {
  it('counts 满意 against all members by default: exactly half of the members is not a majority', async () => {
    membersPoll = await ratingPoll({}, MARKS);
    const poll = await staff.get(`/api/polls/${membersPoll}`);
    expect(poll.body).toMatchObject({ ratingBase: 'members', ratingBody: 'deputies', reratingOf: null });
    const rows = poll.body.rating.rows;
    // a: 5 满意 of 10 members is exactly half → not 满意; 满意 + 基本满意 = 8 > 5 → 基本满意.
    expect(rows[0]).toMatchObject({ candidateId: a, satisfied: 5, basic: 3, grade: 'basic', satisfiedRate: 5 / 8, satisfactionRate: 1 });
    // b: 满意 + 基本满意 = 5 of 10, exactly half (含半数) → 不满意, though 5 of 8 raters were content.
    expect(rows[1]).toMatchObject({ candidateId: b, satisfied: 2, basic: 3, unsatisfied: 3, grade: 'unsatisfied', satisfiedRate: 2 / 8, satisfactionRate: 5 / 8 });
    expect(poll.body.rating).toMatchObject({ ratingBase: 'members', ratingBody: 'deputies', record: { seated: 10, valid: 8 } });
  });

  it('counts against those rating when the poll says so: the same ballots grade higher', async () => {
    const id = await ratingPoll({ ratingBase: 'raters' }, MARKS);
    const rows = (await staff.get(`/api/polls/${id}`)).body.rating.rows;
    // a: 5 of 8 raters > half → 满意. b: 5 of 8 > half → 基本满意. The rates do not move.
    expect(rows[0]).toMatchObject({ grade: 'satisfied', satisfiedRate: 5 / 8, satisfactionRate: 1 });
    expect(rows[1]).toMatchObject({ grade: 'basic', satisfiedRate: 2 / 8, satisfactionRate: 5 / 8 });
    expect((await staff.post(`/api/polls/${id}/certify`)).body.status).toBe('certified');
    const ann = (await new Client(t.app).get(`/api/polls/${id}/announcement`)).body;
    expect(ann.paragraphs.join('')).toContain('满意票超过参加测评人数半数的，为测评满意');
    expect(ann.paragraphs.join('')).not.toContain('全体代表半数');
  });

  it('writes the 公告 after the base and the rating body', async () => {
    expect((await staff.post(`/api/polls/${membersPoll}/certify`)).body.status).toBe('certified');
    const ann = (await new Client(t.app).get(`/api/polls/${membersPoll}/announcement`)).body;
    const text = ann.paragraphs.join('');
    expect(ann.title).toBe('市十届人大三次会议主席团公告');
    expect(text).toContain('满意票超过全体代表半数的，为测评满意');
    expect(text).toContain('满意票与基本满意票之和未超过全体代表半数（含半数）的，为测评不满意');
    expect(text).toContain('应到代表10名，实到代表10名');
    // both rates the table gives are defined in the body
    expect(text).toContain('满意票占比为满意票占有效票的比例，满意率为满意票与基本满意票之和占有效票的比例');
    for (const w of ['当选', '选票', '未按']) expect(text).not.toContain(w);
    expect(ann.rating.rows[1]).toMatchObject({ satisfactionRate: 5 / 8, grade: 'unsatisfied' });

    const sc = await ratingPoll({ ratingBody: 'standing_committee' }, MARKS.slice(0, 6));
    expect((await staff.post(`/api/polls/${sc}/certify`)).body.status).toBe('certified');
    const scAnn = (await new Client(t.app).get(`/api/polls/${sc}/announcement`)).body;
    expect(scAnn.title).toBe('人大常委会公告');
    expect(scAnn.paragraphs.join('')).toContain('应到常委会组成人员10名');
    expect(scAnn.paragraphs.join('')).toContain('满意票超过全体组成人员半数的');
    // exported sheets carry both rates
    const csv = await t.app.inject({ method: 'GET', url: `/api/polls/${membersPoll}/export.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('满意率');
    expect(csv.body).toContain('25.00%,62.50%,不满意');
  });

  it('refuses a base or body it does not know, changing nothing', async () => {
    for (const bad of [{ ratingBase: 'present' }, { ratingBody: 'presidium' }, { reratingOf: 'not-a-uuid' }]) {
      const r = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: 'x', candidateIds: [a], ...bad });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
  });
});

describe('整改 after 不满意, and 再次测评', () => {
  let rectId: string;
  let mz: Client, jy: Client;

  const dueOf = async (pollId: string) => {
    const list = await staff.get(`/api/cycles/${h.cycleId}/rectifications`);
    expect(list.status).toBe(200);
    return list.body.due.filter((d: { rating: { pollId: string } }) => d.rating.pollId === pollId).map((d: { projectId: string; rating: { grade: string } }) => [d.projectId, d.rating.grade]);
  };

  it('lists the 不满意 projects as awaiting 整改; 基本满意 ones only where the cycle says so', async () => {
    const list = await staff.get(`/api/cycles/${h.cycleId}/rectifications`);
    expect(list.body.records).toEqual([]);
    expect(list.body.policy).toEqual({ includeBasic: false });
    expect(await dueOf(membersPoll)).toEqual([[P[b], 'unsatisfied']]);
    const basic = { ratingPollId: membersPoll, problems: '覆盖面不足', deadline: '2099-09-30' };
    const refused = await staff.post(`/api/tracking/projects/${P[a]}/rectifications`, basic);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('NOT_RECTIFIABLE');
    expect(refused.body.error.messageZh).toContain('整改设置');

    const before = await snapshot(t.url);
    for (const bad of [{ includeBasic: 'yes' }, {}]) {
      expect((await staff.req('PUT', `/api/cycles/${h.cycleId}/rectification-policy`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await new Client(t.app).req('PUT', `/api/cycles/${h.cycleId}/rectification-policy`, { includeBasic: true })).status).toBe(401);
    expect((await staff.req('PUT', `/api/cycles/${h.sessionId}/rectification-policy`, { includeBasic: true })).status).toBe(404);
    expect(await snapshot(t.url)).toEqual(before);

    const on = await staff.req('PUT', `/api/cycles/${h.cycleId}/rectification-policy`, { includeBasic: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toEqual({ includeBasic: true });
    expect(await dueOf(membersPoll)).toEqual([
      [P[a], 'basic'],
      [P[b], 'unsatisfied'],
    ]);
    const opened = await staff.post(`/api/tracking/projects/${P[a]}/rectifications`, basic);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.rating.grade).toBe('basic');
    // Turned off again: the record stays, and no new 基本满意 one is due.
    expect((await staff.req('PUT', `/api/cycles/${h.cycleId}/rectification-policy`, { includeBasic: false })).body).toEqual({ includeBasic: false });
    const after = await staff.get(`/api/cycles/${h.cycleId}/rectifications`);
    expect(after.body.records.map((r: { projectId: string }) => r.projectId)).toEqual([P[a]]);
    expect(await dueOf(membersPoll)).toEqual([[P[b], 'unsatisfied']]);
  });

  it('opens 整改 only for a poor grade in a certified rating', async () => {
    const body = { ratingPollId: membersPoll, problems: '部分站点未按期建成，群众反映服务时间短', measures: '延长服务时间，三个月内补齐站点', deadline: '2099-09-30' };
    // a project not rated in that poll
    // a was graded 满意 in the raters-base poll: nothing to rectify there
    const ratersPoll = (await staff.get(`/api/cycles/${h.cycleId}/rectifications`)).body.due.find((d: { projectId: string; rating: { pollId: string } }) => d.projectId === P[b] && d.rating.pollId !== membersPoll).rating.pollId;
    const notPoor = await staff.post(`/api/tracking/projects/${P[a]}/rectifications`, { ...body, ratingPollId: ratersPoll });
    expect(notPoor.status).toBe(409);
    expect(notPoor.body.error.code).toBe('NOT_RECTIFIABLE');
    expect((await staff.post(`/api/tracking/projects/${P[b]}/rectifications`, { ...body, ratingPollId: h.sessionId })).status).toBe(404);
    const opened = await staff.post(`/api/tracking/projects/${P[b]}/rectifications`, body);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body).toMatchObject({ state: 'open', department: '市民政局', deadline: '2099-09-30', rating: { pollId: membersPoll, grade: 'unsatisfied' }, reports: [], rerating: null });
    rectId = opened.body.id;
    const again = await staff.post(`/api/tracking/projects/${P[b]}/rectifications`, body);
    expect(again.body.error.code).toBe('RECTIFICATION_EXISTS');
    mz = await deptUser('minzheng', '市民政局');
    jy = await deptUser('jiaoyu', '市教育局');
    expect((await mz.post(`/api/tracking/projects/${P[b]}/rectifications`, body)).status).toBe(403);
  });

  it('takes the responsible unit’s reports, and nobody else’s', async () => {
    const wrong = await jy.post(`/api/rectifications/${rectId}/reports`, { text: '已整改' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('DEPARTMENT_MISMATCH');
    expect((await new Client(t.app).post(`/api/rectifications/${rectId}/reports`, { text: 'x' })).status).toBe(401);
    const r1 = await mz.post(`/api/rectifications/${rectId}/reports`, { text: '已延长服务时间至晚八点' });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body.state).toBe('open');
    const r2 = await mz.post(`/api/rectifications/${rectId}/reports`, { text: '新增站点3个已投入使用，整改完成', done: true });
    expect(r2.body).toMatchObject({ state: 'reported', reports: [{ seq: 1, done: false }, { seq: 2, done: true, department: '市民政局' }] });
  });

  it('re-rates the projects of the first rating, links the 整改, and the public page tells the story', async () => {
    const outside = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '再次测评', candidateIds: [h.candidateIds[2]], reratingOf: membersPoll });
    expect(outside.status).toBe(400);
    const uncertified = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '再次测评', candidateIds: [b], reratingOf: h.sessionId });
    expect(uncertified.status).toBe(404);

    const re = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '整改情况再次测评', candidateIds: [b], reratingOf: membersPoll });
    expect(re.status, JSON.stringify(re.body)).toBe(200);
    expect(re.body.reratingOf).toBe(membersPoll);
    const pending = await new Client(t.app).get(`/api/public/projects/${P[b]}`);
    expect(pending.body.rectifications[0].rerating).toMatchObject({ pollId: re.body.id, certified: false, result: null });

    expect((await staff.post(`/api/polls/${re.body.id}/open`, {})).status).toBe(200);
    for (const d of h.deputies.slice(0, 8)) await castOk(d.client, re.body.id, { type: 'rating', marks: { [b]: 'satisfied' } });
    await staff.post(`/api/polls/${re.body.id}/close`);
    expect((await staff.post(`/api/polls/${re.body.id}/certify`)).body.status).toBe('certified');
    const ann = (await new Client(t.app).get(`/api/polls/${re.body.id}/announcement`)).body;
    expect(ann.paragraphs[0]).toContain('整改后再次测评');

    const page = await new Client(t.app).get(`/api/public/projects/${P[b]}`);
    expect(page.status).toBe(200);
    const story = page.body.rectifications[0];
    expect(story).toMatchObject({
      rating: { pollId: membersPoll, grade: 'unsatisfied', satisfactionRate: 5 / 8 },
      problems: '部分站点未按期建成，群众反映服务时间短',
      state: 'reported',
      reports: [{ text: '已延长服务时间至晚八点' }, { text: '新增站点3个已投入使用，整改完成', done: true }],
      rerating: { pollId: re.body.id, certified: true, result: { grade: 'satisfied', satisfactionRate: 1 } },
    });
    // the project's current rating is the re-rating; the public page carries no account ids
    expect(page.body.rating).toMatchObject({ pollId: re.body.id, grade: 'satisfied' });
    expect(JSON.stringify(page.body)).not.toMatch(/reporter_id|opened_by|minzheng/);
  });
});

describe('township level: no standing committee', () => {
  let town: Hall;
  let townProject: string;

  it('records a township change as decided by the 乡镇人民代表大会, a city one by the 人大常委会', async () => {
    town = await hall(t, staff, { candidates: 3, deputies: 5, cycle: { level: 'township', chooseN: 2, year: 2099, name: '2099年度某镇民生实事项目' } });
    const [x, y] = town.candidateIds as [string, string];
    const vote = await openPoll(staff, town.sessionId);
    for (const d of town.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [x]: 'for', [y]: 'for' } });
    await staff.post(`/api/polls/${vote}/close`);
    expect((await staff.post(`/api/polls/${vote}/certify`)).body.status).toBe('certified');
    const init = await staff.post(`/api/cycles/${town.cycleId}/tracking/init`);
    townProject = init.body.projects[0].id;

    for (const [id, body] of [
      [townProject, '乡镇人民代表大会'],
      [P[a]!, '人大常委会'],
    ] as const) {
      const plan = await staff.req('PUT', `/api/tracking/projects/${id}/plan`, { department: '市民政局', targets: '建成', fundingWan: 100, fundingSource: '财政', measures: '专班', deadline: '2099-12-31' });
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      expect((await staff.post(`/api/tracking/projects/${id}/plan/publish`)).status).toBe(200);
      const missing = await staff.post(`/api/tracking/projects/${id}/changes`, { kind: 'pause', description: '暂缓实施' });
      expect(missing.body.error.code).toBe('DECISION_REQUIRED');
      expect(missing.body.error.messageZh).not.toContain('常委会（主席团）');
      const change = await staff.post(`/api/tracking/projects/${id}/changes`, { kind: 'pause', description: '暂缓实施', decisionRef: '第2号决议', decisionDate: '2020-01-01' });
      expect(change.status, JSON.stringify(change.body)).toBe(200);
      expect(change.body.decidedBy).toBe(body);
      const page = await new Client(t.app).get(`/api/public/projects/${id}`);
      expect(page.body.changes[0].decidedBy).toBe(body);
    }
  });

  it('refuses a standing-committee rating at a township, and takes a deputies’ rating', async () => {
    const [x] = town.candidateIds as [string];
    const sc = await staff.post(`/api/sessions/${town.sessionId}/rating-polls`, { title: '测评', candidateIds: [x], ratingBody: 'standing_committee' });
    expect(sc.status).toBe(400);
    expect(sc.body.error.code).toBe('VALIDATION');
    const ok = await staff.post(`/api/sessions/${town.sessionId}/rating-polls`, { title: '测评', candidateIds: [x] });
    expect(ok.status).toBe(200);
    expect(ok.body.ratingBody).toBe('deputies');
    await staff.post(`/api/polls/${ok.body.id}/cancel`, { reason: 'test' });
  });
});
