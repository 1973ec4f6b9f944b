/**
 * Each ballot type and pass rule through the HTTP API, one full poll per case, with a small
 * explicit set of ballots whose counts were worked out by hand (see the comments).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, key, type Client, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, rowOf, staffPair, withPg } from './helpers/world.ts';

let t: TestApp;
let staff: Client;

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
});
afterAll(async () => {
  await t?.close();
});

const pick = (r: { for: number; against: number; abstain: number; rank: number; status: string }) => ({
  for: r.for,
  against: r.against,
  abstain: r.abstain,
  rank: r.rank,
  status: r.status,
});

async function boxCount(pollId: string): Promise<number> {
  return withPg(t.url, async (c) => Number((await c.query('select count(*) from poll_box where poll_id = $1', [pollId])).rows[0].count));
}

describe('approve (赞成/反对/弃权), threshold none', () => {
  it('counts marks, refuses a ballot with more than N 赞成 without storing anything, issues a ballot on late check-in', async () => {
    // 7 seated, 5 checked in (d0..d4), d5 arrives late, d6 never comes. N = 2.
    const h = await hall(t, staff, { candidates: 4, deputies: 7, present: 5, cycle: { chooseN: 2, ballotType: 'approve', passThreshold: 'none' } });
    const [A, B, C, D] = h.candidateIds as [string, string, string, string];
    const d = h.deputies;
    const pollId = await openPoll(staff, h.sessionId);

    const turnout0 = await staff.get(`/api/polls/${pollId}/turnout`);
    expect(turnout0.body).toMatchObject({ issued: 5, voted: 0 });

    // 1 (d0): A for, B for, C against
    // 2 (d1): A for, C for, B against, D against
    // 3 (d2): B for, D for
    await castOk(d[0]!.client, pollId, { type: 'approve', marks: { [A]: 'for', [B]: 'for', [C]: 'against' } });
    await castOk(d[1]!.client, pollId, { type: 'approve', marks: { [A]: 'for', [C]: 'for', [B]: 'against', [D]: 'against' } });
    await castOk(d[2]!.client, pollId, { type: 'approve', marks: { [B]: 'for', [D]: 'for' } });

    // d3 first sends three 赞成 for two places: refused, and nothing of it is kept.
    const k3 = key();
    const tooMany = await d[3]!.client.post(`/api/polls/${pollId}/ballots`, {
      idempotencyKey: k3,
      ballot: { type: 'approve', marks: { [A]: 'for', [B]: 'for', [C]: 'for' } },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('INVALID_BALLOT');
    expect(tooMany.body.error.messageZh).toMatch(/[\u4e00-\u9fff]/);
    await withPg(t.url, async (c) => {
      const roll = await c.query('select voted, key_hash from poll_roll where poll_id = $1 and deputy_id = $2', [pollId, d[3]!.id]);
      expect(roll.rows).toEqual([{ voted: false, key_hash: null }]);
    });
    expect(await boxCount(pollId)).toBe(3);
    expect((await staff.get(`/api/polls/${pollId}/turnout`)).body).toMatchObject({ issued: 5, voted: 3 });

    // 4 (d3, same key, now valid): A for, B against
    const r4 = await d[3]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k3, ballot: { type: 'approve', marks: { [A]: 'for', [B]: 'against' } } });
    expect(r4.status, JSON.stringify(r4.body)).toBe(200);
    expect(r4.body.duplicate).toBe(false);

    // d5 was not present when the poll opened: no ballot, until a late check-in hands one over.
    const early = await d[5]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } });
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('NOT_ISSUED');
    const late = await d[5]!.client.post('/api/deputy/checkin');
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(late.body.ballot).toEqual({ issued: true, voted: false, paper: false });
    expect((await staff.get(`/api/polls/${pollId}/turnout`)).body).toMatchObject({ issued: 6, voted: 4 });

    // 5 (d5): A for, D against
    await castOk(d[5]!.client, pollId, { type: 'approve', marks: { [A]: 'for', [D]: 'against' } });

    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const res = closed.body.result;
    // A: for 1,2,4,5 = 4; against 0; abstain 3 = 1
    // B: for 1,3 = 2; against 2,4 = 2; abstain 5 = 1
    // C: for 2 = 1; against 1 = 1; abstain 3,4,5 = 3
    // D: for 3 = 1; against 2,5 = 2; abstain 1,4 = 2
    expect(pick(rowOf(res, A))).toEqual({ for: 4, against: 0, abstain: 1, rank: 1, status: 'chosen' });
    expect(pick(rowOf(res, B))).toEqual({ for: 2, against: 2, abstain: 1, rank: 2, status: 'chosen' });
    expect(pick(rowOf(res, C))).toEqual({ for: 1, against: 1, abstain: 3, rank: 3, status: 'not_chosen' });
    expect(pick(rowOf(res, D))).toEqual({ for: 1, against: 2, abstain: 2, rank: 3, status: 'not_chosen' });
    expect(res.rows.map((r: { candidateId: string }) => r.candidateId)).toEqual([A, B, C, D]);
    expect(res.chosen).toEqual([A, B]);
    expect(res.tie).toBeNull();
    expect(res.vacancies).toBe(0);
    expect(res.thresholdVotes).toBeNull();
    // 应到 7, 实到 6 (five at opening + one late), 发出 6, 收回 5, 未投 1 (d4)
    expect(res.record).toEqual({ seated: 7, present: 6, issued: 6, returned: 5, valid: 5, invalid: 0, notVoted: 1, balanced: true });
    expect(await boxCount(pollId)).toBe(5);

    // No tie here: a run-off is refused.
    const runoff = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(runoff.status).toBe(409);
    expect(runoff.body.error.code).toBe('NO_TIE');
  });
});

describe('choose (勾选), threshold seated_majority', () => {
  it('needs more than half of all seated deputies; exactly half does not pass', async () => {
    // 8 seated, 7 present, N = 3; the threshold is 8/2 = 4 votes, to be exceeded.
    // (Half of the present would be 3.5, which 4 would pass: the case tells the two apart.)
    const h = await hall(t, staff, { candidates: 5, deputies: 8, present: 7, cycle: { chooseN: 3, ballotType: 'choose', passThreshold: 'seated_majority' } });
    const [A, B, C, D, E] = h.candidateIds as [string, string, string, string, string];
    const pollId = await openPoll(staff, h.sessionId);
    const ballots = [
      [A, B, C],
      [A, B, C],
      [A, B, C],
      [A, B, D],
      [A, B, E],
      [A, C, D],
      [D, E],
    ];
    const over = await h.deputies[0]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'choose', selected: [A, B, C, D] } });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('INVALID_BALLOT');
    expect(await boxCount(pollId)).toBe(0);
    for (const [i, selected] of ballots.entries()) await castOk(h.deputies[i]!.client, pollId, { type: 'choose', selected });

    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const res = closed.body.result;
    // A 6 (ballots 1-6), B 5 (1-5), C 4 (1,2,3,6), D 3 (4,6,7), E 2 (5,7); abstain = 7 − for
    expect(pick(rowOf(res, A))).toEqual({ for: 6, against: 0, abstain: 1, rank: 1, status: 'chosen' });
    expect(pick(rowOf(res, B))).toEqual({ for: 5, against: 0, abstain: 2, rank: 2, status: 'chosen' });
    expect(pick(rowOf(res, C))).toEqual({ for: 4, against: 0, abstain: 3, rank: 3, status: 'not_chosen' });
    expect(pick(rowOf(res, D))).toEqual({ for: 3, against: 0, abstain: 4, rank: 4, status: 'not_chosen' });
    expect(pick(rowOf(res, E))).toEqual({ for: 2, against: 0, abstain: 5, rank: 5, status: 'not_chosen' });
    expect(rowOf(res, B).passesThreshold).toBe(true);
    expect(rowOf(res, C).passesThreshold).toBe(false);
    expect(res.thresholdVotes).toBe(4);
    expect(res.chosen).toEqual([A, B]);
    // Three places, two candidates above the threshold: one place stays empty.
    expect(res.vacancies).toBe(1);
    expect(res.tie).toBeNull();
    expect(res.record).toEqual({ seated: 8, present: 7, issued: 7, returned: 7, valid: 7, invalid: 0, notVoted: 0, balanced: true });
  });
});

describe('rank (排序, Borda), threshold present_majority', () => {
  it('orders by Borda points and requires more than half of the present ranking the project', async () => {
    // 10 seated, 6 present, N = 2: first place 2 points, second 1. Threshold 6/2 = 3 (seated would be 5).
    const h = await hall(t, staff, { candidates: 4, deputies: 10, present: 6, cycle: { chooseN: 2, ballotType: 'rank', passThreshold: 'present_majority' } });
    const [A, B, C, D] = h.candidateIds as [string, string, string, string];
    const pollId = await openPoll(staff, h.sessionId);
    const ballots = [
      [C, A],
      [C, A],
      [C, B],
      [B, A],
      [A, B],
      [B, D],
    ];
    for (const [i, ranking] of ballots.entries()) await castOk(h.deputies[i]!.client, pollId, { type: 'rank', ranking });
    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const res = closed.body.result;
    // points: C 2+2+2 = 6 (ranked 3×), B 1+2+1+2 = 6 (4×), A 1+1+1+2 = 5 (4×), D 1 (1×)
    expect({ ...pick(rowOf(res, B)), score: rowOf(res, B).score }).toEqual({ for: 4, against: 0, abstain: 2, rank: 1, status: 'chosen', score: 6 });
    expect({ ...pick(rowOf(res, C)), score: rowOf(res, C).score }).toEqual({ for: 3, against: 0, abstain: 3, rank: 1, status: 'not_chosen', score: 6 });
    expect({ ...pick(rowOf(res, A)), score: rowOf(res, A).score }).toEqual({ for: 4, against: 0, abstain: 2, rank: 3, status: 'chosen', score: 5 });
    expect({ ...pick(rowOf(res, D)), score: rowOf(res, D).score }).toEqual({ for: 1, against: 0, abstain: 5, rank: 4, status: 'not_chosen', score: 1 });
    expect(rowOf(res, C).passesThreshold).toBe(false);
    expect(res.rows.map((r: { candidateId: string }) => r.candidateId)).toEqual([B, C, A, D]);
    expect(res.thresholdVotes).toBe(3);
    expect(res.chosen).toEqual([B, A]);
    expect(res.vacancies).toBe(0);
    expect(res.tie).toBeNull();
    expect(res.record).toEqual({ seated: 10, present: 6, issued: 6, returned: 6, valid: 6, invalid: 0, notVoted: 0, balanced: true });
  });
});

/**
 * Five voters, N = 2:
 *   1: A for, B for · 2: A for, C for · 3: A for, B for · 4: C for, D for · 5: B against, D against
 * A 3/0/2, B 2/1/2, C 2/0/3, D 1/1/3 → A chosen; B and C tie at the cut-off for the one place left.
 */
async function tiedPoll(tieRule: 'runoff' | 'vacant' | 'presidium') {
  const h = await hall(t, staff, { candidates: 4, deputies: 5, present: 5, cycle: { chooseN: 2, ballotType: 'approve', passThreshold: 'none', tieRule } });
  const [A, B, C, D] = h.candidateIds as [string, string, string, string];
  const pollId = await openPoll(staff, h.sessionId);
  const ballots = [
    { [A]: 'for', [B]: 'for' },
    { [A]: 'for', [C]: 'for' },
    { [A]: 'for', [B]: 'for' },
    { [C]: 'for', [D]: 'for' },
    { [B]: 'against', [D]: 'against' },
  ];
  for (const [i, marks] of ballots.entries()) await castOk(h.deputies[i]!.client, pollId, { type: 'approve', marks });
  const closed = await staff.post(`/api/polls/${pollId}/close`);
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  const res = closed.body.result;
  expect(res.record).toEqual({ seated: 5, present: 5, issued: 5, returned: 5, valid: 5, invalid: 0, notVoted: 0, balanced: true });
  expect(pick(rowOf(res, A))).toEqual({ for: 3, against: 0, abstain: 2, rank: 1, status: 'chosen' });
  expect(res.chosen).toEqual([A]);
  return { h, pollId, res, A, B, C, D };
}

describe('a tie at the cut-off', () => {
  it('tieRule runoff: reports the tie; the run-off is among exactly the tied, for the remaining place, and resolves it', async () => {
    const { h, pollId, res, A, B, C, D } = await tiedPoll('runoff');
    expect(pick(rowOf(res, B))).toEqual({ for: 2, against: 1, abstain: 2, rank: 2, status: 'tied' });
    expect(pick(rowOf(res, C))).toEqual({ for: 2, against: 0, abstain: 3, rank: 2, status: 'tied' });
    expect(pick(rowOf(res, D))).toEqual({ for: 1, against: 1, abstain: 3, rank: 4, status: 'not_chosen' });
    expect(res.tie).toEqual({ candidateIds: [B, C], places: 1, resolution: 'runoff' });
    expect(res.vacancies).toBe(0);

    const ro = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(ro.status, JSON.stringify(ro.body)).toBe(200);
    expect(ro.body).toMatchObject({ kind: 'runoff', parentPollId: pollId, status: 'draft', chooseN: 1, ballotType: 'approve', passThreshold: 'none', tieRule: 'runoff' });
    expect(ro.body.candidates.map((c: { id: string }) => c.id)).toEqual([B, C]);
    // Asking again does not make a second run-off.
    const again = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(ro.body.id);

    const open = await staff.post(`/api/polls/${ro.body.id}/open`, {});
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    // A was already chosen: it is not on the run-off ballot.
    const withA = await h.deputies[0]!.client.post(`/api/polls/${ro.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [A]: 'for' } } });
    expect(withA.status).toBe(400);
    expect(withA.body.error.code).toBe('INVALID_BALLOT');
    // Two 赞成 for one place: invalid.
    const both = await h.deputies[0]!.client.post(`/api/polls/${ro.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [B]: 'for', [C]: 'for' } } });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('INVALID_BALLOT');

    // 1: B for · 2: B for · 3: C for · 4: B for, C against · 5: blank
    const runoffBallots = [{ [B]: 'for' }, { [B]: 'for' }, { [C]: 'for' }, { [B]: 'for', [C]: 'against' }, {}];
    for (const [i, marks] of runoffBallots.entries()) await castOk(h.deputies[i]!.client, ro.body.id, { type: 'approve', marks });
    const closed = await staff.post(`/api/polls/${ro.body.id}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const r2 = closed.body.result;
    expect(r2.rows).toHaveLength(2);
    expect(pick(rowOf(r2, B))).toEqual({ for: 3, against: 0, abstain: 2, rank: 1, status: 'chosen' });
    expect(pick(rowOf(r2, C))).toEqual({ for: 1, against: 1, abstain: 3, rank: 2, status: 'not_chosen' });
    expect(r2.chosen).toEqual([B]);
    expect(r2.tie).toBeNull();
    expect(r2.vacancies).toBe(0);
    expect(r2.record).toEqual({ seated: 5, present: 5, issued: 5, returned: 5, valid: 5, invalid: 0, notVoted: 0, balanced: true });
  });

  it('tieRule vacant: the place stays empty, no candidate is marked tied, no run-off', async () => {
    const { pollId, res, B, C, D } = await tiedPoll('vacant');
    expect(pick(rowOf(res, B))).toEqual({ for: 2, against: 1, abstain: 2, rank: 2, status: 'not_chosen' });
    expect(pick(rowOf(res, C))).toEqual({ for: 2, against: 0, abstain: 3, rank: 2, status: 'not_chosen' });
    expect(pick(rowOf(res, D))).toEqual({ for: 1, against: 1, abstain: 3, rank: 4, status: 'not_chosen' });
    expect(res.tie).toEqual({ candidateIds: [B, C], places: 1, resolution: 'vacant' });
    expect(res.vacancies).toBe(1);
    const ro = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(ro.status).toBe(409);
    expect(ro.body.error.code).toBe('NO_TIE');
  });

  it('tieRule presidium: the tie is reported for the presidium to decide, candidates stay tied', async () => {
    const { pollId, res, B, C, D } = await tiedPoll('presidium');
    expect(pick(rowOf(res, B))).toEqual({ for: 2, against: 1, abstain: 2, rank: 2, status: 'tied' });
    expect(pick(rowOf(res, C))).toEqual({ for: 2, against: 0, abstain: 3, rank: 2, status: 'tied' });
    expect(pick(rowOf(res, D))).toEqual({ for: 1, against: 1, abstain: 3, rank: 4, status: 'not_chosen' });
    expect(res.tie).toEqual({ candidateIds: [B, C], places: 1, resolution: 'presidium' });
    expect(res.vacancies).toBe(0);
    const ro = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(ro.status).toBe(409);
    expect(ro.body.error.code).toBe('NO_TIE');
  });
});
