import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HallState } from '@piaojue/shared';
import {
  BACKOFF_CAP_MS,
  IDLE_TIMEOUT_MS,
  PING_INTERVAL_MS,
  SocketClient,
  backoffDelay,
  decideEvent,
  type Clock,
  type SocketLike,
  type TopicMessage,
} from './socketCore.ts';

class FakeWs implements SocketLike {
  static all: FakeWs[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(public url: string) {
    FakeWs.all.push(this);
  }
  send(d: string) {
    this.sent.push(JSON.parse(d));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  recv(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

const clock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

const hall = (present: number): HallState => ({
  sessionId: 's',
  sessionName: 'S',
  cycleName: 'C',
  checkinOpen: true,
  attendance: { seated: 10, present, quorumNeeded: 6, quorumMet: present >= 6 },
  poll: null,
  encryption: null,
  serverTime: new Date(0).toISOString(),
});

function make(random = () => 1) {
  const states: string[] = [];
  const c = new SocketClient({ url: 'ws://x/api/ws', create: (u) => new FakeWs(u), clock, random });
  c.onState((s) => states.push(s));
  return { c, states, ws: () => FakeWs.all.at(-1)! };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWs.all = [];
});
afterEach(() => vi.useRealTimers());

describe('backoffDelay (full jitter)', () => {
  it('grows exponentially from 0.5 s and is capped at 15 s', () => {
    expect(backoffDelay(0, () => 0.999999)).toBe(499);
    expect(backoffDelay(1, () => 0.999999)).toBe(999);
    expect(backoffDelay(3, () => 0.999999)).toBe(3999);
    expect(backoffDelay(10, () => 0.999999)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffDelay(50, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });
  it('is uniform from zero (full jitter)', () => {
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});

describe('decideEvent', () => {
  it('applies the next seq, ignores stale ones, flags gaps, and waits for a snapshot', () => {
    expect(decideEvent(4, 5)).toBe('apply');
    expect(decideEvent(4, 4)).toBe('stale');
    expect(decideEvent(4, 2)).toBe('stale');
    expect(decideEvent(4, 7)).toBe('gap');
    expect(decideEvent(null, 1)).toBe('await-snapshot');
  });
});

describe('SocketClient', () => {
  it('subscribes on open, delivers snapshot then in-order events', () => {
    const { c, ws, states } = make();
    const got: TopicMessage[] = [];
    c.start();
    c.subscribe('hall:s', (m) => got.push(m));
    ws().open();
    expect(states).toEqual(['connecting', 'open']);
    expect(ws().sent).toContainEqual({ type: 'subscribe', topic: 'hall:s' });
    ws().recv({ type: 'snapshot', topic: 'hall:s', seq: 3, data: { kind: 'hall', state: hall(1) } });
    ws().recv({ type: 'event', topic: 'hall:s', seq: 4, event: { kind: 'hall', state: hall(2) } });
    ws().recv({ type: 'event', topic: 'hall:s', seq: 4, event: { kind: 'hall', state: hall(9) } });
    expect(got.map((m) => m.seq)).toEqual([3, 4]);
  });

  it('on a sequence gap asks for a resync and drops events until the snapshot', () => {
    const { c, ws } = make();
    const got: number[] = [];
    c.start();
    c.subscribe('hall:s', (m) => got.push(m.seq));
    ws().open();
    ws().recv({ type: 'snapshot', topic: 'hall:s', seq: 1, data: { kind: 'hall', state: hall(1) } });
    ws().recv({ type: 'event', topic: 'hall:s', seq: 3, event: { kind: 'hall', state: hall(3) } });
    expect(ws().sent.at(-1)).toEqual({ type: 'resync', topic: 'hall:s' });
    ws().recv({ type: 'event', topic: 'hall:s', seq: 4, event: { kind: 'hall', state: hall(4) } });
    expect(got).toEqual([1]);
    ws().recv({ type: 'snapshot', topic: 'hall:s', seq: 4, data: { kind: 'hall', state: hall(4) } });
    ws().recv({ type: 'event', topic: 'hall:s', seq: 5, event: { kind: 'hall', state: hall(5) } });
    expect(got).toEqual([1, 4, 5]);
  });

  it('reconnects with backoff after a drop and re-subscribes every topic', () => {
    const { c, ws, states } = make(() => 0.5);
    c.start();
    c.subscribe('hall:s', () => undefined);
    c.subscribe('staff:s', () => undefined);
    ws().open();
    const first = ws();
    first.drop();
    expect(states.at(-1)).toBe('reconnecting');
    expect(FakeWs.all).toHaveLength(1);
    vi.advanceTimersByTime(249); // 0.5 × 500 ms
    expect(FakeWs.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWs.all).toHaveLength(2);
    ws().drop(); // second attempt fails before opening: 0.5 × 1000 ms
    vi.advanceTimersByTime(499);
    expect(FakeWs.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWs.all).toHaveLength(3);
    ws().open();
    expect(states.at(-1)).toBe('open');
    expect(ws().sent).toEqual([
      { type: 'subscribe', topic: 'hall:s' },
      { type: 'subscribe', topic: 'staff:s' },
    ]);
  });

  it('after a reconnect the first event before the snapshot is not applied', () => {
    const { c, ws } = make(() => 0);
    const got: number[] = [];
    c.start();
    c.subscribe('hall:s', (m) => got.push(m.seq));
    ws().open();
    ws().recv({ type: 'snapshot', topic: 'hall:s', seq: 1, data: { kind: 'hall', state: hall(1) } });
    ws().drop();
    vi.advanceTimersByTime(0);
    ws().open();
    ws().recv({ type: 'event', topic: 'hall:s', seq: 2, event: { kind: 'hall', state: hall(2) } });
    expect(got).toEqual([1]);
  });

  it('says offline after repeated failures, and keeps trying', () => {
    const { c, ws, states } = make(() => 0);
    c.start();
    for (let i = 0; i < 5; i++) {
      ws().drop();
      vi.advanceTimersByTime(0);
    }
    expect(states.at(-1)).toBe('offline');
    expect(FakeWs.all.length).toBe(6);
    ws().open();
    expect(states.at(-1)).toBe('open');
  });

  it('pings every 15 s and drops a silent link after 35 s', () => {
    const { c, ws } = make(() => 0);
    c.start();
    ws().open();
    const first = ws();
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(first.sent.filter((m) => (m as { type: string }).type === 'ping')).toHaveLength(1);
    first.recv({ type: 'pong', serverTime: new Date().toISOString() });
    vi.advanceTimersByTime(IDLE_TIMEOUT_MS - 1);
    expect(first.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(first.closed).toBe(true);
    vi.advanceTimersByTime(1);
    expect(FakeWs.all).toHaveLength(2);
  });

  it('unsubscribe sends unsubscribe only when the last handler leaves', () => {
    const { c, ws } = make();
    c.start();
    ws().open();
    const off1 = c.subscribe('hall:s', () => undefined);
    const off2 = c.subscribe('hall:s', () => undefined);
    expect(ws().sent.filter((m) => (m as { type: string }).type === 'subscribe')).toHaveLength(1);
    off1();
    expect(ws().sent.some((m) => (m as { type: string }).type === 'unsubscribe')).toBe(false);
    off2();
    expect(ws().sent.at(-1)).toEqual({ type: 'unsubscribe', topic: 'hall:s' });
  });

  it('reports server time from hello/pong', () => {
    const seen: string[] = [];
    const c = new SocketClient({ url: 'u', create: (u) => new FakeWs(u), clock, onServerTime: (t) => seen.push(t) });
    c.start();
    FakeWs.all.at(-1)!.open();
    FakeWs.all.at(-1)!.recv({ type: 'hello', instance: 'i', serverTime: '2027-01-01T00:00:00.000Z' });
    expect(seen).toEqual(['2027-01-01T00:00:00.000Z']);
  });
});

describe('SocketClient.cast', () => {
  beforeEach(() => {
    FakeWs.all = [];
  });
  const make = () => {
    const c = new SocketClient({ url: 'ws://x/api/ws', create: (u) => new FakeWs(u), clock, random: () => 0 });
    c.start();
    return c;
  };
  const body = { pollId: 'p', idempotencyKey: 'k'.repeat(16), ballot: { type: 'approve', marks: {} } };

  it('sends the cast with a ref and resolves with the answer carrying that ref only', async () => {
    const c = make();
    const ws = FakeWs.all[0]!;
    ws.open();
    const a = c.cast(body);
    const b = c.cast(body);
    const [ra, rb] = ws.sent.filter((m: any) => m.type === 'cast') as any[];
    expect(ra).toMatchObject({ type: 'cast', ...body });
    expect(ra.ref).not.toBe(rb.ref);
    ws.recv({ type: 'cast', ref: rb.ref, ok: false, status: 409, error: { code: 'ALREADY_VOTED', message: '', messageZh: '', messageEn: '' } });
    ws.recv({ type: 'cast', ref: 'unknown', ok: true, receipt: 'X', duplicate: false });
    ws.recv({ type: 'cast', ref: ra.ref, ok: true, receipt: 'R', duplicate: false });
    expect(await a).toMatchObject({ ok: true, receipt: 'R' });
    expect(await b).toMatchObject({ ok: false, status: 409 });
    c.stop();
  });

  it('rejects when not connected, when the connection drops, and after the timeout', async () => {
    vi.useFakeTimers();
    try {
      const c = make();
      const ws = FakeWs.all[0]!;
      await expect(c.cast(body)).rejects.toThrow('not connected');
      ws.open();
      const dropped = c.cast(body);
      ws.drop();
      await expect(dropped).rejects.toThrow('connection lost');
      vi.advanceTimersByTime(BACKOFF_CAP_MS);
      const ws2 = FakeWs.all[1]!;
      ws2.open();
      const silent = c.cast(body, 1000);
      vi.advanceTimersByTime(1001);
      await expect(silent).rejects.toThrow('no answer');
      c.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
