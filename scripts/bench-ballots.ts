// pnpm bench:ballots [--deputies 3000] [--instances 1] [--via ws|http]
// A whole congress votes at once: every deputy logs in, holds a websocket, checks in, and casts
// a random valid ballot within one second (over its websocket, as the tablet does, or with
// --via http over POST /api/polls/:id/ballots); the tally must match the ballots generated here.
// Last line of output: one JSON object with the figures (see BENCHMARKS.md).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import {
  adoptVotingRules,
  HttpClient,
  machineFacts,
  parseArgs,
  percentile,
  pool,
  round1,
  postmasterPid,
  runBench,
  setupAdmin,
  cpuMs,
  treeCpuMs,
  sleep,
  startServer,
  tempDir,
  type ServerProcess,
} from './bench-lib.ts';
import { LeanHttp, LeanWebSocket } from './bench-clients.ts';

type Mark = 'for' | 'against' | 'abstain';

/** A cast's answer, by either way of casting: the receipt, or the status and error body. */
type CastAnswer = { status: number; receipt?: string; error?: string };

const opts = parseArgs({
  deputies: 3000,
  instances: 1,
  candidates: 15,
  choose: 10,
  /** Every deputy presses 投票 at a uniformly random moment within this window. */
  'spread-ms': 1000,
  /** How the tablets cast: over the websocket they hold (as the web client does) or by HTTP POST. */
  via: 'ws',
  'pool-size': 10,
  /** Seconds of the raw single-row insert measurement. */
  'raw-seconds': 3,
  /** Write a V8 CPU profile of each server to this directory (empty: none). */
  'cpu-prof': '',
  seed: 20270301,
});

/** A small deterministic generator, so a run's ballots can be reproduced from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Display {
  ws: WebSocket;
  instance: string;
  events: { t: number; msg: any }[];
  waitFor(pred: (msg: any) => boolean, ms: number): Promise<number>;
}

function openSocket(url: string, cookie?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: cookie ? { cookie: `pj_session=${cookie}` } : {}, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A hall display: keeps every message with its arrival time. */
/** `displayKey` is the hall display's key (console 大屏链接): without it the hall topic is the public
 *  audience, which sees no result until the presidium certifies it. */
async function display(server: ServerProcess, sessionId: string, displayKey: string): Promise<Display> {
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
const hallPoll = (m: any) => (m.type === 'snapshot' ? m.data?.state?.poll : m.type === 'event' && m.event.kind === 'hall' ? m.event.state.poll : undefined);
const votedIn = (m: any, pollId: string): number | undefined => {
  if (m.type === 'event' && m.event.kind === 'turnout' && m.event.turnout.pollId === pollId) return m.event.turnout.voted;
  const p = hallPoll(m);
  return p?.id === pollId ? p.turnout.voted : undefined;
};

async function rawInsertRate(url: string, poolSize: number, seconds: number): Promise<number> {
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

runBench(async () => {
  const N = opts.deputies;
  const rand = prng(opts.seed);
  const facts = machineFacts();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (opts.via !== 'ws' && opts.via !== 'http') throw new Error('--via must be ws or http');
  console.log(`bench:ballots — ${N} deputies, ${opts.instances} instance(s), casting over ${opts.via === 'ws' ? 'their websockets' : 'HTTP'}, ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}`);
  console.log(`machine: ${facts.cores} cores (${facts.cpu}), ${facts.memory_gb} GiB, Node ${facts.node}`);

  // 1. Servers: the first owns the database (embedded unless DATABASE_URL), the rest share it.
  const t0 = performance.now();
  const servers: ServerProcess[] = [];
  const cpuProfDir = opts['cpu-prof'] || undefined;
  servers.push(await startServer({ name: 'server-1', dataDir: await tempDir('piaojue-bench-'), databaseUrl, poolSize: opts['pool-size'], cpuProfDir }));
  const dbUrl = databaseUrl ?? servers[0]!.embeddedUrl;
  if (!dbUrl) throw new Error('could not tell which database the first server uses');
  for (let i = 2; i <= opts.instances; i++) {
    servers.push(await startServer({ name: `server-${i}`, dataDir: await tempDir('piaojue-bench-'), databaseUrl: dbUrl, poolSize: opts['pool-size'], cpuProfDir }));
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
  await adoptVotingRules(admin, session.id, codes.slice(0, 2).map((c) => c.deputyId));
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

  // 4–8. One round: a poll opens, every deputy casts, the poll closes and is counted. The storm
  //      (presses spread over spread-ms) gives the latencies and lags; the burst that follows
  //      (a second poll, everyone pressing at the same instant) gives the throughput, since
  //      3,000 presses spread over one second offer only 3,000 ballots a second.
  const round = async (title: string, spreadMs: number) => {
    // 4. Open the poll.
    const poll = await admin.must(`/api/sessions/${session.id}/polls`, { title });
    await admin.must(`/api/polls/${poll.id}/open`, {});
    await Promise.all(displays.map((d) => d.waitFor((m) => hallPoll(m)?.id === poll.id && hallPoll(m).status === 'open', 10_000)));
    // Let the tablets' "poll open" broadcast settle before the storm.
    await sleep(500);

    // 5. The storm: each deputy presses at a random moment within spreadMs.
    //    Random marks, written in candidate-list order with every candidate marked, as the
    //    tablet sends them (web/src/lib/ballotSelection.ts, wireBallot).
    const ballots = deputies.map(() => {
      const order = [...candidateIds].sort(() => rand() - 0.5);
      const approvals = Math.floor(rand() * (opts.choose + 1));
      const picked = new Map<string, Mark>(order.map((id, j) => [id, j < approvals ? 'for' : rand() < 0.5 ? 'against' : 'abstain']));
      const marks: Record<string, Mark> = {};
      for (const id of candidateIds) marks[id] = picked.get(id)!;
      return { type: 'approve' as const, marks };
    });
    const pgPid = await postmasterPid(dbUrl);
    const cpuBefore = { servers: servers.map((s) => cpuMs(s.pid)), pg: pgPid ? treeCpuMs(pgPid) : NaN, client: process.cpuUsage() };
    const results: { ok: boolean; latency: number; ackAt: number; receipt?: string; retries: number; error?: string }[] = new Array(N);
    const stormStart = performance.now() + 50;
    await Promise.all(
      deputies.map(async (d, i) => {
        const at = stormStart + rand() * spreadMs;
        await sleep(Math.max(0, at - performance.now()));
        const idempotencyKey = randomBytes(16).toString('base64url');
        let retries = 0;
        for (;;) {
          let r: CastAnswer | null = null;
          let error = '';
          try {
            r = await d.cast(poll.id, { idempotencyKey, ballot: ballots[i] });
          } catch (err) {
            error = String(err);
          }
          if (r?.status === 200) {
            results[i] = { ok: true, latency: performance.now() - at, ackAt: performance.now(), receipt: r.receipt, retries };
            return;
          }
          // A tablet retries a failed send with the same key; a refusal (4xx) is final.
          const transient = !r || r.status >= 500 || r.status === 429;
          if (!transient || retries >= 5) {
            results[i] = { ok: false, latency: performance.now() - at, ackAt: performance.now(), retries, error: r ? `${r.status} ${r.error}` : error };
            return;
          }
          retries++;
          await sleep(100 * retries);
        }
      }),
    );
    const acked = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    const lastAck = Math.max(...acked.map((r) => r.ackAt));
    const latencies = acked.map((r) => r.latency);
    const ballotsPerS = acked.length / ((lastAck - stormStart) / 1000);
    console.log(`${title}: ${acked.length}/${N} acked, ${failed.length} failed, ${results.reduce((a, r) => a + r.retries, 0)} retries, ${Math.round(lastAck - stormStart)} ms from first press to last ack`);
    for (const f of failed.slice(0, 5)) console.log(`  failure: ${f.error}`);

    // 6. Turnout on every display: last ack → the display shows everyone.
    const turnoutSeen = await Promise.all(displays.map((d) => d.waitFor((m) => votedIn(m, poll.id) === acked.length, 10_000).catch(() => NaN)));
    const turnoutLag = Math.max(...turnoutSeen.map((t) => Math.max(0, t - lastAck)));
    // CPU spent on the storm (press → everyone shown), per ballot: the contention-proof figure to optimise.
    const clientCpu = process.cpuUsage(cpuBefore.client);
    const cpu = {
      server: servers.reduce((a, s, i) => a + cpuMs(s.pid) - cpuBefore.servers[i]!, 0) / N,
      pg: pgPid ? (treeCpuMs(pgPid) - cpuBefore.pg) / N : NaN,
      client: (clientCpu.user + clientCpu.system) / 1000 / N,
    };
    console.log(`  CPU per ballot: server ${cpu.server.toFixed(2)} ms · PostgreSQL ${cpu.pg.toFixed(2)} ms · this client ${cpu.client.toFixed(2)} ms`);

    // 7. Close and count: close → the display shows the result.
    const closeAt = performance.now();
    const closed = await admin.must(`/api/polls/${poll.id}/close`);
    const closeAck = performance.now() - closeAt;
    const resultSeen = await Promise.all(displays.map((d) => d.waitFor((m) => hallPoll(m)?.id === poll.id && hallPoll(m).status === 'closed' && hallPoll(m).result, 10_000).catch(() => NaN)));
    const resultLag = Math.max(...resultSeen.map((t) => t - closeAt));

    // 8. The tally against the ballots generated here, and every receipt in the published list.
    const expected: Record<string, Record<Mark, number>> = Object.fromEntries(candidateIds.map((id) => [id, { for: 0, against: 0, abstain: 0 }]));
    results.forEach((r, i) => {
      if (!r.ok) return;
      for (const [id, m] of Object.entries(ballots[i]!.marks)) expected[id]![m]++;
    });
    const rowsOf = (result: any) => Object.fromEntries((result?.rows ?? []).map((r: any) => [r.candidateId, { for: r.for, against: r.against, abstain: r.abstain }]));
    const sameRows = (rows: Record<string, Record<Mark, number>>) =>
      candidateIds.every((id) => rows[id] && (['for', 'against', 'abstain'] as const).every((m) => rows[id]![m] === expected[id]![m]));
    const record = closed.result?.record;
    const displayResults = displays.map((d) => hallPoll([...d.events].reverse().find((e) => hallPoll(e.msg)?.id === poll.id && hallPoll(e.msg)?.status === 'closed')?.msg ?? {})?.result);
    const trackers = await admin.must<{ trackers: string[] }>(`/api/polls/${poll.id}/trackers`, undefined, 'GET');
    const trackerSet = new Set(trackers.trackers);
    const receiptsListed = acked.every((r) => trackerSet.has(r.receipt!)) && trackers.trackers.length === acked.length;
    const tallyExact =
      sameRows(rowsOf(closed.result)) &&
      displayResults.every((r) => sameRows(rowsOf(r))) &&
      record?.returned === acked.length &&
      record?.valid === acked.length &&
      record?.issued === N &&
      receiptsListed;
    console.log(
      `  count: returned ${record?.returned}, valid ${record?.valid}, issued ${record?.issued}; rows match generated ballots: ${sameRows(rowsOf(closed.result))}; ` +
        `displays match: ${displayResults.every((r) => sameRows(rowsOf(r)))}; receipts all in published list: ${receiptsListed}`,
    );
    console.log(`  close request answered in ${Math.round(closeAck)} ms; turnout lag ${round1(turnoutLag)} ms; result lag ${round1(resultLag)} ms`);
    return { acked: acked.length, tallyExact, latencies, ballotsPerS, turnoutLag, resultLag, cpu };
  };

  const storm = await round(`风暴：${N} 名代表在 ${opts['spread-ms']} ms 内投票`, opts['spread-ms']);
  const burst = await round(`齐发：${N} 名代表同时投票`, 0);
  console.log(
    `deputy websockets received ${Math.round(deputies.reduce((a, d) => a + d.ws.bytes, 0) / 1024)} KiB in all; the staff console ${consoleEvents} events`,
  );

  const rss = servers.map((s) => s.rss());
  for (const d of deputies) {
    d.ws.close();
    d.http?.close();
  }
  for (const d of displays) d.ws.terminate();
  consoleSocket.terminate();

  // 9. The raw limit: single-row insert transactions through pg, same database, same pool size.
  const raw = await rawInsertRate(dbUrl, opts['pool-size'], opts['raw-seconds']);
  console.log(`raw single-row insert transactions: ${Math.round(raw)}/s (pool ${opts['pool-size']})`);

  const out = {
    bench: 'ballots',
    deputies: N,
    instances: opts.instances,
    via: opts.via,
    database: databaseUrl ? 'service' : 'embedded',
    postgres: pgVersion,
    node: process.version,
    cores: facts.cores,
    acked: storm.acked,
    tally_exact: storm.tallyExact && burst.tallyExact,
    ack_p50_ms: round1(percentile(storm.latencies, 50)),
    ack_p99_ms: round1(percentile(storm.latencies, 99)),
    ack_max_ms: round1(Math.max(...storm.latencies)),
    ballots_per_s: Math.round(burst.ballotsPerS),
    raw_insert_tx_per_s: Math.round(raw),
    ratio_to_raw: Math.round((burst.ballotsPerS / raw) * 100) / 100,
    turnout_lag_ms: round1(storm.turnoutLag),
    result_lag_ms: round1(storm.resultLag),
    server_rss_mb: Math.max(...rss.map((r) => r.peak)),
    server_cpu_ms_per_ballot: Math.round(burst.cpu.server * 100) / 100,
    pg_cpu_ms_per_ballot: Math.round(burst.cpu.pg * 100) / 100,
    storm_ballots_per_s: Math.round(storm.ballotsPerS),
    burst_acked: burst.acked,
    burst_ack_p99_ms: round1(percentile(burst.latencies, 99)),
    load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  const targets = {
    tally_exact: out.tally_exact,
    'ack_p99_ms ≤ 1000': out.ack_p99_ms <= 1000,
    'ratio_to_raw ≥ 0.5': out.ratio_to_raw >= 0.5,
    'turnout_lag_ms ≤ 200': out.turnout_lag_ms <= 200,
    'result_lag_ms ≤ 500': out.result_lag_ms <= 500,
  };
  console.log(`\nstorm: ack p50 ${out.ack_p50_ms} ms · p99 ${out.ack_p99_ms} ms · max ${out.ack_max_ms} ms · ${out.storm_ballots_per_s} ballots/s (the presses offer ${Math.round(N / (opts['spread-ms'] / 1000 || 1))}/s at most)`);
  console.log(`burst: ${out.ballots_per_s} ballots/s = ${out.ratio_to_raw} × raw · ack p99 ${out.burst_ack_p99_ms} ms`);
  console.log(`turnout lag ${out.turnout_lag_ms} ms · result lag ${out.result_lag_ms} ms · server peak RSS ${rss.map((r) => `${r.peak} MiB`).join(' / ')}`);
  console.log(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join(' · ')}`);
  console.log(JSON.stringify(out));
  return out.tally_exact && storm.acked === N && burst.acked === N;
});
