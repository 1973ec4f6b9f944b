import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { HttpClient, runBench, setupAdmin, startServer, tempDir } from './bench-lib.ts';
runBench(async () => {
  const s = await startServer({ name: 's1', dataDir: await tempDir('pj-probe-'), databaseUrl: process.env.DATABASE_URL });
  const url = process.env.DATABASE_URL ?? s.embeddedUrl!;
  const admin = await setupAdmin(s);
  const time = async (label: string, f: () => Promise<unknown>, n = 10) => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) { const t = performance.now(); await f(); ts.push(performance.now() - t); }
    ts.sort((a, b) => a - b);
    console.log(label, ts.map((x) => x.toFixed(1)).join(' '));
  };
  await time('GET /api/auth/me', () => admin.get('/api/auth/me'));
  await time('GET /api/health', () => admin.get('/api/health'));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create table t1 (id serial primary key, v int)');
  await time('pg insert autocommit', () => c.query('insert into t1 (v) values (1)'));
  await time('pg select 1', () => c.query('select 1'));
  await time('pg begin/insert/commit', async () => { await c.query('begin'); await c.query('insert into t1 (v) values (1)'); await c.query('commit'); });
  console.log((await c.query("select name, setting from pg_settings where name in ('fsync','synchronous_commit','wal_sync_method','commit_delay','shared_buffers','max_connections')")).rows);
  await c.end();
  return true;
});
