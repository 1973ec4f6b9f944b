/**
 * The result of an encrypted poll under the cycle's rules: the decrypted totals go through the
 * one tally rule (domain/tally.ts, rating.ts, paper.ts) as counts `added` to an empty box, so the
 * server's count and the offline verifier's recount are the same function
 * (docs/CRYPTO.md §"Bulletin", "rules" and "result").
 */
import type { GradingRule, RatingBase, RatingBody, RatingCounts } from '../domain/grading.ts';
import { checkPaperFigures, tallyRatingWithPaper, tallyWithPaper, type PaperFigures, type PaperParts, type PaperPoll, type PaperProblem } from '../domain/paper.ts';
import { tallyRating, type RatingResult } from '../domain/rating.ts';
import type { PassThreshold, TieRule } from '../domain/rules.ts';
import { tally, type AddedCounts, type TallyResult } from '../domain/tally.ts';
import type { CryptoBallotKind, PollSpec } from './ballot.ts';
import type { PollCounts } from './tally.ts';

/** What the count of one poll needs besides its ballots: the poll's rules as the 票决办法 fixed them, and the attendance. */
export interface BulletinRules {
  ballotType: CryptoBallotKind;
  /** 应选数量 N (approve / choose / rank); rating polls carry their number of projects */
  choose: number;
  passThreshold: PassThreshold;
  tieRule: TieRule;
  /** rating polls only */
  rating: { gradingRule: GradingRule; ratingBase: RatingBase; ratingBody: RatingBody } | null;
  /** the candidate list in ballot order: count i of the decryption belongs to candidates[i] */
  candidates: { id: string; name: string }[];
  /** 应到 */
  seated: number;
  /** 实到 */
  present: number;
  /** 发出: tablet ballots issued (paper ballots are in `paper.issued`) */
  issued: number;
  /** ballots received but not counted as valid (无效); an encrypted ballot with a failing proof is never stored, so normally 0 */
  invalid: number;
  /** the poll's minimum number of ballots: below it nothing may be decrypted */
  minBallots: number;
  /** the reconciled paper count, when some deputies voted on paper */
  paper: PaperFigures | null;
}

/** A vote poll's result or a rating poll's, with the paper parts when there were paper ballots. */
export type PollOutcome = (TallyResult & { paper?: PaperParts }) | (RatingResult & { paper?: PaperParts });

/** The decrypted counts as the counts the vote tally adds (rank: Borda points, position p earns N + 1 − p). */
export function countsAddition(rules: Pick<BulletinRules, 'candidates' | 'choose'>, counts: PollCounts, ballots: number): AddedCounts {
  const out = new Map<string, { for: number; against: number; score: number }>();
  rules.candidates.forEach(({ id }, i) => {
    const at = (xs: readonly number[]): number => xs[i] ?? 0;
    switch (counts.kind) {
      case 'approve':
        out.set(id, { for: at(counts.for), against: at(counts.against), score: at(counts.for) });
        break;
      case 'choose':
        out.set(id, { for: at(counts.selected), against: 0, score: at(counts.selected) });
        break;
      case 'rank': {
        const row = counts.positions[i] ?? [];
        const score = row.reduce((acc, n, p) => acc + n * (rules.choose + 1 - (p + 1)), 0);
        out.set(id, { for: at(counts.ranked), against: 0, score });
        break;
      }
      case 'rating':
        break;
    }
  });
  return { valid: ballots, counts: out };
}

function ratingAddition(rules: Pick<BulletinRules, 'candidates'>, counts: Extract<PollCounts, { kind: 'rating' }>, ballots: number) {
  const out = new Map<string, RatingCounts>();
  rules.candidates.forEach(({ id }, i) => {
    out.set(id, { satisfied: counts.satisfied[i] ?? 0, basic: counts.basic[i] ?? 0, unsatisfied: counts.unsatisfied[i] ?? 0, abstain: counts.abstain[i] ?? 0 });
  });
  return { valid: ballots, counts: out };
}

/** What the paper rules need to know of the poll. */
export const paperPollOfRules = (rules: BulletinRules, spec: Pick<PollSpec, 'allowAbstain'>): PaperPoll => ({
  ballotType: rules.ballotType,
  choose: rules.choose,
  candidateIds: rules.candidates.map((c) => c.id),
  allowAbstain: spec.allowAbstain,
});

/** Every rule the paper figures break (none when there are no paper figures). */
export const paperProblems = (rules: BulletinRules, spec: Pick<PollSpec, 'allowAbstain'>): PaperProblem[] =>
  rules.paper ? checkPaperFigures(paperPollOfRules(rules, spec), rules.paper) : [];

/**
 * The result of an encrypted poll: `ballots` valid encrypted ballots whose decrypted totals are
 * `counts`, with the paper figures when there are any, under the poll's rules.
 */
export function resultOfCounts(rules: BulletinRules, spec: Pick<PollSpec, 'allowAbstain'>, counts: PollCounts, ballots: number): PollOutcome {
  const common = { candidates: rules.candidates, ballots: [], invalid: rules.invalid, seated: rules.seated, present: rules.present, issued: rules.issued };
  if (counts.kind === 'rating') {
    const rating = rules.rating ?? { gradingRule: 'zhenhai', ratingBase: 'members', ratingBody: 'deputies' };
    const input = { ...common, ...rating, added: ratingAddition(rules, counts, ballots) };
    return rules.paper ? tallyRatingWithPaper(input, rules.paper, rules.minBallots) : tallyRating(input);
  }
  const input = {
    ...common,
    rules: { ballotType: counts.kind, choose: rules.choose, passThreshold: rules.passThreshold, tieRule: rules.tieRule },
    added: countsAddition(rules, counts, ballots),
  };
  return rules.paper ? tallyWithPaper(input, paperPollOfRules(rules, spec), rules.paper, rules.minBallots) : tally(input);
}
