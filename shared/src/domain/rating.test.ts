import { describe, expect, it } from 'vitest';
import { readRatingResult, tallyRating, validateRatingBallot } from './rating.ts';

const ids = ['p1', 'p2'];

describe('validateRatingBallot', () => {
  it('fills unmarked projects with abstain when abstention is allowed', () => {
    expect(validateRatingBallot({ type: 'rating', marks: { p1: 'satisfied' } }, ids, true)).toEqual({
      ok: true,
      ballot: { type: 'rating', marks: { p1: 'satisfied', p2: 'abstain' } },
    });
  });
  it('requires every project without abstention, and refuses abstain itself', () => {
    expect(validateRatingBallot({ type: 'rating', marks: { p1: 'satisfied' } }, ids, false)).toMatchObject({ ok: false, code: 'INCOMPLETE' });
    expect(validateRatingBallot({ type: 'rating', marks: { p1: 'satisfied', p2: 'abstain' } }, ids, false)).toMatchObject({ ok: false, code: 'BAD_MARK' });
  });
  it('refuses unknown projects, bad marks, wrong types and junk', () => {
    expect(validateRatingBallot({ type: 'rating', marks: { p9: 'basic' } }, ids, true)).toMatchObject({ code: 'UNKNOWN_CANDIDATE' });
    expect(validateRatingBallot({ type: 'rating', marks: { p1: 'for' } }, ids, true)).toMatchObject({ code: 'BAD_MARK' });
    expect(validateRatingBallot({ type: 'approve', marks: {} }, ids, true)).toMatchObject({ code: 'WRONG_BALLOT_TYPE' });
    for (const junk of [null, 1, 'x', [], { type: 'rating' }, { type: 'rating', marks: [] }]) {
      expect(validateRatingBallot(junk, ids, true).ok).toBe(false);
    }
  });
});

describe('tallyRating', () => {
  it('counts marks and grades each project by the zhenhai rule, exactly half not being more', () => {
    // p1: 2 satisfied, 1 basic, 1 unsatisfied of 4 → satisfied is exactly half → not 满意;
    //     satisfied+basic = 3 > 2 → 基本满意. p2: 3 satisfied of 4 → 满意.
    const b = (p1: string, p2: string) => ({ type: 'rating' as const, marks: { p1, p2 } as never });
    const r = tallyRating({
      candidates: [{ id: 'p1', name: '项目一' }, { id: 'p2', name: '项目二' }],
      ballots: [b('satisfied', 'satisfied'), b('satisfied', 'satisfied'), b('basic', 'satisfied'), b('unsatisfied', 'unsatisfied')],
      invalid: 0,
      seated: 10,
      present: 6,
      issued: 6,
      gradingRule: 'zhenhai',
      ratingBase: 'raters',
      ratingBody: 'deputies',
    });
    expect(r.rows[0]).toEqual({ candidateId: 'p1', name: '项目一', satisfied: 2, basic: 1, unsatisfied: 1, abstain: 0, grade: 'basic', satisfiedRate: 0.5, satisfactionRate: 0.75 });
    expect(r.rows[1]).toMatchObject({ satisfied: 3, unsatisfied: 1, grade: 'satisfied' });
    expect(r.record).toEqual({ seated: 10, present: 6, issued: 6, returned: 4, valid: 4, invalid: 0, notVoted: 2, balanced: true });
  });

  it('grades against all 10 seated members by default setting: 3 满意 of 10 is no majority', () => {
    const b = (p1: string) => ({ type: 'rating' as const, marks: { p1, p2: 'satisfied' } as never });
    const r = tallyRating({
      candidates: [{ id: 'p1', name: '项目一' }, { id: 'p2', name: '项目二' }],
      ballots: [b('satisfied'), b('satisfied'), b('satisfied'), b('basic')],
      invalid: 0,
      seated: 10,
      present: 6,
      issued: 6,
      gradingRule: 'zhenhai',
      ratingBase: 'members',
      ratingBody: 'deputies',
    });
    expect(r.rows[0]).toMatchObject({ grade: 'unsatisfied', satisfiedRate: 0.75, satisfactionRate: 1 });
    expect(r.ratingBase).toBe('members');
  });
});

describe('readRatingResult', () => {
  it('reads a result stored before the base was a setting as graded against raters', () => {
    const old = { gradingRule: 'zhenhai', rows: [{ candidateId: 'p1', name: 'x', satisfied: 1, basic: 1, unsatisfied: 2, abstain: 0, grade: 'unsatisfied', satisfactionRate: 0.5 }], record: {} };
    expect(readRatingResult(old)).toMatchObject({ ratingBase: 'raters', ratingBody: 'deputies', rows: [{ satisfiedRate: 0.25 }] });
    expect(readRatingResult(null)).toBeNull();
  });
});
