/**
 * From the box to the counts: homomorphic sums, the 监票人's partial decryptions with their
 * Chaum–Pedersen proofs, their combination by Lagrange interpolation from any t of n
 * (ElectionGuard 2.0 §3.6, "Verifiable decryption"), and recovery of the small counts.
 */
import { packingBase, rankPositions, tallySlotCount, type EncryptedBallot, type PollContext, type PollSpec } from './ballot.ts';
import { ctAdd, ctSum, gPow, type Ciphertext } from './elgamal.ts';
import {
  baseMul, pointAdd, pointEq, pointMul, pointSub, pointSum, scalarFromInt, scalarInvert, scalarMul, toHex,
  type Point, type Scalar,
} from './group.ts';
import { proveDecryption, verifyDecryption, type SimpleProof } from './proofs.ts';

/** The encrypted totals: per tally slot, the sum of that slot over every ballot. */
export function sumBallots(spec: PollSpec, ballots: readonly Pick<EncryptedBallot, 'slots'>[]): Ciphertext[] {
  return Array.from({ length: tallySlotCount(spec) }, (_, i) => ctSum(ballots.map((b) => b.slots[i] as Ciphertext)));
}

/**
 * Running sums: `sums` (as sumBallots gives them, or null for none yet) with more ballots added.
 * The group is commutative and its encoding canonical, so adding ballots one by one as they are
 * verified gives the very bytes sumBallots gives for all of them at once.
 */
export function addToSums(spec: PollSpec, sums: readonly Ciphertext[] | null, ballots: readonly Pick<EncryptedBallot, 'slots'>[]): Ciphertext[] {
  if (sums === null) return sumBallots(spec, ballots);
  return sums.map((s, i) => ballots.reduce((acc, b) => ctAdd(acc, b.slots[i] as Ciphertext), s));
}

/** One 监票人's share of the decryption of every sum: M_i = A^s_ℓ, each with its proof. */
export interface PartialDecryption {
  guardian: number;
  shares: Point[];
  proofs: SimpleProof[];
}

const context = (guardian: number, slot: number) => ['decrypt', guardian, slot];

/** What a 监票人's device does on 解密 (ElectionGuard 2.0 §3.6.2, eq. 66–71). */
export function partialDecrypt(ctx: PollContext, guardian: number, secretShare: Scalar, sums: readonly Ciphertext[]): PartialDecryption {
  const pub = baseMul(secretShare);
  const shares = sums.map((s) => pointMul(s.a, secretShare));
  const proofs = sums.map((s, i) => proveDecryption(ctx.baseHash, context(guardian, i), secretShare, pub, s.a, shares[i] as Point));
  return { guardian, shares, proofs };
}

/**
 * The first sum whose share is wrong or unproven (ElectionGuard verification 9), or null.
 * `publicShare` is g^s_ℓ as computed from the ceremony's commitments, never as claimed.
 */
export function firstBadShare(ctx: PollContext, publicShare: Point, sums: readonly Ciphertext[], partial: PartialDecryption): number | null {
  if (partial.shares.length !== sums.length || partial.proofs.length !== sums.length) return -1;
  for (let i = 0; i < sums.length; i++) {
    const s = sums[i] as Ciphertext;
    if (!verifyDecryption(ctx.baseHash, context(partial.guardian, i), publicShare, s.a, partial.shares[i] as Point, partial.proofs[i] as SimpleProof)) return i;
  }
  return null;
}

/** w_ℓ = Π_{j∈S, j≠ℓ} j / (j − ℓ) mod q: ℓ's Lagrange coefficient at 0 for the set S (ElectionGuard 2.0 eq. 68). */
export function lagrangeAtZero(indices: readonly number[], l: number): Scalar {
  let num = scalarFromInt(1);
  let den = scalarFromInt(1);
  for (const j of indices) {
    if (j === l) continue;
    num = scalarMul(num, scalarFromInt(j));
    den = scalarMul(den, scalarFromInt(j - l));
  }
  return scalarMul(num, scalarInvert(den));
}

/**
 * g^m per sum from exactly the given (already verified) partial decryptions: M = Π M_ℓ^w_ℓ,
 * g^m = B / M. Needs t distinct guardians; with fewer the result is meaningless, so it refuses.
 */
export function combinePartials(threshold: number, sums: readonly Ciphertext[], partials: readonly PartialDecryption[]): Point[] {
  const indices = partials.map((p) => p.guardian);
  if (new Set(indices).size !== indices.length) throw new Error('a guardian appears twice');
  if (indices.length < threshold) throw new Error(`need ${threshold} 监票人, have ${indices.length}`);
  const used = partials.slice(0, threshold);
  const usedIndices = used.map((p) => p.guardian);
  const weights = usedIndices.map((l) => lagrangeAtZero(usedIndices, l));
  return sums.map((s, i) => pointSub(s.b, pointSum(used.map((p, k) => pointMul(p.shares[i] as Point, weights[k] as Scalar)))));
}

// ---- small discrete logarithms ---------------------------------------------------------

/**
 * Baby steps g^0 … g^(babySize−1) by encoding, kept for the process. Each step is one group
 * addition in the library (~25–45 µs here: it decodes and encodes), so the table's size sets the
 * cost: a table of T answers a value v in v/T giant steps.
 */
const baby = new Map<string, number>();
let babySize = 0;
let babyTop: Point | null = null;

function growBabySteps(size: number): void {
  let p = babyTop ?? gPow(0);
  while (babySize < size) {
    baby.set(toHex(p), babySize);
    babySize += 1;
    p = pointAdd(p, gPow(1));
  }
  babyTop = p;
}

/**
 * m with g^m = point and 0 ≤ m ≤ bound, or null: baby-step giant-step. The giant step is the
 * table's size: at least ⌈√(bound+1)⌉ (grown here if need be), larger when warmSmallLogs has
 * grown the table beforehand, which cuts the giant steps in proportion.
 */
export function smallLog(point: Point, bound: number): number | null {
  const m = Math.max(Math.ceil(Math.sqrt(bound + 1)), babySize);
  growBabySteps(m);
  const giant = gPow(m);
  let q = point;
  for (let i = 0; i * m <= bound; i++) {
    const j = baby.get(toHex(q));
    if (j !== undefined) {
      const value = i * m + j;
      return value <= bound ? value : null;
    }
    q = pointSub(q, giant);
  }
  return null;
}

/** How far warmSmallLogs grows the table for a bound: 8 × √bound (8× fewer giant steps), at most 2^15 steps. */
export const WARM_FACTOR = 8;
export const WARM_MAX = 1 << 15;

let warming: Promise<void> | null = null;
let warmTarget = 0;

/**
 * Grows the baby-step table ahead of a 解密 whose bound is known (a closed poll's ballots), in
 * slices between which other work runs, so the count itself takes a fraction of its giant steps.
 * Idempotent: calls while one runs raise its target; the table only ever grows.
 */
export function warmSmallLogs(bound: number, slice = 128): Promise<void> {
  warmTarget = Math.max(warmTarget, Math.min(WARM_MAX, WARM_FACTOR * Math.ceil(Math.sqrt(bound + 1))));
  if (warming) return warming;
  warming = (async () => {
    while (babySize < warmTarget) {
      growBabySteps(Math.min(warmTarget, babySize + slice));
      // setTimeout, not setImmediate: this module runs in browsers too (the offline verifier).
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  })().finally(() => (warming = null));
  return warming;
}

/** The baby-step table's size now (for tests and benchmarks). */
export const smallLogTableSize = (): number => babySize;

/** The largest value a tally slot can hold with `ballots` ballots in the box. */
export function slotBound(spec: PollSpec, ballots: number): number {
  return spec.kind === 'approve' ? ballots * packingBase(spec) : ballots;
}

/** Recovers every slot's count; null where a value is out of range (which a valid box cannot produce). */
export function recoverCounts(spec: PollSpec, ballots: number, plain: readonly Point[]): (number | null)[] {
  const bound = slotBound(spec, ballots);
  return plain.map((p) => smallLog(p, bound));
}

/** g^count = plain, for a verifier that has the published count. */
export const countMatches = (plain: Point, count: number): boolean => pointEq(plain, baseMul(scalarFromInt(count)));

export type PollCounts =
  | { kind: 'approve'; for: number[]; against: number[]; abstain: number[] }
  | { kind: 'choose'; selected: number[] }
  /** positions[candidate][position − 1] = how many ranked it there; ranked = row sums */
  | { kind: 'rank'; positions: number[][]; ranked: number[] }
  | { kind: 'rating'; satisfied: number[]; basic: number[]; unsatisfied: number[]; abstain: number[] };

/** The per-candidate counts the tally rules take, from the decrypted slot counts. */
export function decodeCounts(spec: PollSpec, ballots: number, slots: readonly number[]): PollCounts {
  if (slots.length !== tallySlotCount(spec)) throw new Error('one count per tally slot');
  const c = spec.candidates;
  const at = (i: number): number => slots[i] as number;
  switch (spec.kind) {
    case 'approve': {
      const b = packingBase(spec);
      const yes = slots.map((v) => v % b);
      const no = slots.map((v) => Math.floor(v / b));
      return { kind: 'approve', for: yes, against: no, abstain: yes.map((y, i) => ballots - y - (no[i] as number)) };
    }
    case 'choose':
      return { kind: 'choose', selected: [...slots] };
    case 'rank': {
      const p = rankPositions(spec);
      const positions = Array.from({ length: c }, (_, i) => Array.from({ length: p }, (_, pos) => at(i * p + pos)));
      return { kind: 'rank', positions, ranked: positions.map((row) => row.reduce((x, y) => x + y, 0)) };
    }
    case 'rating': {
      const grade = (k: number): number[] => Array.from({ length: c }, (_, i) => at(i * 3 + k));
      const [satisfied, basic, unsatisfied] = [grade(0), grade(1), grade(2)];
      return { kind: 'rating', satisfied, basic, unsatisfied, abstain: satisfied.map((s, i) => ballots - s - (basic[i] as number) - (unsatisfied[i] as number)) };
    }
  }
}

/** The plain tally of plaintext slot values, as the decryption must reproduce it (tests, paper cross-checks). */
export function plainSlotTotals(spec: PollSpec, perBallot: readonly (readonly number[])[]): number[] {
  const n = tallySlotCount(spec);
  return Array.from({ length: n }, (_, i) => perBallot.reduce((acc, v) => acc + (v[i] as number), 0));
}
