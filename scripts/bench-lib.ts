// Shared by the bench-* scripts: server processes, cleanup, a cookie-keeping HTTP client, stats.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../tests/helpers/free-port.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `--name value` and `--flag` into an object, over the given defaults (numbers stay numbers). */
export function parseArgs<T extends Record<string, string | number | boolean>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (!(name in defaults)) throw new Error(`unknown option --${name}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    const def = defaults[name];
    if (typeof def === 'boolean') {
      out[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (typeof def === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Things to undo however the script ends: servers, temporary directories, scratch tables. */
const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | null = null;
export function onCleanup(fn: () => Promise<void> | void) {
  cleanups.push(fn);
}
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error('cleanup step failed:', err);
      }
    }
  })();
  return cleaning;
}
process.on('uncaughtException', (err) => {
  console.error('uncaught:', err);
  void cleanup().then(() => process.exit(1));
});
process.on('unhandledRejection', (err) => {
  console.error('unhandled rejection:', err);
  void cleanup().then(() => process.exit(1));
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping the servers`);
    void cleanup().then(() => process.exit(130));
  });
}

/** Runs a bench: cleans up on success and on error; a thrown error or `false` exits non-zero. */
export function runBench(main: () => Promise<boolean>) {
  const hardStop = setTimeout(() => {
    console.error('bench took longer than its limit; stopping');
    void cleanup().then(() => process.exit(2));
  }, Number(process.env.BENCH_TIME_LIMIT_MS ?? 15 * 60_000));
  hardStop.unref();
  main()
    .then(async (ok) => {
      await cleanup();
      process.exit(ok ? 0 : 1);
    })
    .catch(async (err) => {
      console.error(err);
      await cleanup();
      process.exit(1);
    });
}

export async function tempDir(prefix: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  onCleanup(() => fsp.rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface ServerProcess {
  name: string;
  port: number;
  base: string;
  ws: string;
  pid: number;
  /** The one-time setup token printed on the first start of an empty system. */
  setupToken: string | null;
  /** URL of the PostgreSQL this instance started (embedded), if it started one. */
  embeddedUrl: string | null;
  /** Resident set size now and at its peak, in MiB (from /proc). */
  rss(): { now: number; peak: number };
  stop(): Promise<void>;
}

function readProcMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
  } catch {
    return NaN;
  }
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/**
 * Starts `server/src/server.ts` as its own process (node with the tsx loader: the same as
 * `npx tsx server/src/server.ts` without the wrapper process, so the pid and RSS are the
 * server's). With no databaseUrl it starts the embedded PostgreSQL in dataDir.
 */
export async function startServer(opts: {
  name: string;
  dataDir: string;
  databaseUrl?: string;
  pgPort?: number;
  poolSize?: number;
  /** Directory for a V8 CPU profile of the server (node --cpu-prof), written when it stops. */
  cpuProfDir?: string;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = await freePort();
  const pgPort = opts.pgPort ?? (await freePort());
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
    LOGIN_RATE_PER_MINUTE: '1000000',
    WEB_DIST: '/nonexistent',
    ...(opts.poolSize ? { DB_POOL_SIZE: String(opts.poolSize) } : {}),
    ...opts.env,
  };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  if (process.env.BENCH_SERVER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.unshift('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const proc = spawn(process.execPath, [...nodeArgs, 'server/src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = proc.pid!;
  let output = '';
  let setupToken: string | null = null;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      // A CPU profile of a whole run is written at exit and can take longer than the shutdown itself.
      if (!(await waitExit(proc, opts.cpuProfDir ? 180_000 : 15_000))) {
        proc.kill('SIGKILL');
        await waitExit(proc, 5000);
      }
    }
    // A server killed hard leaves its embedded PostgreSQL running: stop that too (we started it).
    if (!opts.databaseUrl) {
      const pidFile = path.join(opts.dataDir, 'pg', 'postmaster.pid');
      const pgPid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n')[0] : NaN);
      if (Number.isInteger(pgPid) && pgPid > 0) {
        try {
          process.kill(pgPid, 'SIGINT');
          for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await sleep(100);
        } catch {
          // already gone
        }
      }
    }
  };
  onCleanup(stop);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name} did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /\/console\/setup\?token=([A-Za-z0-9_-]+)/.exec(output);
      if (m) setupToken = m[1]!;
      if (output.includes('[piaojue] ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code ?? signal}) while starting:\n${output}`));
    });
  });
  proc.removeAllListeners('exit');
  // Keep draining its output (warnings and errors only at LOG_LEVEL=warn) so it never blocks.
  proc.stdout!.removeAllListeners('data');
  const echo = (c: Buffer) => {
    const text = c.toString('utf8').trim();
    if (text) console.error(`[${opts.name}] ${text.slice(0, 2000)}`);
  };
  proc.stdout!.on('data', echo);
  proc.stderr!.removeAllListeners('data');
  proc.stderr!.on('data', echo);

  let embeddedUrl: string | null = null;
  if (!opts.databaseUrl && output.includes('embedded PostgreSQL running')) {
    const password = fs.readFileSync(path.join(opts.dataDir, 'pg-password'), 'utf8').trim();
    embeddedUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/piaojue`;
  }
  return {
    name: opts.name,
    port,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/api/ws`,
    pid,
    setupToken,
    embeddedUrl,
    rss: () => ({ now: readProcMb(pid, 'VmRSS'), peak: readProcMb(pid, 'VmHWM') }),
    stop,
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
}

/** One browser or tablet: its own keep-alive connection and its own session cookie. */
export class HttpClient {
  cookie: string | undefined;
  /** A request still unanswered after this long fails. */
  timeoutMs = 60_000;
  readonly agent: http.Agent;
  constructor(
    public base: string,
    opts: { maxSockets?: number } = {},
  ) {
    // noDelay: a tablet's request must not wait on Nagle's algorithm for the server's ACK.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 1, noDelay: true } as http.AgentOptions);
  }

  req<T = any>(method: string, url: string, body?: unknown): Promise<Res<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const u = new URL(url, this.base);
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          agent: this.agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...(method !== 'GET' ? { 'x-piaojue-csrf': '1' } : {}),
            ...(this.cookie ? { cookie: `pj_session=${this.cookie}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const c of res.headers['set-cookie'] ?? []) {
              const m = /^pj_session=([^;]*)/.exec(c);
              if (m) this.cookie = m[1] || undefined;
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
          res.on('error', reject);
        },
      );
      r.setTimeout(this.timeoutMs, () => r.destroy(new Error(`timeout: ${method} ${url}`)));
      r.on('error', reject);
      // Headers and body in one write.
      r.end(payload);
    });
  }
  get<T = any>(url: string) {
    return this.req<T>('GET', url);
  }
  post<T = any>(url: string, body: unknown = {}) {
    return this.req<T>('POST', url, body);
  }
  /** Like post, but throws unless the answer is 200. */
  async must<T = any>(url: string, body: unknown = {}, method = 'POST'): Promise<T> {
    const r = await this.req<T>(method, url, method === 'GET' ? undefined : body);
    if (r.status !== 200) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
    return r.body;
  }
  close() {
    this.agent.destroy();
  }
}

/**
 * The plenary adopts the session's 票决办法 with these 监票人 (the first the 总监票人): no vote of
 * the session is created before (docs/PROCEDURE.md §3).
 */
export async function adoptVotingRules(admin: HttpClient, sessionId: string, deputyIds: string[]): Promise<void> {
  await admin.must(`/api/sessions/${sessionId}/scrutiny`, { scrutineers: deputyIds.map((deputyId, i) => ({ deputyId, chief: i === 0 })), counterIds: [] }, 'PUT');
  const draft = await admin.must<{ versions: { version: number }[] }>(`/api/sessions/${sessionId}/voting-rules/drafts`, {});
  await admin.must(`/api/sessions/${sessionId}/voting-rules/adopt`, { version: draft.versions[0]!.version, body: '基准测试会议', meeting: '第一次全体会议', adoptedOn: '2027-01-10' });
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export interface AdminSetup {
  admin: HttpClient;
}

/** Creates the first administrator through the public API with the one-time setup token. */
export async function setupAdmin(server: ServerProcess): Promise<HttpClient> {
  if (!server.setupToken) {
    throw new Error('no setup token was printed: the database is not empty. Point DATABASE_URL at a fresh, empty database.');
  }
  const admin = new HttpClient(server.base, { maxSockets: 4 });
  await admin.must('/api/setup', { token: server.setupToken, username: 'bench', displayName: '基准测试', password: 'bench password 12345' });
  return admin;
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number, tid?: number): number {
  try {
    // With tid: one thread of the process (the main thread's tid is the pid), without its workers.
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time used by a process and all its children that are still running (e.g. a postmaster and its backends). */
export function treeCpuMs(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += cpuMs(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The pid of the PostgreSQL postmaster behind a URL (the parent of our backend), when it runs on this machine. */
export async function postmasterPid(url: string): Promise<number | null> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const backend = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const stat = fs.readFileSync(`/proc/${backend}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  } finally {
    await c.end();
  }
}

export function machineFacts() {
  const cpus = os.cpus();
  return { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown', node: process.version, memory_gb: Math.round(os.totalmem() / 2 ** 30) };
}
