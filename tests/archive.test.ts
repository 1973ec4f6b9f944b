import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../server/src/modules/results/archive.ts';
import type { CycleArchive } from '../server/src/modules/results/archive.service.ts';
import { createTestApp, key, type TestApp } from './helpers/app.ts';
import { scenario } from './helpers/world.ts';

let t: TestApp;
let archive: CycleArchive;

beforeAll(async () => {
  t = await createTestApp();
  const s = await scenario(t, { candidates: 4, deputies: 6, cycle: { chooseN: 2, ballotType: 'choose' } });
  const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
  await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
  for (const [i, d] of s.deputies.entries()) {
    await d.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'choose', selected: [s.candidateIds[i % 4], s.candidateIds[(i + 1) % 4]] } });
  }
  await s.staff.post(`/api/polls/${poll.body.id}/close`);
  const res = await s.staff.get(`/api/cycles/${s.cycleId}/archive`);
  expect(res.status).toBe(200);
  archive = res.body;
});
afterAll(async () => {
  await t?.close();
});

const clone = (a: CycleArchive): CycleArchive => JSON.parse(JSON.stringify(a));

describe('cycle archive', () => {
  it('holds no phone numbers or login-code hashes, and verifies on its own', () => {
    const text = JSON.stringify(archive);
    expect(text).not.toContain('login_code_hash');
    expect(text).not.toContain('phone');
    expect(archive.polls[0]!.box).toHaveLength(6);
    const checks = verifyArchive(archive);
    expect(checks.map((c) => c.ok)).toEqual(checks.map(() => true));
    expect(checks.map((c) => c.name)).toContain('audit entries');
    expect(checks.some((c) => c.name.endsWith('recount') && c.detail.startsWith('6 ballots'))).toBe(true);
  });

  it('detects a changed ballot, a removed ballot, an altered audit entry and an edited candidate', () => {
    const changed = clone(archive);
    const ballot = changed.polls[0]!.box[0]!.body as { selected: string[] };
    ballot.selected = [ballot.selected[0]!];
    expect(verifyArchive(changed).find((c) => c.name.endsWith('recount'))!.ok).toBe(false);

    const removed = clone(archive);
    removed.polls[0]!.box.pop();
    expect(verifyArchive(removed).find((c) => c.name.endsWith('roll = box'))!.ok).toBe(false);

    const audit = clone(archive);
    const entry = audit.audit.entries[2]!;
    entry.actor = 'user:someone-else';
    expect(verifyArchive(audit).find((c) => c.name === 'audit entries')).toMatchObject({ ok: false, detail: expect.stringContaining(`broken at ${entry.seq}`) });

    const list = clone(archive);
    list.candidates[0]!.investmentWan = 1;
    expect(verifyArchive(list).find((c) => c.name === 'frozen candidate list')!.ok).toBe(false);
  });
});
