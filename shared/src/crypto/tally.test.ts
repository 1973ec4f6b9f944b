import { beforeAll, describe, expect, it } from 'vitest';
import { encryptBallot } from './ballot.ts';
import { publicShareKey } from './ceremony.ts';
import { baseMul, cryptoReady, pointAdd, scalarFromInt, scalarRandom, type Point } from './group.ts';
import { combinePartials, firstBadShare, partialDecrypt, recoverCounts, smallLog, smallLogTableSize, sumBallots, WARM_FACTOR, warmSmallLogs, type PartialDecryption } from './tally.ts';
import { pollContext, runCeremony, withList, type CeremonyRun, type TestSpec } from './testkit.ts';

let run: CeremonyRun;
beforeAll(async () => {
  await cryptoReady();
  run = runCeremony(5, 3);
});

const spec: TestSpec = { pollId: 'p', kind: 'choose', candidates: 3, places: 2, allowAbstain: true, maxBallots: 20 };

function box() {
  const ctx = pollContext(run, spec);
  const ballots = [[0, 1], [1], [1, 2], []].map((selected) => encryptBallot(ctx, { type: 'choose', selected }));
  return { ctx, sums: sumBallots(ctx.spec, ballots) };
}

describe('threshold decryption (ElectionGuard 2.0 §3.6)', () => {
  it('3 of 5: every set of three 监票人 decrypts the same counts; two devices lost do not matter', () => {
    const { ctx, sums } = box();
    const all = [1, 2, 3, 4, 5].map((g) => partialDecrypt(ctx, g, run.shares[g - 1]!, sums));
    for (const set of [[1, 2, 3], [1, 4, 5], [5, 3, 2], [2, 4, 5]]) {
      const partials = set.map((g) => all[g - 1]!);
      expect(recoverCounts(withList(spec), 4, combinePartials(3, sums, partials))).toEqual([1, 3, 1]);
    }
  });

  it('fewer than t cannot decrypt: refused, and interpolating t − 1 shares gives no count', () => {
    const { ctx, sums } = box();
    const two = [1, 2].map((g) => partialDecrypt(ctx, g, run.shares[g - 1]!, sums));
    expect(() => combinePartials(3, sums, two)).toThrow(/need 3/);
    // what two colluding 监票人 could compute on their own: a threshold-2 interpolation of a degree-2 sharing
    expect(recoverCounts(withList(spec), 4, combinePartials(2, sums, two))).toEqual([null, null, null]);
    expect(() => combinePartials(3, sums, [two[0]!, two[0]!, two[1]!])).toThrow(/twice/);
  });

  it('a forged partial decryption is refused and points at its sum', () => {
    const { ctx, sums } = box();
    const honest = partialDecrypt(ctx, 2, run.shares[1]!, sums);
    const pub = publicShareKey(run.commitments, 2);
    expect(firstBadShare(ctx, pub, sums, honest)).toBeNull();
    // a share shifted by g: would add 1 to… nothing sensible; its proof no longer holds
    const shifted: PartialDecryption = { ...honest, shares: honest.shares.map((s, i) => (i === 1 ? pointAdd(s, baseMul(scalarFromInt(1))) : s)) };
    expect(firstBadShare(ctx, pub, sums, shifted)).toBe(1);
    // made with a random key and a valid-looking proof for that key
    const impostor = partialDecrypt(ctx, 2, scalarRandom(), sums);
    expect(firstBadShare(ctx, pub, sums, impostor)).toBe(0);
    // guardian 3's honest shares presented as guardian 2's
    expect(firstBadShare(ctx, pub, sums, { ...partialDecrypt(ctx, 3, run.shares[2]!, sums), guardian: 2 })).toBe(0);
    // proofs of another sum
    expect(firstBadShare(ctx, pub, sums, { ...honest, proofs: [honest.proofs[1]!, honest.proofs[0]!, honest.proofs[2]!] })).toBe(0);
    expect(firstBadShare(ctx, pub, sums, { ...honest, shares: honest.shares.slice(1) })).toBe(-1);
  });

  it('small logs: 0, the bound, just past it, and a value far out of range', () => {
    const g = (m: number): Point => baseMul(scalarFromInt(m));
    expect(smallLog(g(0), 3000)).toBe(0);
    expect(smallLog(g(3000), 3000)).toBe(3000);
    expect(smallLog(g(3001), 3000)).toBeNull();
    expect(smallLog(g(2_000_000), 3000)).toBeNull();
    expect(smallLog(g(12_000_000), 3001 * 4097)).toBe(12_000_000);
  });

  it('small logs after the table was warmed past √bound: the same answers, the bounds still hold', async () => {
    const g = (m: number): Point => baseMul(scalarFromInt(m));
    const bound = 3001 * 3001;
    const before = smallLogTableSize();
    // Two calls at once share one warm-up; the table reaches 8 × √bound and no further.
    await Promise.all([warmSmallLogs(bound), warmSmallLogs(100)]);
    const size = smallLogTableSize();
    expect(size).toBe(Math.max(before, WARM_FACTOR * Math.ceil(Math.sqrt(bound + 1))));
    // Values on either side of the giant steps (multiples of the table's size) and at the ends.
    for (const v of [0, 1, size - 1, size, size + 1, 2 * size - 1, 5 * size + 7, bound - 1, bound]) expect(smallLog(g(v), bound), `value ${v}`).toBe(v);
    expect(smallLog(g(bound + 1), bound)).toBeNull();
    // A bound smaller than the table: one lookup answers, and the bound is still enforced.
    expect(smallLog(g(3000), 3000)).toBe(3000);
    expect(smallLog(g(3001), 3000)).toBeNull();
    expect(smallLog(g(size + 5), 3000)).toBeNull();
    expect(smallLogTableSize()).toBe(size);
  });
});
