import { describe, it, expect } from 'vitest';
import { grade, GRADING_RULES, RATING_MARKS } from './grading.ts';

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
    expect(grade(c(50, 1, 49), 'zhenhai')).toBe('basic');
    expect(GRADING_RULES).toEqual(['zhenhai']);
    expect(RATING_MARKS).toEqual(['satisfied', 'basic', 'unsatisfied', 'abstain']);
  });
});
