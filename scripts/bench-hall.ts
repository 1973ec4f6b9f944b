// The hall both `pnpm bench:ballots` rounds run in (plain, and --encrypted in
// bench-ballots-encrypted.ts): servers, a cycle with its candidates, a session of N deputies who
// all log in, check in and hold a websocket as their tablets do, hall displays and the staff
// console; and the helpers that read what the displays show.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import {
  adoptVotingRules,
  HttpClient,
  machineFacts,
  pool,
  setupAdmin,
  startServer,
  tempDir,
  type ServerProcess,
} from './bench-lib.ts';
import { LeanHttp, LeanWebSocket } from './bench-clients.ts';

export type Mark = 'for' | 'against' | 'abstain';

/** A cast's answer, by either way of casting: the receipt, or the status and error body. */
export type CastAnswer = { status: number; receipt?: string; error?: string };

export interface HallOptions {
  deputies: number;
  instances: number;
  candidates: number;
  choose: number;
  via: string;
  'pool-size': number;
  'cpu-prof': string;
  ballotMode: 'plain' | 'encrypted';
  /** how many of the first deputies the plenary names 监票人 */
  scrutineers: number;
  /** extra environment for the servers */
  env?: Record<string, string>;
}

/** A small deterministic generator, so a run's ballots can be reproduced from its seed. */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Display {
  ws: WebSocket;
  instance: string;
  events: { t: number; msg: any }[];
  waitFor(pred: (msg: any) => boolean, ms: number): Promise<number>;
}

export function openSocket(url: string, cookie?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: cookie ? { cookie: `pj_session=${cookie}` } : {}, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A hall display: keeps every message with its arrival time. */
/** `displayKey` is the hall display's key (console 大屏链接): without it the hall topic is the public
 *  audience, which sees no result until the presidium certifies it. */
export async function display(server: ServerProcess, sessionId: string, displayKey: string): Promise<Display> {
  const ws = await openSocket(server.ws);
  const events: Display['events'] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (t: number) => void }[] = [];
  ws.on('message', (raw: Buffer) => {
    const t = performance.now();
    const msg = JSON.parse(raw.toString('utf8'));
    events.push({ t, msg });
    for (const w of [...waiters]) {
      if (w.pred(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(t);
      }
    }
  });
  ws.send(JSON.stringify({ type: 'subscribe', topic: `hall:${sessionId}`, displayKey }));
  const d: Display = {
    ws,
    instance: server.name,
    events,
    waitFor(pred, ms) {
      const seen = events.find((e) => pred(e.msg));
      if (seen) return Promise.resolve(seen.t);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`display on ${server.name}: timed out after ${ms} ms`)), ms);
        waiters.push({ pred, resolve: (t) => (clearTimeout(timer), resolve(t)) });
      });
    },
  };
  await d.waitFor((m) => m.type === 'snapshot', 10_000);
  return d;
}

/** The hall poll a display message carries, if any. */
export const hallPoll = (m: any) => (m.type === 'snapshot' ? m.data?.state?.poll : m.type === 'event' && m.event.kind === 'hall' ? m.event.state.poll : undefined);
export const votedIn = (m: any, pollId: string): number | undefined => {
  if (m.type === 'event' && m.event.kind === 'turnout' && m.event.turnout.pollId === pollId) return m.event.turnout.voted;
  const p = hallPoll(m);
  return p?.id === pollId ? p.turnout.voted : undefined;
};

export async function rawInsertRate(url: string, poolSize: number, seconds: number): Promise<number> {
  const p = new pg.Pool({ connectionString: url, max: poolSize });
  p.on('error', () => undefined);
  const table = `bench_raw_insert_${randomBytes(3).toString('hex')}`;
  try {
    await p.query(`create table ${table} (id uuid primary key default gen_random_uuid(), body jsonb not null)`);
    const body = JSON.stringify({ type: 'approve', marks: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [randomBytes(16).toString('hex'), 'for'])) });
    const run = async (ms: number) => {
      let n = 0;
      const until = performance.now() + ms;
      const worker = async () => {
        while (performance.now() < until) {
          await p.query(`insert into ${table} (body) values ($1)`, [body]);
          n++;
        }
      };
      const start = performance.now();
      await Promise.all(Array.from({ length: poolSize * 8 }, worker));
      return n / ((performance.now() - start) / 1000);
    };
    await run(500);
    return await run(seconds * 1000);
  } finally {
    await p.query(`drop table if exists ${table}`).catch(() => undefined);
    await p.end();
  }
}

/** Everything up to the first poll: see the file's header. */
export async function setupHall(opts: HallOptions) {
  const N = opts.deputies;
  const facts = machineFacts();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (opts.via !== 'ws' && opts.via !== 'http') throw new Error('--via must be ws or http');
  console.log(
    `bench:ballots${opts.ballotMode === 'encrypted' ? ' --encrypted' : ''} — ${N} deputies, ${opts.instances} instance(s), casting over ${opts.via === 'ws' ? 'their websockets' : 'HTTP'}, ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}`,
  );
  console.log(`machine: ${facts.cores} cores (${facts.cpu}), ${facts.memory_gb} GiB, Node ${facts.node}`);

  // 1. Servers: the first owns the database (embedded unless DATABASE_URL), the rest share it.
  const t0 = performance.now();
  const servers: ServerProcess[] = [];
  const cpuProfDir = opts['cpu-prof'] || undefined;
  // Instances on one database share the key the login codes are hashed under (README: LOGIN_CODE_KEY).
  const env = { LOGIN_CODE_KEY: randomBytes(32).toString('base64url'), ...opts.env };
  servers.push(await startServer({ name: 'server-1', dataDir: await tempDir('piaojue-bench-'), databaseUrl, poolSize: opts['pool-size'], cpuProfDir, env }));
  const dbUrl = databaseUrl ?? servers[0]!.embeddedUrl;
  if (!dbUrl) throw new Error('could not tell which database the first server uses');
  for (let i = 2; i <= opts.instances; i++) {
    servers.push(await startServer({ name: `server-${i}`, dataDir: await tempDir('piaojue-bench-'), databaseUrl: dbUrl, poolSize: opts['pool-size'], cpuProfDir, env }));
  }
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      return (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    } finally {
      await c.end();
    }
  })();
  console.log(`servers up (${servers.map((s) => `${s.name} :${s.port}`).join(', ')}), PostgreSQL ${pgVersion}, ${Math.round(performance.now() - t0)} ms`);

  // 2. Session, roster and poll through the public API.
  const admin = await setupAdmin(servers[0]!);
  const cycle = await admin.must('/api/cycles', {
    level: 'city',
    name: '基准测试民生实事项目',
    year: 2027,
    chooseN: opts.choose,
    ballotType: 'approve',
    passThreshold: 'none',
    quorumRule: 'more_than_half',
    tieRule: 'runoff',
    ballotMode: opts.ballotMode,
  });
  const candidateIds: string[] = [];
  for (let i = 1; i <= opts.candidates; i++) {
    candidateIds.push((await admin.must(`/api/cycles/${cycle.id}/candidates`, { name: `项目${i}`, department: '市发展改革委', investmentWan: 100 * i })).id);
  }
  await admin.must(`/api/cycles/${cycle.id}/shortlist/freeze`, { organ: 'director_meeting', decidedOn: '2026-12-01', reference: '基准测试主任会议' });
  const session = await admin.must('/api/sessions', { cycleId: cycle.id, name: '全国规模基准测试会议' });
  const delegations = ['北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南'];
  const csv = ['姓名,代表团,座位,电话', ...Array.from({ length: N }, (_, i) => `代表${i + 1},${delegations[i % delegations.length]}代表团,${String(i + 1).padStart(4, '0')},`)].join('\n');
  await admin.must(`/api/sessions/${session.id}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(csv).toString('base64') });
  const codes = await admin.must<{ deputyId: string; code: string }[]>(`/api/sessions/${session.id}/codes`, {});
  await admin.must(`/api/sessions/${session.id}/checkin/open`);
  await adoptVotingRules(admin, session.id, codes.slice(0, opts.scrutineers).map((c) => c.deputyId));
  console.log(`session, roster of ${codes.length}, codes: ${Math.round(performance.now() - t0)} ms`);

  // 3. One hall display per instance; every deputy logs in (own session) and checks in, then
  //    opens its own websocket on the hall topic, as the tablets do. (Checking in before the
  //    sockets open keeps the setup from broadcasting 3,000 attendance updates to 3,000 sockets.)
  const { key: displayKey } = await admin.must<{ key: string }>(`/api/sessions/${session.id}/display-link`, undefined, 'GET');
  const displays = await Promise.all(servers.map((s) => display(s, session.id, displayKey)));
  // The secretariat's console watches the staff topic (turnout per delegation, who has not voted).
  const consoleSocket = await openSocket(servers[0]!.ws, admin.cookie);
  let consoleEvents = 0;
  consoleSocket.on('message', (raw: Buffer) => {
    if (raw.subarray(0, 15).toString() === '{"type":"event"') consoleEvents++;
  });
  consoleSocket.send(JSON.stringify({ type: 'subscribe', topic: `staff:${session.id}` }));
  const logged = await pool(codes, 32, async (c, i) => {
    const server = servers[i % servers.length]!;
    const client = new HttpClient(server.base);
    await client.must('/api/auth/deputy-login', { code: c.code });
    await client.must('/api/deputy/checkin');
    return { id: c.deputyId, client, server };
  });
  await Promise.all(displays.map((d) => d.waitFor((m) => (m.type === 'event' && m.event.kind === 'hall' ? m.event.state.attendance.present === N : false), 30_000)));
  console.log(`${N} deputies logged in and checked in (displays show ${N} present): ${Math.round(performance.now() - t0)} ms`);
  const deputies = await pool(logged, 64, async (d) => {
    d.client.close();
    // Answers to casts come back on the socket; everything else it receives is only counted.
    const answers = new Map<string, (r: CastAnswer) => void>();
    const onFrame = (_op: number, payload: Buffer) => {
      if (payload.length > 200 || payload.toString('latin1', 0, 15) !== '{"type":"cast",') return;
      const m = JSON.parse(payload.toString('utf8'));
      const r: CastAnswer = m.ok ? { status: 200, receipt: m.receipt } : { status: m.status, error: JSON.stringify(m.error) };
      answers.get(m.ref)?.(r);
      answers.delete(m.ref);
    };
    const ws = await LeanWebSocket.open(d.server.port, { cookie: d.client.cookie, ...(opts.via === 'ws' ? { onFrame } : {}) });
    ws.send(JSON.stringify({ type: 'subscribe', topic: `hall:${session.id}` }));
    let refs = 0;
    const castWs = (pollId: string, body: { idempotencyKey: string; ballot: unknown }) =>
      new Promise<CastAnswer>((resolve, reject) => {
        const ref = String(++refs);
        const timer = setTimeout(() => (answers.delete(ref), reject(new Error('no answer on the websocket in 10 s'))), 10_000);
        answers.set(ref, (r) => (clearTimeout(timer), resolve(r)));
        ws.send(JSON.stringify({ type: 'cast', ref, pollId, ...body }));
      });
    // Or its own connection for casting, opened now as a tablet's would be.
    const http = opts.via === 'http' ? new LeanHttp(d.server.port, d.client.cookie) : null;
    await http?.connect();
    const castHttp = async (pollId: string, body: { idempotencyKey: string; ballot: unknown }): Promise<CastAnswer> => {
      const r = await http!.post(`/api/polls/${pollId}/ballots`, body);
      return r.status === 200 ? { status: 200, receipt: JSON.parse(r.body).receipt } : { status: r.status, error: r.body };
    };
    const cast = http ? castHttp : castWs;
    return { ...d, ws, http, cast };
  });
  console.log(`${deputies.length} deputy websockets open: ${Math.round(performance.now() - t0)} ms`);
  return { N, facts, t0, servers, databaseUrl, dbUrl, pgVersion, admin, cycle, candidateIds, session, codes, displays, consoleSocket, consoleEvents: () => consoleEvents, deputies };
}
