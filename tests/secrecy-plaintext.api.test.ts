/**
 * The plaintext search (tests/helpers/plaintext-scan.ts) that tests/encrypted-secrecy.api.test.ts
 * runs over an encrypted poll at every stage, run over a plain poll: it must find the ballots in
 * the rows, the data files and the backup, or the encrypted poll's clean result proves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { ballotNeedles, scanEverything, type Finding } from './helpers/plaintext-scan.ts';
import { castOk, openPoll, scenario } from './helpers/world.ts';

const tables = (fs: Finding[]): string[] => [...new Set(fs.map((f) => f.where.split(/[ .]/)[0]!))].sort();

describe('the search finds a plain poll\'s ballots (so it can fail)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('in the rows, the data files and the backup, while open and after close', async () => {
    const s = await scenario(t, { candidates: 4, deputies: 5, cycle: { chooseN: 2, ballotType: 'approve' } });
    const pollId = await openPoll(s.staff, s.sessionId);
    const [a, b, c] = s.candidateIds as [string, string, string];
    const bodies = s.deputies.map((_, i) => ({ type: 'approve', marks: { [a]: 'for', [b]: i % 2 ? 'for' : 'against', [c]: 'abstain' } }));
    for (const [i, d] of s.deputies.entries()) await castOk(d.client, pollId, bodies[i]);
    const needles = ballotNeedles(s.candidateIds);

    const open = await scanEverything(t.url, needles);
    expect(tables(open.database)).toContain('poll_box');
    expect(tables(open.files)).toContain('poll_box');
    expect(open.backup.length).toBeGreaterThan(0);
    // a candidate id next to a mark: the shape of an approve ballot
    expect(open.database.some((f) => f.needle.includes(a) && f.where === 'poll_box.body')).toBe(true);

    expect((await s.staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
    await t.app.services.polls.compacted();
    const closed = await scanEverything(t.url, needles);
    expect(tables(closed.database)).toEqual(['poll_box']);
    expect(tables(closed.files)).toContain('poll_box');
    expect(closed.backup.length).toBeGreaterThan(0);
    // a candidate id next to a mark, in the rows and in the backup's copy of the box
    const pair = (f: Finding) => f.needle.includes(a) && f.needle.includes('against');
    expect(closed.database.some((f) => pair(f) && f.where === 'poll_box.body')).toBe(true);
    expect(closed.backup.some((f) => pair(f) && f.where.startsWith('backup poll_box'))).toBe(true);
  }, 120_000);
});

