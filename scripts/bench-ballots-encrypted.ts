// pnpm bench:ballots --encrypted [--spread-ms 1000] [--deputies 3000] [--scrutineers 5 --threshold 3]
// A whole encrypted session through the app (docs/CRYPTO.md): the 监票人's key ceremony on their
// (simulated) tablets, 3,000 deputies casting ballots encrypted on the tablet, the server checking
// the proofs after the ack in its worker threads, the close, t 监票人 pressing 解密, and the
// result on every display. The ballots are encrypted before the storm, in worker threads of this
// script, so the tablets' CPU does not land in the server's figures (a hall has 3,000 tablets).
// Last line of output: one JSON object (BENCHMARKS.md §"Encrypted ballots").
import { createRequire } from 'node:module';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  choiceFromBody, commitmentToJson, cryptoReady, encryptBallot, encryptShares, packBallot, finishGuardian, parseCommitment,
  parsePoint, parseShare, partialDecrypt, pointToB64, pollContextOf, startGuardian, statements, trackerDisplay,
  type CeremonyParams, type GuardianCommitment, type Scalar,
} from '@piaojue/shared/crypto';
import { toB64 } from '../shared/src/crypto/group.ts';
import { pollContext, runCeremony, type TestSpec } from '../shared/src/crypto/testkit.ts';
import { ProofPool } from '../server/src/lib/proof-pool.ts';
import { measureRaw } from './bench-crypto-lib.ts';
import { hallPoll, prng, setupHall, type Mark } from './bench-hall.ts';
import { cpuMs, HttpClient, percentile, postmasterPid, round1, sleep, treeCpuMs } from './bench-lib.ts';
import type { EncryptJob } from './bench-encrypt-worker.ts';

export interface EncryptedOptions {
  deputies: number;
  instances: number;
  candidates: number;
  choose: number;
  'spread-ms': number;
  via: string;
  'pool-size': number;
  'cpu-prof': string;
  seed: number;
  scrutineers: number;
  threshold: number;
  'verify-seconds': number;
  'proof-workers': number;
  'proof-nice': number;
}

type Marks = Record<string, Mark>;

/** Worker threads of this script running bench-encrypt-worker.ts from source (as proof-pool.ts starts its own). */
function encryptWorker(): Worker {
  const require = createRequire(import.meta.url);
  const entry = fileURLToPath(new URL('./bench-encrypt-worker.ts', import.meta.url));
  return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(entry)});`, { eval: true, execArgv: [] });
}

/** The tablets' encryption of every ballot, spread over one worker per core. */
async function preEncrypt(job: Omit<EncryptJob, 'ballots'>, ballots: Marks[]): Promise<{ packed: string; ms: number }[]> {
  const n = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const chunk = Math.ceil(ballots.length / n);
  const parts = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const w = encryptWorker();
      return new Promise<{ packed: string; ms: number }[]>((resolve, reject) => {
        w.once('message', (out) => void w.terminate().then(() => resolve(out)));
        w.once('error', reject);
        w.postMessage({ ...job, ballots: ballots.slice(i * chunk, (i + 1) * chunk) } satisfies EncryptJob);
      });
    }),
  );
  return parts.flat();
}

/**
 * One core, no server running yet: a tablet's encryption time (15 candidates), the server's proof
 * check through ProofPool with one worker (the server's own code path), and the raw variable-base
 * scalar multiplications per second, measured before and after the checks and averaged.
 */
async function oneCore(candidates: number, places: number, maxBallots: number, seconds: number) {
  await cryptoReady();
  const spec: TestSpec = { pollId: 'bench-one-core', kind: 'approve', candidates, places, allowAbstain: true, maxBallots };
  const ctx = pollContext(runCeremony(5, 3, 'bench-one-core'), spec);
  const rand = prng(7);
  const ids = Array.from({ length: candidates }, (_, i) => `c${i}`);
  const encryptMs: number[] = [];
  const ballots: string[] = [];
  for (let i = 0; i < 30; i++) {
    const marks: Marks = Object.fromEntries(ids.map((id, j) => [id, j < places && rand() < 0.5 ? 'for' : rand() < 0.5 ? 'against' : 'abstain']));
    const started = performance.now();
    const ballot = encryptBallot(ctx, choiceFromBody({ type: 'approve', marks }, ids));
    encryptMs.push(performance.now() - started);
    ballots.push(JSON.stringify(packBallot(ballot)));
  }
  const rawBefore = await measureRaw(seconds / 3);
  // nice 0: the same priority as the raw measurement on this thread (the server runs its workers at 10).
  const pool = new ProofPool({ size: 1, nice: 0 });
  pool.start();
  while (pool.stats().workers < 1) await sleep(20);
  const until = performance.now() + (seconds * 1000) / 3;
  const started = performance.now();
  let checked = 0;
  while (performance.now() < until) {
    const answers = await Promise.all(ballots.map((b) => pool.check(spec.pollId, ctx, b)));
    if (answers.some((a) => a !== null)) throw new Error('the pool refused a valid ballot');
    checked += answers.length;
  }
  const perS = checked / ((performance.now() - started) / 1000);
  await pool.close();
  const rawAfter = await measureRaw(seconds / 3);
  const branches = statements(ctx.spec).reduce((n, s) => n + s.allowed.length, 0);
  const raw = (rawBefore.variable + rawAfter.variable) / 2;
  return { encryptMs, perS, raw, multsPerBallot: branches * 4 };
}

export async function encrypted(opts: EncryptedOptions): Promise<boolean> {
  const rand = prng(opts.seed);
  const loadAt = (label: string) => console.log(`  load (uptime) at ${label}: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // 0. The instruction-independent figures, on one core, before any server runs.
  const core = await oneCore(opts.candidates, opts.choose, opts.deputies, opts['verify-seconds']);
  const verifyRatio = (core.perS * core.multsPerBallot) / core.raw;
  console.log(
    `one core: tablet encryption p50 ${round1(percentile(core.encryptMs, 50))} ms · ${core.perS.toFixed(1)} ballots checked/s through ProofPool(1) · ` +
      `${Math.round(core.raw)} raw scalar mults/s · ${core.multsPerBallot} mults per ballot → verify_ratio ${verifyRatio.toFixed(2)}`,
  );
  loadAt('one-core figures');

  // 1. The hall: servers, an encrypted cycle, N deputies logged in with their sockets.
  const env: Record<string, string> = {
    ...(opts['proof-workers'] > 0 ? { PROOF_WORKERS: String(opts['proof-workers']) } : {}),
    ...(opts['proof-nice'] >= 0 ? { PROOF_WORKERS_NICE: String(opts['proof-nice']) } : {}),
  };
  const hall = await setupHall({ ...opts, ballotMode: 'encrypted', scrutineers: opts.scrutineers, env });
  const { N, servers, admin, session, displays, deputies, t0, dbUrl } = hall;
  const pgPid = await postmasterPid(dbUrl);

  // 2. The key ceremony on the 监票人's tablets (the first deputies), three rounds through the server.
  const ceremonyStart = performance.now();
  const started = await admin.must(`/api/sessions/${session.id}/ceremony`, { threshold: opts.threshold });
  const params: CeremonyParams = { ceremonyId: started.id, guardians: deputies.slice(0, opts.scrutineers).map((d) => d.id), threshold: started.threshold };
  const tablets = deputies.slice(0, opts.scrutineers).map((d, i) => {
    const client = new HttpClient(d.server.base);
    client.cookie = d.client.cookie;
    return { client, index: i + 1, ...startGuardian(params, i + 1), share: null as Scalar | null };
  });
  for (const x of tablets) await x.client.must('/api/deputy/ceremony/commitment', commitmentToJson(x.commitment));
  const commitments: GuardianCommitment[] = tablets.map((x) => x.commitment);
  for (const x of tablets) {
    await x.client.must('/api/deputy/ceremony/shares', { shares: encryptShares(params, x.secret, commitments).map((s) => ({ from: s.from, to: s.to, ephemeral: toB64(s.ephemeral), nonce: toB64(s.nonce), box: toB64(s.box) })) });
  }
  for (const x of tablets) {
    const tr = await x.client.must(`/api/sessions/${session.id}/ceremony/transcript`, undefined, 'GET');
    const got = (tr.shares as unknown[]).map((s) => parseShare(s)!).filter((s) => s.to === x.index);
    const f = finishGuardian(params, x.secret, (tr.commitments as unknown[]).map((c) => parseCommitment(c)!), got);
    if (!f.ok) throw new Error(`监票人 ${x.index} refused the shares of ${f.badSenders.join(',')}`);
    x.share = f.share;
    await x.client.must('/api/deputy/ceremony/confirmation', { index: x.index, publicShare: pointToB64(f.publicShare) });
  }
  const key = await admin.must(`/api/sessions/${session.id}/ceremony/key`, undefined, 'GET');
  const ceremonyMs = performance.now() - ceremonyStart;
  console.log(`key ceremony, ${opts.threshold} of ${opts.scrutineers}: fingerprint ${key.fingerprint}, ${Math.round(ceremonyMs)} ms`);

  // 3. The poll opens; every tablet reads what it encrypts under.
  const poll = await admin.must(`/api/sessions/${session.id}/polls`, { title: `加密表决：${N} 名代表在 ${opts['spread-ms']} ms 内投票` });
  const opened = await admin.must(`/api/polls/${poll.id}/open`, {});
  await Promise.all(displays.map((d) => d.waitFor((m) => hallPoll(m)?.id === poll.id && hallPoll(m).status === 'open', 10_000)));
  const wire = await tablets[0]!.client.must(`/api/deputy/polls/${poll.id}/crypto`, undefined, 'GET');
  const jointKey = parsePoint(wire.jointKey);
  if (!jointKey) throw new Error('the joint key does not parse');
  const ctx = pollContextOf({ params: wire.params, spec: wire.spec, jointKey });
  const listOrder: string[] = (opened.candidates ?? poll.candidates).map((c: { id: string }) => c.id);

  // 4. Every tablet's ballot, encrypted before the storm (see the header).
  const ballots: Marks[] = deputies.map(() => {
    const order = [...listOrder].sort(() => rand() - 0.5);
    const approvals = Math.floor(rand() * (opts.choose + 1));
    const picked = new Map<string, Mark>(order.map((id, j) => [id, j < approvals ? 'for' : rand() < 0.5 ? 'against' : 'abstain']));
    return Object.fromEntries(listOrder.map((id) => [id, picked.get(id)!])) as Marks;
  });
  const encStart = performance.now();
  const sealed = await preEncrypt({ params: wire.params, spec: wire.spec, jointKey: wire.jointKey, candidateIds: listOrder }, ballots);
  console.log(`${N} ballots encrypted by ${os.availableParallelism?.() ?? os.cpus().length} threads of this script in ${Math.round(performance.now() - encStart)} ms (p50 ${round1(percentile(sealed.map((s) => s.ms), 50))} ms each while all ran)`);
  await sleep(500);
  loadAt('storm start');

  // 5. The storm: each deputy presses at a random moment within spread-ms.
  const cpuBefore = servers.map((s) => cpuMs(s.pid));
  const mainBefore = servers.map((s) => cpuMs(s.pid, s.pid));
  const pgBefore = pgPid ? treeCpuMs(pgPid) : NaN;
  const clientBefore = process.cpuUsage();
  const results: { ok: boolean; latency: number; ackAt: number; receipt?: string; error?: string }[] = new Array(N);
  const stormStart = performance.now() + 50;
  await Promise.all(
    deputies.map(async (d, i) => {
      const at = stormStart + rand() * opts['spread-ms'];
      await sleep(Math.max(0, at - performance.now()));
      const idempotencyKey = randomBytes(16).toString('base64url');
      for (let retries = 0; ; retries++) {
        let r: Awaited<ReturnType<typeof d.cast>> | null = null;
        let error = '';
        try {
          r = await d.cast(poll.id, { idempotencyKey, ballot: { encrypted: sealed[i]!.packed } });
        } catch (err) {
          error = String(err);
        }
        if (r?.status === 200) {
          results[i] = { ok: true, latency: performance.now() - at, ackAt: performance.now(), receipt: r.receipt };
          return;
        }
        if ((r && r.status < 500 && r.status !== 429) || retries >= 5) {
          results[i] = { ok: false, latency: performance.now() - at, ackAt: performance.now(), error: r ? `${r.status} ${r.error}` : error };
          return;
        }
        await sleep(100 * (retries + 1));
      }
    }),
  );
  // The event loop's own CPU (no proof workers) from the first press to the last ack: what bounds the acks.
  const mainStormMs = servers.reduce((a, s, i) => a + cpuMs(s.pid, s.pid) - mainBefore[i]!, 0);
  const stormCpu = {
    server: servers.reduce((a, s, i) => a + cpuMs(s.pid) - cpuBefore[i]!, 0),
    pg: pgPid ? treeCpuMs(pgPid) - pgBefore : NaN,
    client: (process.cpuUsage(clientBefore).user + process.cpuUsage(clientBefore).system) / 1000,
  };
  const acked = results.filter((r) => r.ok);
  const lastAck = Math.max(...acked.map((r) => r.ackAt));
  const latencies = acked.map((r) => r.latency);
  console.log(`storm: ${acked.length}/${N} acked, ack p50 ${round1(percentile(latencies, 50))} ms, p99 ${round1(percentile(latencies, 99))} ms, ${Math.round(lastAck - stormStart)} ms first press → last ack`);
  console.log(`  server main thread: ${Math.round(mainStormMs)} ms CPU over the storm, ${round1((mainStormMs / N) * 1000)} µs a ballot`);
  console.log(`  CPU over the storm: server ${Math.round(stormCpu.server)} ms (its proof workers included), PostgreSQL ${Math.round(stormCpu.pg)} ms, this script (the tablets) ${Math.round(stormCpu.client)} ms`);
  for (const f of results.filter((r) => !r.ok).slice(0, 5)) console.log(`  failure: ${f.error}`);
  loadAt('last ack');

  // 6. Close: the sums are fixed once every proof is checked (status 'decrypting').
  // The close answers once the proofs are checked: its client waits as long as that takes.
  const closer = new HttpClient(servers[0]!.base);
  closer.cookie = admin.cookie;
  closer.timeoutMs = 30 * 60_000;
  const closeAt = performance.now();
  const closed = await closer.must(`/api/polls/${poll.id}/close`);
  closer.close();
  const closeAnswered = performance.now() - closeAt;
  const decrypting = await Promise.all(displays.map((d) => d.waitFor((m) => hallPoll(m)?.id === poll.id && hallPoll(m).status === 'decrypting', 600_000)));
  const verifiedAt = Math.max(...decrypting);
  const backlog = verifiedAt - closeAt;
  const serverCpu = servers.reduce((a, s, i) => a + cpuMs(s.pid) - cpuBefore[i]!, 0);
  const verifySpanS = (verifiedAt - stormStart) / 1000;
  console.log(`close answered in ${Math.round(closeAnswered)} ms (status ${closed.status}); every proof checked ${Math.round(backlog)} ms after the close`);
  console.log(`  server CPU (main thread and proof workers) ${Math.round(serverCpu / N * 10) / 10} ms per ballot; ${Math.round(N / verifySpanS)} ballots verified/s from the first press`);
  loadAt('all verified');

  // 7. t 监票人 press 解密: each reads the sums, decrypts with their share, sends it with its proofs.
  const decryptors = tablets.slice(0, opts.threshold);
  const partials = decryptors.map((x) => {
    return async () => {
      const task = await x.client.must(`/api/deputy/polls/${poll.id}/decryption`, undefined, 'GET');
      const sums = (task.sums as [string, string][]).map(([a, b]) => ({ a: parsePoint(a)!, b: parsePoint(b)! }));
      const p = partialDecrypt(ctx, task.guardian, x.share!, sums);
      return { guardian: p.guardian, shares: p.shares.map(toB64), proofs: p.proofs.map((q) => ({ c: toB64(q.c), v: toB64(q.v) })) };
    };
  });
  for (const [i, x] of decryptors.slice(0, -1).entries()) await x.client.must(`/api/deputy/polls/${poll.id}/decryption`, await partials[i]!());
  const lastBody = await partials[partials.length - 1]!();
  const lastAt = performance.now();
  await decryptors[decryptors.length - 1]!.client.must(`/api/deputy/polls/${poll.id}/decryption`, lastBody);
  const resultSeen = await Promise.all(displays.map((d) => d.waitFor((m) => hallPoll(m)?.id === poll.id && hallPoll(m).status === 'closed' && hallPoll(m).result, 60_000)));
  const decryptToResult = Math.max(...resultSeen) - lastAt;
  console.log(`last 解密 → result on every display: ${Math.round(decryptToResult)} ms`);

  // 8. The count against the ballots generated here; every receipt in the published list.
  const expected: Record<string, Record<Mark, number>> = Object.fromEntries(listOrder.map((id) => [id, { for: 0, against: 0, abstain: 0 }]));
  results.forEach((r, i) => {
    if (r.ok) for (const [id, m] of Object.entries(ballots[i]!)) expected[id]![m]++;
  });
  const rowsOf = (result: any) => Object.fromEntries((result?.rows ?? []).map((r: any) => [r.candidateId, { for: r.for, against: r.against, abstain: r.abstain }]));
  const sameRows = (rows: Record<string, Record<Mark, number>>) => listOrder.every((id) => rows[id] && (['for', 'against', 'abstain'] as const).every((m) => rows[id]![m] === expected[id]![m]));
  const final = await admin.must(`/api/polls/${poll.id}`, undefined, 'GET');
  const displayResults = displays.map((d) => hallPoll([...d.events].reverse().find((e) => hallPoll(e.msg)?.id === poll.id && hallPoll(e.msg)?.status === 'closed')?.msg ?? {})?.result);
  // The tablet shows (and the cast answers) the short form of the tracker; the list may give the whole.
  const listed = (await admin.must<{ trackers: string[] }>(`/api/polls/${poll.id}/trackers`, undefined, 'GET')).trackers;
  const trackers = new Set(listed.map((t) => (/^[0-9a-f]{64}$/.test(t) ? trackerDisplay(t) : t)));
  const record = final.result?.record;
  const receiptsListed = acked.every((r) => trackers.has(r.receipt!)) && trackers.size === acked.length;
  const tallyExact = acked.length === N && sameRows(rowsOf(final.result)) && displayResults.every((r) => sameRows(rowsOf(r))) && record?.valid === N && record?.returned === N && receiptsListed;
  console.log(`  count: returned ${record?.returned}, valid ${record?.valid}; rows match: ${sameRows(rowsOf(final.result))}; displays match: ${displayResults.every((r) => sameRows(rowsOf(r)))}; receipts listed: ${receiptsListed}`);
  console.log(`setup to end: ${Math.round((performance.now() - t0) / 1000)} s`);

  const out = {
    bench: 'ballots',
    encrypted: true,
    deputies: N,
    spread_ms: opts['spread-ms'],
    cores: os.cpus().length,
    proof_workers: opts['proof-workers'] || os.availableParallelism?.() || os.cpus().length,
    proof_workers_nice: opts['proof-nice'] >= 0 ? opts['proof-nice'] : 19,
    tablet_encrypt_ms_p50: round1(percentile(core.encryptMs, 50)),
    verify_ballots_per_s_per_core: round1(core.perS),
    raw_scalar_mults_per_s: Math.round(core.raw),
    verify_ratio: Math.round(verifyRatio * 100) / 100,
    ack_p99_ms: round1(percentile(latencies, 99)),
    tally_exact: tallyExact,
    verify_backlog_ms: Math.round(backlog),
    decrypt_to_result_ms: Math.round(decryptToResult),
    server_cpu_ms_per_ballot: Math.round((serverCpu / N) * 10) / 10,
    main_thread_storm_us_per_ballot: round1((mainStormMs / N) * 1000),
    load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  const targets = {
    tally_exact: out.tally_exact,
    'ack_p99_ms ≤ 1000': out.ack_p99_ms <= 1000,
    'verify_backlog_ms ≤ 5000 (with --spread-ms 120000)': out.verify_backlog_ms <= 5000,
    'decrypt_to_result_ms ≤ 2000': out.decrypt_to_result_ms <= 2000,
    'verify_ratio ≥ 0.3': out.verify_ratio >= 0.3,
  };
  console.log(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join(' · ')}`);
  console.log(JSON.stringify(out));
  return tallyExact;
}
