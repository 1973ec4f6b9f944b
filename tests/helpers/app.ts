import { PassThrough } from 'node:stream';
import type { CreateCycleBody, ErrorResponse } from '@piaojue/shared';
import { expect } from 'vitest';
import { buildApp, type App } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createDb, type Db } from '../../server/src/db/database.ts';
import { watchContract } from './contract.ts';
import { cloneDatabase } from './db.ts';

export interface TestApp {
  app: App;
  url: string;
  /** Everything the server logged, as text. */
  logs(): string;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await cloneDatabase();
  const config = loadConfig({ LOG_LEVEL: 'info', WEB_DIST: '/nonexistent', DB_POOL_SIZE: '10', LOGIN_RATE_PER_MINUTE: '100000', PROOF_WORKERS_NICE: '0', ...env, DATABASE_URL: database.url });
  const { db } = createDb(database.url, config.DB_POOL_SIZE);
  const stream = new PassThrough();
  let logText = '';
  stream.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  const app = await buildApp({ config, db, databaseUrl: database.url, logStream: stream });
  const contract = watchContract(app);
  await app.ready();
  return {
    app,
    url: database.url,
    logs: () => logText,
    async close() {
      await app.close();
      await db.destroy();
      await database.drop();
      // Every answer the file's tests received, held to the API document (helpers/contract.ts).
      if (contract.violations.length) throw new Error(`answers that break the API document:\n  ${[...new Set(contract.violations)].join('\n  ')}`);
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  cookie?: string;
}

/**
 * An answer typed by the shared wire types: T on 200, the shared error body otherwise. Read it
 * with ok() or refused(); the contract watcher (contract.ts) holds every body to the API document.
 */
export interface Answer<T> {
  status: number;
  body: T | ErrorResponse;
}

/** The 200 body of an answer; any other answer fails the test, showing its body. */
export function ok<T>(a: Answer<T>): T {
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body as T;
}

/** The error of an answer that must be refused (with `status` when given): the shared error body. */
export function refused<T>(a: Answer<T>, status?: number): ErrorResponse['error'] {
  if (status === undefined) expect(a.status, JSON.stringify(a.body)).not.toBe(200);
  else expect(a.status, JSON.stringify(a.body)).toBe(status);
  return (a.body as ErrorResponse).error;
}

/** A client that keeps its own session cookie, as one browser would. */
export class Client {
  cookie: string | undefined;
  constructor(private readonly app: App) {}

  async req<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(this.cookie ? { cookie: `pj_session=${this.cookie}` } : {}),
        ...(method !== 'GET' ? { 'x-piaojue-csrf': '1' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const set = res.cookies.find((c) => c.name === 'pj_session');
    if (set) this.cookie = set.value || undefined;
    let parsed: unknown = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      // not JSON
    }
    return { status: res.statusCode, body: parsed as T };
  }
  get<T = any>(url: string) {
    return this.req<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.req<T>('POST', url, body ?? {});
  }
  patch<T = any>(url: string, body: unknown) {
    return this.req<T>('PATCH', url, body);
  }
  del<T = any>(url: string) {
    return this.req<T>('DELETE', url);
  }
  /** GET whose 200 body is the shared wire type T. */
  read<T>(url: string): Promise<Answer<T>> {
    return this.req<T | ErrorResponse>('GET', url);
  }
  /** A request whose body is the shared request type B and whose 200 body is T. */
  send<T, B>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: B): Promise<Answer<T>> {
    return this.req<T | ErrorResponse>(method, url, body);
  }
}

/** Sets up the first administrator through the one-time token and returns their client. */
/**
 * A second server instance on the test's database, as behind a load balancer. `logStream`: its log
 * (level info) goes there; without one it logs nothing. close() stops it, then its pool.
 */
export async function secondInstance(t: TestApp, logStream?: NodeJS.WritableStream): Promise<{ app: App; db: Db; close(): Promise<void> }> {
  const config = loadConfig({ LOG_LEVEL: logStream ? 'info' : 'silent', WEB_DIST: '/nonexistent', DATABASE_URL: t.url });
  const { db } = createDb(t.url, 4);
  const app = await buildApp({ config, db, databaseUrl: t.url, ...(logStream && { logStream }) });
  await app.ready();
  return { app, db, close: async () => (await app.close(), await db.destroy()) };
}

export async function adminClient(t: TestApp): Promise<Client> {
  const token = await t.app.services.auth.ensureSetupToken();
  const c = new Client(t.app);
  const r = await c.post('/api/setup', { token, username: 'admin', displayName: '管理员', password: 'correct horse battery' });
  if (r.status !== 200) throw new Error(`setup failed: ${JSON.stringify(r.body)}`);
  return c;
}

export async function userClient(t: TestApp, admin: Client, username: string, roles: string[]): Promise<Client> {
  return (await accountClient(t, admin, username, roles)).c;
}

/**
 * An account made by the admin and logged in; with `unit`, put into that congress first (a moved
 * account's logins end, so it logs in after). `extra` goes into the account's body (a department).
 */
export async function accountClient(
  t: TestApp,
  admin: Client,
  username: string,
  roles: string[],
  unit?: { level: string; name: string },
  extra: Record<string, unknown> = {},
): Promise<{ c: Client; id: string }> {
  const password = 'a long enough password';
  const made = await admin.post('/api/users', { username, displayName: username, password, roles, ...extra });
  if (made.status !== 200) throw new Error(`user create failed: ${JSON.stringify(made.body)}`);
  if (unit) {
    const moved = await admin.req('PUT', `/api/users/${made.body.id}/unit`, { unit });
    if (moved.status !== 200) throw new Error(`unit change failed: ${JSON.stringify(moved.body)}`);
  }
  const c = new Client(t.app);
  const r = await c.post('/api/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
  return { c, id: made.body.id as string };
}

export const defaultCycle: CreateCycleBody = {
  level: 'city',
  name: '2027年度宿迁市民生实事项目',
  year: 2027,
  chooseN: 3,
  ballotType: 'approve',
  passThreshold: 'none',
  quorumRule: 'more_than_half',
  tieRule: 'runoff',
  // Fixtures hold a few candidates for one to three places (3 for 1 is 200 % 差额); the 差额's
  // own tests (tests/shortlist-rule.api.test.ts, tests/proposals.api.test.ts) set the range they test.
  maxExtraRatio: 2,
  // Most tests count polls of two or three ballots; the minimum's own tests
  // (tests/secrecy-holes.api.test.ts) use the default of 5.
  minBallots: 1,
  // Most tests certify without the 监票人's tablets; their own tests (tests/procedure.api.test.ts)
  // use the default: every 监票人 present, at least 2.
  scrutineerConfirmations: 0,
  // New cycles encrypt by default; the fixtures that test encrypted polls ask for it
  // (hall(…, { encrypted: true }), tests/encrypted-*.api.test.ts).
  ballotMode: 'plain',
};

export function rosterCsv(n: number, delegations = ['宿城区代表团', '宿豫区代表团', '沭阳县代表团']): string {
  const lines = ['姓名,代表团,座位,电话'];
  for (let i = 1; i <= n; i++) lines.push(`代表${i},${delegations[i % delegations.length]},${String(i).padStart(3, '0')},`);
  return lines.join('\n');
}

/**
 * The plenary adopts the session's 票决办法 (docs/PROCEDURE.md §3), naming `scrutineers` (the
 * first is the 总监票人) unless the list is already set: no vote opens before this.
 */
export async function adoptRules(staff: Client, sessionId: string, scrutineers?: string[]): Promise<void> {
  if (scrutineers) {
    const list = await staff.req('PUT', `/api/sessions/${sessionId}/scrutiny`, { scrutineers: scrutineers.map((id, i) => ({ deputyId: id, chief: i === 0 })), counterIds: [] });
    if (list.status !== 200) throw new Error(`scrutiny: ${JSON.stringify(list.body)}`);
  }
  const draft = await staff.post(`/api/sessions/${sessionId}/voting-rules/drafts`, {});
  if (draft.status !== 200) throw new Error(`voting rules draft: ${JSON.stringify(draft.body)}`);
  const adopted = await staff.post(`/api/sessions/${sessionId}/voting-rules/adopt`, {
    version: draft.body.versions[0].version,
    body: '市十届人大三次会议',
    meeting: '第二次全体会议',
    adoptedOn: '2027-01-10',
  });
  if (adopted.status !== 200) throw new Error(`voting rules adopt: ${JSON.stringify(adopted.body)}`);
}

export const key = () => `k${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`.padEnd(20, 'x');
