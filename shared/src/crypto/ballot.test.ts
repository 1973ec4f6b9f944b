import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ballotTracker, candidateListDigest, encryptBallot, firstInvalidProof, slotValues, statementCiphertext, statements, trackerDisplay,
  type EncryptedBallot, type PlainChoice, type PollContext, type PollSpec,
} from './ballot.ts';
import { encrypt, type Ciphertext } from './elgamal.ts';
import { cryptoReady, digest, identity, toHex, scalarAdd, scalarRandom, scalarSub, scalarZero, type Scalar } from './group.ts';
import { proveRange } from './proofs.ts';

import { combinePartials, decodeCounts, partialDecrypt, plainSlotTotals, recoverCounts, sumBallots } from './tally.ts';
import { pollContext, randomChoice, runCeremony, withList, type CeremonyRun, type TestSpec } from './testkit.ts';

let run: CeremonyRun;
beforeAll(async () => {
  await cryptoReady();
  run = runCeremony(3, 2);
});

const spec = (kind: PollSpec['kind'], candidates = 5, places = 3, allowAbstain = true): TestSpec => ({ pollId: `poll-${kind}`, kind, candidates, places, allowAbstain, maxBallots: 50 });

/**
 * A dishonest tablet: encrypts arbitrary slot values and, for each statement, proves what it
 * can — honestly where the statement holds, otherwise by trying every branch with its real
 * nonce. It returns every ballot it could build (one per attempted branch of the first false
 * statement), so a test can check that none of them is accepted.
 */
function cheat(ctx: PollContext, values: number[]): EncryptedBallot[] {
  const nonces = values.map(() => scalarRandom());
  const slots = values.map((m, i) => encrypt(ctx.jointKey, m, nonces[i] as Scalar));
  const list = statements(ctx.spec);
  const honest = encryptBallotWith(ctx, slots, values, nonces);
  const falseIndex = list.findIndex((s) => !s.allowed.includes(valueOf(s, values)));
  expect(falseIndex).toBeGreaterThanOrEqual(0);
  const s = list[falseIndex]!;
  return s.allowed.map((_, branch) => {
    const proofs = [...honest.proofs];
    const nonce = s.plus.reduce((a, i) => scalarAdd(a, nonces[i]!), scalarZero());
    const full = s.minus.reduce((a, i) => scalarSub(a, nonces[i]!), nonce);
    // lie: claim the value is allowed[branch]; proveRange builds the proof as if that were true
    proofs[falseIndex] = proveRange(ctx.baseHash, ['ballot', slotsDigest(slots), falseIndex], ctx.jointKey, statementCiphertext(s, slots), s.allowed, branch, full);
    return { slots, proofs };
  });
}
const valueOf = (s: { plus: number[]; minus: number[] }, values: number[]): number => s.plus.reduce((a, i) => a + values[i]!, 0) - s.minus.reduce((a, i) => a + values[i]!, 0);
const slotsDigest = (slots: Ciphertext[]) => digest(['piaojue/ballot-slots/1', ...slots.flatMap((x) => [x.a, x.b])]);

/** Proofs for every true statement (false ones get a proof of a wrong value, which must fail). */
function encryptBallotWith(ctx: PollContext, slots: Ciphertext[], values: number[], nonces: Scalar[]): EncryptedBallot {
  const bound = slotsDigest(slots);
  const proofs = statements(ctx.spec).map((s, k) => {
    const m = valueOf(s, values);
    const nonce = s.minus.reduce((a, i) => scalarSub(a, nonces[i]!), s.plus.reduce((a, i) => scalarAdd(a, nonces[i]!), scalarZero()));
    const index = Math.max(0, s.allowed.indexOf(m));
    return proveRange(ctx.baseHash, ['ballot', bound, k], ctx.jointKey, statementCiphertext(s, slots), s.allowed, index, nonce);
  });
  return { slots, proofs };
}

describe('encrypted ballots', () => {
  it.each(['approve', 'choose', 'rank', 'rating'] as const)('property (%s): decrypting the sum of random valid ballots gives their plain tally', async (kind) => {
    const sp = withList(spec(kind, 4, 2, kind !== 'rating'));
    const ctx = pollContext(run, sp);
    await fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 64, maxLength: 64 }), fc.integer({ min: 1, max: 4 }), (draws, count) => {
        let next = 0;
        const random = (): number => draws[next++ % draws.length]!;
        const choices = Array.from({ length: count }, () => randomChoice(sp, random));
        const ballots = choices.map((c) => encryptBallot(ctx, c));
        expect(ballots.map((b) => firstInvalidProof(ctx, b))).toEqual(ballots.map(() => null));
        const sums = sumBallots(sp, ballots);
        // guardians 1 and 3 of 3: guardian 2's device is lost
        const partials = [1, 3].map((g) => partialDecrypt(ctx, g, run.shares[g - 1]!, sums));
        const counts = recoverCounts(sp, count, combinePartials(2, sums, partials));
        expect(counts).toEqual(plainSlotTotals(sp, choices.map((c) => slotValues(sp, c))));
      }),
      { numRuns: 4 },
    );
  });

  it('decodes approve counts from the packed slots (赞成 + B·反对)', () => {
    const sp = withList(spec('approve', 3, 2));
    const ctx = pollContext(run, sp);
    const choices: PlainChoice[] = [
      { type: 'approve', marks: ['for', 'against', 'abstain'] },
      { type: 'approve', marks: ['for', 'for', 'against'] },
      { type: 'approve', marks: ['against', 'abstain', 'abstain'] },
    ];
    const sums = sumBallots(sp, choices.map((c) => encryptBallot(ctx, c)));
    const partials = [2, 3].map((g) => partialDecrypt(ctx, g, run.shares[g - 1]!, sums));
    const counts = recoverCounts(sp, 3, combinePartials(2, sums, partials)) as number[];
    expect(decodeCounts(sp, 3, counts)).toEqual({ kind: 'approve', for: [2, 1, 0], against: [1, 1, 1], abstain: [0, 1, 2] });
  });

  it('the tablet cannot encrypt an invalid choice', () => {
    const ctx = pollContext(run, spec('approve', 5, 2));
    expect(() => encryptBallot(ctx, { type: 'approve', marks: ['for', 'for', 'for', 'abstain', 'abstain'] })).toThrow();
    expect(() => encryptBallot(pollContext(run, spec('choose')), { type: 'choose', selected: [0, 1, 2, 3] })).toThrow();
    expect(() => encryptBallot(pollContext(run, spec('rank')), { type: 'rank', ranking: [0, 0] })).toThrow();
    expect(() => encryptBallot(pollContext(run, spec('rating', 3, 0, false)), { type: 'rating', marks: ['satisfied', 'abstain', 'basic'] })).toThrow();
    // nor encrypt under the identity, which would publish g^m
    expect(() => encryptBallot({ ...pollContext(run, spec('choose')), jointKey: identity() }, { type: 'choose', selected: [] })).toThrow(/identity/);
  });

  describe('a dishonest tablet cannot produce an accepted proof', () => {
    const cases: [string, TestSpec, number[]][] = [
      // approve, 5 candidates, N = 2, B = 51: slots 0..4 (0/1/B), slot 5 = number of 赞成
      ['approve: 2 on a mark', spec('approve', 5, 2), [2, 0, 0, 0, 0, 2]],
      ['approve: 3 赞成 > N, declared as 3', spec('approve', 5, 2), [1, 1, 1, 0, 0, 3]],
      ['approve: 3 赞成 > N, declared as 2', spec('approve', 5, 2), [1, 1, 1, 0, 0, 2]],
      ['approve: a negative mark (−1 = 赞成 taken from a rival)', spec('approve', 5, 2), [1, -1, 0, 0, 0, 0]],
      ['approve: 赞成 and 反对 at once (1 + B)', spec('approve', 5, 2), [52, 0, 0, 0, 0, 1]],
      ['choose: 2 on a mark', spec('choose', 5, 3), [2, 0, 0, 0, 0]],
      ['choose: more than N', spec('choose', 5, 3), [1, 1, 1, 1, 0]],
      // rank, 3 candidates, N = 2: cells (candidate i, position p) at i·2 + p
      ['rank: one candidate at two positions', spec('rank', 3, 2), [1, 1, 0, 0, 0, 0]],
      ['rank: two candidates at position 1', spec('rank', 3, 2), [1, 0, 1, 0, 0, 0]],
      ['rank: position 2 without position 1', spec('rank', 3, 2), [0, 1, 0, 0, 0, 0]],
      ['rank: 2 on a mark', spec('rank', 3, 2), [2, 0, 0, 0, 0, 0]],
      // rating, 2 projects × (满意, 基本满意, 不满意)
      ['rating: two grades for one project', spec('rating', 2, 0), [1, 1, 0, 0, 0, 1]],
      ['rating: no grade where 弃权 is not allowed', spec('rating', 2, 0, false), [0, 0, 0, 0, 1, 0]],
    ];
    it.each(cases)('%s', (_, sp, values) => {
      const ctx = pollContext(run, sp);
      const attempts = cheat(ctx, values);
      expect(attempts.length).toBeGreaterThan(0);
      for (const b of attempts) expect(firstInvalidProof(ctx, b)).not.toBeNull();
    });
  });

  it('refuses a tampered ciphertext, a proof from another ballot or poll, and a wrong shape', () => {
    const sp = spec('choose');
    const ctx = pollContext(run, sp);
    const a = encryptBallot(ctx, { type: 'choose', selected: [1] });
    const b = encryptBallot(ctx, { type: 'choose', selected: [1] });
    expect(firstInvalidProof(ctx, a)).toBeNull();
    // slot 1 replaced by another ballot's slot 1 (same plaintext, other nonce)
    expect(firstInvalidProof(ctx, { ...a, slots: a.slots.map((s, i) => (i === 1 ? b.slots[1]! : s)) })).toBe(0);
    // the proofs of ballot b on ballot a's ciphertexts
    expect(firstInvalidProof(ctx, { slots: a.slots, proofs: b.proofs })).toBe(0);
    // the same ballot in another poll with the same parameters
    expect(firstInvalidProof(pollContext(run, { ...sp, pollId: 'other' }), a)).toBe(0);
    // the same ballot in the same poll over another candidate list (a name changed, two projects swapped)
    const list = [{ id: 'c1', name: '项目1' }, { id: 'c2', name: '项目2' }, { id: 'c3', name: '项目3' }, { id: 'c4', name: '项目4' }, { id: 'c5', name: '项目5' }];
    expect(firstInvalidProof(pollContext(run, { ...sp, listDigest: candidateListDigest(list) }), a)).toBeNull();
    expect(firstInvalidProof(pollContext(run, { ...sp, listDigest: candidateListDigest(list.map((c, i) => (i === 0 ? { ...c, name: '项目一' } : c))) }), a)).toBe(0);
    expect(firstInvalidProof(pollContext(run, { ...sp, listDigest: candidateListDigest([list[1]!, list[0]!, ...list.slice(2)]) }), a)).toBe(0);
    expect(firstInvalidProof(ctx, { slots: a.slots.slice(1), proofs: a.proofs })).toBe(-1);
    expect(firstInvalidProof(ctx, { slots: a.slots, proofs: a.proofs.slice(1) })).toBe(-1);
    // one challenge changed
    const p0 = a.proofs[0]!;
    expect(firstInvalidProof(ctx, { ...a, proofs: [{ c: [p0.c[1]!, p0.c[0]!], v: p0.v }, ...a.proofs.slice(1)] })).toBe(0);
  });

  it('the tracker is the hash of the encrypted ballot: equal choices give unrelated trackers', () => {
    const ctx = pollContext(run, spec('choose'));
    const choice: PlainChoice = { type: 'choose', selected: [0, 2] };
    const [x, y] = [encryptBallot(ctx, choice), encryptBallot(ctx, choice)];
    expect(ballotTracker(ctx, x)).toMatch(/^[0-9a-f]{64}$/);
    expect(ballotTracker(ctx, x)).toBe(ballotTracker(ctx, x));
    expect(ballotTracker(ctx, x)).not.toBe(ballotTracker(ctx, y));
    expect(trackerDisplay(ballotTracker(ctx, x))).toMatch(/^([0-9A-F]{4}-){4}[0-9A-F]{4}$/);
  });
});
