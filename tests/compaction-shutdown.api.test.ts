/**
 * A server stopped right after a close still drops the close's old ballot row versions: the
 * rewrite of the ballot tables (PollsService.compactLater, a moment after the close) runs before
 * the server's pool goes, instead of failing on a closed pool and leaving them for the next close.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, createTestApp, secondInstance, type TestApp } from './helpers/app.ts';
import { castOk, openPoll, scenario, withPg, type Scenario } from './helpers/world.ts';

let t: TestApp;
let s: Scenario;

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 3, deputies: 4, cycle: { chooseN: 1 } });
});
afterAll(async () => {
  await t?.close();
});

const files = () =>
  withPg(t.url, async (c) => (await c.query<{ relname: string; relfilenode: string }>(`select relname, relfilenode::text from pg_class where relname in ('poll_box', 'poll_roll', 'poll_trackers') order by relname`)).rows);

it('stopping the server just after a close waits for the rewrite of the ballot tables', async () => {
  // A second instance on the same database, stopped the moment its close is answered.
  let logText = '';
  const logStream = new PassThrough().on('data', (b: Buffer) => (logText += b.toString('utf8')));
  const other = await secondInstance(t, logStream);
  const staff = Object.assign(new Client(other.app), { cookie: s.staff.cookie });

  const pollId = await openPoll(s.staff, s.sessionId);
  for (const d of s.deputies.slice(0, 3)) await castOk(d.client, pollId, { type: 'approve', marks: { [s.candidateIds[0]!]: 'for' } });
  const before = await files();
  expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
  await other.close();

  // Every ballot table is in new files, and nothing was logged as failed.
  const after = await files();
  expect(after.map((r) => r.relname)).toEqual(['poll_box', 'poll_roll', 'poll_trackers']);
  after.forEach((r, i) => expect(r.relfilenode, r.relname).not.toBe(before[i]!.relfilenode));
  expect(logText).not.toContain('rewriting the ballot tables failed');
});
