// pnpm bench:fanout [--clients 10000] [--rounds 5]
// That many websocket subscribers on one hall topic; how long one event takes to reach them
// all. Each round a staff action (check-in opened / closed) commits, PostgreSQL notifies the
// server, the hub reloads the hall state once and sends it to every socket. Latency is from
// the moment the staff request is sent to the moment each subscriber has the event.
// Last line of output: one JSON object with the figures (see BENCHMARKS.md).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { LeanWebSocket } from './bench-clients.ts';
import { cpuMs, machineFacts, parseArgs, percentile, pool, round1, runBench, setupAdmin, sleep, startServer, tempDir } from './bench-lib.ts';

const opts = parseArgs({ clients: 10_000, rounds: 5, 'cpu-prof': '' });

const EVENT = Buffer.from('{"type":"event"');

runBench(async () => {
  const N = opts.clients;
  const facts = machineFacts();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  console.log(`bench:fanout — ${N} subscribers, ${opts.rounds} events, ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}`);
  console.log(`machine: ${facts.cores} cores (${facts.cpu}), ${facts.memory_gb} GiB, Node ${facts.node}`);
  const server = await startServer({ name: 'server', dataDir: await tempDir('piaojue-bench-'), databaseUrl, cpuProfDir: opts['cpu-prof'] || undefined });
  const admin = await setupAdmin(server);
  const cycle = await admin.must('/api/cycles', {
    level: 'city',
    name: '广播基准测试',
    year: 2027,
    chooseN: 1,
    ballotType: 'approve',
    passThreshold: 'none',
    quorumRule: 'more_than_half',
    tieRule: 'runoff',
    ballotMode: 'plain',
  });
  for (const name of ['项目一', '项目二']) await admin.must(`/api/cycles/${cycle.id}/candidates`, { name });
  await admin.must(`/api/cycles/${cycle.id}/shortlist/freeze`, { organ: 'director_meeting', decidedOn: '2026-12-01', reference: '基准测试' });
  const session = await admin.must('/api/sessions', { cycleId: cycle.id, name: '广播基准测试会议' });
  const topic = `hall:${session.id}`;

  // arrivals[round][client] = arrival time of that round's event (NaN: not received)
  const arrivals: number[][] = Array.from({ length: opts.rounds }, () => new Array<number>(N).fill(NaN));
  let round = -1;
  const t0 = performance.now();
  let snapshots = 0;
  const clients = await pool(
    Array.from({ length: N }, (_, i) => i),
    200,
    async (i) => {
      let events = 0;
      const ws = await LeanWebSocket.open(server.port, {
        onFrame: (opcode, payload) => {
          if (opcode !== 1) return;
          if (payload.subarray(0, EVENT.length).equals(EVENT)) {
            if (round >= 0 && events++ === round) arrivals[round]![i] = performance.now();
          } else if (payload.includes('"type":"snapshot"')) snapshots++;
        },
      });
      ws.send(JSON.stringify({ type: 'subscribe', topic }));
      return ws;
    },
  ).catch((err) => {
    throw new Error(`could not open ${N} websockets: ${err}`);
  });
  for (let i = 0; i < 100 && snapshots < N; i++) await sleep(100);
  const connected = snapshots;
  const rssIdle = server.rss();
  console.log(`${clients.length} websockets open, ${connected} subscribed (snapshot received) in ${Math.round(performance.now() - t0)} ms; server RSS ${rssIdle.now} MiB`);

  const samples: number[] = [];
  const roundMax: number[] = [];
  const cpu0 = cpuMs(server.pid);
  for (let r = 0; r < opts.rounds; r++) {
    await sleep(1500);
    round = r;
    const sent = performance.now();
    await admin.must(`/api/sessions/${session.id}/checkin/${r % 2 === 0 ? 'open' : 'close'}`);
    for (let i = 0; i < 100 && arrivals[r]!.some(Number.isNaN); i++) await sleep(50);
    const got = arrivals[r]!.filter((t) => !Number.isNaN(t)).map((t) => t - sent);
    samples.push(...got);
    roundMax.push(Math.max(...got));
    console.log(`round ${r + 1}: ${got.length}/${N} delivered · first ${round1(Math.min(...got))} ms · p50 ${round1(percentile(got, 50))} ms · p99 ${round1(percentile(got, 99))} ms · last ${round1(Math.max(...got))} ms`);
  }
  const serverCpu = cpuMs(server.pid) - cpu0;
  const delivered = arrivals[0]!.filter((_, i) => arrivals.every((a) => !Number.isNaN(a[i]!))).length;
  const rss = server.rss();
  for (const c of clients) c.close();

  const out = {
    bench: 'fanout',
    clients: N,
    connected,
    delivered,
    rounds: opts.rounds,
    p50_ms: round1(percentile(samples, 50)),
    p99_ms: round1(percentile(samples, 99)),
    max_ms: round1(Math.max(...samples)),
    server_rss_mb: rss.peak,
    server_cpu_ms_per_event: Math.round(serverCpu / opts.rounds),
    database: databaseUrl ? 'service' : 'embedded',
    node: process.version,
    cores: facts.cores,
    load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  console.log(`\nall ${opts.rounds} events reached ${delivered}/${N} subscribers · p50 ${out.p50_ms} ms · p99 ${out.p99_ms} ms · max ${out.max_ms} ms · server peak RSS ${out.server_rss_mb} MiB`);
  console.log(`targets: all delivered ${delivered === N ? 'met' : 'MISSED'} · p99_ms ≤ 250 ${out.p99_ms <= 250 ? 'met' : 'MISSED'}`);
  console.log(JSON.stringify(out));
  return delivered === N;
});
