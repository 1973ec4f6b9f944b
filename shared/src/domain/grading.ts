/**
 * Satisfaction rating of a project after its year (docs/PROCEDURE.md §5 评估).
 */

export const RATING_MARKS = ['satisfied', 'basic', 'unsatisfied', 'abstain'] as const;
export type RatingMark = (typeof RATING_MARKS)[number];

export const GRADES = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Grade = (typeof GRADES)[number];

/** Grading rules in use; add more here (and a case in grade()). */
export const GRADING_RULES = ['zhenhai'] as const;
export type GradingRule = (typeof GRADING_RULES)[number];

/**
 * What 满意 is counted against: every member of the rating body (全体组成人员 / 全体代表, the
 * 镇海 published rule, the default) or only those who rated (参加测评人数). A setting of the
 * rating poll.
 */
export const RATING_BASES = ['members', 'raters'] as const;
export type RatingBase = (typeof RATING_BASES)[number];

/** Who rates: the deputies at a session, or the standing committee's members. */
export const RATING_BODIES = ['deputies', 'standing_committee'] as const;
export type RatingBody = (typeof RATING_BODIES)[number];

export type RatingCounts = Record<RatingMark, number>;

/** The base in force for one poll: for 'members', how many members the rating body has. */
export type GradingBase = { base: 'raters' } | { base: 'members'; members: number };

/** The number the 半数 is taken of. Raters are all four counts summed (弃权 included). */
export function gradingDenominator(counts: RatingCounts, b: GradingBase): number {
  return b.base === 'members' ? b.members : counts.satisfied + counts.basic + counts.unsatisfied + counts.abstain;
}

/**
 * zhenhai (镇海): 满意 if 满意 votes exceed half of the base; otherwise 基本满意 if 满意 + 基本满意
 * exceed half; otherwise 不满意. Exactly half is not more than half (含半数 is 不满意). A base of
 * nobody grades 不满意.
 */
export function grade(counts: RatingCounts, b: GradingBase = { base: 'raters' }, rule: GradingRule = 'zhenhai'): Grade {
  switch (rule) {
    case 'zhenhai': {
      const base = gradingDenominator(counts, b);
      if (counts.satisfied * 2 > base) return 'satisfied';
      if ((counts.satisfied + counts.basic) * 2 > base) return 'basic';
      return 'unsatisfied';
    }
  }
}

/**
 * 满意率, always published whatever the base: 满意 ÷ valid ballots, and (满意 + 基本满意) ÷ valid
 * ballots; 0 when nobody rated.
 */
export function satisfactionRates(counts: RatingCounts): { satisfiedRate: number; satisfactionRate: number } {
  const valid = counts.satisfied + counts.basic + counts.unsatisfied + counts.abstain;
  if (valid === 0) return { satisfiedRate: 0, satisfactionRate: 0 };
  return { satisfiedRate: counts.satisfied / valid, satisfactionRate: (counts.satisfied + counts.basic) / valid };
}

/** 98.56% — a rate as published, two decimals. */
/** Whether a grade calls for 整改: 不满意 always, 基本满意 where the cycle's setting says so (docs/PROCEDURE.md §5). */
export const callsForRectification = (g: Grade, includeBasic: boolean): g is 'basic' | 'unsatisfied' => g === 'unsatisfied' || (g === 'basic' && includeBasic);

export const formatRate = (r: number): string => `${(Math.round(r * 10000) / 100).toFixed(2)}%`;

/** The members of a rating body as a 公告 names them. */
export function ratingBodyNoun(body: RatingBody): string {
  return body === 'standing_committee' ? '常委会组成人员' : '代表';
}

/**
 * The grading rule as the 公告 and the console state it, following the base and the body:
 * "满意票超过全体代表半数的…" or "…超过参加测评人数半数的…".
 */
export function gradingRuleText(base: RatingBase, body: RatingBody): string {
  const whole = base === 'members' ? `全体${body === 'standing_committee' ? '组成人员' : '代表'}` : '参加测评人数';
  return (
    `满意票超过${whole}半数的，为测评满意；` +
    `满意票未超过${whole}半数，但满意票与基本满意票之和超过${whole}半数的，为测评基本满意；` +
    `满意票与基本满意票之和未超过${whole}半数（含半数）的，为测评不满意。`
  );
}
