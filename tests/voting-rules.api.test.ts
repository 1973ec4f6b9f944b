import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, createTestApp, rosterCsv, userClient, type Client, type TestApp } from './helpers/app.ts';
import { expectErrorBody, hall, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

/** The 票决办法: drafted from the cycle's settings, amended with a history, adopted once (docs/PROCEDURE.md §3). */
let t: TestApp;
let staff: Client, presidium: Client;

const names = (h: Hall, ids: number[]) => ({ scrutineers: ids.map((i, n) => ({ deputyId: h.deputies[i]!.id, chief: n === 0 })), counterIds: [] });
const adoptBody = (version: number, extra: Record<string, unknown> = {}) => ({ version, body: '市十届人大三次会议', meeting: '第二次全体会议', adoptedOn: '2027-01-10', ...extra });

beforeAll(async () => {
  t = await createTestApp();
  const pair = await staffPair(t);
  staff = pair.staff;
  presidium = await userClient(t, pair.admin, 'zhuxi', ['presidium']);
});
afterAll(async () => {
  await t?.close();
});

describe('the draft', () => {
  it('is written from the cycle’s settings and the 监票人 list', async () => {
    const h = await hall(t, staff, {
      candidates: 6,
      deputies: 6,
      adopt: false,
      cycle: { chooseN: 5, ballotType: 'rank', passThreshold: 'seated_majority', quorumRule: 'two_thirds', tieRule: 'presidium', minBallots: 3, certifyK: 2, scrutineerConfirmations: null },
    });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, names(h, [2, 0]))).status).toBe(200);
    const r = await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe('draft');
    const doc = r.body.versions[0].document;
    expect(doc.title).toBe('市十届人大三次会议民生实事项目票决办法');
    const text = doc.articles.join('\n');
    expect(text).toContain('候选项目6个，应选5个，差额1个（差额比例20%）');
    expect(text).toContain('填写序号1至5');
    expect(text).toContain('排在第1位的项目得5分');
    expect(text).toContain('全体代表的三分之二以上');
    expect(text).toContain('投票人数少于3人的');
    expect(text).toContain('所得赞成票须超过全体代表的半数');
    expect(text).toContain('由大会主席团在得票相等的项目中决定入选项目');
    expect(text).toContain('全体在场监票人（不少于2名）');
    expect(text).toContain('主席团2名以上成员签署确认');
    expect(text).toContain('其中总监票人1名（代表3）');
    expect(text).not.toMatch(/当选|选票|冻结/);
    expect(doc.articles[0]).toMatch(/^第一条　/);
    expect(doc.scrutineers).toEqual(['代表3（宿城区代表团）　总监票人', '代表1（宿豫区代表团）']);
  });

  it('amendments before adoption keep the history; only the latest, matching draft can be adopted', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false, cycle: { tieRule: 'runoff' } });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, names(h, [0, 1]))).status).toBe(200);
    const v1 = await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, { note: '主席团第一次会议提出' });
    expect(v1.body.outdated).toBe(false);
    // After the list's freeze the rules can still change: they lock at adoption.
    const changed = await staff.patch(`/api/cycles/${h.cycleId}`, { tieRule: 'vacant', minBallots: 4 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expectErrorBody((await staff.patch(`/api/cycles/${h.cycleId}`, { chooseN: 2 })).body, 'LIST_FROZEN');
    const stale = await staff.get(`/api/sessions/${h.sessionId}/voting-rules`);
    expect(stale.body.outdated).toBe(true);
    const before = await snapshot(t.url);
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/adopt`, adoptBody(1))).body, 'DRAFT_OUTDATED');
    expect(await snapshot(t.url)).toEqual(before);

    const v2 = await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, { note: '各代表团审议后修改：票数相等时名额空缺', provisions: '代表对表决有疑问的，可以向监票人提出。' });
    expect(v2.body.versions.map((v: { version: number; note: string }) => [v.version, v.note])).toEqual([
      [2, '各代表团审议后修改：票数相等时名额空缺'],
      [1, '主席团第一次会议提出'],
    ]);
    expect(v2.body.versions[1].rules.tieRule).toBe('runoff');
    expect(v2.body.versions[0].rules).toMatchObject({ tieRule: 'vacant', minBallots: 4 });
    expect(v2.body.versions[0].document.articles.join('')).toContain('可以向监票人提出');
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/adopt`, adoptBody(1))).body, 'DRAFT_OUTDATED');

    const adopted = await staff.post(`/api/sessions/${h.sessionId}/voting-rules/adopt`, adoptBody(2, { votes: { for: 5, against: 0, abstain: 1 } }));
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    expect(adopted.body.status).toBe('adopted');
    expect(adopted.body.adoption).toMatchObject({ version: 2, body: '市十届人大三次会议', meeting: '第二次全体会议', adoptedOn: '2027-01-10', votes: { for: 5, against: 0, abstain: 1 } });
    expect(adopted.body.adoption.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await presidium.get(`/api/sessions/${h.sessionId}/voting-rules`)).body.adoption.version).toBe(2);
  });
});

describe('adoption', () => {
  it('refuses bad figures and missing pieces, and saves nothing', async () => {
    const open = await hall(t, staff, { deputies: 6, freeze: false });
    const h = await hall(t, staff, { deputies: 6, adopt: false, cycle: { scrutineerConfirmations: null } });
    const before = await snapshot(t.url);
    const adopt = (id: string, body: unknown) => staff.post(`/api/sessions/${id}/voting-rules/adopt`, body);
    expectErrorBody((await adopt(h.sessionId, adoptBody(1))).body, 'NO_DRAFT');
    expect(await snapshot(t.url)).toEqual(before);

    expect((await staff.req('PUT', `/api/sessions/${open.sessionId}/scrutiny`, names(open, [0, 1]))).status).toBe(200);
    expect((await staff.post(`/api/sessions/${open.sessionId}/voting-rules/drafts`, {})).status).toBe(200);
    expectErrorBody((await adopt(open.sessionId, adoptBody(1))).body, 'LIST_NOT_FROZEN');

    // One 监票人 cannot make the default two confirmations.
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, names(h, [0]))).status).toBe(200);
    expect((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, {})).status).toBe(200);
    const middle = await snapshot(t.url);
    expectErrorBody((await adopt(h.sessionId, adoptBody(1))).body, 'SCRUTINEERS_TOO_FEW');
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, names(h, [0, 1]))).status).toBe(200);
    expect((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, {})).status).toBe(200);
    const ready = await snapshot(t.url);
    const bad: [unknown, string][] = [
      [adoptBody(2, { votes: { for: 5, against: 1, abstain: 1 } }), 'VOTES_EXCEED_SEATED'],
      [adoptBody(2, { votes: { for: 3, against: 2, abstain: 1 } }), 'VOTE_NOT_PASSED'],
      [adoptBody(2, { adoptedOn: '2027-13-40' }), 'VALIDATION'],
      [adoptBody(2, { meeting: '' }), 'VALIDATION'],
      [adoptBody(3), 'DRAFT_OUTDATED'],
    ];
    for (const [body, code] of bad) expectErrorBody((await adopt(h.sessionId, body)).body, code);
    expect(await snapshot(t.url)).toEqual(ready);
    expect(middle).not.toEqual(ready);
    // Neither a deputy nor a presidium member records it: staff do.
    expect((await h.deputies[0]!.client.post(`/api/sessions/${h.sessionId}/voting-rules/adopt`, adoptBody(2))).status).toBe(403);
    expect((await presidium.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, {})).status).toBe(403);
    expect((await adopt(h.sessionId, adoptBody(2))).status).toBe(200);
  });

  it('no vote is created before it; after it the rules, the list and the draft are fixed, in the API and in the database', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false });
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/polls`, {})).body, 'RULES_NOT_ADOPTED');
    await adoptRules(staff, h.sessionId, [h.deputies[0]!.id, h.deputies[1]!.id]);
    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    expect(poll.status, JSON.stringify(poll.body)).toBe(200);

    const before = await snapshot(t.url);
    expectErrorBody((await staff.patch(`/api/cycles/${h.cycleId}`, { tieRule: 'vacant' })).body, 'RULES_ADOPTED');
    expectErrorBody((await staff.patch(`/api/cycles/${h.cycleId}`, { scrutineerConfirmations: 5 })).body, 'RULES_ADOPTED');
    expectErrorBody((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, names(h, [2, 3]))).body, 'SCRUTINY_LOCKED');
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/drafts`, {})).body, 'RULES_ADOPTED');
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/voting-rules/adopt`, adoptBody(1))).body, 'RULES_ADOPTED');
    const csv = Buffer.from(rosterCsv(6)).toString('base64');
    expectErrorBody((await staff.post(`/api/sessions/${h.sessionId}/roster`, { fileName: 'r.csv', contentBase64: csv })).body, 'ROSTER_ADOPTED');
    await withPg(t.url, async (c) => {
      await expect(c.query(`update cycles set tie_rule = 'vacant' where id = $1`, [h.cycleId])).rejects.toThrow(/adopted/);
      await expect(c.query(`update voting_rules_adoptions set meeting = '改' where session_id = $1`, [h.sessionId])).rejects.toThrow(/adopted/);
      await expect(c.query(`delete from voting_rules_versions where session_id = $1`, [h.sessionId])).rejects.toThrow(/adopted/);
      await expect(c.query(`delete from session_scrutineers where session_id = $1`, [h.sessionId])).rejects.toThrow(/adopted/);
      await expect(c.query(`insert into session_counters (session_id, user_id, position) select $1, id, 9 from users limit 1`, [h.sessionId])).rejects.toThrow(/adopted/);
    });
    expect(await snapshot(t.url)).toEqual(before);
  });
});
