import { randomUUID } from 'node:crypto';
import { CastMessage, type CastReceipt, type ClientMessage, type ServerMessage, type TopicData, type TopicEvent, type Turnout } from '@piaojue/shared';
import { Compile } from 'typebox/compile';
import type { WebSocket } from 'ws';
import { allowed } from '../auth/guard.ts';
import { AppError, errorBody } from '../lib/errors.ts';
import type { Principal } from '../modules/auth/auth.service.ts';
import type { Unit } from '../modules/units/unit-scope.ts';
import type { ChangeNotice, EndedNotice } from './notify.ts';

/** A congress as an account belongs to it; null: the whole installation. */
export type Congress = Unit | null;

export interface TopicLoaders {
  /** `forPublic`: as the anonymous public may see it (no result before certification). */
  hall(sessionId: string, forPublic: boolean): Promise<TopicData>;
  /** Whether a staff account may read this session's staff topic: its congress's own (unit-scope.ts). */
  inScope(principal: Principal, sessionId: string): Promise<boolean>;
  /** Whether this reader of the hall topic sees a provisional result (sessions.service.ts). */
  seesProvisional(principal: Principal, sessionId: string, displayKey: string | undefined): Promise<boolean>;
  staff(sessionId: string): Promise<TopicData>;
  /** The session's 主席团 decisions awaiting signatures. */
  presidium(sessionId: string): Promise<TopicData>;
  turnout(sessionId: string): Promise<Turnout | null>;
  /** The congress an account works for. */
  congressOf(principal: Principal): Promise<Congress>;
  /** The ids of a congress's sessions, as GET /api/sessions lists them for its accounts. */
  sessions(congress: Congress): Promise<TopicData>;
}

/**
 * What a socket may do besides reading topics. A tablet casts over the socket it holds: that
 * skips an HTTP request per ballot (parsing, routing, headers, a fresh connection on a lossy
 * hall network), while the cast itself is the same call with the same checks as the HTTP route.
 */
export interface SocketActions {
  /**
   * Casts for the login behind `token`, which is resolved again for every cast (a logout or a
   * revoked code acts at once, as on HTTP). Throws AppError as the HTTP route would.
   */
  cast(token: string | undefined, msg: CastMessage, onRejected?: (v: { pollId: string; code: string; message: string }) => void): Promise<CastReceipt>;
  /** The login behind `token` now: a topic other than the public hall checks it on every subscribe. */
  principal(token: string | undefined): Promise<Principal>;
}

/** How the socket was opened: the session cookie it carried, and whether its page is ours. */
export interface SocketOrigin {
  token?: string;
  /** The hash of `token` as auth_sessions keeps it: ending that login closes the socket. */
  session?: string;
  /** The Origin header names this server (or is absent): only then may the socket act or read more than the public hall. */
  sameOrigin: boolean;
}

interface Client {
  socket: WebSocket;
  principal: Principal;
  origin: SocketOrigin;
  /** The topics this socket reads, each with the audience it reads it as (and the hall display's key it gave). */
  topics: Map<string, Reading>;
  alive: boolean;
  /** Casts sent and not yet answered. */
  casting: number;
}

interface TopicState {
  /** The topic as clients name it. */
  topic: string;
  key: string;
  /** The sessions topic: the congress whose list this is. */
  congress?: Congress;
  /** Tablets (deputies) or screens (displays, staff); see `turnoutGapMs`. */
  audience: Audience;
  subscribers: Set<Client>;
  seq: number;
  /** Latest data sent, handed to new subscribers as their snapshot. */
  data: TopicData | null;
  pending: 'turnout' | 'state' | null;
  timer: NodeJS.Timeout | null;
  /** When the timer fires (ms since the epoch). */
  due: number;
  lastRun: number;
  running: boolean;
}

/** Bytes queued for one socket before it is treated as dead. */
const MAX_QUEUED = 1024 * 1024;

/** The largest message a client may send (a ballot of ~150 candidates). */
/** An encrypted ballot of many candidates (ranked: candidates × places ciphertexts and their proofs) runs to ~100 kB. */
export const MAX_CLIENT_MESSAGE = 256 * 1024;

/** Casts one socket may have in flight; a tablet sends one and waits for its answer. */
const MAX_CASTING = 2;

const isCastMessage = Compile(CastMessage);
const isCastRef = Compile(CastMessage.properties.ref);

const TOPIC = /^(hall|staff|presidium):([0-9a-f-]{36})$|^(sessions)$/;

/** A topic's kind and session (none for the sessions topic), or null for a name no topic has. */
function parse(topic: string): { kind: string; id: string } | null {
  const m = TOPIC.exec(topic);
  if (!m) return null;
  return m[3] ? { kind: 'sessions', id: '' } : { kind: m[1]!, id: m[2]! };
}

/** Tablets (deputies), screens (hall displays and staff), or the anonymous public. */
type Audience = 'screens' | 'tablets' | 'public';
interface Reading {
  audience: Audience;
  /** Where the hub keeps the topic as this socket reads it (see Hub.key). */
  key: string;
  displayKey?: string;
}
const AUDIENCES = ['screens', 'tablets', 'public'] as const;

/**
 * One websocket endpoint. Clients subscribe to topics; each topic has its own sequence number,
 * a snapshot on subscribe, then events. Changes arrive as notices (from PostgreSQL
 * LISTEN/NOTIFY, so every instance hears every commit); a topic reloads its data from the
 * database at most once per `intervalMs`, however many notices arrive.
 *
 * Turnout moves with every ballot, and each event costs one system call per socket: 3,000
 * tablets at 10 updates a second would take a third of a core while the ballots come in. So
 * each topic keeps two audiences, each with its own sequence numbers: screens (hall displays,
 * staff consoles) and tablets (deputies). Hall displays get turnout every `intervalMs`;
 * tablets, who glance at it after voting, and the staff topic, whose every refresh is a full
 * reload, at most every `slowTurnoutMs`; and any audience waits at least subscribers /
 * `turnoutSendsPerSecond` seconds between turnout events (a send costs ~0.1 ms of CPU here, so
 * 1,000 a second is a tenth of a core: 3,000 tablets see turnout every 3 s, a handful of hall
 * displays every 100 ms). State changes (a poll opens or closes) go to everyone at the base
 * interval.
 */
export class Hub {
  readonly instance = randomUUID().slice(0, 8);
  private readonly topics = new Map<string, TopicState>();
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly loaders: TopicLoaders,
    private readonly log: { warn(o: unknown, m?: string): void },
    private readonly actions: SocketActions,
    private readonly intervalMs = 100,
    private readonly slowTurnoutMs = 1000,
    private readonly turnoutSendsPerSecond = 1_000,
  ) {
    this.heartbeat = setInterval(() => this.sweep(), 30_000);
    this.heartbeat.unref?.();
  }

  get clientCount() {
    return this.clients.size;
  }

  attach(socket: WebSocket, principal: Principal, origin: SocketOrigin) {
    const client: Client = { socket, principal, origin, topics: new Map(), alive: true, casting: 0 };
    this.clients.add(client);
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      client.alive = true;
      if (isBinary || raw.length > MAX_CLIENT_MESSAGE) return this.send(client, { type: 'error', code: 'BAD_REQUEST', message: 'message too large or binary' });
      let msg: ClientMessage;
      try {
        msg = JSON.parse(raw.toString('utf8')) as ClientMessage;
      } catch {
        return this.send(client, { type: 'error', code: 'BAD_REQUEST', message: 'malformed JSON' });
      }
      this.onMessage(client, msg).catch((err) => this.log.warn({ err }, 'websocket message failed'));
    });
    socket.on('close', () => this.detach(client));
    socket.on('error', () => this.detach(client));
    this.send(client, { type: 'hello', instance: this.instance, serverTime: new Date().toISOString() });
  }

  private detach(client: Client) {
    if (!this.clients.delete(client)) return;
    for (const t of [...client.topics.keys()]) this.leave(client, t);
  }

  private async onMessage(client: Client, msg: ClientMessage) {
    if (typeof msg !== 'object' || msg === null) return this.send(client, { type: 'error', code: 'BAD_REQUEST', message: 'expected an object' });
    switch (msg.type) {
      case 'ping':
        return this.send(client, { type: 'pong', t: typeof msg.t === 'number' ? msg.t : undefined, serverTime: new Date().toISOString() });
      case 'subscribe':
      case 'resync':
        return this.subscribe(client, String(msg.topic), typeof msg.displayKey === 'string' ? msg.displayKey : undefined);
      case 'unsubscribe':
        if (client.topics.has(String(msg.topic))) this.leave(client, String(msg.topic));
        return;
      case 'cast':
        return this.cast(client, msg);
      default:
        return this.send(client, { type: 'error', code: 'BAD_REQUEST', message: 'unknown message type' });
    }
  }

  /**
   * A cast over the socket. Never logs the ballot; answers every well-formed request exactly
   * once, with the receipt or with the error (and status) the HTTP route would give.
   */
  private async cast(client: Client, msg: unknown) {
    const ref = (msg as { ref?: unknown }).ref;
    if (!isCastMessage.Check(msg)) {
      if (isCastRef.Check(ref)) return this.castFailed(client, ref, new AppError('VALIDATION'));
      return this.send(client, { type: 'error', code: 'BAD_REQUEST', message: 'malformed cast' });
    }
    if (!client.origin.sameOrigin) return this.castFailed(client, msg.ref, new AppError('CSRF'));
    if (client.casting >= MAX_CASTING) return this.castFailed(client, msg.ref, new AppError('RATE_LIMITED'));
    client.casting += 1;
    try {
      // An encrypted ballot whose proofs then fail is reported to this socket only (never stored).
      const r = await this.actions.cast(client.origin.token, msg, (v) => this.send(client, { type: 'verification', ok: false, ...v }));
      this.send(client, { type: 'cast', ref: msg.ref, ok: true, receipt: r.receipt, duplicate: r.duplicate });
    } catch (err) {
      // The code only: never anything that could carry the ballot.
      if (!(err instanceof AppError)) this.log.warn({ code: String((err as { code?: unknown }).code ?? 'unknown') }, 'websocket cast failed');
      this.castFailed(client, msg.ref, err instanceof AppError ? err : new AppError('INTERNAL'));
    } finally {
      client.casting -= 1;
    }
  }

  private castFailed(client: Client, ref: string, err: AppError) {
    this.send(client, { type: 'cast', ref, ok: false, status: err.status, error: errorBody(err.code, err.details, err.messages).error });
  }

  /**
   * The public hall topic is for anyone. Every other topic needs a page of ours (a socket from
   * another site's page carries the victim's cookie, see SocketOrigin) and the login as it is now,
   * not as it was at the handshake: a logout, a disabled account or a changed role counts at once.
   */
  private async mayRead(client: Client, kind: string, sessionId: string): Promise<'ok' | 'CSRF' | 'FORBIDDEN'> {
    if (kind === 'hall') return 'ok';
    if (!client.origin.sameOrigin) return 'CSRF';
    const p = await this.actions.principal(client.origin.token);
    // Decisions awaiting signatures are the 主席团's own deliberation: not for scrutineers' accounts.
    const roles = kind === 'presidium' ? (['staff', 'presidium'] as const) : (['staff', 'presidium', 'scrutineer'] as const);
    if (p.kind !== 'user' || !allowed(p, roles)) return 'FORBIDDEN';
    // The sessions topic is the list of the account's own congress (Hub.key): no one session's scope.
    return kind === 'sessions' || (await this.loaders.inScope(p, sessionId)) ? 'ok' : 'FORBIDDEN';
  }

  /** A topic as read by an audience; the sessions topic once per congress, each its own list. */
  private static key(topic: string, audience: Audience, congress?: Congress) {
    const base = audience === 'screens' ? topic : `${topic}#${audience}`;
    return congress === undefined ? base : `${base}@${congress ? `${congress.level}/${congress.name}` : '*'}`;
  }

  /**
   * Who reads a topic as what. The hall topic's provisional result (after close, before the
   * presidium certifies) goes to the hall display (which shows its key), to staff screens and to
   * the deputies' tablets; the anonymous public reads the same topic without it.
   */
  private async audienceOf(client: Client, kind: string, sessionId: string, displayKey: string | undefined): Promise<Audience> {
    if (kind !== 'hall') return 'screens';
    // A login counts as it is now, and only from a page of ours (like every topic but the public hall).
    const principal: Principal = client.origin.sameOrigin ? await this.actions.principal(client.origin.token) : { kind: 'anonymous' };
    if (!(await this.loaders.seesProvisional(principal, sessionId, displayKey))) return 'public';
    return principal.kind === 'deputy' ? 'tablets' : 'screens';
  }

  private async subscribe(client: Client, topic: string, displayKey?: string) {
    const m = parse(topic);
    if (!m) return this.send(client, { type: 'error', topic, code: 'NOT_FOUND', message: 'unknown topic' });
    const may = await this.mayRead(client, m.kind, m.id);
    if (may !== 'ok') return this.send(client, { type: 'error', topic, code: may, message: may === 'CSRF' ? 'not from this site' : 'not allowed' });
    if (!this.clients.has(client)) return;
    const audience = await this.audienceOf(client, m.kind, m.id, displayKey);
    const congress = m.kind === 'sessions' ? await this.loaders.congressOf(await this.actions.principal(client.origin.token)) : undefined;
    const key = Hub.key(topic, audience, congress);
    // A resync, or a subscribe with another key: leave the topic as read before.
    if (client.topics.has(topic) && client.topics.get(topic)!.key !== key) this.leave(client, topic);
    let state = this.topics.get(key);
    if (!state) {
      state = { topic, key, congress, audience, subscribers: new Set(), seq: 0, data: null, pending: null, timer: null, due: 0, lastRun: 0, running: false };
      this.topics.set(key, state);
    }
    if (!state.data) {
      try {
        state.data = await this.load(state);
      } catch (err) {
        if (this.topics.get(key) === state && state.subscribers.size === 0) this.topics.delete(key);
        const notFound = (err as { code?: string }).code === 'NOT_FOUND';
        return this.send(client, { type: 'error', topic, code: notFound ? 'NOT_FOUND' : 'INTERNAL', message: notFound ? 'no such session' : 'could not load' });
      }
    }
    // Joined only now: every event after this snapshot carries seq + 1, + 2, ...
    state.subscribers.add(client);
    client.topics.set(topic, { audience, key, ...(displayKey !== undefined && { displayKey }) });
    this.send(client, { type: 'snapshot', topic, seq: state.seq, data: state.data });
  }

  private leave(client: Client, topic: string) {
    const key = client.topics.get(topic)?.key;
    if (!key) return;
    client.topics.delete(topic);
    const state = this.topics.get(key);
    if (!state) return;
    state.subscribers.delete(client);
    if (state.subscribers.size === 0) {
      if (state.timer) clearTimeout(state.timer);
      this.topics.delete(key);
    }
  }

  private load(state: TopicState): Promise<TopicData> {
    const { kind, id } = parse(state.topic)!;
    if (kind === 'sessions') return this.loaders.sessions(state.congress ?? null);
    if (kind === 'presidium') return this.loaders.presidium(id);
    return kind === 'hall' ? this.loaders.hall(id, state.audience === 'public') : this.loaders.staff(id);
  }

  /** A committed change: refresh the topics of that session that anyone here watches. */
  notice(n: ChangeNotice) {
    if (n.what === 'scope') this.rescope(n.sessionId);
    // A session created, or a cycle's moved: each congress's list reloads (and is sent only if it changed).
    if (n.what === 'created' || n.what === 'scope') {
      for (const state of this.topics.values()) {
        if (state.topic !== 'sessions') continue;
        state.pending = 'state';
        this.schedule(state);
      }
    }
    // Turnout never moves a decision: the presidium topic reloads on state changes only.
    const what = n.what === 'turnout' ? 'turnout' : 'state';
    const topics = [`hall:${n.sessionId}`, `staff:${n.sessionId}`, ...(what === 'state' ? [`presidium:${n.sessionId}`] : [])];
    for (const topic of topics) {
      for (const audience of AUDIENCES) {
        const state = this.topics.get(Hub.key(topic, audience));
        if (!state) continue;
        state.pending = state.pending === 'state' || what === 'state' ? 'state' : 'turnout';
        this.schedule(state);
      }
    }
  }

  /**
   * Who may read the session's topics has changed (its cycle moved to another congress), while
   * the readers' logins stand: every socket that reads its staff or 主席团 topic, or its hall
   * topic as a screen (the provisional result), leaves it at once, before any further event, and
   * subscribes again as if anew. One that may no longer read it gets the refusal a subscribe
   * would get; a hall reader reads what the public does. Tablets and the public are left alone:
   * a congress decides neither.
   */
  private rescope(sessionId: string) {
    const again: [Client, string, string | undefined][] = [];
    for (const c of this.clients) {
      for (const [topic, r] of c.topics) {
        const m = parse(topic);
        if (m?.id !== sessionId || (m.kind === 'hall' && r.audience !== 'screens')) continue;
        this.leave(c, topic);
        again.push([c, topic, r.displayKey]);
      }
    }
    for (const [c, topic, displayKey] of again) {
      this.subscribe(c, topic, displayKey).catch((err) => this.log.warn({ err, topic }, 'websocket re-check failed'));
    }
  }

  /** After a lost LISTEN connection: notices may have been missed, so reload everything. */
  refreshAll() {
    for (const state of this.topics.values()) {
      state.pending = 'state';
      this.schedule(state);
    }
    // A missed move of a cycle to another congress: every session read is checked again.
    const sessions = new Set<string>();
    for (const state of this.topics.values()) sessions.add(parse(state.topic)!.id);
    sessions.delete('');
    for (const id of sessions) this.rescope(id);
    void this.recheckLogins().catch((err) => this.log.warn({ err }, 'login re-check failed'));
  }

  /** Logins ended (logout, log out everywhere, a revoked code …): their sockets close now. */
  ended(n: EndedNotice) {
    const gone = new Set(n.ended);
    for (const c of this.clients) if (c.origin.session && gone.has(c.origin.session)) this.logOut(c);
  }

  /** Ended-login notices missed while LISTEN was away: ask the database about every login socket. */
  private async recheckLogins() {
    const withLogin = [...this.clients].filter((c) => c.origin.session);
    const now = await Promise.all(withLogin.map((c) => this.actions.principal(c.origin.token)));
    withLogin.forEach((c, i) => {
      if (now[i]!.kind === 'anonymous') this.logOut(c);
    });
  }

  private logOut(c: Client) {
    // 4401: the login behind this socket ended; the client must not reconnect with it.
    c.socket.close(4401, 'logged out');
    this.detach(c);
  }

  /**
   * The shortest time between two turnout events of this audience. The staff topic has no
   * turnout-only event: it reloads whole (per delegation, and who has not voted yet), so it
   * follows the slower pace too.
   */
  private turnoutGapMs(state: TopicState): number {
    const floor = state.audience !== 'screens' || state.topic.startsWith('staff:') ? this.slowTurnoutMs : this.intervalMs;
    return Math.max(floor, (state.subscribers.size * 1000) / this.turnoutSendsPerSecond);
  }

  private schedule(state: TopicState) {
    if (state.running) return;
    const gap = state.pending === 'turnout' ? this.turnoutGapMs(state) : this.intervalMs;
    const due = Math.max(Date.now(), state.lastRun + gap);
    if (state.timer) {
      // A state change does not wait out the longer turnout gap.
      if (due >= state.due) return;
      clearTimeout(state.timer);
    }
    state.due = due;
    state.timer = setTimeout(() => {
      state.timer = null;
      void this.run(state);
    }, due - Date.now());
  }

  private async run(state: TopicState) {
    const { topic } = state;
    const what = state.pending;
    state.pending = null;
    if (!what || this.topics.get(state.key) !== state) return;
    state.running = true;
    state.lastRun = Date.now();
    try {
      let event: TopicEvent;
      if (what === 'turnout' && state.data?.kind === 'hall' && state.data.state.poll) {
        const sessionId = topic.slice(5);
        const turnout = await this.loaders.turnout(sessionId);
        if (!turnout || turnout.pollId !== state.data.state.poll.id) {
          state.pending = 'state';
          return;
        }
        const serverTime = new Date().toISOString();
        state.data = { kind: 'hall', state: { ...state.data.state, serverTime, poll: { ...state.data.state.poll, turnout } } };
        event = { kind: 'turnout', turnout, serverTime };
      } else {
        const before = state.data;
        state.data = await this.load(state);
        // A congress's list is sent only when it changed: another congress's new session is not its news.
        if (topic === 'sessions' && JSON.stringify(before) === JSON.stringify(state.data)) return;
        event = state.data;
      }
      state.seq += 1;
      this.broadcast(state, { type: 'event', topic, seq: state.seq, event });
    } catch (err) {
      this.log.warn({ err, topic }, 'topic refresh failed; will retry');
      state.pending = state.pending ?? 'state';
      state.lastRun = Date.now() + 1000;
    } finally {
      state.running = false;
      if (state.pending) this.schedule(state);
    }
  }

  private broadcast(state: TopicState, msg: ServerMessage) {
    // Encoded once for all sockets, sent as a text frame.
    const data = Buffer.from(JSON.stringify(msg), 'utf8');
    for (const c of state.subscribers) {
      if (c.socket.readyState !== 1) continue;
      c.socket.send(data, { binary: false });
      this.bound(c);
    }
  }

  /**
   * A client that does not read its socket must not make the server hold its messages without
   * limit: past MAX_QUEUED it is cut off; on reconnect it gets a fresh snapshot anyway.
   */
  private bound(c: Client) {
    if (c.socket.bufferedAmount <= MAX_QUEUED) return;
    c.socket.terminate();
    this.detach(c);
  }

  private send(client: Client, msg: ServerMessage) {
    if (client.socket.readyState !== 1) return;
    client.socket.send(JSON.stringify(msg));
    this.bound(client);
  }

  private sweep() {
    for (const c of this.clients) {
      if (!c.alive) {
        c.socket.terminate();
        this.detach(c);
        continue;
      }
      c.alive = false;
      c.socket.ping();
    }
  }

  close() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.topics.values()) if (s.timer) clearTimeout(s.timer);
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
    this.topics.clear();
  }
}
