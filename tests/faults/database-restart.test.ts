/**
 * PostgreSQL goes away during a vote and comes back, twice: a clean fast shutdown, then an
 * immediate (crash-like) one that makes it run recovery on restart. It is a PostgreSQL of this
 * test's own (embedded, in a temporary directory), whatever database the rest of the suite uses,
 * since restarting a shared service is not ours to do. While it is down every request fails fast
 * with 503 DB_UNAVAILABLE and none hangs; when it is back the server recovers by itself: the
 * tablets' retries (same idempotency key) succeed, the LISTEN connection reconnects, and hall
 * displays on the websocket get the current turnout without reconnecting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createDb } from '../../server/src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/src/db/embedded.ts';
import { migrateToLatest } from '../../server/src/db/migrate.ts';
import { key, type Client, type TestApp } from '../helpers/app.ts';
import { castOk, hall, openPoll, prng, staffPair, withPg, type Hall } from '../helpers/world.ts';
import { freePort } from '../helpers/free-port.ts';
import { turnoutOf } from '../helpers/socket.ts';
import { castWithRetry, countsOf, expectedCounts, Http, randomBallot, sleep, wsClient, type ApproveBallot } from './lib.ts';

const DEPUTIES = 60;
const CHOOSE = 2;

let dir: string;
let pgPort: number;
let pgServer: EmbeddedDatabase;
let url: string;
let app: App;
let destroyDb: () => Promise<void>;
let base: string;
let logText = '';
let staff: Client;
let h: Hall;
let pollId: string;
const figures: Record<string, unknown> = {};

const startPg = async () => {
  pgServer = await startEmbeddedPostgres({ dir, port: pgPort, database: 'piaojue' });
  return pgServer.url;
};

/** The postmaster's pid, from its lock file. */
const postmasterPid = () => Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

async function untilDown(ms = 30_000) {
  const deadline = Date.now() + ms;
  while (fs.existsSync(path.join(dir, 'pg', 'postmaster.pid'))) {
    if (Date.now() > deadline) throw new Error('PostgreSQL did not stop');
    await sleep(20);
  }
}

beforeAll(async () => {
  // The data directory's parent must be traversable by the postgres user when running as root.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-pgrestart-'));
  pgPort = await freePort();
  url = await startPg();
  const migrator = createDb(url, 2);
  await migrateToLatest(migrator.db);
  await migrator.db.destroy();

  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'info', WEB_DIST: '/nonexistent', LOGIN_RATE_PER_MINUTE: '1000000', DB_POOL_SIZE: '10' });
  const { db } = createDb(url, config.DB_POOL_SIZE);
  destroyDb = () => db.destroy();
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  app = await buildApp({ config, db, databaseUrl: url, logStream: stream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const t: TestApp = { app, url, logs: () => logText, close: async () => undefined };
  ({ staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 4, deputies: DEPUTIES, cycle: { chooseN: CHOOSE } });
  pollId = await openPoll(staff, h.sessionId);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await destroyDb?.();
  await pgServer?.stop().catch(() => undefined);
  if (dir) {
    // An immediate shutdown leaves nothing running, but be sure before deleting its files.
    if (fs.existsSync(path.join(dir, 'pg', 'postmaster.pid'))) {
      try {
        process.kill(postmasterPid(), 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (Object.keys(figures).length) console.log(`database restart figures: ${JSON.stringify(figures)}`);
});

/** Tablet clients (cookie of the in-process deputy clients) speaking real HTTP to the listening app. */
const tablet = (i: number) => {
  const c = new Http(`http://${base}`, 15_000);
  c.cookie = h.deputies[i]!.client.cookie;
  return c;
};

const rand = prng(5);
const ballots = new Map<number, ApproveBallot>();
const keys = new Map<number, string>();

async function voteRange(from: number, to: number) {
  for (let i = from; i < to; i++) {
    const b = randomBallot(rand, h.candidateIds, CHOOSE);
    ballots.set(i, b);
    keys.set(i, key());
    await castOk(h.deputies[i]!.client, pollId, b, keys.get(i));
  }
}

/** Voting through an outage: `down` stops PostgreSQL; tablets keep retrying; it comes back. */
async function outage(label: string, firstDeputy: number, count: number, down: () => Promise<void>) {
  const display = wsClient(`ws://${base}/api/ws`);
  await display.opened;
  display.send({ type: 'subscribe', topic: `hall:${h.sessionId}` });
  const snap = await display.waitFor((m) => m.type === 'snapshot');
  const votedBefore = snap.data.state.poll.turnout.voted as number;

  const stoppedAt = Date.now();
  await down();
  await untilDown();

  // Down: every kind of request fails fast with 503 DB_UNAVAILABLE (or, for a read the server
  // can answer without the database, succeeds); none hangs.
  const probes: [string, () => Promise<{ status: number; body: any }>][] = [
    ['health', () => new Http(`http://${base}`).get('/api/health')],
    ['hall (public)', () => new Http(`http://${base}`).get(`/api/sessions/${h.sessionId}/hall`)],
    ['me (cookie lookup)', () => tablet(0).get('/api/auth/me')],
    ['cast', () => tablet(firstDeputy).post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: randomBallot(rand, h.candidateIds, CHOOSE) })],
    ['staff turnout', () => {
      const c = new Http(`http://${base}`);
      c.cookie = staff.cookie;
      return c.get(`/api/polls/${pollId}/turnout`);
    }],
  ];
  let slowest = 0;
  for (const [name, probe] of probes) {
    const t0 = Date.now();
    const r = await probe();
    const ms = Date.now() - t0;
    slowest = Math.max(slowest, ms);
    expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(503);
    expect(r.body.error.code, name).toBe('DB_UNAVAILABLE');
    expect(ms, `${name} took ${ms} ms`).toBeLessThan(5000);
  }

  // Tablets vote during the outage and keep retrying with their key.
  const giveUpAt = Date.now() + 120_000;
  const retrying = Array.from({ length: count }, async (_, k) => {
    const i = firstDeputy + k;
    const b = randomBallot(rand, h.candidateIds, CHOOSE);
    ballots.set(i, b);
    keys.set(i, key());
    await sleep(k * 20);
    return castWithRetry(tablet(i), pollId, keys.get(i)!, b, { giveUpAt });
  });

  await sleep(1500);
  const startAt = Date.now();
  await startPg();
  const pgUpAt = Date.now();
  // Recovered: the first successful health check after PostgreSQL accepts connections again.
  let healthyAt = 0;
  while (!healthyAt) {
    const r = await new Http(`http://${base}`, 5000).get('/api/health').catch(() => null);
    if (r?.status === 200) healthyAt = Date.now();
    else await sleep(20);
  }
  const results = await Promise.all(retrying);
  for (const [k, r] of results.entries()) {
    expect(r.status, JSON.stringify(r)).toBe(200);
    expect(r.duplicate, JSON.stringify(r)).toBe(false);
    expect(r.failures.length, `deputy ${firstDeputy + k} never saw the outage`).toBeGreaterThan(0);
    expect(new Set(r.failures), JSON.stringify(r.failures)).toEqual(new Set(['503 DB_UNAVAILABLE']));
  }

  // The display was never reconnected; after the LISTEN connection is back it gets the truth.
  const votedNow = votedBefore + count;
  const event = await display.waitFor((m) => turnoutOf(m)?.voted === votedNow, 30_000, startAt);
  const displayAt = display.messages.find((x) => x.m === event)!.at;
  // When the server logged the LISTEN connection back (pino writes JSON lines with a time).
  const listenAt = logText
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { time: number; msg: string }];
      } catch {
        return [];
      }
    })
    .find((l) => l.msg === 'LISTEN connection restored' && l.time >= startAt)?.time;
  expect(listenAt, 'LISTEN connection restored after the restart').toBeDefined();
  expect(event.topic).toBe(`hall:${h.sessionId}`);
  expect(display.ws.readyState).toBe(1);
  // And it keeps moving with new ballots (turnout notices travel through LISTEN/NOTIFY).
  const next = firstDeputy + count;
  const nb = randomBallot(rand, h.candidateIds, CHOOSE);
  ballots.set(next, nb);
  keys.set(next, key());
  await castOk(h.deputies[next]!.client, pollId, nb, keys.get(next));
  await display.waitFor((m) => turnoutOf(m)?.voted === votedNow + 1, 10_000);
  const seqs = display.messages.filter((x) => x.m.topic === `hall:${h.sessionId}`).map((x) => x.m.seq as number);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  display.close();

  figures[label] = {
    downMs: startAt - stoppedAt,
    slowestRequestWhileDownMs: slowest,
    postgresStartMs: pgUpAt - startAt,
    serverHealthyAfterPostgresUpMs: healthyAt - pgUpAt,
    listenRestoredAfterPostgresUpMs: listenAt! - pgUpAt,
    displayUpdatedAfterPostgresUpMs: displayAt - pgUpAt,
    tabletsRetrying: count,
    maxAttempts: Math.max(...results.map((r) => r.attempts)),
  };
}

describe('PostgreSQL restarts during a vote', () => {
  it('fast shutdown: 503 while down, then casts, LISTEN and the hall display recover by themselves', async () => {
    await voteRange(0, 10);
    await outage('fast shutdown', 10, 15, () => pgServer.stop());
  });

  it('immediate shutdown (crash recovery): the same', async () => {
    await outage('immediate shutdown', 26, 15, async () => void process.kill(postmasterPid(), 'SIGQUIT'));
  });

  it('the result counts every ballot once: roll and box agree, the record balances', async () => {
    const voted = ballots.size;
    const counts = await withPg(url, async (c) => {
      const q = async (sql: string) => Number((await c.query(sql, [pollId])).rows[0].n);
      return {
        voted: await q('select count(*) as n from poll_roll where poll_id = $1 and voted'),
        box: await q('select count(*) as n from poll_box where poll_id = $1'),
      };
    });
    expect(counts).toEqual({ voted, box: voted });
    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.result.record).toMatchObject({ issued: DEPUTIES, returned: voted, valid: voted, notVoted: DEPUTIES - voted, balanced: true });
    expect(countsOf(closed.body.result)).toEqual(expectedCounts([...ballots.values()], h.candidateIds));
    // The server logged the outage as warnings, never as an unhandled error.
    expect(logText).not.toMatch(/unhandled error/);
    expect(logText).toMatch(/LISTEN connection (lost|restored)/);
  });
});
