/**
 * Ballots that arrive together are written together (one statement, one commit). One ballot
 * that cannot be written must not take the others of its batch down with it, and none may be
 * counted without its roll entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, key, type TestApp } from './helpers/app.ts';
import { scenario, type Scenario } from './helpers/world.ts';

let t: TestApp;
let s: Scenario;

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 4, deputies: 40, cycle: { chooseN: 2 } });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('batched casts', () => {
  it('a ballot that breaks a constraint fails alone; the rest of its batch is counted', async () => {
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    expect((await s.staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
    const [a, b] = s.candidateIds;
    // Two deputies send the same idempotency key: the same receipt, which the box holds once.
    const shared = key();
    const keys = s.deputies.map((_, i) => (i === 7 || i === 23 ? shared : key()));
    const results = await Promise.all(
      s.deputies.map((d, i) =>
        d.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: keys[i], ballot: { type: 'approve', marks: { [i % 2 ? a! : b!]: 'for' } } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const failed = results.flatMap((r, i) => (r.status === 200 ? [] : [i]));
    expect(ok).toHaveLength(39);
    expect(failed.length === 1 && [7, 23].includes(failed[0]!)).toBe(true);
    expect(new Set(ok.map((r) => r.body.receipt)).size).toBe(39);

    const turnout = await s.staff.get(`/api/polls/${poll.body.id}/turnout`);
    expect(turnout.body).toMatchObject({ issued: 40, voted: 39 });
    const closed = await s.staff.post(`/api/polls/${poll.body.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.result.record).toMatchObject({ issued: 40, returned: 39, valid: 39, notVoted: 1 });
    const byId = Object.fromEntries(closed.body.result.rows.map((r: { candidateId: string; for: number }) => [r.candidateId, r.for]));
    const forA = s.deputies.filter((_, i) => i % 2 === 1 && i !== failed[0]).length;
    expect(byId[a!]).toBe(forA);
    expect(byId[b!]).toBe(39 - forA);
  });
});
