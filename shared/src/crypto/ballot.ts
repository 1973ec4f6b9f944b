/**
 * Encrypted ballots: the encoding of each ballot type as ciphertext slots, the statements whose
 * proofs make a ballot valid (docs/CRYPTO.md §"Ballot encodings" argues each one sound), and
 * encryption/verification. Every statement is "this sum of slots (some subtracted) encrypts one
 * of these small values", proved by the disjunctive proof of proofs.ts (ElectionGuard 2.0 §3.3.5
 * for single selections, §3.3.6 for the contest limit, which is a statement over a sum).
 */
import type { RatingBallot } from '../domain/rating.ts';
import type { BallotBody } from '../domain/rules.ts';
import { ctAdd, ctSub, ctZero, encrypt, type Ciphertext } from './elgamal.ts';
import { digest, encodeParts, GROUP_NAME, isIdentity, scalarAdd, scalarRandom, scalarSub, scalarZero, toHex, type HashPart, type Point, type Scalar } from './group.ts';
import { proveRange, verifyRange, type RangeProof } from './proofs.ts';

export const CRYPTO_BALLOT_KINDS = ['approve', 'choose', 'rank', 'rating'] as const;
export type CryptoBallotKind = (typeof CRYPTO_BALLOT_KINDS)[number];

/** What the encoding needs to know about a poll; part of every proof's base hash. */
export interface PollSpec {
  pollId: string;
  kind: CryptoBallotKind;
  /** number of candidate projects C, in the poll's candidate-list order */
  candidates: number;
  /**
   * candidateListDigest of that list (each project's id and name, in ballot order): binds which
   * project each slot belongs to, so no name or place can change after the ballots are proved
   */
  listDigest: string;
  /** 应选数量 N (approve / choose / rank; ignored for rating) */
  places: number;
  /** rating only: may a project be left unrated (弃权)? */
  allowAbstain: boolean;
  /** an upper bound on ballots in the box (the seated deputies); fixes the packing base */
  maxBallots: number;
}

/** The plaintext choice, by candidate index (0-based, candidate-list order). */
export type PlainChoice =
  | { type: 'approve'; marks: ('for' | 'against' | 'abstain')[] }
  | { type: 'choose'; selected: number[] }
  | { type: 'rank'; ranking: number[] }
  | { type: 'rating'; marks: ('satisfied' | 'basic' | 'unsatisfied' | 'abstain')[] };

export interface EncryptedBallot {
  slots: Ciphertext[];
  proofs: RangeProof[];
}

/** A statement: Σ plus − Σ minus (slot indices) encrypts a value in `allowed`. */
export interface Statement {
  plus: number[];
  minus: number[];
  allowed: number[];
}

/** The public context every ballot of a poll is checked in. */
export interface PollContext {
  spec: PollSpec;
  jointKey: Point;
  /** H_E: the poll's base hash, the key of every ballot proof's challenge */
  baseHash: Uint8Array;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const RATING_GRADES = ['satisfied', 'basic', 'unsatisfied'] as const;

/**
 * approve packs 赞成 and 反对 into one slot as 1 and B: B exceeds any count, so a summed slot
 * decodes as 赞成 + B·反对 without ambiguity.
 */
export const packingBase = (spec: PollSpec): number => Math.max(spec.maxBallots, spec.candidates) + 1;

/** rank uses positions 1..P with P = min(N, C). */
export const rankPositions = (spec: Pick<PollSpec, 'candidates' | 'places'>): number => Math.min(spec.places, spec.candidates);

export function checkSpec(spec: PollSpec): string | null {
  const { candidates: c, places: n, maxBallots } = spec;
  if (!CRYPTO_BALLOT_KINDS.includes(spec.kind)) return 'unknown ballot kind';
  if (!Number.isInteger(c) || c < 1 || c > 200) return 'candidates must be 1..200';
  if (spec.kind !== 'rating' && (!Number.isInteger(n) || n < 1 || n > c)) return 'places must be 1..candidates';
  if (!Number.isInteger(maxBallots) || maxBallots < 1 || maxBallots > 100_000) return 'maxBallots must be 1..100000';
  if (typeof spec.listDigest !== 'string' || !/^[0-9a-f]{64}$/.test(spec.listDigest)) return 'listDigest must be 64 hex digits';
  return null;
}

/** How many ciphertext slots a ballot of this poll has. */
export function slotCount(spec: PollSpec): number {
  switch (spec.kind) {
    case 'approve':
      return spec.candidates + 1;
    case 'choose':
      return spec.candidates;
    case 'rank':
      return spec.candidates * rankPositions(spec);
    case 'rating':
      return spec.candidates * RATING_GRADES.length;
  }
}

/** The slots that are summed and decrypted (approve's last slot, its 赞成 count, is not). */
export function tallySlotCount(spec: PollSpec): number {
  return spec.kind === 'approve' ? spec.candidates : slotCount(spec);
}

/** The statements a valid ballot proves, in proof order. */
export function statements(spec: PollSpec): Statement[] {
  const c = spec.candidates;
  const one = (slot: number, allowed: number[]): Statement => ({ plus: [slot], minus: [], allowed });
  switch (spec.kind) {
    case 'approve': {
      const b = packingBase(spec);
      const all = range(0, c - 1);
      return [
        // slot i: 0 弃权, 1 赞成, B 反对
        ...all.map((i) => one(i, [0, 1, b])),
        // slot C: the number of 赞成, at most N
        one(c, range(0, spec.places)),
        // Σ slots − slot C = B·(number of 反对): ties slot C to the real 赞成 count
        { plus: all, minus: [c], allowed: range(0, c).map((k) => k * b) },
      ];
    }
    case 'choose':
      return [...range(0, c - 1).map((i) => one(i, [0, 1])), { plus: range(0, c - 1), minus: [], allowed: range(0, spec.places) }];
    case 'rank': {
      const p = rankPositions(spec);
      const cell = (i: number, pos: number): number => i * p + pos;
      const column = (pos: number): number[] => range(0, c - 1).map((i) => cell(i, pos));
      return [
        ...range(0, c * p - 1).map((s) => one(s, [0, 1])),
        // each candidate holds at most one position
        ...range(0, c - 1).map((i) => ({ plus: range(0, p - 1).map((pos) => cell(i, pos)), minus: [], allowed: [0, 1] })),
        // position 1 is held at most once; each later position at most as often as the one before
        { plus: column(0), minus: [], allowed: [0, 1] },
        ...range(1, p - 1).map((pos) => ({ plus: column(pos - 1), minus: column(pos), allowed: [0, 1] })),
      ];
    }
    case 'rating': {
      const g = RATING_GRADES.length;
      return [
        ...range(0, c * g - 1).map((s) => one(s, [0, 1])),
        ...range(0, c - 1).map((i) => ({ plus: range(0, g - 1).map((k) => i * g + k), minus: [], allowed: spec.allowAbstain ? [0, 1] : [1] })),
      ];
    }
  }
}

/** The plaintext slot values of a choice; throws on a choice the tablet should never offer. */
export function slotValues(spec: PollSpec, choice: PlainChoice): number[] {
  if (choice.type !== spec.kind) throw new Error('choice does not match the poll kind');
  const c = spec.candidates;
  const values = new Array<number>(slotCount(spec)).fill(0);
  switch (choice.type) {
    case 'approve': {
      if (choice.marks.length !== c) throw new Error('one mark per candidate');
      const b = packingBase(spec);
      choice.marks.forEach((m, i) => (values[i] = m === 'for' ? 1 : m === 'against' ? b : 0));
      values[c] = choice.marks.filter((m) => m === 'for').length;
      break;
    }
    case 'choose':
      for (const i of choice.selected) values[i] = 1;
      break;
    case 'rank': {
      const p = rankPositions(spec);
      choice.ranking.forEach((i, pos) => (values[i * p + pos] = 1));
      break;
    }
    case 'rating':
      if (choice.marks.length !== c) throw new Error('one mark per candidate');
      choice.marks.forEach((m, i) => {
        const k = RATING_GRADES.indexOf(m as (typeof RATING_GRADES)[number]);
        if (k >= 0) values[i * RATING_GRADES.length + k] = 1;
      });
      break;
  }
  return values;
}

/**
 * The choice of a ballot body that validateBallot / validateRatingBallot accepted, by index in
 * the poll's candidate list (the order the slots follow).
 */
export function choiceFromBody(body: BallotBody | RatingBallot, candidateIds: readonly string[]): PlainChoice {
  const index = (id: string): number => {
    const i = candidateIds.indexOf(id);
    if (i < 0) throw new Error('not a candidate of this poll');
    return i;
  };
  switch (body.type) {
    case 'approve':
      return { type: 'approve', marks: candidateIds.map((id) => body.marks[id] ?? 'abstain') };
    case 'choose':
      return { type: 'choose', selected: body.selected.map(index) };
    case 'rank':
      return { type: 'rank', ranking: body.ranking.map(index) };
    case 'rating':
      return { type: 'rating', marks: candidateIds.map((id) => body.marks[id] ?? 'abstain') };
  }
}

/** A project as the ballot lists it: what the deputy reads beside a slot. */
export interface BallotCandidate {
  id: string;
  name: string;
}

/**
 * The digest of the ballot's candidate list (ElectionGuard 2.0's manifest hash H_M, for the one
 * contest of a poll): SHA-256 over the count and each project's id and name, in ballot order,
 * each part type- and length-prefixed (encodeParts), the names as their exact UTF-8 bytes. The
 * tablet computes it from the list it shows, the server at opening, the verifier from the
 * bulletin's rules; all three through this function.
 */
export function candidateListDigest(list: readonly BallotCandidate[]): string {
  return toHex(digest(['piaojue/candidates/1', list.length, ...list.flatMap((c) => [c.id, c.name])]));
}

/** Is this the list the spec binds (same projects, same names, same order)? */
export const bindsList = (spec: PollSpec, list: readonly BallotCandidate[]): boolean =>
  list.length === spec.candidates && candidateListDigest(list) === spec.listDigest;

/** H_E: binds ballots to this poll, its candidate list, this ceremony and this joint key. */
export function pollBaseHash(spec: PollSpec, ceremonyHash: Uint8Array, jointKey: Point): Uint8Array {
  return digest([
    'piaojue/poll/2', GROUP_NAME, ceremonyHash, jointKey, spec.pollId, spec.kind,
    spec.candidates, spec.listDigest, spec.places, spec.allowAbstain ? 1 : 0, spec.maxBallots,
  ]);
}

/** Every proof of a ballot is bound to all of its ciphertexts, so none can be lifted into another ballot. */
function slotsHash(slots: readonly Ciphertext[]): Uint8Array {
  return digest(['piaojue/ballot-slots/1', ...slots.flatMap((s) => [s.a, s.b])]);
}

function combine<T>(s: Statement, items: readonly T[], add: (x: T, y: T) => T, sub: (x: T, y: T) => T, zero: T): T {
  let acc = s.plus.reduce((a, i) => add(a, items[i] as T), zero);
  for (const i of s.minus) acc = sub(acc, items[i] as T);
  return acc;
}

/** The ciphertext a statement is about. */
export const statementCiphertext = (s: Statement, slots: readonly Ciphertext[]): Ciphertext => combine(s, slots, ctAdd, ctSub, ctZero());

/**
 * Encrypts a choice on the tablet. Throws when the choice is not valid for the poll: no proof
 * of an invalid ballot exists, so the tablet must not have offered it.
 */
export function encryptBallot(ctx: PollContext, choice: PlainChoice): EncryptedBallot {
  if (isIdentity(ctx.jointKey)) throw new Error('the joint key is the identity: encryption would hide nothing');
  const values = slotValues(ctx.spec, choice);
  const nonces = values.map(() => scalarRandom());
  const slots = values.map((m, i) => encrypt(ctx.jointKey, m, nonces[i] as Scalar));
  const bound = slotsHash(slots);
  const proofs = statements(ctx.spec).map((s, k) => {
    const m = combine(s, values, (x, y) => x + y, (x, y) => x - y, 0);
    const index = s.allowed.indexOf(m);
    if (index < 0) throw new Error(`invalid choice: statement ${k} does not hold`);
    const nonce = combine(s, nonces, scalarAdd, scalarSub, scalarZero());
    return proveRange(ctx.baseHash, ['ballot', bound, k], ctx.jointKey, statementCiphertext(s, slots), s.allowed, index, nonce);
  });
  return { slots, proofs };
}

/** The index of the first statement whose proof fails, or null when the ballot is valid. */
export function firstInvalidProof(ctx: PollContext, ballot: EncryptedBallot): number | null {
  const list = statements(ctx.spec);
  if (ballot.slots.length !== slotCount(ctx.spec) || ballot.proofs.length !== list.length) return -1;
  const bound = slotsHash(ballot.slots);
  for (let k = 0; k < list.length; k++) {
    const s = list[k] as Statement;
    if (!verifyRange(ctx.baseHash, ['ballot', bound, k], ctx.jointKey, statementCiphertext(s, ballot.slots), s.allowed, ballot.proofs[k] as RangeProof)) return k;
  }
  return null;
}

/**
 * The tracker: SHA-256 over the whole encrypted ballot. The ciphertexts are randomised, so it
 * says nothing about the choice; it only lets the deputy find the ballot on the bulletin.
 */
export function ballotTracker(ctx: PollContext, ballot: EncryptedBallot): string {
  return toHex(digest([
    ...trackerHead(ctx),
    ...ballot.slots.flatMap((s) => [s.a, s.b]),
    ...ballot.proofs.flatMap((p) => [...p.c, ...p.v]),
  ]));
}

/** What every tracker's hash input starts with (packedTrackerInput lays out the same bytes). */
export const trackerHead = (ctx: PollContext): HashPart[] => ['piaojue/tracker/1', ctx.baseHash];

/** The short form shown on the done screen: the first 20 hex digits in groups of 4. */
export const trackerDisplay = (tracker: string): string => (tracker.slice(0, 20).toUpperCase().match(/.{4}/g) ?? []).join('-');
