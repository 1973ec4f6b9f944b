/**
 * The server process is killed (SIGKILL: no shutdown hook runs) in the middle of a ballot storm and
 * started again on the same port. Every tablet keeps retrying its one ballot with the same
 * idempotency key. Afterwards: every ballot a tablet was told about (an ack, or later
 * duplicate:true) is in the box exactly once, none twice, roll and box agree, the record
 * balances, and the tally equals the one computed here from the ballots the tablets cast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerFor } from '../../server/src/modules/polls/cast.service.ts';
import { cloneDatabase } from '../helpers/db.ts';
import { freePort } from '../helpers/free-port.ts';
import { prng, withPg } from '../helpers/world.ts';
import {
  castWithRetry,
  countsOf,
  expectedCounts,
  Http,
  ServerProcess,
  setupHall,
  randomBallot,
  sleep,
  type ApproveBallot,
  type CastOutcome,
  type HttpHall,
} from './lib.ts';

const DEPUTIES = 240;
const CANDIDATES = 8;
const CHOOSE = 4;
/** The kill comes once this share of the tablets has its acknowledgement and requests are in flight. */
const KILL_AFTER = 0.15;

let database: { url: string; drop(): Promise<void> };
let port: number;
let base: string;
let env: Record<string, string>;
const servers: ServerProcess[] = [];
let hall: HttpHall;

function start(): ServerProcess {
  const s = new ServerProcess(env);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  database = await cloneDatabase();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = { DATABASE_URL: database.url, PORT: String(port), LOGIN_RATE_PER_MINUTE: '1000000', DB_POOL_SIZE: '10' };
  const first = start();
  const { setupToken } = await first.ready();
  expect(setupToken, first.output()).toBeTruthy();
  hall = await setupHall(base, setupToken!, { deputies: DEPUTIES, candidates: CANDIDATES, chooseN: CHOOSE });
});

afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await database?.drop();
});

describe('SIGKILL of the server during a ballot storm', () => {
  it('loses no acknowledged ballot and counts none twice', async () => {
    const poll = await hall.admin.post(`/api/sessions/${hall.sessionId}/polls`, {});
    expect(poll.status, JSON.stringify(poll.body)).toBe(200);
    const pollId = poll.body.id as string;
    expect((await hall.admin.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);

    const rand = prng(20271127);
    const plan = hall.deputies.map((d) => ({
      d,
      key: `kill-${Math.floor(rand() * 2 ** 52).toString(36)}-${Math.floor(rand() * 2 ** 52).toString(36)}`,
      ballot: randomBallot(rand, hall.candidateIds, CHOOSE) as ApproveBallot,
      // Tablets press "submit" within about half a second: a burst, as after 开始表决.
      delay: Math.floor(rand() * 500),
    }));

    let inFlight = 0;
    const started = Date.now();
    let acked = 0;
    let killedAt = 0;
    let inFlightAtKill = -1;
    let ackedAtKill = -1;
    let killing: Promise<void> | null = null;
    const victim = servers[0]!;
    const kill = () => {
      killedAt = Date.now();
      inFlightAtKill = inFlight;
      ackedAtKill = acked;
      victim.proc.kill('SIGKILL');
      killing = victim.exited.then(() => undefined);
    };

    const giveUpAt = Date.now() + 120_000;
    const outcomes: Promise<CastOutcome>[] = plan.map(async (p) => {
      await sleep(p.delay);
      const o = await castWithRetry(p.d.client, pollId, p.key, p.ballot, {
        giveUpAt,
        onSend: () => void inFlight++,
        onAnswer: () => void inFlight--,
      });
      if (o.status === 200) acked++;
      // Mid-storm: enough acknowledged, and many requests on the wire (or, failing that, later).
      if (!killedAt && ((acked >= DEPUTIES * KILL_AFTER && inFlight >= 10) || acked >= DEPUTIES * 0.7)) kill();
      return o;
    });

    // Restart on the same port as soon as the old process is gone.
    while (!killing) await sleep(5);
    await killing;
    const restartStarted = Date.now();
    const second = start();
    const { setupToken } = await second.ready();
    expect(setupToken).toBeNull();
    const downMs = Date.now() - killedAt;
    const bootMs = Date.now() - restartStarted;

    const results = await Promise.all(outcomes);

    // Every tablet got a definite, positive answer in the end.
    const unanswered = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status !== 200);
    expect(unanswered.map(({ r, i }) => ({ deputy: i, ...r })), second.output()).toEqual([]);
    // The receipt is the one derived from the tablet's own key, acked or re-acked alike.
    plan.forEach((p, i) => expect(results[i]!.receipt, `deputy ${i}`).toBe(trackerFor(pollId, p.key)));
    const recovered = results.filter((r) => r.duplicate === true);
    const retried = results.filter((r) => r.failures.length > 0);

    // The database: one roll mark and one box row per deputy; nothing else.
    const counts = await withPg(database.url, async (c) => {
      const q = async (sql: string) => Number((await c.query(sql, [pollId])).rows[0].n);
      return {
        issued: await q('select count(*) as n from poll_roll where poll_id = $1'),
        voted: await q('select count(*) as n from poll_roll where poll_id = $1 and voted'),
        box: await q('select count(*) as n from poll_box where poll_id = $1'),
        distinctTrackers: await q('select count(distinct tracker) as n from poll_trackers where poll_id = $1'),
      };
    });
    expect(counts).toEqual({ issued: DEPUTIES, voted: DEPUTIES, box: DEPUTIES, distinctTrackers: DEPUTIES });

    const closed = await hall.admin.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.result.record).toEqual({
      seated: DEPUTIES,
      present: DEPUTIES,
      issued: DEPUTIES,
      returned: DEPUTIES,
      valid: DEPUTIES,
      invalid: 0,
      notVoted: 0,
      balanced: true,
    });
    expect(countsOf(closed.body.result)).toEqual(expectedCounts(plan.map((p) => p.ballot), hall.candidateIds));
    const trackers = await hall.admin.get(`/api/polls/${pollId}/trackers`);
    expect([...trackers.body.trackers].sort()).toEqual(results.map((r) => r.receipt).sort());
    const chain = await withPg(database.url, (c) => c.query(`select count(*)::int as n from audit_log where action = 'poll.closed' and subject = $1`, [`poll:${pollId}`]));
    expect(chain.rows[0].n).toBe(1);

    // The kill really landed mid-storm.
    expect(ackedAtKill).toBeGreaterThan(0);
    expect(ackedAtKill).toBeLessThan(DEPUTIES);
    expect(retried.length).toBeGreaterThan(0);

    const figures = {
      deputies: DEPUTIES,
      ackedBeforeKill: ackedAtKill,
      inFlightAtKill,
      committedButUnacknowledged: recovered.length,
      tabletsThatRetried: retried.length,
      maxAttempts: Math.max(...results.map((r) => r.attempts)),
      killAfterMs: killedAt - started,
      serverDownMs: downMs,
      restartBootMs: bootMs,
      counted: counts.box,
      lost: DEPUTIES - counts.box,
      doubleCounted: counts.box - counts.distinctTrackers,
    };
    console.log(`kill figures: ${JSON.stringify(figures)}`);
    expect(figures.lost).toBe(0);
    expect(figures.doubleCounted).toBe(0);
  });

  it('the restarted server is whole: health and a fresh login', async () => {
    const h = await new Http(base).get('/api/health');
    expect(h.status).toBe(200);
    const again = new Http(base);
    expect((await again.post('/api/auth/login', { username: 'admin', password: 'correct horse battery' })).status).toBe(200);
    expect((await again.get('/api/auth/me')).body.kind).toBe('user');
  });
});
