import { performance } from 'node:perf_hooks';
import { HttpClient, runBench, setupAdmin, startServer, tempDir } from './bench-lib.ts';
runBench(async () => {
  const s = await startServer({ name: 's1', dataDir: await tempDir('pj-probe-'), databaseUrl: process.env.DATABASE_URL });
  const admin = await setupAdmin(s);
  const cycle = await admin.must('/api/cycles', { level: 'city', name: 'x', year: 2027, chooseN: 2, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await admin.must(`/api/cycles/${cycle.id}/candidates`, { name: `p${i}` })).id);
  await admin.must(`/api/cycles/${cycle.id}/freeze`, { decision: 'd' });
  const session = await admin.must('/api/sessions', { cycleId: cycle.id, name: 's' });
  const csv = ['姓名,代表团,座位,电话', ...Array.from({ length: 20 }, (_, i) => `d${i},x,${i},`)].join('\n');
  await admin.must(`/api/sessions/${session.id}/roster`, { fileName: 'r.csv', contentBase64: Buffer.from(csv).toString('base64') });
  const codes = await admin.must(`/api/sessions/${session.id}/codes`, {});
  await admin.must(`/api/sessions/${session.id}/checkin/open`);
  const ds = [];
  for (const c of codes) { const h = new HttpClient(s.base); await h.must('/api/auth/deputy-login', { code: c.code }); await h.must('/api/deputy/checkin'); ds.push(h); }
  const poll = await admin.must(`/api/sessions/${session.id}/polls`, {});
  await admin.must(`/api/polls/${poll.id}/open`, {});
  const ts: string[] = [];
  for (const [i, h] of ds.entries()) {
    await h.get('/api/auth/me');
    const t = performance.now();
    const r = await h.post(`/api/polls/${poll.id}/ballots`, { idempotencyKey: `key-${i}-xxxxxxxxxxxxxxxx`, ballot: { type: 'approve', marks: { [ids[0]!]: 'for' } } });
    ts.push(`${(performance.now() - t).toFixed(1)}${r.status === 200 ? '' : '!' + r.status}`);
    const t2 = performance.now(); await h.get('/api/auth/me'); ts.push(`me:${(performance.now() - t2).toFixed(1)}`);
  }
  console.log(ts.join(' '));
  return true;
});
