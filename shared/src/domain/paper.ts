/**
 * Paper ballots (docs/PROCEDURE.md, "Paper ballots"). Two 计票人 each enter the figures of the
 * paper count; these rules refuse figures no set of paper ballots could produce, compare the
 * two entries field by field, and add the reconciled figures to the electronic count so that
 * the one tally rule (tally.ts, rating.ts) ranks the combined counts.
 */
import { RATING_MARKS, type RatingCounts } from './grading.ts';
import { tallyRating, type RatingBallot, type RatingResult } from './rating.ts';
import type { BallotBody, BallotType } from './rules.ts';
import { tally, type AddedCounts, type OfficialRecord, type TallyInput, type TallyResult } from './tally.ts';

export type PaperBallotType = BallotType | 'rating';

/**
 * Why a returned paper ballot is 无效. too_many: more 赞成 (ticks, ranked entries) than places ·
 * double_mark: a rating form with two grades for one project · incomplete: a rating form
 * without 弃权 that leaves a project ungraded · unreadable · not_this_poll: not a ballot of
 * this poll (another poll's form, a copy without the check code).
 */
export const PAPER_INVALID_REASONS = ['too_many', 'double_mark', 'incomplete', 'unreadable', 'not_this_poll'] as const;
export type PaperInvalidReason = (typeof PAPER_INVALID_REASONS)[number];

export const PAPER_INVALID_REASON_LABELS: Record<PaperInvalidReason, { zh: string; en: string }> = {
  too_many: { zh: '超过应选数量', en: 'More marks than places' },
  double_mark: { zh: '同一项目作出两种以上评价', en: 'Two grades for one project' },
  incomplete: { zh: '有项目未作评价', en: 'A project left ungraded' },
  unreadable: { zh: '无法辨认', en: 'Unreadable' },
  not_this_poll: { zh: '非本次表决的表决票', en: 'Not a ballot of this poll' },
};

/** One candidate's figures; the keys depend on the ballot type (see paperCountKeys). */
export interface PaperCandidateFigures {
  candidateId: string;
  counts: Record<string, number>;
}

/** What a 计票人 enters for one poll. */
export interface PaperFigures {
  /** 发出 */
  issued: number;
  /** 收回 */
  returned: number;
  /** 有效 */
  valid: number;
  /** 无效 */
  invalid: number;
  /** 无效, by reason; a reason left out counts 0 */
  invalidReasons: Partial<Record<PaperInvalidReason, number>>;
  candidates: PaperCandidateFigures[];
}

/** What the checks need to know of the poll. */
export interface PaperPoll {
  ballotType: PaperBallotType;
  /** 应选数量 N */
  choose: number;
  /** in list order */
  candidateIds: readonly string[];
  /** rating polls: whether the form has a 弃权 column */
  allowAbstain: boolean;
}

export const PAPER_ERROR_CODES = [
  'PAPER_NUMBER',
  'PAPER_FIELDS',
  'PAPER_RETURNED_OVER_ISSUED',
  'PAPER_RETURNED_SUM',
  'PAPER_REASONS_SUM',
  'PAPER_CANDIDATE_SUM',
  'PAPER_CANDIDATE_OVER_VALID',
  'PAPER_POSITION_OVER_VALID',
  'PAPER_TOTAL_OVER_N',
] as const;
export type PaperErrorCode = (typeof PAPER_ERROR_CODES)[number];

/** One refused figure: the rule it breaks and the field it is in (as in comparePaperFigures). */
export interface PaperProblem {
  code: PaperErrorCode;
  field: string;
}

/**
 * The per-candidate count keys of a ballot type. approve: 赞成/反对/弃权 · choose: times chosen ·
 * rank: how many ballots put the candidate at position 1 … N · rating: one count per grade.
 */
export function paperCountKeys(p: Pick<PaperPoll, 'ballotType' | 'choose' | 'allowAbstain'>): string[] {
  switch (p.ballotType) {
    case 'approve':
      return ['for', 'against', 'abstain'];
    case 'choose':
      return ['chosen'];
    case 'rank':
      return Array.from({ length: p.choose }, (_, i) => String(i + 1));
    case 'rating':
      return RATING_MARKS.filter((m) => p.allowAbstain || m !== 'abstain');
  }
}

/** The reasons a ballot of this poll can be 无效 for. */
export function paperInvalidReasons(p: Pick<PaperPoll, 'ballotType' | 'allowAbstain'>): PaperInvalidReason[] {
  const rating = p.ballotType === 'rating';
  return PAPER_INVALID_REASONS.filter((r) => {
    if (r === 'too_many') return !rating;
    if (r === 'double_mark') return rating;
    if (r === 'incomplete') return rating && !p.allowAbstain;
    return true;
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The figures as named fields: issued, returned, valid, invalid, invalidReasons.<r>, candidates.<id>.<key>. */
export function flattenPaperFigures(p: PaperPoll, f: PaperFigures): Map<string, number> {
  const out = new Map<string, number>([
    ['issued', f.issued],
    ['returned', f.returned],
    ['valid', f.valid],
    ['invalid', f.invalid],
  ]);
  for (const r of paperInvalidReasons(p)) out.set(`invalidReasons.${r}`, hasOwn(f.invalidReasons, r) ? (f.invalidReasons[r] ?? 0) : 0);
  const byId = new Map(f.candidates.map((c) => [c.candidateId, c.counts]));
  const keys = paperCountKeys(p);
  for (const id of p.candidateIds) {
    const counts = byId.get(id);
    for (const k of keys) out.set(`candidates.${id}.${k}`, counts && hasOwn(counts, k) ? (counts[k] ?? 0) : 0);
  }
  return out;
}

/** Shape errors: a figure that is not a count, a candidate or key that does not belong. */
function shapeProblems(p: PaperPoll, f: PaperFigures): PaperProblem[] {
  const problems: PaperProblem[] = [];
  for (const k of ['issued', 'returned', 'valid', 'invalid'] as const) if (!isCount(f[k])) problems.push({ code: 'PAPER_NUMBER', field: k });
  const reasons = new Set<string>(paperInvalidReasons(p));
  for (const [r, v] of Object.entries(f.invalidReasons)) {
    if (!reasons.has(r)) problems.push({ code: 'PAPER_FIELDS', field: `invalidReasons.${r}` });
    else if (!isCount(v)) problems.push({ code: 'PAPER_NUMBER', field: `invalidReasons.${r}` });
  }
  const known = new Set(p.candidateIds);
  const seen = new Set<string>();
  const keys = paperCountKeys(p);
  for (const c of f.candidates) {
    if (!known.has(c.candidateId) || seen.has(c.candidateId)) {
      problems.push({ code: 'PAPER_FIELDS', field: `candidates.${c.candidateId}` });
      continue;
    }
    seen.add(c.candidateId);
    const given = Object.keys(c.counts);
    if (given.length !== keys.length || keys.some((k) => !hasOwn(c.counts, k))) {
      problems.push({ code: 'PAPER_FIELDS', field: `candidates.${c.candidateId}` });
      continue;
    }
    for (const k of keys) if (!isCount(c.counts[k])) problems.push({ code: 'PAPER_NUMBER', field: `candidates.${c.candidateId}.${k}` });
  }
  for (const id of p.candidateIds) if (!seen.has(id)) problems.push({ code: 'PAPER_FIELDS', field: `candidates.${id}` });
  return problems;
}

/**
 * Every rule the figures break; none means the figures are acceptable. The per-candidate rules
 * are exactly what real ballots allow: per-candidate counts within 有效 and at most N×有效 marks
 * in all can always be spread over 有效 ballots of at most N marks each, and rank counts with at
 * most 有效 per candidate and per position can always be spread over 有效 ballots (an edge
 * colouring of the candidate–position counts).
 */
export function checkPaperFigures(p: PaperPoll, f: PaperFigures): PaperProblem[] {
  const shape = shapeProblems(p, f);
  if (shape.length > 0) return shape;
  const problems: PaperProblem[] = [];
  // 收回 > 发出 voids the vote (docs/PROCEDURE.md): the figures cannot be accepted as a count.
  if (f.returned > f.issued) problems.push({ code: 'PAPER_RETURNED_OVER_ISSUED', field: 'returned' });
  if (f.valid + f.invalid !== f.returned) problems.push({ code: 'PAPER_RETURNED_SUM', field: 'valid' });
  const reasons = paperInvalidReasons(p).map((r) => f.invalidReasons[r] ?? 0);
  if (sum(reasons) !== f.invalid) problems.push({ code: 'PAPER_REASONS_SUM', field: 'invalidReasons' });

  const n = p.choose;
  const keys = paperCountKeys(p);
  const rows = f.candidates.map((c) => ({ id: c.candidateId, values: keys.map((k) => c.counts[k] ?? 0) }));
  for (const r of rows) {
    const total = sum(r.values);
    if (p.ballotType === 'approve' || p.ballotType === 'rating') {
      // every valid ballot carries exactly one mark per candidate (unmarked = 弃权)
      if (total !== f.valid) problems.push({ code: 'PAPER_CANDIDATE_SUM', field: `candidates.${r.id}` });
    } else if (total > f.valid) {
      problems.push({ code: 'PAPER_CANDIDATE_OVER_VALID', field: `candidates.${r.id}` });
    }
  }
  if (p.ballotType === 'approve' || p.ballotType === 'choose') {
    // a valid ballot carries at most N 赞成 (ticks)
    const marks = sum(rows.map((r) => r.values[0] ?? 0));
    if (marks > n * f.valid) problems.push({ code: 'PAPER_TOTAL_OVER_N', field: 'candidates' });
  }
  if (p.ballotType === 'rank') {
    // a valid ballot puts at most one candidate at each position
    keys.forEach((k, i) => {
      if (sum(rows.map((r) => r.values[i] ?? 0)) > f.valid) problems.push({ code: 'PAPER_POSITION_OVER_VALID', field: `position.${k}` });
    });
  }
  return problems;
}

export interface PaperDifference {
  field: string;
  first: number;
  second: number;
}

/** The fields in which two entries of the same count differ, in field order. */
export function comparePaperFigures(p: PaperPoll, a: PaperFigures, b: PaperFigures): PaperDifference[] {
  const fa = flattenPaperFigures(p, a);
  const fb = flattenPaperFigures(p, b);
  const out: PaperDifference[] = [];
  for (const [field, first] of fa) {
    const second = fb.get(field) ?? 0;
    if (first !== second) out.push({ field, first, second });
  }
  return out;
}

/** The figures of a set of ballots, as a careful 计票人 would enter them: for tests and demos. */
export function paperFiguresOf(
  p: PaperPoll,
  ballots: readonly (BallotBody | RatingBallot)[],
  extra: { issued: number; invalidReasons?: Partial<Record<PaperInvalidReason, number>> },
): PaperFigures {
  const keys = paperCountKeys(p);
  const counts = new Map(p.candidateIds.map((id) => [id, Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>]));
  const bump = (id: string, k: string) => {
    const c = counts.get(id);
    if (c && hasOwn(c, k)) c[k] = (c[k] ?? 0) + 1;
  };
  for (const b of ballots) {
    if (b.type === 'approve' || b.type === 'rating') {
      for (const id of p.candidateIds) bump(id, b.marks[id] ?? 'abstain');
    } else if (b.type === 'choose') {
      for (const id of b.selected) bump(id, 'chosen');
    } else {
      b.ranking.forEach((id, i) => bump(id, String(i + 1)));
    }
  }
  const invalidReasons = extra.invalidReasons ?? {};
  const invalid = sum(Object.values(invalidReasons).map((v) => v ?? 0));
  return {
    issued: extra.issued,
    returned: ballots.length + invalid,
    valid: ballots.length,
    invalid,
    invalidReasons,
    candidates: p.candidateIds.map((id) => ({ candidateId: id, counts: counts.get(id) ?? {} })),
  };
}

/** The paper figures as counts the vote tally adds (rank: Borda points, position p earns N + 1 − p). */
export function paperAddition(p: PaperPoll, f: PaperFigures): AddedCounts {
  const counts = new Map<string, { for: number; against: number; score: number }>();
  for (const c of f.candidates) {
    const get = (k: string) => c.counts[k] ?? 0;
    if (p.ballotType === 'approve') counts.set(c.candidateId, { for: get('for'), against: get('against'), score: get('for') });
    else if (p.ballotType === 'choose') counts.set(c.candidateId, { for: get('chosen'), against: 0, score: get('chosen') });
    else {
      let times = 0;
      let score = 0;
      for (let pos = 1; pos <= p.choose; pos++) {
        times += get(String(pos));
        score += get(String(pos)) * (p.choose + 1 - pos);
      }
      counts.set(c.candidateId, { for: times, against: 0, score });
    }
  }
  return { valid: f.valid, counts };
}

/**
 * The box's own added counts (an encrypted box arrives as decrypted totals, docs/CRYPTO.md
 * §"Count") together with the paper count's: the combined count takes both.
 */
function sumAdded(a: AddedCounts | undefined, b: AddedCounts): AddedCounts {
  if (!a) return b;
  const counts = new Map<string, { for: number; against: number; score: number }>();
  for (const [id, x] of [...a.counts, ...b.counts]) {
    const prev = counts.get(id) ?? { for: 0, against: 0, score: 0 };
    counts.set(id, { for: prev.for + x.for, against: prev.against + x.against, score: prev.score + x.score });
  }
  return { valid: a.valid + b.valid, counts };
}

type RatingAdded = { valid: number; counts: ReadonlyMap<string, RatingCounts> };
function sumRatingAdded(a: RatingAdded | undefined, b: RatingAdded): RatingAdded {
  if (!a) return b;
  const counts = new Map<string, RatingCounts>();
  for (const [id, x] of [...a.counts, ...b.counts]) {
    const prev = counts.get(id) ?? { satisfied: 0, basic: 0, unsatisfied: 0, abstain: 0 };
    counts.set(id, { satisfied: prev.satisfied + x.satisfied, basic: prev.basic + x.basic, unsatisfied: prev.unsatisfied + x.unsatisfied, abstain: prev.abstain + x.abstain });
  }
  return { valid: a.valid + b.valid, counts };
}

function paperRatingAddition(f: PaperFigures): { valid: number; counts: Map<string, RatingCounts> } {
  return {
    valid: f.valid,
    counts: new Map(
      f.candidates.map((c) => [c.candidateId, { satisfied: c.counts.satisfied ?? 0, basic: c.counts.basic ?? 0, unsatisfied: c.counts.unsatisfied ?? 0, abstain: c.counts.abstain ?? 0 }]),
    ),
  };
}

/** The two parts of a count, side by side, as the record and the archive show them. */
export interface PaperParts {
  electronic: OfficialRecord;
  paper: OfficialRecord;
  /** the paper 无效, by reason */
  invalidReasons: Partial<Record<PaperInvalidReason, number>>;
  /**
   * Per candidate, each part's counts; null when a part holds some ballots but fewer than the
   * poll's minimum (two deputies on paper: their part alone would tell how they voted).
   */
  split: { candidateId: string; electronic: Record<string, number>; paper: Record<string, number> }[] | null;
}

function partsOf<R extends { candidateId: string }>(
  electronic: { rows: R[]; record: OfficialRecord },
  paper: { rows: R[]; record: OfficialRecord },
  reasons: PaperFigures['invalidReasons'],
  minBallots: number,
  pick: (r: R) => Record<string, number>,
): PaperParts {
  const tooFew = (rec: OfficialRecord) => rec.returned > 0 && rec.returned < minBallots;
  const paperRows = new Map(paper.rows.map((r) => [r.candidateId, r]));
  return {
    electronic: electronic.record,
    paper: paper.record,
    invalidReasons: reasons,
    split:
      tooFew(electronic.record) || tooFew(paper.record)
        ? null
        : electronic.rows.map((r) => {
            const other = paperRows.get(r.candidateId);
            return { candidateId: r.candidateId, electronic: pick(r), paper: other ? pick(other) : {} };
          }),
  };
}

/**
 * A vote poll counted from its box (`input`: the electronic part, 发出 = tablet ballots issued)
 * and its reconciled paper figures: the combined result, with both parts kept apart.
 */
export function tallyWithPaper(input: TallyInput, p: PaperPoll, f: PaperFigures, minBallots: number): TallyResult & { paper: PaperParts } {
  const added = paperAddition(p, f);
  const combined = tally({ ...input, invalid: input.invalid + f.invalid, issued: input.issued + f.issued, added: sumAdded(input.added, added) });
  const electronic = tally(input);
  const paper = tally({ ...input, ballots: [], invalid: f.invalid, issued: f.issued, added });
  return { ...combined, paper: partsOf(electronic, paper, f.invalidReasons, minBallots, (r) => ({ for: r.for, against: r.against, abstain: r.abstain, score: r.score })) };
}

/** tallyWithPaper for a satisfaction-rating poll. */
export function tallyRatingWithPaper(input: Parameters<typeof tallyRating>[0], f: PaperFigures, minBallots: number): RatingResult & { paper: PaperParts } {
  const added = paperRatingAddition(f);
  const combined = tallyRating({ ...input, invalid: input.invalid + f.invalid, issued: input.issued + f.issued, added: sumRatingAdded(input.added, added) });
  const electronic = tallyRating(input);
  const paper = tallyRating({ ...input, ballots: [], invalid: f.invalid, issued: f.issued, added });
  return {
    ...combined,
    paper: partsOf(electronic, paper, f.invalidReasons, minBallots, (r) => ({ satisfied: r.satisfied, basic: r.basic, unsatisfied: r.unsatisfied, abstain: r.abstain })),
  };
}
