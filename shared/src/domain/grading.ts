/**
 * Satisfaction rating of a project after its year (DOMAIN.md §5 评估).
 */

export const RATING_MARKS = ['satisfied', 'basic', 'unsatisfied', 'abstain'] as const;
export type RatingMark = (typeof RATING_MARKS)[number];

export const GRADES = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Grade = (typeof GRADES)[number];

/** Grading rules in use; add more here (and a case in grade()). */
export const GRADING_RULES = ['zhenhai'] as const;
export type GradingRule = (typeof GRADING_RULES)[number];

export type RatingCounts = Record<RatingMark, number>;

/**
 * zhenhai (镇海): raters = all four counts summed (弃权 included). 满意 if 满意 votes exceed
 * half of the raters; otherwise 基本满意 if 满意 + 基本满意 exceed half; otherwise 不满意.
 * Exactly half is not more than half. No raters at all grades 不满意.
 */
export function grade(counts: RatingCounts, rule: GradingRule = 'zhenhai'): Grade {
  switch (rule) {
    case 'zhenhai': {
      const raters = counts.satisfied + counts.basic + counts.unsatisfied + counts.abstain;
      if (counts.satisfied * 2 > raters) return 'satisfied';
      if ((counts.satisfied + counts.basic) * 2 > raters) return 'basic';
      return 'unsatisfied';
    }
  }
}
