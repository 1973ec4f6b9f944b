/**
 * Slow and vanishing clients. Hall displays that stop reading (their socket paused, while they
 * keep asking for snapshots) or drop mid-stream must not delay the healthy displays or bring the
 * server down. A tablet whose connection dies while its ballot is on the way has that ballot
 * either fully counted or not at all; its retry with the same key says which (duplicate:true with
 * the same receipt, or a first count).
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { trackerFor } from '../../server/src/modules/polls/cast.service.ts';
import { createTestApp, key, type Client, type TestApp } from '../helpers/app.ts';
import { castOk, hall, openPoll, prng, staffPair, withPg, type Hall } from '../helpers/world.ts';
import { countsOf, expectedCounts, randomBallot, root, sleep, wsClient, type ApproveBallot } from './lib.ts';
import { turnoutOf } from '../helpers/socket.ts';

const DEPUTIES = 120;
const CHOOSE = 2;

let t: TestApp;
let staff: Client;
let h: Hall;
let pollId: string;
let port: number;
const rand = prng(99);
const counted: ApproveBallot[] = [];
let next = 0;
const figures: Record<string, unknown> = {};
/** Bytes the server held, at most, for one display that does not read (measured below). */
let maxQueued = -1;

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'warn' });
  ({ staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 4, deputies: DEPUTIES, cycle: { chooseN: CHOOSE } });
  pollId = await openPoll(staff, h.sessionId);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
}, 180_000);

afterAll(async () => {
  if (Object.keys(figures).length) console.log(`slow client figures: ${JSON.stringify(figures)}`);
  await t?.close();
});

const wsUrl = () => `ws://127.0.0.1:${port}/api/ws`;
const topic = () => `hall:${h.sessionId}`;

async function subscribed() {
  const c = wsClient(wsUrl());
  await c.opened;
  c.send({ type: 'subscribe', topic: topic() });
  await c.waitFor((m) => m.type === 'snapshot');
  return c;
}

/** Casts the next deputy's ballot and returns how long until every healthy display showed it. */
async function castAndMeasure(displays: Awaited<ReturnType<typeof subscribed>>[]): Promise<number> {
  const i = next++;
  const b = randomBallot(rand, h.candidateIds, CHOOSE);
  counted.push(b);
  const t0 = Date.now();
  await castOk(h.deputies[i]!.client, pollId, b);
  const voted = i + 1;
  await Promise.all(displays.map((d) => d.waitFor((m) => (turnoutOf(m)?.voted ?? -1) >= voted, 10_000, t0)));
  return Date.now() - t0;
}

/**
 * Displays that subscribe, then stop reading (socket paused); the first `flooders` of them send
 * `resyncs` resync requests each, whose snapshots pile up unread. Plain JavaScript: it runs in a
 * worker thread of its own.
 */
const STALLED_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require('node:module').createRequire(workerData.root + '/package.json')('ws');
const { url, topic, count, flooders, resyncs } = workerData;
(async () => {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic })));
    ws.on('message', (raw) => {
      if (JSON.parse(raw.toString()).type !== 'snapshot') return;
      ws._socket.pause();
      resolve(ws);
    });
    setTimeout(() => reject(new Error('no snapshot')), 20000);
  })));
  parentPort.postMessage('stalled');
  const msg = JSON.stringify({ type: 'resync', topic });
  for (let sent = 0; sent < resyncs; sent += 100) {
    for (const ws of sockets.slice(0, flooders)) for (let k = 0; k < 100; k++) ws.send(msg);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage('flooded');
})();
`;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

describe('slow and dropped websocket clients', () => {
  it('do not delay the healthy displays, and the server lets go of the dropped ones', async () => {
    const hub = t.app.services.hub;
    const healthy = await Promise.all(Array.from({ length: 30 }, () => subscribed()));
    const baseline: number[] = [];
    for (let k = 0; k < 10; k++) baseline.push(await castAndMeasure(healthy));

    // Twenty displays stop reading; four of them keep asking for fresh snapshots they never read
    // (~20 MB each). They run in a worker thread, so their own work does not slow this one, where
    // the server runs.
    const snapshotBytes = JSON.stringify(healthy[0]!.messages.find((x) => x.m.type === 'snapshot')!.m).length;
    const stalled = new Worker(STALLED_WORKER, { eval: true, workerData: { root, url: wsUrl(), topic: topic(), count: 20, flooders: 4, resyncs: Math.ceil((20 * 1024 * 1024) / snapshotBytes) } });
    const fromWorker = (what: string) => new Promise<void>((resolve, reject) => {
      stalled.on('message', (m) => m === what && resolve());
      stalled.once('error', reject);
    });
    const flooded = fromWorker('flooded');
    await fromWorker('stalled');

    // Twenty more vanish without a close frame: mid-snapshot, right after subscribing, mid-frame.
    const dropped: Promise<void>[] = [];
    for (let k = 0; k < 20; k++) {
      dropped.push(
        (async () => {
          const c = wsClient(wsUrl());
          await c.opened;
          const sock = (c.ws as WebSocket & { _socket: net.Socket })._socket;
          if (k % 3 === 0) {
            c.send({ type: 'subscribe', topic: topic() });
            sock.destroy();
          } else if (k % 3 === 1) {
            c.send({ type: 'subscribe', topic: topic() });
            await c.waitFor((m) => m.type === 'snapshot');
            await sleep(k * 10);
            sock.destroy();
          } else {
            // Half a masked frame header, then gone.
            sock.write(Buffer.from([0x81, 0xfe, 0x10]));
            sock.destroy();
          }
        })(),
      );
    }
    await Promise.all(dropped);

    const loaded: number[] = [];
    for (let k = 0; k < 20; k++) loaded.push(await castAndMeasure(healthy));
    await flooded;

    const buffered = [...t.app.websocketServer.clients].map((c) => c.bufferedAmount);
    maxQueued = Math.max(...buffered);
    figures.websocket = {
      healthyDisplays: healthy.length,
      stalledDisplays: 20,
      snapshotBytes,
      droppedDisplays: 20,
      deliveryMsBaseline: { p95: p95(baseline), max: Math.max(...baseline) },
      deliveryMsWithStalledAndDropped: { p95: p95(loaded), max: Math.max(...loaded) },
      maxBytesQueuedForOneStalledDisplay: Math.max(...buffered),
      bytesQueuedForAllStalledDisplays: buffered.reduce((a, b) => a + b, 0),
    };
    // Healthy displays still get every change within well under a second (turnout is coalesced to
    // at most ~10 updates per second, so ~100 ms is the floor).
    expect(p95(loaded)).toBeLessThan(Math.max(1000, p95(baseline) * 4));
    for (const d of healthy) {
      const seqs = d.messages.filter((x) => x.m.topic === topic()).map((x) => x.m.seq as number);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    }

    // The dropped ones are gone from the hub; the stalled ones too once they are cut off.
    const deadline = Date.now() + 10_000;
    // (Stalled sockets whose unread queue passed the bound are already cut off.)
    while (hub.clientCount > healthy.length + 20 && Date.now() < deadline) await sleep(50);
    expect(hub.clientCount).toBeLessThanOrEqual(healthy.length + 20);
    expect(hub.clientCount).toBeGreaterThanOrEqual(healthy.length);
    await stalled.terminate();
    while (hub.clientCount !== healthy.length && Date.now() < deadline + 10_000) await sleep(50);
    expect(hub.clientCount).toBe(healthy.length);
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    for (const d of healthy) d.close();
  });

  // The hub cuts off a socket whose unread queue passes 1 MiB.
  it('bounds what it queues for one display that never reads (4 MiB)', () => {
    expect(maxQueued).toBeGreaterThanOrEqual(0);
    expect(maxQueued).toBeLessThan(4 * 1024 * 1024);
  });
});

type Mode = 'headers only' | 'half the body' | 'whole body, then gone' | 'whole body, gone after a moment' | 'whole body, then half-close';
const MODES: Mode[] = ['headers only', 'half the body', 'whole body, then gone', 'whole body, gone after a moment', 'whole body, then half-close'];

/** Sends a cast over a raw socket and abandons it the given way; resolves once the socket is closed. */
async function abandonedCast(cookie: string, idempotencyKey: string, ballot: ApproveBallot, mode: Mode, delayMs: number): Promise<string> {
  const body = JSON.stringify({ idempotencyKey, ballot });
  const head = [
    `POST /api/polls/${pollId}/ballots HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Cookie: pj_session=${cookie}`,
    'x-piaojue-csrf: 1',
    '',
    '',
  ].join('\r\n');
  const sock = net.connect(port, '127.0.0.1');
  let reply = '';
  sock.on('data', (d) => (reply += d.toString('utf8')));
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  if (mode === 'headers only') sock.write(head);
  else if (mode === 'half the body') sock.write(head + body.slice(0, body.length >> 1));
  else sock.write(head + body);
  if (mode === 'whole body, gone after a moment') await sleep(delayMs);
  if (mode === 'whole body, then half-close') sock.end();
  else sock.destroy();
  await closed;
  return reply;
}

describe('a tablet that disconnects while casting', () => {
  it('has its ballot counted entirely or not at all, and the retry tells which', async () => {
    const first = next;
    const votedBefore = next;
    const plan = h.deputies.slice(first, first + 60).map((d, k) => ({
      i: first + k,
      d,
      key: key(),
      ballot: randomBallot(rand, h.candidateIds, CHOOSE),
      mode: MODES[k % MODES.length]!,
      delay: k % 15,
    }));
    // All at once, so some wait for a database connection while their client is already gone.
    const replies = await Promise.all(plan.map((p) => abandonedCast(p.d.client.cookie!, p.key, p.ballot, p.mode, p.delay)));
    // Let handlers whose client left finish.
    await sleep(1500);

    const state = async () =>
      withPg(t.url, async (c) => {
        const { rows } = await c.query(
          `select (select count(*)::int from poll_roll where poll_id = $1 and voted) as voted, (select count(*)::int from poll_box where poll_id = $1) as box`,
          [pollId],
        );
        return rows[0] as { voted: number; box: number };
      });
    const mid = await state();
    // Whatever landed landed whole: every mark on the roll has its ballot in the box.
    expect(mid.voted).toBe(mid.box);

    const byMode: Record<string, { counted: number; notCounted: number }> = {};
    for (const [k, p] of plan.entries()) {
      const r = await p.d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: p.key, ballot: p.ballot });
      expect(r.status, `${p.mode}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.receipt).toBe(trackerFor(pollId, p.key));
      const entry = (byMode[p.mode] ??= { counted: 0, notCounted: 0 });
      if (r.body.duplicate) entry.counted++;
      else entry.notCounted++;
      // A request cut short before its body was complete never reaches the handler.
      if (p.mode === 'headers only' || p.mode === 'half the body') expect(r.body.duplicate, `${p.mode} (${replies[k]!.slice(0, 100)})`).toBe(false);
      counted.push(p.ballot);
    }
    expect(mid.voted - votedBefore).toBe(Object.values(byMode).reduce((n, m) => n + m.counted, 0));

    const end = await state();
    expect(end).toEqual({ voted: counted.length, box: counted.length });
    figures.abandonedCasts = byMode;

    // The count equals the one computed from the ballots every tablet believes it cast.
    const staffClose = await staff.post(`/api/polls/${pollId}/close`);
    expect(staffClose.status, JSON.stringify(staffClose.body)).toBe(200);
    expect(staffClose.body.result.record).toMatchObject({ returned: counted.length, valid: counted.length, balanced: true });
    expect(countsOf(staffClose.body.result)).toEqual(expectedCounts(counted, h.candidateIds));
  });
});
