/**
 * 300 deputies voting at once through the HTTP API, with retries and second attempts racing
 * their first ballot. Expected counts are computed here from the ballots the test made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createDb } from '../server/src/db/database.ts';
import { Client, createTestApp, key, type TestApp } from './helpers/app.ts';
import { watchContract } from './helpers/contract.ts';
import { prng, scenario, type Scenario, withPg } from './helpers/world.ts';

const DEPUTIES = 300;
const CANDIDATES = 12;
const N = 10;

let t: TestApp;
let s: Scenario;
let second: { app: App; destroy(): Promise<void> };

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: CANDIDATES, deputies: DEPUTIES, cycle: { chooseN: N, ballotType: 'approve', passThreshold: 'none' } });
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', DATABASE_URL: t.url });
  const { db } = createDb(t.url, 4);
  const app = await buildApp({ config, db, databaseUrl: t.url });
  const contract = watchContract(app);
  await app.ready();
  second = {
    app,
    destroy: async () => {
      await app.close();
      await db.destroy();
      expect(contract.violations, 'answers of the second instance that break the API document').toEqual([]);
    },
  };
}, 120_000);
afterAll(async () => {
  await second?.destroy();
  await t?.close();
});

type Mark = 'for' | 'against' | 'abstain';
type Ballot = { type: 'approve'; marks: Record<string, Mark> };

/** A random valid approve ballot: some candidates left out (abstain), at most N 赞成. */
function randomBallot(rand: () => number, ids: string[]): Ballot {
  const marks: Record<string, Mark> = {};
  let fors = 0;
  for (const id of ids) {
    const x = rand();
    if (x < 0.55 && fors < N) {
      marks[id] = 'for';
      fors++;
    } else if (x < 0.75) marks[id] = 'against';
    else if (x < 0.87) marks[id] = 'abstain';
    // else: left out, which counts as abstain
  }
  return { type: 'approve', marks };
}

function expectedCounts(ballots: Ballot[], ids: string[]) {
  const out: Record<string, { for: number; against: number; abstain: number }> = {};
  for (const id of ids) out[id] = { for: 0, against: 0, abstain: 0 };
  for (const b of ballots) for (const id of ids) out[id]![b.marks[id] ?? 'abstain']++;
  return out;
}

type Res = { status: number; body: any };
const cast = (c: Client, pollId: string, idempotencyKey: string, ballot: unknown): Promise<Res> =>
  c.post(`/api/polls/${pollId}/ballots`, { idempotencyKey, ballot });

async function dbCounts(pollId: string) {
  return withPg(t.url, async (c) => {
    const box = Number((await c.query('select count(*) from poll_box where poll_id = $1', [pollId])).rows[0].count);
    const voted = Number((await c.query('select count(*) from poll_roll where poll_id = $1 and voted', [pollId])).rows[0].count);
    const issued = Number((await c.query('select count(*) from poll_roll where poll_id = $1', [pollId])).rows[0].count);
    return { box, voted, issued };
  });
}

describe('300 deputies at once', () => {
  it('counts every ballot exactly once, with concurrent retries and concurrent second attempts', async () => {
    const rand = prng(20271201);
    const ids = s.candidateIds;
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    const open = await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    const pollId = poll.body.id as string;

    const plan = s.deputies.map((d, i) => ({
      d,
      key: key(),
      ballot: randomBallot(rand, ids),
      // 0–49: the tablet retries the same request; 50–99: a second, different ballot with a new key
      retry: i < 50,
      second: i >= 50 && i < 100 ? { key: key(), ballot: randomBallot(rand, ids) } : null,
    }));

    const jobs: Promise<void>[] = [];
    const outcome = plan.map(() => ({ first: null as Res | null, extra: null as Res | null }));
    plan.forEach((p, i) => {
      jobs.push(cast(p.d.client, pollId, p.key, p.ballot).then((r) => void (outcome[i]!.first = r)));
      if (p.retry) jobs.push(cast(p.d.client, pollId, p.key, p.ballot).then((r) => void (outcome[i]!.extra = r)));
      if (p.second) jobs.push(cast(p.d.client, pollId, p.second.key, p.second.ballot).then((r) => void (outcome[i]!.extra = r)));
    });
    await Promise.all(jobs);

    const counted: Ballot[] = [];
    const receipts: string[] = [];
    plan.forEach((p, i) => {
      const { first, extra } = outcome[i]!;
      const where = `deputy ${i}: ${JSON.stringify({ first, extra })}`;
      if (p.retry) {
        expect(first!.status, where).toBe(200);
        expect(extra!.status, where).toBe(200);
        expect(extra!.body.receipt, where).toBe(first!.body.receipt);
        // exactly one of the two was the real cast
        expect([first!.body.duplicate, extra!.body.duplicate].sort(), where).toEqual([false, true]);
        counted.push(p.ballot);
        receipts.push(first!.body.receipt);
      } else if (p.second) {
        const ok = [first!, extra!].filter((r) => r.status === 200);
        const refused = [first!, extra!].filter((r) => r.status !== 200);
        expect(ok, where).toHaveLength(1);
        expect(refused, where).toHaveLength(1);
        expect(refused[0]!.status, where).toBe(409);
        expect(refused[0]!.body.error.code, where).toBe('ALREADY_VOTED');
        expect(ok[0]!.body.duplicate, where).toBe(false);
        counted.push(ok[0] === first ? p.ballot : p.second.ballot);
        receipts.push(ok[0]!.body.receipt);
      } else {
        expect(first!.status, where).toBe(200);
        expect(first!.body.duplicate, where).toBe(false);
        counted.push(p.ballot);
        receipts.push(first!.body.receipt);
      }
    });
    expect(new Set(receipts).size).toBe(DEPUTIES);

    // While open: turnout only.
    const turnout = await s.staff.get(`/api/polls/${pollId}/turnout`);
    expect(turnout.body).toMatchObject({ issued: DEPUTIES, voted: DEPUTIES });
    expect(await dbCounts(pollId)).toEqual({ box: DEPUTIES, voted: DEPUTIES, issued: DEPUTIES });

    const closed = await s.staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const result = closed.body.result;
    expect(result.record).toEqual({ seated: DEPUTIES, present: DEPUTIES, issued: DEPUTIES, returned: DEPUTIES, valid: DEPUTIES, invalid: 0, notVoted: 0, balanced: true });

    const expected = expectedCounts(counted, ids);
    const actual: typeof expected = {};
    for (const r of result.rows as { candidateId: string; for: number; against: number; abstain: number }[]) {
      actual[r.candidateId] = { for: r.for, against: r.against, abstain: r.abstain };
    }
    expect(actual).toEqual(expected);
    // sanity of the generator itself: every candidate got some of each, so a swap of marks shows
    for (const id of ids) for (const m of ['for', 'against', 'abstain'] as const) expect(expected[id]![m]).toBeGreaterThan(0);

    // Exactly one box row per accepted receipt.
    const trackers = await s.staff.get(`/api/polls/${pollId}/trackers`);
    expect(trackers.status).toBe(200);
    expect([...trackers.body.trackers].sort()).toEqual([...receipts].sort());
    expect(await dbCounts(pollId)).toEqual({ box: DEPUTIES, voted: DEPUTIES, issued: DEPUTIES });
  }, 60_000);

  it('a close racing 300 casts: every accepted ballot is counted, every refused one is not', async () => {
    const rand = prng(7);
    const ids = s.candidateIds;
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    const open = await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    const pollId = poll.body.id as string;

    const plan = s.deputies.map((d) => ({ d, key: key(), ballot: randomBallot(rand, ids) }));
    // 100 ballots are in before anything else happens; the other 200 are launched in small waves,
    // and when 20 of those have been answered the close goes out through a second server instance
    // (its own connection pool, as behind a load balancer), so it meets casts in every stage:
    // queued, validating, inside their transaction, and arriving after it. Which casts win is up
    // to the scheduler; what must hold is that accepted and counted are the same set.
    const fire = (p: (typeof plan)[number]) => cast(p.d.client, pollId, p.key, p.ballot);
    const early = await Promise.all(plan.slice(0, 100).map(fire));
    const other = new Client(second.app);
    other.cookie = s.staff.cookie;
    const late: Promise<Res>[] = [];
    let closing: Promise<Res> | null = null;
    let lateDone = 0;
    for (let i = 100; i < DEPUTIES; i++) {
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 3));
      late.push(
        fire(plan[i]!).then((r) => {
          if (++lateDone === 20) closing = other.post(`/api/polls/${pollId}/close`);
          return r;
        }),
      );
    }
    const results = [...early, ...(await Promise.all(late))];
    const closed = await closing!;
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);

    const accepted = results.flatMap((r, i) => (r.status === 200 ? [{ r, p: plan[i]! }] : []));
    const refused = results.filter((r) => r.status !== 200);
    for (const r of refused) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.code).toBe('POLL_STATE');
    }
    expect(accepted.length).toBeGreaterThanOrEqual(100);

    const result = closed.body.result;
    const n = accepted.length;
    expect(result.record).toEqual({ seated: DEPUTIES, present: DEPUTIES, issued: DEPUTIES, returned: n, valid: n, invalid: 0, notVoted: DEPUTIES - n, balanced: true });
    const expected = expectedCounts(accepted.map((a) => a.p.ballot), ids);
    const actual: typeof expected = {};
    for (const r of result.rows as { candidateId: string; for: number; against: number; abstain: number }[]) {
      actual[r.candidateId] = { for: r.for, against: r.against, abstain: r.abstain };
    }
    expect(actual).toEqual(expected);
    const trackers = await s.staff.get(`/api/polls/${pollId}/trackers`);
    expect([...trackers.body.trackers].sort()).toEqual(accepted.map((a) => a.r.body.receipt).sort());
    expect(await dbCounts(pollId)).toEqual({ box: n, voted: n, issued: DEPUTIES });
  }, 60_000);
});
