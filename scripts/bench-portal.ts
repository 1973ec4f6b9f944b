// pnpm bench:portal [--connections 50] [--seconds 10]
// The public portal under load: citizens submit proposals, then look them up by tracking code.
// A closed loop like autocannon's: each connection sends its next request as soon as the
// previous one is answered. Citizens come from many addresses, and the portal limits each
// address (10 submissions and 60 look-ups a minute); so each connection speaks from its own
// loopback address (127.x.y.z) and moves to a fresh one before it reaches the limit.
// Last line of output: one JSON object with the figures (see BENCHMARKS.md).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { LeanHttp } from './bench-clients.ts';
import { cpuMs, machineFacts, parseArgs, percentile, postmasterPid, round1, runBench, setupAdmin, startServer, tempDir, treeCpuMs } from './bench-lib.ts';

const opts = parseArgs({ connections: 50, seconds: 10, 'cpu-prof': '' });

/** Requests one address may make in a minute, per kind (the portal's limits). */
const PER_ADDRESS = { submit: 10, lookup: 60 } as const;

let nextAddress = 0;
/** 127.1.0.1, 127.1.0.2, … (never .0 or .255): a fresh client address each time. */
function freshAddress(): string {
  const n = nextAddress++;
  const host = (n % 254) + 1;
  const rest = Math.floor(n / 254);
  return `127.${1 + ((rest >> 8) & 0x7f)}.${rest & 0xff}.${host}`;
}

interface PhaseResult {
  count: number;
  perSecond: number;
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
  bodies: string[];
}

async function phase(
  port: number,
  kind: keyof typeof PER_ADDRESS,
  seconds: number,
  connections: number,
  request: (http: LeanHttp, i: number) => Promise<{ status: number; body: string }>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bodies: string[] = [];
  let errors = 0;
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      let http = new LeanHttp(port, undefined, freshAddress());
      let used = 0;
      while (performance.now() < until) {
        if (used === PER_ADDRESS[kind]) {
          http.close();
          http = new LeanHttp(port, undefined, freshAddress());
          used = 0;
        }
        used++;
        const t = performance.now();
        try {
          const r = await request(http, n++);
          latencies.push(performance.now() - t);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status === 200) bodies.push(r.body);
          else errors++;
        } catch {
          errors++;
          statuses.network = (statuses.network ?? 0) + 1;
          http.close();
          http = new LeanHttp(port, undefined, freshAddress());
          used = 0;
        }
      }
      http.close();
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { count: latencies.length, perSecond: bodies.length / elapsed, latencies, errors, statuses, bodies };
}

runBench(async () => {
  const facts = machineFacts();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  console.log(`bench:portal — ${opts.connections} connections, ${opts.seconds} s per phase, ${databaseUrl ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL'}`);
  console.log(`machine: ${facts.cores} cores (${facts.cpu}), ${facts.memory_gb} GiB, Node ${facts.node}`);
  const server = await startServer({ name: 'server', dataDir: await tempDir('piaojue-bench-'), databaseUrl, cpuProfDir: opts['cpu-prof'] || undefined });
  const admin = await setupAdmin(server);
  const cycle = await admin.must('/api/cycles', {
    level: 'city',
    name: '2027年度民生实事项目建议征集',
    year: 2027,
    chooseN: 10,
    ballotType: 'approve',
    passThreshold: 'none',
    quorumRule: 'more_than_half',
    tieRule: 'runoff',
  });
  const now = Date.now();
  await admin.must(
    `/api/cycles/${cycle.id}/collection`,
    {
      title: '关于征集2027年度民生实事项目建议的公告',
      body: '欢迎市民通过网站、二维码或收集点提出民生实事项目建议。',
      opensAt: new Date(now - 3600_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
    },
    'PUT',
  );
  const form = await admin.must<{ notice: { areas: string[] } }>(`/api/public/cycles/${cycle.id}/collection`, undefined, 'GET');
  const areas = form.notice?.areas;
  if (!areas?.length) throw new Error(`the collection form offers no areas: ${JSON.stringify(form).slice(0, 300)}`);

  const dbUrl = databaseUrl ?? server.embeddedUrl;
  const pgPid = dbUrl ? await postmasterPid(dbUrl) : null;
  /** CPU of the server, of PostgreSQL (postmaster and backends) and of this client, in ms. */
  const cpuNow = () => ({ server: cpuMs(server.pid), pg: pgPid ? treeCpuMs(pgPid) : NaN, client: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
  const perRequest = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>, n: number) => {
    const f = (k: keyof typeof a) => Math.round(((b[k] - a[k]) / Math.max(1, n)) * 100) / 100;
    return { server: f('server'), pg: f('pg'), client: f('client') };
  };

  // Submissions: each a different proposal (the portal folds identical ones from one client).
  const cpu0 = cpuNow();
  const submit = await phase(server.port, 'submit', opts.seconds, opts.connections, (http, i) =>
    http.post(`/api/public/cycles/${cycle.id}/proposals`, {
      title: `第${i}号建议：幸福小区${(i % 40) + 1}号楼加装电梯`,
      content: `小区建于上世纪九十年代，共${(i % 7) + 5}层，无电梯，老年住户上下楼困难。建议为${(i % 40) + 1}号楼加装电梯，并同步改造楼道照明。`,
      reason: '老年人口比例高，出行不便，居民意愿强烈。',
      costWan: 80 + (i % 50),
      area: areas[i % areas.length]!,
      district: '宿城区',
      location: `幸福小区${(i % 40) + 1}号楼`,
      channel: 'web',
      clientId: `bench-${i}`,
    }),
  );
  const submitCpu = perRequest(cpu0, cpuNow(), submit.count);
  const codes = submit.bodies.map((b) => (JSON.parse(b) as { trackingCode: string }).trackingCode);
  console.log(
    `submit: ${submit.count} requests, ${Math.round(submit.perSecond)}/s, p50 ${round1(percentile(submit.latencies, 50))} ms, p99 ${round1(percentile(submit.latencies, 99))} ms, ` +
      `statuses ${JSON.stringify(submit.statuses)}; CPU ms/request: server ${submitCpu.server}, PostgreSQL ${submitCpu.pg}, this client ${submitCpu.client}`,
  );
  if (codes.length === 0) throw new Error('no submission succeeded');

  const cpu1 = cpuNow();
  const lookup = await phase(server.port, 'lookup', opts.seconds, opts.connections, (http, i) => http.get(`/api/public/proposals/${codes[(i * 7919) % codes.length]}`));
  const lookupCpu = perRequest(cpu1, cpuNow(), lookup.count);
  console.log(
    `lookup: ${lookup.count} requests, ${Math.round(lookup.perSecond)}/s, p50 ${round1(percentile(lookup.latencies, 50))} ms, p99 ${round1(percentile(lookup.latencies, 99))} ms, ` +
      `statuses ${JSON.stringify(lookup.statuses)}; CPU ms/request: server ${lookupCpu.server}, PostgreSQL ${lookupCpu.pg}, this client ${lookupCpu.client}`,
  );
  const wrong = lookup.bodies.filter((b) => !codes.includes((JSON.parse(b) as { trackingCode: string }).trackingCode)).length;

  const out = {
    bench: 'portal',
    connections: opts.connections,
    seconds: opts.seconds,
    submit_per_s: Math.round(submit.perSecond),
    submit_p50_ms: round1(percentile(submit.latencies, 50)),
    submit_p99_ms: round1(percentile(submit.latencies, 99)),
    lookup_per_s: Math.round(lookup.perSecond),
    lookup_p50_ms: round1(percentile(lookup.latencies, 50)),
    lookup_p99_ms: round1(percentile(lookup.latencies, 99)),
    errors: submit.errors + lookup.errors + wrong,
    submit_cpu_ms: submitCpu,
    lookup_cpu_ms: lookupCpu,
    server_rss_mb: server.rss().peak,
    database: databaseUrl ? 'service' : 'embedded',
    node: process.version,
    cores: facts.cores,
    load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  console.log(
    `\ntargets: lookup_per_s ≥ 2000 ${out.lookup_per_s >= 2000 ? 'met' : 'MISSED'} · submit_per_s ≥ 500 ${out.submit_per_s >= 500 ? 'met' : 'MISSED'} · no errors ${out.errors === 0 ? 'met' : 'MISSED'}`,
  );
  console.log(JSON.stringify(out));
  return out.errors === 0;
});
