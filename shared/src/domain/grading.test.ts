import { describe, it, expect } from 'vitest';
import { formatRate, grade, gradingRuleText, GRADING_RULES, RATING_MARKS, satisfactionRates } from './grading.ts';

const c = (satisfied: number, basic: number, unsatisfied: number, abstain = 0) => ({
  satisfied,
  basic,
  unsatisfied,
  abstain,
});

describe('grade — zhenhai (镇海)', () => {
  it('满意 when 满意 exceeds half of all raters', () => {
    expect(grade(c(51, 30, 19))).toBe('satisfied'); // 51 of 100
    expect(grade(c(6, 0, 5))).toBe('satisfied'); // 6 of 11
    expect(grade(c(1, 0, 0))).toBe('satisfied');
  });

  it('exactly half 满意 is not 满意 (falls to 基本满意 when 满意+基本满意 exceed half)', () => {
    expect(grade(c(50, 1, 49))).toBe('basic'); // 50 of 100; 51 of 100
    expect(grade(c(5, 0, 5))).toBe('unsatisfied'); // 5 of 10; 5 of 10
  });

  it('基本满意 when 满意 + 基本满意 exceed half', () => {
    expect(grade(c(20, 31, 49))).toBe('basic'); // 51 of 100
    expect(grade(c(0, 6, 5))).toBe('basic'); // 6 of 11
  });

  it('exactly half 满意 + 基本满意 is 不满意', () => {
    expect(grade(c(20, 30, 50))).toBe('unsatisfied'); // 50 of 100
    expect(grade(c(1, 1, 2))).toBe('unsatisfied'); // 2 of 4
  });

  it('弃权 counts among the raters', () => {
    expect(grade(c(6, 0, 0, 4))).toBe('satisfied'); // 6 of 10
    expect(grade(c(5, 0, 0, 5))).toBe('unsatisfied'); // 5 of 10, 5 of 10
    expect(grade(c(5, 1, 0, 5))).toBe('basic'); // 5 of 11 < half; 6 of 11 > half
    expect(grade(c(3, 3, 0, 4))).toBe('basic'); // 3 of 10; 6 of 10
    expect(grade(c(3, 2, 0, 5))).toBe('unsatisfied'); // 5 of 10
  });

  it('不满意 when most are dissatisfied, and with no raters at all', () => {
    expect(grade(c(10, 10, 80))).toBe('unsatisfied');
    expect(grade(c(0, 0, 0, 0))).toBe('unsatisfied');
  });

  it('zhenhai is the default rule', () => {
    expect(grade(c(50, 1, 49), { base: 'raters' }, 'zhenhai')).toBe('basic');
    expect(GRADING_RULES).toEqual(['zhenhai']);
    expect(RATING_MARKS).toEqual(['satisfied', 'basic', 'unsatisfied', 'abstain']);
  });
});

describe('grade — the base is a setting (全体组成人员 vs 参加测评人数)', () => {
  const members = (n: number) => ({ base: 'members' as const, members: n });

  it('counts against all members: exactly half of the members is not more than half', () => {
    // 60 members, 40 rated: 30 满意 is a clear majority of those rating, exactly half of all.
    expect(grade(c(30, 5, 5), members(60))).toBe('basic');
    expect(grade(c(30, 5, 5), { base: 'raters' })).toBe('satisfied');
    // 满意 + 基本满意 = 30 of 60: 含半数 is 不满意 against all members, 基本满意 against raters.
    expect(grade(c(20, 10, 10), members(60))).toBe('unsatisfied');
    expect(grade(c(20, 10, 10), { base: 'raters' })).toBe('basic');
    expect(grade(c(31, 0, 9), members(60))).toBe('satisfied');
  });

  it('absent members weigh like dissatisfied ones under the members base', () => {
    expect(grade(c(26, 0, 0), members(50))).toBe('satisfied');
    expect(grade(c(25, 0, 0), members(50))).toBe('unsatisfied');
    expect(grade(c(0, 0, 0), members(0))).toBe('unsatisfied');
  });

  it('满意率 is always over valid ballots, whatever the base', () => {
    expect(satisfactionRates(c(30, 5, 5))).toEqual({ satisfiedRate: 0.75, satisfactionRate: 0.875 });
    expect(satisfactionRates(c(0, 0, 0))).toEqual({ satisfiedRate: 0, satisfactionRate: 0 });
    expect(formatRate(0.98564)).toBe('98.56%');
    expect(formatRate(1)).toBe('100.00%');
  });

  it('states the rule the way the base and the rating body read', () => {
    expect(gradingRuleText('members', 'deputies')).toContain('满意票超过全体代表半数的，为测评满意');
    expect(gradingRuleText('members', 'standing_committee')).toContain('全体组成人员半数');
    expect(gradingRuleText('raters', 'deputies')).toContain('满意票超过参加测评人数半数的');
    expect(gradingRuleText('members', 'deputies')).toContain('（含半数）的，为测评不满意');
  });
});
