import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, key, type TestApp } from './helpers/app.ts';
import { scenario } from './helpers/world.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('a whole vote through the API', () => {
  it('opens, casts, closes and counts', async () => {
    const s = await scenario(t, { candidates: 5, deputies: 10, present: 8 });
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    expect(poll.status).toBe(200);
    const open = await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    const [a, b, c] = s.candidateIds;
    const d0 = s.deputies[0]!.client;
    const k0 = key();
    const cast = await d0.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k0, ballot: { type: 'approve', marks: { [a!]: 'for', [b!]: 'against' } } });
    expect(cast.status, JSON.stringify(cast.body)).toBe(200);
    const again = await d0.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k0, ballot: { type: 'approve', marks: { [a!]: 'for', [b!]: 'against' } } });
    expect(again.body).toEqual({ receipt: cast.body.receipt, duplicate: true });
    const changed = await d0.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k0, ballot: { type: 'approve', marks: {} } });
    expect(changed.body.error.code).toBe('BALLOT_CHANGED');
    const second = await d0.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ALREADY_VOTED');
    const absent = await s.deputies[9]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } });
    expect(absent.body.error.code).toBe('NOT_ISSUED');
    const d1 = await s.deputies[1]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [a!]: 'for', [c!]: 'for' } } });
    expect(d1.status).toBe(200);
    const closed = await s.staff.post(`/api/polls/${poll.body.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.result.record).toEqual({ seated: 10, present: 8, issued: 8, returned: 2, valid: 2, invalid: 0, notVoted: 6, balanced: true });
    const rowA = closed.body.result.rows.find((r: { candidateId: string }) => r.candidateId === a);
    expect(rowA).toMatchObject({ for: 2, against: 0, abstain: 0, rank: 1 });
    const trackers = await s.staff.get(`/api/polls/${poll.body.id}/trackers`);
    expect(trackers.body.trackers).toContain(cast.body.receipt);
    expect(trackers.body.trackers).toHaveLength(2);
  });
});
