// Shared by the fault-injection tests: a server run as its own process, an HTTP client with a
// cookie jar and a timeout on every request, a websocket client that records what it gets, and a
// ballot sender that retries the way a tablet does (same idempotency key, backoff).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node --import tsx server/src/server.ts` with the given settings; the pid is the server's own. */
export class ServerProcess {
  readonly proc: ChildProcess;
  private out = '';
  private exitedAt: number | null = null;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...inherited } = process.env;
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/server.ts'], {
      cwd: root,
      env: { ...inherited, HOST: '127.0.0.1', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.out += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => ((this.exitedAt = Date.now()), resolve(code))));
  }

  output(): string {
    return this.out;
  }

  /** Resolves when the server prints that it is ready; returns the one-time setup token if printed. */
  async ready(timeoutMs = 60_000): Promise<{ setupToken: string | null }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitedAt !== null) throw new Error(`server exited before it was ready:\n${this.out}`);
      if (this.out.includes('[piaojue] ready')) {
        const m = /\/console\/setup\?token=([A-Za-z0-9_-]+)/.exec(this.out);
        return { setupToken: m ? m[1]! : null };
      }
      await sleep(25);
    }
    throw new Error(`server not ready after ${timeoutMs} ms:\n${this.out}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exitedAt !== null) return;
    this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface HttpRes<T = any> {
  status: number;
  body: T;
}

/** One browser or tablet: keeps its session cookie, sends the anti-forgery header, never waits forever. */
export class Http {
  cookie: string | undefined;
  constructor(
    public base: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async req<T = any>(method: string, url: string, body?: unknown): Promise<HttpRes<T>> {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(this.cookie ? { cookie: `pj_session=${this.cookie}` } : {}),
        ...(method !== 'GET' ? { 'x-piaojue-csrf': '1' } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const c of res.headers.getSetCookie()) {
      const m = /^pj_session=([^;]*)/.exec(c);
      if (m) this.cookie = m[1] || undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T };
  }
  get<T = any>(url: string) {
    return this.req<T>('GET', url);
  }
  post<T = any>(url: string, body: unknown = {}) {
    return this.req<T>('POST', url, body);
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export function rosterCsv(n: number): string {
  const delegations = ['宿城区代表团', '宿豫区代表团', '沭阳县代表团', '泗阳县代表团'];
  const lines = ['姓名,代表团,座位,电话'];
  for (let i = 1; i <= n; i++) lines.push(`代表${i},${delegations[i % delegations.length]},${String(i).padStart(3, '0')},`);
  return lines.join('\n');
}

export interface HttpHall {
  admin: Http;
  cycleId: string;
  sessionId: string;
  candidateIds: string[];
  deputies: { id: string; client: Http }[];
}

/**
 * Through the HTTP API only, as an operator would: the first administrator from the setup token,
 * a frozen cycle, a session with `deputies` deputies, every one logged in on their own "tablet"
 * and checked in.
 */
export async function setupHall(base: string, setupToken: string, opts: { deputies: number; candidates: number; chooseN: number }): Promise<HttpHall> {
  const must = (r: HttpRes, what: string) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const admin = new Http(base);
  must(await admin.post('/api/setup', { token: setupToken, username: 'admin', displayName: '管理员', password: 'correct horse battery' }), 'setup');
  const cycle = must(
    await admin.post('/api/cycles', { level: 'city', name: '2027年度民生实事项目', year: 2027, chooseN: opts.chooseN, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff', maxExtraRatio: 2, ballotMode: 'plain' }),
    'cycle',
  );
  const candidateIds: string[] = [];
  for (let i = 1; i <= opts.candidates; i++) candidateIds.push(must(await admin.post(`/api/cycles/${cycle.id}/candidates`, { name: `项目${i}`, department: '市民政局', investmentWan: 100 * i }), 'candidate').id);
  must(await admin.post(`/api/cycles/${cycle.id}/shortlist/freeze`, { organ: 'director_meeting', decidedOn: '2026-12-01', reference: '第12次主任会议' }), 'freeze');
  const session = must(await admin.post('/api/sessions', { cycleId: cycle.id, name: '市十届人大三次会议' }), 'session');
  must(await admin.post(`/api/sessions/${session.id}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(opts.deputies)).toString('base64') }), 'roster');
  const codes = must(await admin.post(`/api/sessions/${session.id}/codes`, {}), 'codes') as { deputyId: string; code: string }[];
  must(await admin.post(`/api/sessions/${session.id}/checkin/open`), 'checkin/open');
  must(await admin.req('PUT', `/api/sessions/${session.id}/scrutiny`, { scrutineers: codes.slice(0, 2).map((c, i) => ({ deputyId: c.deputyId, chief: i === 0 })), counterIds: [] }), 'scrutiny');
  const draft = must(await admin.post(`/api/sessions/${session.id}/voting-rules/drafts`, {}), 'voting rules');
  must(
    await admin.post(`/api/sessions/${session.id}/voting-rules/adopt`, { version: draft.versions[0].version, body: '市十届人大三次会议', meeting: '第二次全体会议', adoptedOn: '2027-01-10' }),
    'adoption',
  );
  const deputies = await pool(codes, 16, async (c) => {
    const client = new Http(base);
    must(await client.post('/api/auth/deputy-login', { code: c.code }), 'deputy login');
    must(await client.post('/api/deputy/checkin'), 'checkin');
    return { id: c.deputyId, client };
  });
  return { admin, cycleId: cycle.id, sessionId: session.id, candidateIds, deputies };
}

export type Mark = 'for' | 'against' | 'abstain';
export interface ApproveBallot {
  type: 'approve';
  marks: Record<string, Mark>;
}

/** A random valid approve ballot with at most `chooseN` 赞成 (left-out candidates count as abstain). */
export function randomBallot(rand: () => number, ids: string[], chooseN: number): ApproveBallot {
  const marks: Record<string, Mark> = {};
  let fors = 0;
  for (const id of ids) {
    const x = rand();
    if (x < 0.5 && fors < chooseN) {
      marks[id] = 'for';
      fors++;
    } else if (x < 0.75) marks[id] = 'against';
    else if (x < 0.9) marks[id] = 'abstain';
  }
  return { type: 'approve', marks };
}

export function expectedCounts(ballots: ApproveBallot[], ids: string[]) {
  const out: Record<string, { for: number; against: number; abstain: number }> = {};
  for (const id of ids) out[id] = { for: 0, against: 0, abstain: 0 };
  for (const b of ballots) for (const id of ids) out[id]![b.marks[id] ?? 'abstain']++;
  return out;
}

export function countsOf(result: { rows: { candidateId: string; for: number; against: number; abstain: number }[] }) {
  const out: Record<string, { for: number; against: number; abstain: number }> = {};
  for (const r of result.rows) out[r.candidateId] = { for: r.for, against: r.against, abstain: r.abstain };
  return out;
}

export interface CastOutcome {
  status: number;
  receipt: string | null;
  duplicate: boolean | null;
  attempts: number;
  /** Network errors and 5xx answers seen before the final answer. */
  failures: string[];
  firstSentAt: number;
  answeredAt: number;
}

/**
 * What a tablet does with one ballot: send it; on a network error or a 5xx, wait (exponential
 * backoff with jitter) and send the very same request again, with the same idempotency key, until
 * it gets a definite answer or `giveUpAt` passes.
 */
export async function castWithRetry(
  client: Http,
  pollId: string,
  idempotencyKey: string,
  ballot: unknown,
  opts: { giveUpAt: number; onSend?: () => void; onAnswer?: () => void },
): Promise<CastOutcome> {
  const failures: string[] = [];
  const firstSentAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    opts.onSend?.();
    let res: HttpRes | null = null;
    try {
      res = await client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey, ballot });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      failures.push(e.cause?.code ?? e.name);
    } finally {
      opts.onAnswer?.();
    }
    if (res && res.status < 500) {
      return { status: res.status, receipt: res.body?.receipt ?? null, duplicate: res.body?.duplicate ?? null, attempts: attempt, failures, firstSentAt, answeredAt: Date.now() };
    }
    if (res) failures.push(`${res.status} ${res.body?.error?.code ?? ''}`.trim());
    if (Date.now() > opts.giveUpAt) return { status: 0, receipt: null, duplicate: null, attempts: attempt, failures, firstSentAt, answeredAt: Date.now() };
    await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
  }
}

export { wsClient } from '../helpers/socket.ts';
