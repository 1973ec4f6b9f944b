/**
 * A whole key ceremony in one process, and random valid choices: for the tests, the benchmark
 * and the demo bulletin. Real devices run each guardian's part on its own tablet.
 */
import { candidateListDigest, encryptBallot, pollBaseHash, rankPositions, type BallotCandidate, type PlainChoice, type PollContext, type PollSpec } from './ballot.ts';
import { buildBulletin, bulletinToJson, type BulletinJson } from './bulletin.ts';
import {
  ceremonyHash, encryptShares, finishGuardian, jointKey, startGuardian,
  type CeremonyParams, type EncryptedShare, type GuardianCommitment,
} from './ceremony.ts';
import type { Point, Scalar } from './group.ts';
import { resultOfCounts, type BulletinRules } from './result.ts';
import { partialDecrypt, sumBallots } from './tally.ts';

export interface CeremonyRun {
  params: CeremonyParams;
  commitments: GuardianCommitment[];
  sealed: EncryptedShare[];
  /** s_ℓ by guardian index − 1 */
  shares: Scalar[];
  publicShares: Point[];
  jointKey: Point;
}

export function runCeremony(n: number, threshold: number, ceremonyId = 'test-session'): CeremonyRun {
  const params: CeremonyParams = { ceremonyId, guardians: Array.from({ length: n }, (_, i) => `监票人${i + 1}`), threshold };
  const started = params.guardians.map((_, i) => startGuardian(params, i + 1));
  const commitments = started.map((s) => s.commitment);
  const sealed = started.flatMap((s) => encryptShares(params, s.secret, commitments));
  const finished = started.map((s) => {
    const f = finishGuardian(params, s.secret, commitments, sealed);
    if (!f.ok) throw new Error(`guardian ${s.secret.index} rejected shares from ${f.badSenders.join(',')}`);
    return f;
  });
  return {
    params, commitments, sealed,
    shares: finished.map((f) => f.share),
    publicShares: finished.map((f) => f.publicShare),
    jointKey: jointKey(commitments),
  };
}

/** A test poll's candidates: c1…cC named 项目1…. */
export const testCandidates = (c: number): BallotCandidate[] => Array.from({ length: c }, (_, i) => ({ id: `c${i + 1}`, name: `项目${i + 1}` }));

/** A test poll's spec; without a listDigest, bound to testCandidates (call after cryptoReady). */
export type TestSpec = Omit<PollSpec, 'listDigest'> & Partial<Pick<PollSpec, 'listDigest'>>;
export const withList = (spec: TestSpec): PollSpec => ({ ...spec, listDigest: spec.listDigest ?? candidateListDigest(testCandidates(spec.candidates)) });

export function pollContext(run: CeremonyRun, test: TestSpec): PollContext {
  const spec = withList(test);
  return { spec, jointKey: run.jointKey, baseHash: pollBaseHash(spec, ceremonyHash(run.params), run.jointKey) };
}

/** A uniformly random valid choice; `random` returns [0, 1). */
export function randomChoice(spec: TestSpec, random: () => number): PlainChoice {
  const c = spec.candidates;
  const pick = (k: number): number[] => {
    const order = Array.from({ length: c }, (_, i) => i);
    for (let i = c - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order.slice(0, k);
  };
  switch (spec.kind) {
    case 'approve': {
      const yes = new Set(pick(Math.floor(random() * (spec.places + 1))));
      return { type: 'approve', marks: Array.from({ length: c }, (_, i) => (yes.has(i) ? 'for' : random() < 0.5 ? 'against' : 'abstain')) };
    }
    case 'choose':
      return { type: 'choose', selected: pick(Math.floor(random() * (spec.places + 1))) };
    case 'rank':
      return { type: 'rank', ranking: pick(Math.floor(random() * (rankPositions(spec) + 1))) };
    case 'rating': {
      const grades = spec.allowAbstain ? (['satisfied', 'basic', 'unsatisfied', 'abstain'] as const) : (['satisfied', 'basic', 'unsatisfied'] as const);
      return { type: 'rating', marks: Array.from({ length: c }, () => grades[Math.floor(random() * grades.length)] ?? 'satisfied') };
    }
  }
}

/** Rules for a test poll: testCandidates, everyone present voted, no threshold, minimum 1. */
export function rulesFor(spec: TestSpec, ballots: number, rules: Partial<BulletinRules> = {}): BulletinRules {
  return {
    ballotType: spec.kind,
    choose: spec.kind === 'rating' ? spec.candidates : spec.places,
    passThreshold: 'none',
    tieRule: 'vacant',
    rating: spec.kind === 'rating' ? { gradingRule: 'zhenhai', ratingBase: 'members', ratingBody: 'deputies' } : null,
    candidates: testCandidates(spec.candidates),
    seated: spec.maxBallots,
    present: ballots,
    issued: ballots,
    invalid: 0,
    minBallots: 1,
    paper: null,
    ...rules,
  };
}

/**
 * The bulletin of a poll with these choices, decrypted by the listed 监票人 (1-based), as
 * published JSON, with the result the tally rules make of the decrypted counts.
 */
export function bulletinJsonOf(run: CeremonyRun, test: TestSpec, choices: readonly PlainChoice[], decryptors: readonly number[], rules: Partial<BulletinRules> = {}): BulletinJson {
  const ctx = pollContext(run, test);
  const spec = ctx.spec;
  const ballots = choices.map((c) => encryptBallot(ctx, c));
  const sums = sumBallots(spec, ballots);
  const pollRules = rulesFor(spec, choices.length, rules);
  const built = buildBulletin({
    params: run.params, commitments: run.commitments, shares: run.sealed,
    confirmations: run.publicShares.map((publicShare, i) => ({ index: i + 1, publicShare })),
    spec, rules: pollRules, ballots, result: null,
    partials: decryptors.length ? decryptors.map((g) => partialDecrypt(ctx, g, run.shares[g - 1] as Scalar, sums)) : null,
  });
  const result = built.decryption ? resultOfCounts(pollRules, spec, built.decryption.counts, ballots.length) : null;
  return JSON.parse(JSON.stringify(bulletinToJson({ ...built, result }))) as BulletinJson;
}
