import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signoffVerdict, type Poll, type SignoffDecision } from '@piaojue/shared';
import { createTestApp, key, userClient, type Client, type TestApp } from './helpers/app.ts';
import { scenario, type Scenario } from './helpers/world.ts';

let t: TestApp;
let s: Scenario;
let p1: Client, p2: Client, p3: Client, scrut: Client, staffOnly: Client;

async function closedPoll(): Promise<string> {
  const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
  await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
  const [a, b] = s.candidateIds;
  for (const [i, d] of s.deputies.slice(0, 4).entries()) {
    const r = await d.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [a!]: 'for', [b!]: i % 2 ? 'for' : 'against' } } });
    expect(r.status).toBe(200);
  }
  const closed = await s.staff.post(`/api/polls/${poll.body.id}/close`);
  expect(closed.body.status).toBe('closed');
  return poll.body.id;
}

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 4, deputies: 6, cycle: { chooseN: 2, certifyK: 2, scrutineerConfirmations: 1 } });
  p1 = await userClient(t, s.admin, 'presidium1', ['presidium']);
  p2 = await userClient(t, s.admin, 'presidium2', ['presidium']);
  p3 = await userClient(t, s.admin, 'presidium3', ['presidium']);
  // The 监票人 are deputies of the session (scenario() names the first two), confirming on their own tablets.
  scrut = s.deputies[0]!.client;
  staffOnly = await userClient(t, s.admin, 'clerk', ['staff']);
});
afterAll(async () => {
  await t?.close();
});

describe('k-of-n certification', () => {
  it('needs the scrutineers first, then k presidium members; k-1 is not enough; others cannot', async () => {
    const id = await closedPoll();
    const early = await p1.post(`/api/polls/${id}/certify`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CONFIRMATIONS_MISSING');

    expect((await staffOnly.post(`/api/polls/${id}/certify`)).status).toBe(403);
    expect((await s.deputies[0]!.client.post(`/api/polls/${id}/certify`)).status).toBe(403);
    expect((await p1.post(`/api/polls/${id}/confirm`)).status).toBe(403);

    const confirmed = await scrut.post(`/api/polls/${id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.certification.signoffs).toHaveLength(1);

    const one = await p1.post(`/api/polls/${id}/certify`);
    expect(one.status).toBe(200);
    expect(one.body.status).toBe('closed');
    expect((await p1.post(`/api/polls/${id}/certify`)).body.error.code).toBe('ALREADY_SIGNED');

    const two = await p2.post(`/api/polls/${id}/certify`);
    expect(two.body.status).toBe('certified');
    expect(two.body.certifiedAt).not.toBeNull();
    expect(two.body.certification.signoffs.map((x: { displayName: string; decision: string }) => `${x.displayName}:${x.decision}`)).toEqual([
      '代表1:confirm',
      'presidium1:certify',
      'presidium2:certify',
    ]);

    // Certified is final, for the API and for the database itself.
    expect((await p3.post(`/api/polls/${id}/certify`)).body.error.code).toBe('POLL_STATE');
    expect((await p3.post(`/api/polls/${id}/reject`, { reason: '重新计票' })).body.error.code).toBe('POLL_STATE');
    expect((await s.staff.post(`/api/polls/${id}/cancel`, { reason: 'x' })).body.error.code).toBe('POLL_STATE');
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    try {
      await expect(c.query(`update polls set result = '{}' where id = $1`, [id])).rejects.toThrow(/immutable/);
      await expect(c.query(`update polls set status = 'closed' where id = $1`, [id])).rejects.toThrow(/immutable/);
      await expect(c.query(`delete from poll_box where poll_id = $1`, [id])).rejects.toThrow(/immutable/);
      await expect(c.query(`update poll_box set body = '{}' where poll_id = $1`, [id])).rejects.toThrow(/immutable/);
      // A forged ballot slipped in, alone or among the rows of another poll's statement.
      await expect(c.query(`insert into poll_box (poll_id, valid, body) values ($1, true, '{}')`, [id])).rejects.toThrow(/immutable/);
      const before = await c.query(`select count(*)::int as n from poll_box where poll_id = $1`, [id]);
      await expect(c.query(`delete from poll_box where id in (select id from poll_box where poll_id = $1 limit 1)`, [id])).rejects.toThrow(/immutable/);
      expect((await c.query(`select count(*)::int as n from poll_box where poll_id = $1`, [id])).rows[0].n).toBe(before.rows[0].n);
      // and so are its published receipts
      await expect(c.query(`insert into poll_trackers (poll_id, tracker) values ($1, 'FORG-EDXX-XXXX')`, [id])).rejects.toThrow(/immutable/);
      await expect(c.query(`delete from poll_trackers where poll_id = $1`, [id])).rejects.toThrow(/immutable/);
    } finally {
      await c.end();
    }
  });

  it('k returns send the result back with their reasons (one alone does not); the poll can then be voided and run again', async () => {
    const id = await closedPoll();
    const alone = await p3.post(`/api/polls/${id}/reject`, { reason: '收回票数与发出票数不符，需复核' });
    expect(alone.status).toBe(200);
    expect(alone.body.status).toBe('closed');
    expect(alone.body.certification.rejectAlone).toBe(false);
    const rejected = await p2.post(`/api/polls/${id}/reject`, { reason: '同意退回' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.certification.signoffs[0]).toMatchObject({ decision: 'reject', reason: '收回票数与发出票数不符，需复核' });
    expect((await p1.post(`/api/polls/${id}/certify`)).body.error.code).toBe('POLL_STATE');
    const voided = await s.staff.post(`/api/polls/${id}/cancel`, { reason: '主席团退回，重新表决' });
    expect(voided.body.status).toBe('cancelled');
    const again = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    expect(again.status).toBe(200);
    expect((await s.staff.post(`/api/polls/${again.body.id}/open`, {})).status).toBe(200);
    expect((await s.staff.post(`/api/polls/${again.body.id}/cancel`, { reason: 'test' })).status).toBe(200);
  });
});

describe('the server signs off by the shared rule', () => {
  it('answers every sign-off as signoffVerdict (shared/src/domain/certification.ts) predicts from the poll it shows', async () => {
    const presidium = await Promise.all([p1, p2, p3].map(async (client) => ({ client, userId: (await client.get('/api/auth/me')).body.user.id as string })));
    const stepArb = fc.record({ decision: fc.constantFrom<SignoffDecision>('confirm', 'certify', 'certify', 'reject'), n: fc.nat({ max: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 7 }), async (steps) => {
        const id = await closedPoll();
        for (const { decision, n } of steps) {
          const shown = (await s.staff.get<Poll>(`/api/polls/${id}`)).body;
          if (shown.status !== 'closed') break;
          // The session's 监票人 are deputies[0] and deputies[1] (scenario() names them).
          const scrutineer = s.deputies[n % 2]!;
          const signer = decision === 'confirm' ? { deputyId: scrutineer.id } : { userId: presidium[n]!.userId };
          const expected = signoffVerdict(shown.certification, shown.certification.signoffs, signer, decision);
          const client = decision === 'confirm' ? scrutineer.client : presidium[n]!.client;
          const r = await client.post(`/api/polls/${id}/${decision}`, decision === 'reject' ? { reason: '需复核' } : undefined);
          if (expected.ok) {
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            expect(r.body.status).toBe(expected.status);
          } else {
            expect(r.body.error.code).toBe(expected.code);
          }
        }
      }),
      { numRuns: 6 },
    );
  });
});

describe('satisfaction rating poll', () => {
  it('rates projects secretly with the same roll and box, grading by the zhenhai rule', async () => {
    const [a, b] = s.candidateIds;
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/rating-polls`, { title: '2027年度民生实事项目满意度测评', candidateIds: [a, b] });
    expect(poll.status, JSON.stringify(poll.body)).toBe(200);
    expect(poll.body.kind).toBe('rating');
    expect((await s.staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
    // a: 满意 ×3 of 6 = exactly half → not 满意; 满意+基本 = 4 > 3 → 基本满意.
    // b: 满意 ×4 of 6 → 满意.
    const marks = [
      ['satisfied', 'satisfied'],
      ['satisfied', 'satisfied'],
      ['satisfied', 'satisfied'],
      ['basic', 'satisfied'],
      ['unsatisfied', 'basic'],
      ['abstain', 'unsatisfied'],
    ];
    for (const [i, [ma, mb]] of marks.entries()) {
      const r = await s.deputies[i]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'rating', marks: { [a!]: ma, [b!]: mb } } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const wrong = await s.deputies[0]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } });
    expect(wrong.status).toBe(409);
    const closed = await s.staff.post(`/api/polls/${poll.body.id}/close`);
    expect(closed.body.result).toBeNull();
    expect(closed.body.rating.rows).toEqual([
      { candidateId: a, name: '项目1', satisfied: 3, basic: 1, unsatisfied: 1, abstain: 1, grade: 'basic', satisfiedRate: 3 / 6, satisfactionRate: 4 / 6 },
      { candidateId: b, name: '项目2', satisfied: 4, basic: 1, unsatisfied: 1, abstain: 0, grade: 'satisfied', satisfiedRate: 4 / 6, satisfactionRate: 5 / 6 },
    ]);
    expect(closed.body.rating.record).toMatchObject({ issued: 6, returned: 6, valid: 6 });
  });

  it('refuses a ballot of the wrong shape for a rating poll', async () => {
    const [a] = s.candidateIds;
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/rating-polls`, { title: '测评', candidateIds: [a], allowAbstain: false });
    await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
    const bad = await s.deputies[0]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'rating', marks: { [a!]: 'abstain' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_BALLOT');
    const none = await s.deputies[0]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'rating', marks: {} } });
    expect(none.status).toBe(400);
    await s.staff.post(`/api/polls/${poll.body.id}/cancel`, { reason: 'test' });
  });
});
