/**
 * The bulletin of one poll: everything anyone needs to re-check it offline, as versioned JSON.
 * Group elements and scalars are base64url (no padding) of their 32-byte encodings; trackers
 * are hex. Ballots are listed in tracker order, never in the order they were cast (that order,
 * next to the roll, would tie a ballot to the deputy who signed in at that moment).
 * The layout is described field by field in docs/CRYPTO.md §"Bulletin".
 */
import { ballotTracker, checkSpec, CRYPTO_BALLOT_KINDS, pollBaseHash, type EncryptedBallot, type PollContext, type PollSpec } from './ballot.ts';
import { ceremonyHash, checkParams, jointKey, keyFingerprint, type CeremonyParams, type EncryptedShare, type GuardianCommitment } from './ceremony.ts';
import type { Ciphertext } from './elgamal.ts';
import { fromB64, GROUP_NAME, pointFromBytes, scalarFromBytes, toB64, type Point, type Scalar } from './group.ts';
import type { RangeProof, SimpleProof } from './proofs.ts';
import { PAPER_INVALID_REASONS, type PaperFigures } from '../domain/paper.ts';
import { GRADING_RULES, RATING_BASES, RATING_BODIES } from '../domain/grading.ts';
import { PASS_THRESHOLDS, TIE_RULES } from '../domain/rules.ts';
import type { BulletinRules, PollOutcome } from './result.ts';
import { combinePartials, decodeCounts, recoverCounts, sumBallots, type PartialDecryption, type PollCounts } from './tally.ts';

export const BULLETIN_FORMAT = 'piaojue-bulletin';
/**
 * 2: the poll's rules and its published result, so that the verifier recounts the result (version 1 had neither).
 * 3: `poll.listDigest`, the digest of the candidate list, in every proof's base hash (version 2's proofs did not bind which project is which).
 */
export const BULLETIN_VERSION = 3;

type B64 = string;
type CtJson = [B64, B64];
type ProofJson = { c: B64; v: B64 };

export interface BulletinJson {
  format: typeof BULLETIN_FORMAT;
  version: typeof BULLETIN_VERSION;
  group: typeof GROUP_NAME;
  ceremony: {
    ceremonyId: string;
    guardians: string[];
    threshold: number;
    commitments: { index: number; commitments: B64[]; proofs: ProofJson[] }[];
    shares: { from: number; to: number; ephemeral: B64; nonce: B64; box: B64 }[];
    /** g^s_ℓ as each 监票人's device published it after checking the shares it received */
    confirmations: { index: number; publicShare: B64 }[];
    jointKey: B64;
    fingerprint: string;
  };
  poll: PollSpec;
  /** the rules the result is counted under, and the attendance */
  rules: BulletinRules;
  ballots: ({ tracker: string } & EncryptedBallotJson)[];
  /** per tally slot, the sum over all ballots */
  sums: CtJson[];
  decryption: {
    partials: { guardian: number; shares: B64[]; proofs: ProofJson[] }[];
    /** the decrypted value of each sum */
    slotCounts: number[];
    counts: PollCounts;
  } | null;
  /** the result as the server published it (polls.result); null before the count */
  result: PollOutcome | null;
}

/** The bulletin with its elements decoded and validated. */
export interface Bulletin {
  params: CeremonyParams;
  commitments: GuardianCommitment[];
  shares: EncryptedShare[];
  confirmations: { index: number; publicShare: Point }[];
  jointKey: Point;
  fingerprint: string;
  spec: PollSpec;
  rules: BulletinRules;
  ballots: { tracker: string; ballot: EncryptedBallot }[];
  sums: Ciphertext[];
  decryption: { partials: PartialDecryption[]; slotCounts: number[]; counts: PollCounts } | null;
  /** as published; the verifier compares it with its own recount, field by field */
  result: unknown;
}

export function pollContextOf(b: Pick<Bulletin, 'params' | 'spec' | 'jointKey'>): PollContext {
  return { spec: b.spec, jointKey: b.jointKey, baseHash: pollBaseHash(b.spec, ceremonyHash(b.params), b.jointKey) };
}

// ---- building (server at close, tests, demo) -------------------------------------------

export interface BulletinInput {
  params: CeremonyParams;
  commitments: GuardianCommitment[];
  shares: EncryptedShare[];
  confirmations: { index: number; publicShare: Point }[];
  spec: PollSpec;
  rules: BulletinRules;
  ballots: EncryptedBallot[];
  /** the result the server stored and published (null until counted) */
  result: PollOutcome | null;
  /** verified partial decryptions of sumBallots(spec, ballots), at least t of them; null before the count */
  partials: PartialDecryption[] | null;
}

/** Assembles the bulletin: sums, combined counts, trackers, ballots in tracker order. */
export function buildBulletin(input: BulletinInput): Bulletin {
  const key = jointKey(input.commitments);
  const ctx = pollContextOf({ params: input.params, spec: input.spec, jointKey: key });
  const ballots = input.ballots
    .map((ballot) => ({ tracker: ballotTracker(ctx, ballot), ballot }))
    .sort((x, y) => (x.tracker < y.tracker ? -1 : x.tracker > y.tracker ? 1 : 0));
  const sums = sumBallots(input.spec, input.ballots);
  let decryption: Bulletin['decryption'] = null;
  if (input.partials) {
    const counted = recoverCounts(input.spec, ballots.length, combinePartials(input.params.threshold, sums, input.partials));
    if (counted.some((c) => c === null)) throw new Error('a sum did not decrypt to a count');
    const slotCounts = counted as number[];
    decryption = { partials: input.partials, slotCounts, counts: decodeCounts(input.spec, ballots.length, slotCounts) };
  }
  return { ...input, jointKey: key, fingerprint: keyFingerprint(key), ballots, sums, decryption };
}

// ---- JSON ------------------------------------------------------------------------------

const ct = (c: Ciphertext): CtJson => [toB64(c.a), toB64(c.b)];
const proof = (p: SimpleProof): ProofJson => ({ c: toB64(p.c), v: toB64(p.v) });

/** An encrypted ballot as the tablet sends it and the bulletin lists it. */
export interface EncryptedBallotJson {
  slots: CtJson[];
  proofs: { c: B64[]; v: B64[] }[];
}

export function encryptedBallotToJson(ballot: EncryptedBallot): EncryptedBallotJson {
  return { slots: ballot.slots.map(ct), proofs: ballot.proofs.map((p) => ({ c: p.c.map(toB64), v: p.v.map(toB64) })) };
}

type CommitmentJson = BulletinJson['ceremony']['commitments'][number];
type ShareJson = BulletinJson['ceremony']['shares'][number];

/** A 监票人's round-1 message as its tablet sends it and the bulletin lists it. */
export const commitmentToJson = (c: GuardianCommitment): CommitmentJson => ({ index: c.index, commitments: c.commitments.map(toB64), proofs: c.proofs.map(proof) });
/** A round-2 sealed share as its tablet sends it and the bulletin lists it. */
export const shareToJson = (s: EncryptedShare): ShareJson => ({ from: s.from, to: s.to, ephemeral: toB64(s.ephemeral), nonce: toB64(s.nonce), box: toB64(s.box) });
export const pointToB64 = (p: Point): string => toB64(p);
/** A scalar as the bulletin writes it (a 监票人's tablet keeps its coefficients and share so). */
export const scalarToB64 = (s: Scalar): string => toB64(s);
/** A 监票人's partial decryption as its tablet sends it and the bulletin lists it. */
export const partialToJson = (p: PartialDecryption): PartialJson => ({ guardian: p.guardian, shares: p.shares.map(toB64), proofs: p.proofs.map(proof) });
type PartialJson = NonNullable<BulletinJson['decryption']>['partials'][number];

export function bulletinToJson(b: Bulletin): BulletinJson {
  return {
    format: BULLETIN_FORMAT,
    version: BULLETIN_VERSION,
    group: GROUP_NAME,
    ceremony: {
      ceremonyId: b.params.ceremonyId,
      guardians: b.params.guardians,
      threshold: b.params.threshold,
      commitments: b.commitments.map(commitmentToJson),
      shares: b.shares.map(shareToJson),
      confirmations: b.confirmations.map((c) => ({ index: c.index, publicShare: toB64(c.publicShare) })),
      jointKey: toB64(b.jointKey),
      fingerprint: b.fingerprint,
    },
    poll: b.spec,
    rules: b.rules,
    ballots: b.ballots.map(({ tracker, ballot }) => ({ tracker, ...encryptedBallotToJson(ballot) })),
    sums: b.sums.map(ct),
    decryption: b.decryption && {
      partials: b.decryption.partials.map(partialToJson),
      slotCounts: b.decryption.slotCounts,
      counts: b.decryption.counts,
    },
    result: (b.result ?? null) as PollOutcome | null,
  };
}

/** Where a bulletin could not even be read: the JSON path of the first bad field. */
export class BulletinFormatError extends Error {
  constructor(readonly path: string, what: string) {
    super(`${path}: ${what}`);
  }
}

/**
 * An older version that cannot be fully verified, refused by name. Version 1 carried neither the
 * rules nor the result, so the result could not be recounted; no poll ever published one. Version
 * 2's proofs did not bind the candidate list, so its names and order could be changed unseen;
 * it was published only on 2026-12-05, the day polls began to use encryption. Refusing them means
 * a bulletin cannot escape a check by claiming an old version.
 */
export class BulletinVersionError extends BulletinFormatError {
  constructor(version: 1 | 2) {
    super('$.version', `${version === 1 ? 'version 1 carries no rules or result' : "version 2's proofs do not bind the candidate list (names, order)"}; this verifier reads version ${BULLETIN_VERSION} and refuses version ${version}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(o: unknown, key: string, path: string): unknown {
  if (!isRecord(o)) throw new BulletinFormatError(path, 'expected an object');
  return o[key];
}
function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new BulletinFormatError(path, 'expected an array');
  return v;
}
function int(v: unknown, path: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new BulletinFormatError(path, 'expected a non-negative integer');
  return v as number;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new BulletinFormatError(path, 'expected a string');
  return v;
}
function bytes(v: unknown, path: string): Uint8Array {
  const b = fromB64(v);
  if (!b) throw new BulletinFormatError(path, 'expected base64url');
  return b;
}
function point(v: unknown, path: string): Point {
  const p = pointFromBytes(bytes(v, path));
  if (!p) throw new BulletinFormatError(path, 'not a canonical ristretto255 element');
  return p;
}
function scalar(v: unknown, path: string): Scalar {
  const s = scalarFromBytes(bytes(v, path));
  if (!s) throw new BulletinFormatError(path, 'not a canonical scalar');
  return s;
}
function ciphertext(v: unknown, path: string): Ciphertext {
  const pair = list(v, path);
  if (pair.length !== 2) throw new BulletinFormatError(path, 'expected [α, β]');
  return { a: point(pair[0], `${path}[0]`), b: point(pair[1], `${path}[1]`) };
}
function simpleProof(v: unknown, path: string): SimpleProof {
  return { c: scalar(field(v, 'c', path), `${path}.c`), v: scalar(field(v, 'v', path), `${path}.v`) };
}
const each = <T>(v: unknown, path: string, read: (x: unknown, p: string) => T): T[] => list(v, path).map((x, i) => read(x, `${path}[${i}]`));

function readBallot(v: unknown, path: string): EncryptedBallot {
  return {
    slots: each(field(v, 'slots', path), `${path}.slots`, ciphertext),
    proofs: each(field(v, 'proofs', path), `${path}.proofs`, (y, q) => ({
      c: each(field(y, 'c', q), `${q}.c`, scalar),
      v: each(field(y, 'v', q), `${q}.v`, scalar),
    })) as RangeProof[],
  };
}

/**
 * Decodes an encrypted ballot from a tablet: every element canonical and valid. Whether it is
 * a valid ballot of the poll is firstInvalidProof's question.
 */
export function parseEncryptedBallot(json: unknown): { ok: true; ballot: EncryptedBallot } | { ok: false; path: string; reason: string } {
  try {
    return { ok: true, ballot: readBallot(json, '$') };
  } catch (e) {
    if (e instanceof BulletinFormatError) return { ok: false, path: e.path, reason: e.message };
    throw e;
  }
}

/**
 * Only the ciphertexts of a stored encrypted ballot (each element canonical and valid), for the
 * sums: the proofs were checked when the ballot came in, and decoding them again at the close
 * would cost more than the sum itself.
 */
export function parseBallotSlots(json: unknown): Pick<EncryptedBallot, 'slots'> | null {
  try {
    return { slots: each(field(json, 'slots', '$'), '$.slots', ciphertext) };
  } catch (e) {
    if (e instanceof BulletinFormatError) return null;
    throw e;
  }
}

function readCommitment(x: unknown, p: string): GuardianCommitment {
  return {
    index: int(field(x, 'index', p), `${p}.index`),
    commitments: each(field(x, 'commitments', p), `${p}.commitments`, point),
    proofs: each(field(x, 'proofs', p), `${p}.proofs`, simpleProof),
  };
}
function readShare(x: unknown, p: string): EncryptedShare {
  return {
    from: int(field(x, 'from', p), `${p}.from`),
    to: int(field(x, 'to', p), `${p}.to`),
    ephemeral: point(field(x, 'ephemeral', p), `${p}.ephemeral`),
    nonce: bytes(field(x, 'nonce', p), `${p}.nonce`),
    box: bytes(field(x, 'box', p), `${p}.box`),
  };
}

const orNull = <T>(read: (x: unknown, p: string) => T) => (json: unknown): T | null => {
  try {
    return read(json, '$');
  } catch (e) {
    if (e instanceof BulletinFormatError) return null;
    throw e;
  }
};
/** Decodes a tablet's round-1 message; null when an element is not canonical. */
export const parseCommitment = orNull(readCommitment);
/** Decodes a tablet's round-2 sealed share; null when an element is not canonical. */
export const parseShare = orNull(readShare);
/** Decodes a group element; null when it is not a canonical ristretto255 element. */
export const parsePoint = orNull(point);
/** Decodes a scalar; null when it is not canonical. */
export const parseScalar = orNull(scalar);
/** Decodes a list of ciphertexts [α, β] (the encrypted sums); null when an element is not canonical. */
export const parseCiphertexts = orNull((v, p) => each(v, p, ciphertext));

function oneOf<T extends string>(allowed: readonly T[], v: unknown, path: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new BulletinFormatError(path, `expected one of ${allowed.join(', ')}`);
  return v as T;
}

function paperFigures(v: unknown, path: string): PaperFigures {
  const reasons = field(v, 'invalidReasons', path);
  if (!isRecord(reasons)) throw new BulletinFormatError(`${path}.invalidReasons`, 'expected an object');
  const invalidReasons: PaperFigures['invalidReasons'] = {};
  for (const [r, n] of Object.entries(reasons)) {
    invalidReasons[oneOf(PAPER_INVALID_REASONS, r, `${path}.invalidReasons`)] = int(n, `${path}.invalidReasons.${r}`);
  }
  return {
    issued: int(field(v, 'issued', path), `${path}.issued`),
    returned: int(field(v, 'returned', path), `${path}.returned`),
    valid: int(field(v, 'valid', path), `${path}.valid`),
    invalid: int(field(v, 'invalid', path), `${path}.invalid`),
    invalidReasons,
    candidates: each(field(v, 'candidates', path), `${path}.candidates`, (x, p) => {
      const counts = field(x, 'counts', p);
      if (!isRecord(counts)) throw new BulletinFormatError(`${p}.counts`, 'expected an object');
      return {
        candidateId: str(field(x, 'candidateId', p), `${p}.candidateId`),
        counts: Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, int(n, `${p}.counts.${k}`)])),
      };
    }),
  };
}

function readRules(v: unknown, path: string): BulletinRules {
  const rating = field(v, 'rating', path);
  const paper = field(v, 'paper', path);
  return {
    ballotType: oneOf(CRYPTO_BALLOT_KINDS, field(v, 'ballotType', path), `${path}.ballotType`),
    choose: int(field(v, 'choose', path), `${path}.choose`),
    passThreshold: oneOf(PASS_THRESHOLDS, field(v, 'passThreshold', path), `${path}.passThreshold`),
    tieRule: oneOf(TIE_RULES, field(v, 'tieRule', path), `${path}.tieRule`),
    rating: rating === null ? null : {
      gradingRule: oneOf(GRADING_RULES, field(rating, 'gradingRule', `${path}.rating`), `${path}.rating.gradingRule`),
      ratingBase: oneOf(RATING_BASES, field(rating, 'ratingBase', `${path}.rating`), `${path}.rating.ratingBase`),
      ratingBody: oneOf(RATING_BODIES, field(rating, 'ratingBody', `${path}.rating`), `${path}.rating.ratingBody`),
    },
    candidates: each(field(v, 'candidates', path), `${path}.candidates`, (x, p) => ({ id: str(field(x, 'id', p), `${p}.id`), name: str(field(x, 'name', p), `${p}.name`) })),
    seated: int(field(v, 'seated', path), `${path}.seated`),
    present: int(field(v, 'present', path), `${path}.present`),
    issued: int(field(v, 'issued', path), `${path}.issued`),
    invalid: int(field(v, 'invalid', path), `${path}.invalid`),
    minBallots: int(field(v, 'minBallots', path), `${path}.minBallots`),
    paper: paper === null ? null : paperFigures(paper, `${path}.paper`),
  };
}

function readPartial(x: unknown, p: string): PartialDecryption {
  return {
    guardian: int(field(x, 'guardian', p), `${p}.guardian`),
    shares: each(field(x, 'shares', p), `${p}.shares`, point),
    proofs: each(field(x, 'proofs', p), `${p}.proofs`, simpleProof),
  };
}
/** Decodes a 监票人's partial decryption as the tablet sends it; null when an element is not canonical. */
export const parsePartialDecryption = orNull(readPartial);
/** Ciphertexts as the bulletin lists them. */
export const ciphertextsToJson = (cs: readonly Ciphertext[]): CtJson[] => cs.map(ct);

function pollSpec(v: unknown, path: string): PollSpec {
  const kind = str(field(v, 'kind', path), `${path}.kind`);
  const allowAbstain = field(v, 'allowAbstain', path);
  if (typeof allowAbstain !== 'boolean') throw new BulletinFormatError(`${path}.allowAbstain`, 'expected a boolean');
  const spec = {
    pollId: str(field(v, 'pollId', path), `${path}.pollId`),
    kind: kind as PollSpec['kind'],
    candidates: int(field(v, 'candidates', path), `${path}.candidates`),
    listDigest: str(field(v, 'listDigest', path), `${path}.listDigest`),
    places: int(field(v, 'places', path), `${path}.places`),
    allowAbstain,
    maxBallots: int(field(v, 'maxBallots', path), `${path}.maxBallots`),
  };
  const bad = checkSpec(spec);
  if (bad) throw new BulletinFormatError(path, bad);
  return spec;
}

/** Reads and validates the encoding of every element; throws BulletinFormatError at the first bad field. */
export function parseBulletin(json: unknown): Bulletin {
  if (field(json, 'format', '$') !== BULLETIN_FORMAT) throw new BulletinFormatError('$.format', `expected "${BULLETIN_FORMAT}"`);
  const version = field(json, 'version', '$');
  if (version === 1 || version === 2) throw new BulletinVersionError(version);
  if (version !== BULLETIN_VERSION) throw new BulletinFormatError('$.version', `this verifier reads version ${BULLETIN_VERSION}`);
  if (field(json, 'group', '$') !== GROUP_NAME) throw new BulletinFormatError('$.group', `expected "${GROUP_NAME}"`);
  const c = field(json, 'ceremony', '$');
  const params: CeremonyParams = {
    ceremonyId: str(field(c, 'ceremonyId', '$.ceremony'), '$.ceremony.ceremonyId'),
    guardians: each(field(c, 'guardians', '$.ceremony'), '$.ceremony.guardians', str),
    threshold: int(field(c, 'threshold', '$.ceremony'), '$.ceremony.threshold'),
  };
  const badParams = checkParams(params);
  if (badParams) throw new BulletinFormatError('$.ceremony', badParams);
  const spec = pollSpec(field(json, 'poll', '$'), '$.poll');
  const rules = readRules(field(json, 'rules', '$'), '$.rules');
  const dec = field(json, 'decryption', '$');
  const result = field(json, 'result', '$');
  if (result !== null && !isRecord(result)) throw new BulletinFormatError('$.result', 'expected an object or null');
  return {
    params,
    commitments: each(field(c, 'commitments', '$.ceremony'), '$.ceremony.commitments', readCommitment),
    shares: each(field(c, 'shares', '$.ceremony'), '$.ceremony.shares', readShare),
    confirmations: each(field(c, 'confirmations', '$.ceremony'), '$.ceremony.confirmations', (x, p) => ({
      index: int(field(x, 'index', p), `${p}.index`),
      publicShare: point(field(x, 'publicShare', p), `${p}.publicShare`),
    })),
    jointKey: point(field(c, 'jointKey', '$.ceremony'), '$.ceremony.jointKey'),
    fingerprint: str(field(c, 'fingerprint', '$.ceremony'), '$.ceremony.fingerprint'),
    spec,
    rules,
    result,
    ballots: each(field(json, 'ballots', '$'), '$.ballots', (x, p) => ({
      tracker: str(field(x, 'tracker', p), `${p}.tracker`),
      ballot: readBallot(x, p),
    })),
    sums: each(field(json, 'sums', '$'), '$.sums', ciphertext),
    decryption: dec === null ? null : {
      partials: each(field(dec, 'partials', '$.decryption'), '$.decryption.partials', readPartial),
      slotCounts: each(field(dec, 'slotCounts', '$.decryption'), '$.decryption.slotCounts', int),
      counts: field(dec, 'counts', '$.decryption') as PollCounts,
    },
  };
}
