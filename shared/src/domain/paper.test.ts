import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RATING_MARKS } from './grading.ts';
import {
  checkPaperFigures,
  comparePaperFigures,
  paperCountKeys,
  paperFiguresOf,
  paperInvalidReasons,
  tallyRatingWithPaper,
  tallyWithPaper,
  type PaperBallotType,
  type PaperFigures,
  type PaperPoll,
} from './paper.ts';
import { tallyRating, type RatingBallot } from './rating.ts';
import type { BallotBody, Mark, PollRules } from './rules.ts';
import { tally } from './tally.ts';

const ALL_IDS = ['a', 'b', 'c', 'd', 'e', 'f'];

/** A poll of 2–6 candidates and 1 ≤ N < candidates. */
const pollArb = (type: PaperBallotType) =>
  fc
    .integer({ min: 2, max: 6 })
    .chain((k) => fc.record({ k: fc.constant(k), n: fc.integer({ min: 1, max: k - 1 }), allowAbstain: fc.boolean() }))
    .map(({ k, n, allowAbstain }): PaperPoll => ({ ballotType: type, choose: n, candidateIds: ALL_IDS.slice(0, k), allowAbstain }));

/** A valid ballot of the poll, as the tablet (or a careful voter on paper) would mark it. */
function ballotArb(p: PaperPoll): fc.Arbitrary<BallotBody | RatingBallot> {
  const ids = [...p.candidateIds];
  switch (p.ballotType) {
    case 'approve':
      return fc.array(fc.constantFrom<Mark>('for', 'against', 'abstain'), { minLength: ids.length, maxLength: ids.length }).map((marks) => {
        let approvals = 0;
        const out: Record<string, Mark> = {};
        ids.forEach((id, i) => {
          let m = marks[i] ?? 'abstain';
          if (m === 'for' && ++approvals > p.choose) m = 'abstain';
          out[id] = m;
        });
        return { type: 'approve', marks: out };
      });
    case 'choose':
      return fc.shuffledSubarray(ids, { maxLength: p.choose }).map((selected) => ({ type: 'choose', selected }));
    case 'rank':
      return fc.shuffledSubarray(ids, { maxLength: p.choose }).map((ranking) => ({ type: 'rank', ranking }));
    case 'rating': {
      const marks = RATING_MARKS.filter((m) => p.allowAbstain || m !== 'abstain');
      return fc.array(fc.constantFrom(...marks), { minLength: ids.length, maxLength: ids.length }).map((m) => ({ type: 'rating', marks: Object.fromEntries(ids.map((id, i) => [id, m[i] ?? 'satisfied'])) }));
    }
  }
}

/** A poll, the ballots returned valid, and a spread of invalid ones over the poll's reasons. */
const countArb = (type: PaperBallotType) =>
  pollArb(type).chain((p) =>
    fc.record({
      p: fc.constant(p),
      ballots: fc.array(ballotArb(p), { maxLength: 30 }),
      invalid: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: paperInvalidReasons(p).length, maxLength: paperInvalidReasons(p).length }),
      unreturned: fc.integer({ min: 0, max: 3 }),
    }),
  );

function figuresOf(c: { p: PaperPoll; ballots: (BallotBody | RatingBallot)[]; invalid: number[]; unreturned: number }): PaperFigures {
  const reasons = Object.fromEntries(paperInvalidReasons(c.p).map((r, i) => [r, c.invalid[i] ?? 0]));
  const returned = c.ballots.length + (c.invalid.reduce((a, b) => a + b, 0));
  return paperFiguresOf(c.p, c.ballots, { issued: returned + c.unreturned, invalidReasons: reasons });
}

const TYPES: PaperBallotType[] = ['approve', 'choose', 'rank', 'rating'];
const codes = (p: PaperPoll, f: PaperFigures) => checkPaperFigures(p, f).map((x) => x.code);
const rulesOf = (p: PaperPoll): PollRules => ({ ballotType: p.ballotType === 'rating' ? 'approve' : p.ballotType, choose: p.choose, passThreshold: 'none', tieRule: 'runoff' });

describe('checkPaperFigures: figures real ballots produce always pass', () => {
  for (const type of TYPES) {
    it(type, () => {
      fc.assert(fc.property(countArb(type), (c) => { expect(checkPaperFigures(c.p, figuresOf(c))).toEqual([]); }));
    });
  }
});

describe('checkPaperFigures: each broken rule is refused with its code', () => {
  it('收回 > 发出 (the vote is void)', () => {
    fc.assert(
      fc.property(countArb('approve'), fc.integer({ min: 1, max: 5 }), (c, over) => {
        const f = figuresOf(c);
        fc.pre(f.returned >= over);
        expect(codes(c.p, { ...f, issued: f.returned - over })).toEqual(['PAPER_RETURNED_OVER_ISSUED']);
      }),
    );
  });

  it('有效 + 无效 ≠ 收回', () => {
    fc.assert(
      fc.property(countArb('choose'), fc.integer({ min: 1, max: 3 }), (c, d) => {
        const f = figuresOf(c);
        expect(codes(c.p, { ...f, returned: f.returned + d, issued: f.issued + d })).toEqual(['PAPER_RETURNED_SUM']);
      }),
    );
  });

  it('the reasons for 无效 do not add up to 无效', () => {
    fc.assert(
      fc.property(countArb('rank'), (c) => {
        const f = figuresOf(c);
        const reasons = { ...f.invalidReasons, unreadable: (f.invalidReasons.unreadable ?? 0) + 1 };
        expect(codes(c.p, { ...f, invalidReasons: reasons })).toEqual(['PAPER_REASONS_SUM']);
      }),
    );
  });

  it('approve and rating: one candidate’s marks do not add up to 有效', () => {
    for (const type of ['approve', 'rating'] as const) {
      fc.assert(
        fc.property(countArb(type), fc.nat(), (c, pick) => {
          const f = figuresOf(c);
          const i = pick % f.candidates.length;
          const key = paperCountKeys(c.p)[pick % paperCountKeys(c.p).length]!;
          const candidates = f.candidates.map((x, j) => (j === i ? { ...x, counts: { ...x.counts, [key]: (x.counts[key] ?? 0) + 1 } } : x));
          expect(codes(c.p, { ...f, candidates })).toContain('PAPER_CANDIDATE_SUM');
        }),
      );
    }
  });

  it('choose: a candidate chosen more often than there are valid ballots', () => {
    const p: PaperPoll = { ballotType: 'choose', choose: 2, candidateIds: ['a', 'b', 'c'], allowAbstain: false };
    const f = paperFiguresOf(p, [{ type: 'choose', selected: ['a'] }], { issued: 1 });
    f.candidates[1]!.counts.chosen = 2;
    expect(codes(p, f)).toEqual(['PAPER_CANDIDATE_OVER_VALID', 'PAPER_TOTAL_OVER_N']);
  });

  it('approve: more 赞成 in all than N per valid ballot', () => {
    const p: PaperPoll = { ballotType: 'approve', choose: 1, candidateIds: ['a', 'b', 'c'], allowAbstain: false };
    const f = paperFiguresOf(p, [{ type: 'approve', marks: { a: 'for', b: 'abstain', c: 'abstain' } }], { issued: 1 });
    f.candidates[1]!.counts = { for: 1, against: 0, abstain: 0 };
    expect(codes(p, f)).toEqual(['PAPER_TOTAL_OVER_N']);
  });

  it('rank: two candidates in first place on one ballot', () => {
    const p: PaperPoll = { ballotType: 'rank', choose: 2, candidateIds: ['a', 'b', 'c'], allowAbstain: false };
    const f = paperFiguresOf(p, [{ type: 'rank', ranking: ['a', 'b'] }], { issued: 1 });
    f.candidates[2]!.counts = { '1': 1, '2': 0 };
    expect(checkPaperFigures(p, f)).toEqual([{ code: 'PAPER_POSITION_OVER_VALID', field: 'position.1' }]);
    f.candidates[0]!.counts = { '1': 1, '2': 1 };
    expect(codes(p, f)).toContain('PAPER_CANDIDATE_OVER_VALID');
  });

  it('shape: a missing or unknown candidate, a wrong key, a reason the form cannot have, a figure that is not a count', () => {
    const p: PaperPoll = { ballotType: 'rating', choose: 2, candidateIds: ['a', 'b'], allowAbstain: false };
    const f = paperFiguresOf(p, [{ type: 'rating', marks: { a: 'satisfied', b: 'basic' } }], { issued: 1 });
    expect(checkPaperFigures(p, { ...f, candidates: f.candidates.slice(1) })).toEqual([{ code: 'PAPER_FIELDS', field: 'candidates.a' }]);
    expect(checkPaperFigures(p, { ...f, candidates: [...f.candidates, { candidateId: 'z', counts: {} }] })).toEqual([{ code: 'PAPER_FIELDS', field: 'candidates.z' }]);
    expect(checkPaperFigures(p, { ...f, candidates: [f.candidates[0]!, f.candidates[0]!, f.candidates[1]!] })).toEqual([{ code: 'PAPER_FIELDS', field: 'candidates.a' }]);
    // no 弃权 column on this form
    expect(checkPaperFigures(p, { ...f, candidates: [{ candidateId: 'a', counts: { satisfied: 1, basic: 0, unsatisfied: 0, abstain: 0 } }, f.candidates[1]!] })).toEqual([
      { code: 'PAPER_FIELDS', field: 'candidates.a' },
    ]);
    expect(checkPaperFigures(p, { ...f, invalidReasons: { too_many: 0 } })).toEqual([{ code: 'PAPER_FIELDS', field: 'invalidReasons.too_many' }]);
    expect(checkPaperFigures(p, { ...f, valid: -1 })).toEqual([{ code: 'PAPER_NUMBER', field: 'valid' }]);
    expect(checkPaperFigures(p, { ...f, issued: 1.5 })).toEqual([{ code: 'PAPER_NUMBER', field: 'issued' }]);
  });
});

describe('comparePaperFigures', () => {
  it('two equal entries have no difference; one changed field is exactly the difference', () => {
    fc.assert(
      fc.property(countArb('approve'), fc.nat(), fc.integer({ min: 1, max: 9 }), (c, pick, d) => {
        const f = figuresOf(c);
        expect(comparePaperFigures(c.p, f, structuredClone(f))).toEqual([]);
        const i = pick % f.candidates.length;
        const g = structuredClone(f);
        g.candidates[i]!.counts.against = (g.candidates[i]!.counts.against ?? 0) + d;
        expect(comparePaperFigures(c.p, f, g)).toEqual([{ field: `candidates.${f.candidates[i]!.candidateId}.against`, first: f.candidates[i]!.counts.against, second: g.candidates[i]!.counts.against }]);
      }),
    );
  });

  it('a reason left out equals a reason entered as 0', () => {
    const p: PaperPoll = { ballotType: 'choose', choose: 1, candidateIds: ['a', 'b'], allowAbstain: false };
    const f = paperFiguresOf(p, [], { issued: 0 });
    expect(comparePaperFigures(p, f, { ...f, invalidReasons: { unreadable: 0 } })).toEqual([]);
  });
});

describe('tallyWithPaper: the paper count added to the box counts as if the ballots had been in the box', () => {
  for (const type of ['approve', 'choose', 'rank'] as const) {
    it(type, () => {
      fc.assert(
        fc.property(countArb(type), fc.nat(), (c, cut) => {
          const split = cut % (c.ballots.length + 1);
          const electronic = c.ballots.slice(0, split) as BallotBody[];
          const onPaper = c.ballots.slice(split);
          const f = figuresOf({ ...c, ballots: onPaper });
          const candidates = c.p.candidateIds.map((id) => ({ id, name: id }));
          const base = { rules: rulesOf(c.p), candidates, seated: 50, present: 40 };
          const combined = tallyWithPaper({ ...base, ballots: electronic, invalid: 0, issued: electronic.length }, c.p, f, 1);
          const all = tally({ ...base, ballots: c.ballots as BallotBody[], invalid: f.invalid, issued: electronic.length + f.issued });
          expect(combined.rows).toEqual(all.rows);
          expect(combined.chosen).toEqual(all.chosen);
          expect(combined.tie).toEqual(all.tie);
          expect(combined.record).toEqual(all.record);
          expect(combined.paper.paper.valid).toBe(onPaper.length);
          expect(combined.paper.electronic.valid).toBe(electronic.length);
        }),
      );
    });
  }

  it('rating', () => {
    fc.assert(
      fc.property(countArb('rating'), fc.nat(), (c, cut) => {
        const split = cut % (c.ballots.length + 1);
        const ballots = c.ballots as RatingBallot[];
        const f = figuresOf({ ...c, ballots: ballots.slice(split) });
        const base = { candidates: c.p.candidateIds.map((id) => ({ id, name: id })), seated: 40, present: 40, gradingRule: 'zhenhai' as const, ratingBase: 'members' as const, ratingBody: 'deputies' as const };
        const combined = tallyRatingWithPaper({ ...base, ballots: ballots.slice(0, split), invalid: 0, issued: split }, f, 1);
        const all = tallyRating({ ...base, ballots, invalid: f.invalid, issued: split + f.issued });
        expect(combined.rows).toEqual(all.rows);
        expect(combined.record).toEqual(all.record);
      }),
    );
  });

  it('withholds the per-candidate split when a part has fewer ballots than the minimum (two deputies on paper)', () => {
    const p: PaperPoll = { ballotType: 'choose', choose: 1, candidateIds: ['a', 'b'], allowAbstain: false };
    const tablets: BallotBody[] = Array.from({ length: 8 }, (_, i) => ({ type: 'choose', selected: [i % 2 ? 'a' : 'b'] }));
    const two = paperFiguresOf(p, [{ type: 'choose', selected: ['a'] }, { type: 'choose', selected: ['a'] }], { issued: 2 });
    const input = { rules: rulesOf(p), candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], ballots: tablets, invalid: 0, seated: 10, present: 10, issued: 8 };
    const r = tallyWithPaper(input, p, two, 5);
    expect(r.paper.split).toBeNull();
    expect(r.paper.paper.returned).toBe(2);
    expect(r.rows.find((x) => x.candidateId === 'a')?.for).toBe(6);
    const many = paperFiguresOf(p, Array.from({ length: 5 }, () => ({ type: 'choose' as const, selected: ['a'] })), { issued: 5 });
    expect(tallyWithPaper(input, p, many, 5).paper.split?.find((x) => x.candidateId === 'a')).toEqual({ candidateId: 'a', electronic: { for: 4, against: 0, abstain: 4, score: 4 }, paper: { for: 5, against: 0, abstain: 0, score: 5 } });
    // a whole-paper poll: the empty electronic part reveals nothing
    expect(tallyWithPaper({ ...input, ballots: [], issued: 0 }, p, many, 5).paper.split).not.toBeNull();
  });
});
