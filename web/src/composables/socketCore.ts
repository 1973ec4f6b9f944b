/**
 * The reconnecting websocket, written against injected WebSocket/timer/random so the
 * reconnect, heartbeat and sequence-gap logic can be tested without a network.
 */
import type { ServerMessage, TopicData, TopicEvent } from '@piaojue/shared';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline';

export const PING_INTERVAL_MS = 15_000;
export const IDLE_TIMEOUT_MS = 35_000;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 15_000;
/** After this many failed attempts in a row the badge says offline (we keep trying). */
export const OFFLINE_AFTER_ATTEMPTS = 4;
/** A cast over the socket unanswered this long is given up here (the caller retries by HTTP). */
export const CAST_TIMEOUT_MS = 8_000;

/** The server's answer to a cast sent over the socket. */
export type CastAnswer = Extract<ServerMessage, { type: 'cast' }>;
/** The server's proof check of a ballot this socket cast, when it failed (encrypted polls). */
export type VerificationNotice = Extract<ServerMessage, { type: 'verification' }>;

/** Why a cast over the socket got no answer: the caller should send it another way. */
export class SocketUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SocketUnavailable';
  }
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number = Math.random, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Per-topic sequence bookkeeping. `null` = waiting for a snapshot. */
export type SeqDecision = 'apply' | 'stale' | 'gap' | 'await-snapshot';

export function decideEvent(lastSeq: number | null, seq: number): SeqDecision {
  if (lastSeq === null) return 'await-snapshot';
  if (seq <= lastSeq) return 'stale';
  if (seq === lastSeq + 1) return 'apply';
  return 'gap';
}

export type TopicMessage =
  | { kind: 'snapshot'; data: TopicData; seq: number }
  | { kind: 'event'; event: TopicEvent; seq: number };

export type TopicHandler = (msg: TopicMessage) => void;

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export const realClock: Clock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

export interface SocketOptions {
  url: string;
  create: (url: string) => SocketLike;
  clock?: Clock;
  random?: () => number;
  onServerTime?: (serverTimeIso: string, receivedAt: number) => void;
}

const OPEN = 1;

interface TopicEntry {
  handlers: Set<TopicHandler>;
  /** The hall display's key, sent with every subscribe of the hall topic. */
  displayKey?: string;
  lastSeq: number | null;
}

export class SocketClient {
  private ws: SocketLike | null = null;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly verificationListeners = new Set<(n: VerificationNotice) => void>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private idleTimer: unknown = null;
  private started = false;
  private browserOffline = false;
  private refs = 0;
  private readonly casts = new Map<string, { resolve(a: CastAnswer): void; reject(e: Error): void; timer: unknown }>();
  state: ConnectionState = 'connecting';

  constructor(private readonly opts: SocketOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  /** A ballot this socket cast failed the server's proof check after it was answered. */
  onVerification(listener: (n: VerificationNotice) => void): () => void {
    this.verificationListeners.add(listener);
    return () => this.verificationListeners.delete(listener);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  stop(): void {
    this.started = false;
    this.clearTimers();
    this.failCasts();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      ws.close(1000, 'bye');
    }
    this.setState('offline');
  }

  /** The browser said it lost / regained the network. */
  setBrowserOnline(online: boolean): void {
    this.browserOffline = !online;
    if (!online) {
      this.setState('offline');
      return;
    }
    if (this.started && this.state !== 'open') {
      this.clock.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.attempt = 0;
      this.dropSocket();
      this.connect();
    }
  }

  subscribe(topic: string, handler: TopicHandler, opts: { displayKey?: string } = {}): () => void {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { handlers: new Set(), lastSeq: null, displayKey: opts.displayKey };
      this.topics.set(topic, entry);
      this.send({ type: 'subscribe', topic, ...(entry.displayKey && { displayKey: entry.displayKey }) });
    }
    entry.handlers.add(handler);
    return () => {
      const e = this.topics.get(topic);
      if (!e) return;
      e.handlers.delete(handler);
      if (e.handlers.size === 0) {
        this.topics.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      }
    };
  }

  /**
   * Casts over the socket and waits for the answer with the same ref. Rejects with
   * SocketUnavailable when the socket is not open, closes first, or stays silent for
   * `timeoutMs`; the ballot may still have been recorded, so the caller retries with the same
   * idempotency key, and the server answers that retry with the same receipt.
   */
  cast(body: { pollId: string; idempotencyKey: string; ballot: unknown }, timeoutMs = CAST_TIMEOUT_MS): Promise<CastAnswer> {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return Promise.reject(new SocketUnavailable('not connected'));
    const ref = `c${++this.refs}`;
    return new Promise<CastAnswer>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.settleCast(ref, new SocketUnavailable('no answer')), timeoutMs);
      this.casts.set(ref, { resolve, reject, timer });
      try {
        ws.send(JSON.stringify({ type: 'cast', ref, ...body }));
      } catch {
        this.settleCast(ref, new SocketUnavailable('send failed'));
      }
    });
  }

  private settleCast(ref: string, outcome: CastAnswer | Error): void {
    const c = this.casts.get(ref);
    if (!c) return;
    this.casts.delete(ref);
    this.clock.clearTimeout(c.timer);
    if (outcome instanceof Error) c.reject(outcome);
    else c.resolve(outcome);
  }

  /** The socket went away: no cast in flight on it can be answered any more. */
  private failCasts(): void {
    for (const ref of [...this.casts.keys()]) this.settleCast(ref, new SocketUnavailable('connection lost'));
  }

  lastSeq(topic: string): number | null {
    return this.topics.get(topic)?.lastSeq ?? null;
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private send(msg: object): void {
    if (this.ws && this.ws.readyState === OPEN) this.ws.send(JSON.stringify(msg));
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.reconnectTimer);
    this.clock.clearInterval(this.pingTimer);
    this.clock.clearTimeout(this.idleTimer);
    this.reconnectTimer = this.pingTimer = this.idleTimer = null;
  }

  private connect(): void {
    if (!this.started) return;
    if (this.browserOffline) this.setState('offline');
    let ws: SocketLike;
    try {
      ws = this.opts.create(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setState('open');
      this.touch();
      this.clock.clearInterval(this.pingTimer);
      this.pingTimer = this.clock.setInterval(() => this.send({ type: 'ping', t: this.clock.now() }), PING_INTERVAL_MS);
      // every topic starts over: the server answers each subscribe with a snapshot
      for (const [topic, entry] of this.topics) {
        entry.lastSeq = null;
        this.send({ type: 'subscribe', topic, ...(entry.displayKey && { displayKey: entry.displayKey }) });
      }
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.touch();
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      this.handle(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failCasts();
      this.clock.clearInterval(this.pingTimer);
      this.clock.clearTimeout(this.idleTimer);
      this.pingTimer = this.idleTimer = null;
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and does the work
    };
  }

  private dropSocket(): void {
    const ws = this.ws;
    this.ws = null;
    this.failCasts();
    this.clock.clearInterval(this.pingTimer);
    this.clock.clearTimeout(this.idleTimer);
    this.pingTimer = this.idleTimer = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try {
        ws.close(4000, 'idle');
      } catch {
        // already closing
      }
    }
  }

  /** Any message proves the link is alive; silence for IDLE_TIMEOUT_MS means it is not. */
  private touch(): void {
    this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.clock.setTimeout(() => {
      this.dropSocket();
      this.scheduleReconnect();
    }, IDLE_TIMEOUT_MS);
  }

  private scheduleReconnect(): void {
    if (!this.started) return;
    this.setState(this.browserOffline || this.attempt + 1 >= OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting');
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt += 1;
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
      case 'pong':
        this.opts.onServerTime?.(msg.serverTime, this.clock.now());
        return;
      case 'snapshot': {
        const entry = this.topics.get(msg.topic);
        if (!entry) return;
        entry.lastSeq = msg.seq;
        const out: TopicMessage = { kind: 'snapshot', data: msg.data, seq: msg.seq };
        for (const h of entry.handlers) h(out);
        return;
      }
      case 'event': {
        const entry = this.topics.get(msg.topic);
        if (!entry) return;
        const d = decideEvent(entry.lastSeq, msg.seq);
        if (d === 'apply') {
          entry.lastSeq = msg.seq;
          const out: TopicMessage = { kind: 'event', event: msg.event, seq: msg.seq };
          for (const h of entry.handlers) h(out);
        } else if (d === 'gap') {
          entry.lastSeq = null;
          this.send({ type: 'resync', topic: msg.topic, ...(entry.displayKey && { displayKey: entry.displayKey }) });
        }
        return;
      }
      case 'cast':
        this.settleCast(msg.ref, msg);
        return;
      case 'verification':
        for (const l of this.verificationListeners) l(msg);
        return;
      case 'error':
        return;
    }
  }
}
