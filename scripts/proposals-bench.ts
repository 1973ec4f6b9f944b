// Measures the review queue and duplicate suggestions (相似建议, 疑似重复组) at scale on the demo data.
//
//   pnpm bench:similar [count=20000]     (tsx scripts/proposals-bench.ts)
//
// Uses DATABASE_URL when set (a throwaway database is created on that server and dropped
// afterwards, unless BENCH_KEEP=1), else an embedded PostgreSQL in a temporary directory.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createDb } from '../server/src/db/database.ts';
import { startEmbeddedPostgres } from '../server/src/db/embedded.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import type { Principal } from '../server/src/modules/auth/auth.service.ts';
import { demoProposals, demoProposalsCsv } from './proposals-demo-data.ts';

const count = Number(process.argv[2] ?? 20000);

let serverUrl = process.env.DATABASE_URL;
let stopEmbedded = async () => {};
let tmp: string | null = null;
if (!serverUrl) {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-bench-'));
  const e = await startEmbeddedPostgres({ dir: tmp, port: 54000 + Math.floor(Math.random() * 1000), database: 'postgres' });
  serverUrl = e.url;
  stopEmbedded = e.stop;
}
const name = `pj_bench_${randomBytes(4).toString('hex')}`;
const adminUrl = new URL(serverUrl);
adminUrl.pathname = '/postgres';
const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query(`create database "${name}"`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;

const config = loadConfig({ LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent', DATABASE_URL: url.toString() });
const { db } = createDb(url.toString(), 10);
await migrateToLatest(db);
const app = await buildApp({ config, db, databaseUrl: url.toString() });
const { auth, cycles, proposals } = app.services;
const token = (await auth.ensureSetupToken())!;
const user = await auth.setup({ token, username: 'admin', displayName: '管理员', password: 'correct horse battery' });
const actor: Principal = { kind: 'user', user };

const cycle = await cycles.create(actor, {
  level: 'city',
  name: '2027年度宿迁市民生实事项目',
  year: 2027,
  chooseN: 10,
  ballotType: 'approve',
  passThreshold: 'none',
  quorumRule: 'more_than_half',
  tieRule: 'runoff',
});
// The collection ran over the last 45 days.
const opens = new Date(Date.now() - 50 * 86_400_000);
await proposals.collection.setNotice(actor, cycle.id, { title: '征集公告', body: '', opensAt: opens.toISOString(), closesAt: new Date(opens.getTime() + 45 * 86_400_000).toISOString() });
const day = (n: number) => new Date(opens.getTime() + n * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

const t0 = performance.now();
const set = demoProposals(count, 20270701);
for (let i = 0; i < set.proposals.length; i += 5000) {
  const csv = demoProposalsCsv(set.proposals.slice(i, i + 5000), opens);
  await proposals.submissions.importSheet(actor, cycle.id, { fileName: 'demo.csv', contentBase64: Buffer.from(csv).toString('base64'), channel: 'hotline' });
}
const loadMs = performance.now() - t0;
const c2 = new pg.Client({ connectionString: url.toString() });
await c2.connect();
await c2.query('vacuum analyze');
const { rows: size } = await c2.query<{ proposals: string; grams: string; gram_rows: string }>(
  `select pg_size_pretty(pg_total_relation_size('proposals')) as proposals,
          pg_size_pretty(pg_total_relation_size('proposal_grams')) as grams,
          (select count(*) from proposal_grams)::text as gram_rows`,
);
await c2.end();

async function time<T>(label: string, f: () => Promise<T>, runs = 7): Promise<T> {
  let result!: T;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    result = await f();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  const extra = typeof result === 'object' && result && 'total' in result ? ` total=${(result as { total: number }).total}` : '';
  console.log(`${label.padEnd(46)} median ${ms[Math.floor(runs / 2)]!.toFixed(1).padStart(7)} ms  max ${ms[runs - 1]!.toFixed(1).padStart(7)} ms${extra}`);
  return result;
}

console.log(`\n${count} proposals imported in ${(loadMs / 1000).toFixed(1)} s; proposals ${size[0]!.proposals}, proposal_grams ${size[0]!.grams} (${size[0]!.gram_rows} rows)\n`);
const q = (extra: Record<string, unknown>) => proposals.review.queue(cycle.id, extra);
const first = await time('queue page 1 (50, newest) + total + counts', () => q({}));
let cursor = first.nextCursor;
for (let i = 0; i < 50 && cursor; i++) cursor = (await q({ cursor })).nextCursor;
await time('queue page 52 via cursor', () => q({ cursor: cursor! }));
await time('filter status+area', () => q({ status: ['received'], area: '住有所居' }));
await time('filter date range + channel', () => q({ from: day(10), to: day(20), channel: ['letter'] }));
await time('search 1 char "灯"', () => q({ q: '灯' }));
await time('search 2 chars "电梯"', () => q({ q: '电梯' }));
await time('search 2 chars "路灯" + status', () => q({ q: '路灯', status: ['received'] }));
await time('search 4 chars "加装电梯"', () => q({ q: '加装电梯' }));
await time('search rare "翡翠湾"', () => q({ q: '翡翠湾' }));
await time('search phrase "幸福花园3号楼"', () => q({ q: '幸福花园3号楼' }));
await time('search, no match "量子计算"', () => q({ q: '量子计算' }));

const ids = (await db.selectFrom('proposals').select(['id', 'no']).orderBy('no').execute()).map((r) => r.id);
const { similarity } = app.services;
// Duplicate suggestions (GET /api/proposals/:id/similar does this call and serialises the list):
// the first call builds the cycle's index, the next ones re-check it and answer from it.
const cold = performance.now();
await similarity.similar(ids[0]!, 10);
const coldMs = performance.now() - cold;
const simMs: number[] = [];
for (let i = 0; i < 300; i++) {
  const s = performance.now();
  await similarity.similar(ids[(i * 7919) % ids.length]!, 10);
  simMs.push(performance.now() - s);
}
simMs.sort((a, b) => a - b);
const pct = (p: number) => simMs[Math.min(simMs.length - 1, Math.floor((p / 100) * simMs.length))]!;
console.log(`similar: first call (builds the index) ${coldMs.toFixed(0)} ms; then over 300 proposals p50 ${pct(50).toFixed(1)} ms  p95 ${pct(95).toFixed(1)} ms  max ${simMs.at(-1)!.toFixed(1)} ms`);
const g0 = performance.now();
const groups = await similarity.groups(cycle.id);
const groupsMs = performance.now() - g0;
console.log(`duplicate groups over ${groups.scanned} open proposals: ${groups.groups.length} groups in ${groupsMs.toFixed(0)} ms`);
// After a change: one edited proposal is re-read, not the cycle.
await db.updateTable('proposals').set({ updated_at: new Date() }).where('id', '=', ids[5]!).execute();
const w0 = performance.now();
await similarity.similar(ids[5]!, 10);
console.log(`similar after one proposal changed: ${(performance.now() - w0).toFixed(1)} ms`);
// During collection proposals keep coming: one changes before each look.
const liveMs: number[] = [];
for (let i = 0; i < 100; i++) {
  await db.updateTable('proposals').set({ updated_at: new Date() }).where('id', '=', ids[(i * 104729) % ids.length]!).execute();
  const s = performance.now();
  await similarity.similar(ids[(i * 7919) % ids.length]!, 10);
  liveMs.push(performance.now() - s);
}
liveMs.sort((a, b) => a - b);
console.log(`similar with a change before each call (100): p50 ${liveMs[50]!.toFixed(1)} ms  p95 ${liveMs[95]!.toFixed(1)} ms`);
// The demo data's known near-duplicate pairs: ranked first?
let top1 = 0;
for (const pair of set.pairs) {
  for (const [x, y] of [
    [pair.a, pair.b],
    [pair.b, pair.a],
  ] as const) {
    if ((await similarity.similar(ids[x]!, 1))[0]?.proposal.id === ids[y]) top1++;
  }
}
const checked = set.pairs.length * 2;
console.log(`known near-duplicates ranked first: ${top1}/${checked}`);

// Baseline for the report: pg_trgm's similarity() on the same text (its word splitting follows
// the database's LC_CTYPE; under C it sees no words in Chinese at all).
const c3 = new pg.Client({ connectionString: url.toString() });
await c3.connect();
try {
  await c3.query('create extension if not exists pg_trgm');
  const { rows: ctype } = await c3.query<{ c: string }>('select datctype as c from pg_database where datname = current_database()');
  let trgmTop1 = 0;
  const s0 = performance.now();
  for (const pair of set.pairs) {
    for (const [x, y] of [
      [pair.a, pair.b],
      [pair.b, pair.a],
    ] as const) {
      const { rows } = await c3.query<{ id: string }>(
        `select p.id from proposals p, proposals me where me.id = $1 and p.cycle_id = me.cycle_id and p.id <> me.id
         order by similarity(p.search_text, me.search_text) desc limit 1`,
        [ids[x]],
      );
      if (rows[0]?.id === ids[y]) trgmTop1++;
    }
  }
  console.log(`pg_trgm similarity() baseline (LC_CTYPE ${ctype[0]!.c}): ${trgmTop1}/${checked} ranked first, ${((performance.now() - s0) / checked).toFixed(0)} ms per query`);
} catch (err) {
  console.log(`pg_trgm baseline skipped: ${String(err)}`);
}
await c3.end();
console.log(JSON.stringify({ bench: 'similar', proposals: count, pairs_top1: `${top1}/${checked}`, cold_ms: Math.round(coldMs), p50_ms: +pct(50).toFixed(1), p95_ms: +pct(95).toFixed(1), groups_ms: Math.round(groupsMs), live_p50_ms: +liveMs[50]!.toFixed(1), live_p95_ms: +liveMs[95]!.toFixed(1), load_avg_1m: os.loadavg()[0] }));

await app.close();
await db.destroy();
if (process.env.BENCH_KEEP) console.log(`kept ${url.toString()}`);
else await admin.query(`drop database if exists "${name}" with (force)`);
await admin.end();
await stopEmbedded();
if (tmp) await fs.rm(tmp, { recursive: true, force: true });
