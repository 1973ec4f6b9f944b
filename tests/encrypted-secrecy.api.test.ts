import type { BallotBody } from '@piaojue/shared';
import { choiceFromBody, packedShape, slotValues, type PollSpec } from '@piaojue/shared/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from './helpers/app.ts';
import { ballotNeedles, bodyTexts, scanDatabase, scanEverything, type Needles } from './helpers/plaintext-scan.ts';
import { castEncrypted, cryptoApp, decryptAs, hall, openPoll, withPg } from './helpers/world.ts';

/**
 * An encrypted poll never leaves a plaintext choice on the server (issue 18; docs/CRYPTO.md
 * §"Polls"): at every stage — open with ballots cast, closed and waiting for the 监票人,
 * decrypted, certified (its bulletin public) — every table (the audit log included), the table data files, a backup and the
 * server's own log hold nothing that encodes a deputy's choice. tests/secrecy-plaintext.api.test.ts
 * shows the same search finding a plain poll's ballots, so the search can fail.
 */
let t: TestApp;
let staff: Client;

beforeAll(async () => ({ t, staff } = await cryptoApp()));
afterAll(() => t?.close());

/** What the server wrote to its log, searched with the same needles. */
function logFindings(needles: Needles): string[] {
  const log = t.logs();
  return [...needles.patterns.filter((re) => re.test(log)).map(String), ...needles.words.filter((w) => log.includes(w))];
}

describe('encrypted poll, plaintext search', () => {
  it('nothing encodes a choice in the rows, the data files, a backup or the log; the box holds ciphertexts and proofs only', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 6, candidates: 4 });
    const [a, b, c, d] = h.candidateIds as [string, string, string, string];
    const bodies: BallotBody[] = [
      { type: 'approve', marks: { [a]: 'for', [b]: 'against', [c]: 'abstain' } },
      { type: 'approve', marks: { [a]: 'for', [b]: 'for', [d]: 'against' } },
      { type: 'approve', marks: { [c]: 'for', [a]: 'against' } },
      { type: 'approve', marks: { [d]: 'for' } },
      { type: 'approve', marks: { [b]: 'against', [c]: 'against' } },
    ];
    const clean = async (stage: string) => {
      const found = await scanEverything(t.url, needles);
      expect(found.database, stage).toEqual([]);
      expect(found.files, stage).toEqual([]);
      expect(found.backup, stage).toEqual([]);
      expect(logFindings(needles), stage).toEqual([]);
    };

    const pollId = await openPoll(staff, h.sessionId);
    // a tablet's plaintext in every form it has before encryption: the body, and the small value of each slot
    const context = await h.deputies[0]!.client.get(`/api/deputy/polls/${pollId}/crypto`);
    expect(context.status).toBe(200);
    const slots = bodies.map((x) => slotValues(context.body.spec as PollSpec, choiceFromBody(x, h.candidateIds)));
    const needles = ballotNeedles(h.candidateIds, [...bodies.flatMap((x) => bodyTexts(x)), ...slots.flatMap((v) => bodyTexts(v))]);
    for (const [i, body] of bodies.entries()) await castEncrypted(h.deputies[i]!.client, pollId, body);
    await t.app.services.casts.verified(pollId);
    await clean('open, ballots cast');

    // the box holds exactly what the encoding has: the packed ciphertexts and proofs (as many
    // 32-byte elements as the poll's shape), nothing the tablet might add
    const box = async () => withPg(t.url, async (db) => (await db.query(`select body, proof_status from poll_box where poll_id = $1 order by body::text`, [pollId])).rows);
    const cast = await box();
    expect(cast).toHaveLength(5);
    const shape = packedShape(context.body.spec as PollSpec);
    for (const row of cast) {
      expect(row.body).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(row.body).toHaveLength(shape.chars);
      expect(row.proof_status).toBe('verified');
    }

    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('decrypting');
    await t.app.services.polls.compacted();
    // the rewrite that drops the old row versions keeps every ballot as it was
    expect((await box()).map((r) => r.body)).toEqual(cast.map((r) => r.body));
    await clean('closed, waiting for the 监票人');

    for (const g of h.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, pollId)).status).toBe(200);
    expect((await staff.get(`/api/polls/${pollId}`)).body.status).toBe('closed');
    await clean('decrypted');
    expect((await staff.post(`/api/polls/${pollId}/certify`)).status).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/bulletin` })).statusCode).toBe(200);
    await clean('certified, its bulletin public');
    // the search itself sees the totals it may see: the result is stored
    expect((await scanDatabase(t.url, { patterns: [/"chosen"/], words: [] })).length).toBeGreaterThan(0);
  }, 180_000);
});
