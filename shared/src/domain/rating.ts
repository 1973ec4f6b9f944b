/**
 * Satisfaction-rating polls (满意度测评, docs/PROCEDURE.md §5): each deputy marks every project
 * 满意 / 基本满意 / 不满意 (and 弃权 where the poll allows it), by secret ballot.
 */
import { grade, RATING_MARKS, satisfactionRates, type Grade, type GradingRule, type RatingBase, type RatingBody, type RatingCounts, type RatingMark } from './grading.ts';
import { officialRecord, type OfficialRecord } from './tally.ts';

export type RatingBallot = { type: 'rating'; marks: Record<string, RatingMark> };

export type RatingValidation =
  | { ok: true; ballot: RatingBallot }
  | { ok: false; code: 'MALFORMED_BALLOT' | 'WRONG_BALLOT_TYPE' | 'UNKNOWN_CANDIDATE' | 'BAD_MARK' | 'INCOMPLETE'; message: { zh: string; en: string } };

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * With abstention allowed an unmarked project counts as 弃权; without it every project must
 * carry one of the three grades, as on a paper rating form with no 弃权 column.
 */
export function validateRatingBallot(body: unknown, candidateIds: readonly string[], allowAbstain: boolean): RatingValidation {
  try {
    if (!isPlain(body) || !isPlain(body.marks)) return { ok: false, code: 'MALFORMED_BALLOT', message: { zh: '测评票格式不正确', en: 'The rating ballot is malformed' } };
    if (body.type !== 'rating') return { ok: false, code: 'WRONG_BALLOT_TYPE', message: { zh: '表决票类型与本次测评不符', en: 'The ballot type does not match this rating poll' } };
    const known = new Set(candidateIds);
    const allowed = new Set<string>(allowAbstain ? RATING_MARKS : RATING_MARKS.filter((m) => m !== 'abstain'));
    const marks: Record<string, RatingMark> = {};
    for (const [id, mark] of Object.entries(body.marks)) {
      if (!known.has(id)) return { ok: false, code: 'UNKNOWN_CANDIDATE', message: { zh: '测评票含有非测评项目', en: 'The ballot names a project not under rating' } };
      if (typeof mark !== 'string' || !allowed.has(mark)) {
        return { ok: false, code: 'BAD_MARK', message: allowAbstain ? { zh: '测评意见只能是满意、基本满意、不满意或弃权', en: 'Each mark must be satisfied, basic, unsatisfied or abstain' } : { zh: '测评意见只能是满意、基本满意或不满意', en: 'Each mark must be satisfied, basic or unsatisfied' } };
      }
    }
    for (const id of candidateIds) {
      const m = body.marks[id] as RatingMark | undefined;
      if (m === undefined) {
        if (!allowAbstain) return { ok: false, code: 'INCOMPLETE', message: { zh: '请对每个项目作出评价', en: 'Rate every project' } };
        marks[id] = 'abstain';
      } else marks[id] = m;
    }
    return { ok: true, ballot: { type: 'rating', marks } };
  } catch {
    return { ok: false, code: 'MALFORMED_BALLOT', message: { zh: '测评票格式不正确', en: 'The rating ballot is malformed' } };
  }
}

export interface RatingRow extends RatingCounts {
  candidateId: string;
  name: string;
  grade: Grade;
  /** 满意 / valid ballots, as a fraction; 0 with no raters. */
  satisfiedRate: number;
  /** 满意率: (满意 + 基本满意) / valid ballots, as a fraction; 0 with no raters. */
  satisfactionRate: number;
}

export interface RatingResult {
  rows: RatingRow[];
  gradingRule: GradingRule;
  ratingBase: RatingBase;
  ratingBody: RatingBody;
  record: OfficialRecord;
}

export function tallyRating(input: {
  candidates: readonly { id: string; name: string }[];
  ballots: readonly RatingBallot[];
  invalid: number;
  seated: number;
  present: number;
  issued: number;
  gradingRule: GradingRule;
  /** 全体组成人员 (the seated count) or those who rated; see grade(). */
  ratingBase: RatingBase;
  ratingBody: RatingBody;
  /** Counts from outside the box: the reconciled paper count (docs/PROCEDURE.md, "Paper ballots"). */
  added?: { valid: number; counts: ReadonlyMap<string, RatingCounts> };
}): RatingResult {
  const rows = input.candidates.map((c) => {
    const counts: RatingCounts = { satisfied: 0, basic: 0, unsatisfied: 0, abstain: 0 };
    for (const b of input.ballots) counts[b.marks[c.id] ?? 'abstain'] += 1;
    const added = input.added?.counts.get(c.id);
    if (added) for (const m of RATING_MARKS) counts[m] += added[m];
    const base = input.ratingBase === 'members' ? { base: 'members' as const, members: input.seated } : { base: 'raters' as const };
    return {
      candidateId: c.id,
      name: c.name,
      ...counts,
      grade: grade(counts, base, input.gradingRule),
      ...satisfactionRates(counts),
    };
  });
  return {
    rows,
    gradingRule: input.gradingRule,
    ratingBase: input.ratingBase,
    ratingBody: input.ratingBody,
    record: officialRecord({ seated: input.seated, present: input.present, issued: input.issued, invalid: input.invalid, valid: input.ballots.length + (input.added?.valid ?? 0) }),
  };
}

/**
 * A stored rating result as today's shape. Results certified before the base became a setting
 * were graded against those who rated and carried only the (满意 + 基本满意) rate.
 */
export function readRatingResult(stored: unknown): RatingResult | null {
  if (stored === null || typeof stored !== 'object') return null;
  const r = stored as Partial<RatingResult> & { rows?: (Omit<RatingRow, 'satisfiedRate'> & { satisfiedRate?: number })[] };
  return {
    ...(r as RatingResult),
    ratingBase: r.ratingBase ?? 'raters',
    ratingBody: r.ratingBody ?? 'deputies',
    rows: (r.rows ?? []).map((row) => ({ ...row, satisfiedRate: row.satisfiedRate ?? satisfactionRates(row).satisfiedRate })),
  };
}
