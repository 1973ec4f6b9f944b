// pnpm bench:ballots [--deputies 3000] [--instances 1] [--via ws|http] [--encrypted [--spread-ms N]]
// A whole congress votes at once: every deputy logs in, holds a websocket, checks in, and casts
// a random valid ballot within one second (over its websocket, as the tablet does, or with
// --via http over POST /api/polls/:id/ballots); the tally must match the ballots generated here.
// --encrypted runs an encrypted session instead (bench-ballots-encrypted.ts).
// Last line of output: one JSON object with the figures (see BENCHMARKS.md).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  parseArgs,
  percentile,
  round1,
  postmasterPid,
  runBench,
  cpuMs,
  treeCpuMs,
  sleep,
} from './bench-lib.ts';
import { hallPoll, prng, rawInsertRate, setupHall, votedIn, type CastAnswer, type Mark } from './bench-hall.ts';

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
  /** An encrypted session: key ceremony, ballots encrypted on the (simulated) tablets, 监票人 decrypt. */
  encrypted: false,
  /** --encrypted: the 监票人 (the first deputies) and how many of them must decrypt. */
  scrutineers: 5,
  threshold: 3,
  /** --encrypted: seconds of the one-core proof-check and raw scalar multiplication measurements. */
  'verify-seconds': 6,
  /** --encrypted: proof-check worker threads in the server (0: the server's default, one per core). */
  'proof-workers': 0,
  /** --encrypted: the proof-check workers' nice value (the server's PROOF_WORKERS_NICE; -1: its default). */
  'proof-nice': -1,
});

async function plain() {
  const rand = prng(opts.seed);
  const { N, facts, servers, databaseUrl, dbUrl, pgVersion, admin, candidateIds, session, displays, consoleSocket, consoleEvents, deputies } = await setupHall({
    ...opts,
    ballotMode: 'plain',
    scrutineers: 2,
  });

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
    `deputy websockets received ${Math.round(deputies.reduce((a, d) => a + d.ws.bytes, 0) / 1024)} KiB in all; the staff console ${consoleEvents()} events`,
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
}

// An encrypted run checks every proof and decrypts: give it longer than the plain one's limit.
if (opts.encrypted) process.env.BENCH_TIME_LIMIT_MS ??= String(45 * 60_000);
runBench(async () => {
  if (opts.encrypted) return (await import('./bench-ballots-encrypted.ts')).encrypted(opts);
  return plain();
});
