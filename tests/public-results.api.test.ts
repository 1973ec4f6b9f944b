// The public results list shows only cycles with a certified result: a year still collecting
// proposals, or with a vote not yet certified, would lead to "结果尚未公布".
import { Client, createTestApp, defaultCycle, key, type TestApp } from './helpers/app.ts';
import { scenario } from './helpers/world.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('lists a cycle only once a result of it is certified', async () => {
  const s = await scenario(t, { candidates: 4, deputies: 4, cycle: { chooseN: 2, certifyK: 1, scrutineerConfirmations: 0 } });
  await s.staff.post('/api/cycles', { ...defaultCycle, name: '2028年度宿迁市民生实事项目', year: 2028 });
  const anonymous = new Client(t.app);
  const listed = async () => ((await anonymous.get('/api/public/cycles')).body as { id: string }[]).map((c) => c.id);
  expect(await listed()).toEqual([]);

  const poll = (await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {})).body.id;
  await s.staff.post(`/api/polls/${poll}/open`, {});
  for (const d of s.deputies) await d.client.post(`/api/polls/${poll}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [s.candidateIds[0]!]: 'for' } } });
  await s.staff.post(`/api/polls/${poll}/close`);
  expect(await listed()).toEqual([]);

  expect((await s.staff.post(`/api/polls/${poll}/certify`)).body.status).toBe('certified');
  expect(await listed()).toEqual([s.cycleId]);
});
