import { describe, it, expect } from 'vitest';
import { tally } from './tally.ts';
import type { TallyInput, Tie } from './tally.ts';
import type { BallotBody, PollRules, Mark } from './rules.ts';

const CANDIDATES = [
  { id: 'a', name: '新建中小学' },
  { id: 'b', name: '老旧小区改造' },
  { id: 'c', name: '社区养老服务中心' },
  { id: 'd', name: '农村公路提档' },
  { id: 'e', name: '城区停车场' },
];

function approve(a: Mark, b: Mark, c: Mark, d: Mark, e: Mark): BallotBody {
  return { type: 'approve', marks: { a, b, c, d, e } };
}
const choose = (...selected: string[]): BallotBody => ({ type: 'choose', selected });
const rank = (...ranking: string[]): BallotBody => ({ type: 'rank', ranking });

function input(
  rules: PollRules,
  ballots: BallotBody[],
  extra: Partial<Omit<TallyInput, 'rules' | 'ballots'>> = {},
): TallyInput {
  return {
    rules,
    candidates: CANDIDATES,
    ballots,
    invalid: 0,
    seated: ballots.length,
    present: ballots.length,
    issued: ballots.length,
    ...extra,
  };
}

/** compact view of the rows: [id, for, against, abstain, score, rank, passes, status] */
function rows(r: ReturnType<typeof tally>) {
  return r.rows.map((x) => [x.candidateId, x.for, x.against, x.abstain, x.score, x.rank, x.passesThreshold, x.status]);
}

// ── approve: 5 candidates, N = 3, 7 valid ballots ───────────────────────────────────────────
//            a          b          c          d          e
const APPROVE_BALLOTS: BallotBody[] = [
  approve('for',     'for',     'for',     'against', 'abstain'), // 1
  approve('for',     'for',     'for',     'abstain', 'against'), // 2
  approve('for',     'for',     'for',     'against', 'against'), // 3
  approve('for',     'for',     'abstain', 'abstain', 'abstain'), // 4
  approve('for',     'for',     'against', 'for',     'abstain'), // 5
  approve('for',     'against', 'abstain', 'for',     'for'),     // 6
  approve('against', 'against', 'for',     'abstain', 'abstain'), // 7
];
// hand count:  a 6/1/0   b 5/2/0   c 4/1/2   d 2/2/3   e 1/2/4
const APPROVE_RULES = (passThreshold: PollRules['passThreshold']): PollRules => ({
  ballotType: 'approve',
  choose: 3,
  passThreshold,
  tieRule: 'runoff',
});

describe('tally — approve ballots', () => {
  it('counts 赞成/反对/弃权 and takes the top N (no threshold)', () => {
    const r = tally(
      input(APPROVE_RULES('none'), APPROVE_BALLOTS, { seated: 9, present: 8, issued: 8, invalid: 1 }),
    );
    expect(rows(r)).toEqual([
      ['a', 6, 1, 0, 6, 1, true, 'chosen'],
      ['b', 5, 2, 0, 5, 2, true, 'chosen'],
      ['c', 4, 1, 2, 4, 3, true, 'chosen'],
      ['d', 2, 2, 3, 2, 4, true, 'not_chosen'],
      ['e', 1, 2, 4, 1, 5, true, 'not_chosen'],
    ]);
    expect(r.chosen).toEqual(['a', 'b', 'c']);
    expect(r.tie).toBeNull();
    expect(r.vacancies).toBe(0);
    expect(r.thresholdVotes).toBeNull();
    expect(r.rows[0]?.name).toBe('新建中小学');
    expect(r.record).toEqual({
      seated: 9,
      present: 8,
      issued: 8,
      returned: 8,
      valid: 7,
      invalid: 1,
      notVoted: 0,
      balanced: true,
    });
  });

  it('seated majority: 9 seated → must exceed 4.5; c (4) fails, one vacancy', () => {
    const r = tally(input(APPROVE_RULES('seated_majority'), APPROVE_BALLOTS, { seated: 9, present: 7, issued: 7 }));
    expect(r.thresholdVotes).toBe(4.5);
    expect(r.rows.map((x) => x.passesThreshold)).toEqual([true, true, false, false, false]);
    expect(r.chosen).toEqual(['a', 'b']);
    expect(r.rows.map((x) => x.status)).toEqual(['chosen', 'chosen', 'not_chosen', 'not_chosen', 'not_chosen']);
    expect(r.vacancies).toBe(1);
    expect(r.tie).toBeNull();
  });

  it('seated majority: exactly half is not more than half (8 seated, c has 4)', () => {
    const r = tally(input(APPROVE_RULES('seated_majority'), APPROVE_BALLOTS, { seated: 8, present: 7, issued: 7 }));
    expect(r.thresholdVotes).toBe(4);
    expect(r.rows.find((x) => x.candidateId === 'c')?.passesThreshold).toBe(false);
    expect(r.chosen).toEqual(['a', 'b']);
    expect(r.vacancies).toBe(1);
  });

  it('seated majority: 10 seated → b (5) is exactly half and fails, two vacancies', () => {
    const r = tally(input(APPROVE_RULES('seated_majority'), APPROVE_BALLOTS, { seated: 10, present: 7, issued: 7 }));
    expect(r.thresholdVotes).toBe(5);
    expect(r.rows.map((x) => x.passesThreshold)).toEqual([true, false, false, false, false]);
    expect(r.chosen).toEqual(['a']);
    expect(r.vacancies).toBe(2);
  });

  it('present majority: 8 present → c (4) is exactly half and fails', () => {
    const r = tally(input(APPROVE_RULES('present_majority'), APPROVE_BALLOTS, { seated: 20, present: 8, issued: 8 }));
    expect(r.thresholdVotes).toBe(4);
    expect(r.rows.map((x) => x.passesThreshold)).toEqual([true, true, false, false, false]);
    expect(r.chosen).toEqual(['a', 'b']);
    expect(r.vacancies).toBe(1);
  });

  it('present majority: 7 present → must exceed 3.5; c (4) passes', () => {
    const r = tally(input(APPROVE_RULES('present_majority'), APPROVE_BALLOTS, { seated: 20, present: 7, issued: 7 }));
    expect(r.thresholdVotes).toBe(3.5);
    expect(r.rows.map((x) => x.passesThreshold)).toEqual([true, true, true, false, false]);
    expect(r.chosen).toEqual(['a', 'b', 'c']);
    expect(r.vacancies).toBe(0);
  });

  it('nobody passes: every place is vacant', () => {
    const r = tally(input(APPROVE_RULES('seated_majority'), APPROVE_BALLOTS, { seated: 13, present: 7, issued: 7 }));
    expect(r.thresholdVotes).toBe(6.5);
    expect(r.chosen).toEqual([]);
    expect(r.vacancies).toBe(3);
    expect(r.rows.every((x) => x.status === 'not_chosen')).toBe(true);
  });

  it('a candidate missing from marks counts as abstain', () => {
    const ballots: BallotBody[] = [
      { type: 'approve', marks: { a: 'for' } },
      { type: 'approve', marks: { a: 'against', b: 'for' } },
    ];
    const r = tally(input(APPROVE_RULES('none'), ballots));
    expect(rows(r)).toEqual([
      ['a', 1, 1, 0, 1, 1, true, 'chosen'],
      ['b', 1, 0, 1, 1, 1, true, 'chosen'],
      ['c', 0, 0, 2, 0, 3, true, 'not_chosen'],
      ['d', 0, 0, 2, 0, 3, true, 'not_chosen'],
      ['e', 0, 0, 2, 0, 3, true, 'not_chosen'],
    ]);
    // c, d, e have no 赞成 at all: the third place stays empty
    expect(r.chosen).toEqual(['a', 'b']);
    expect(r.vacancies).toBe(1);
    expect(r.tie).toBeNull();
  });

  it('ties on 赞成 regardless of 反对: b, c and d tie for the last place', () => {
    //            a        b          c          d          e
    const ballots: BallotBody[] = [
      approve('for', 'for',     'against', 'abstain', 'abstain'),
      approve('for', 'against', 'for',     'abstain', 'abstain'),
      approve('for', 'against', 'against', 'for',     'abstain'),
    ];
    const r = tally(input({ ballotType: 'approve', choose: 2, passThreshold: 'none', tieRule: 'presidium' }, ballots));
    expect(rows(r)).toEqual([
      ['a', 3, 0, 0, 3, 1, true, 'chosen'],
      ['b', 1, 2, 0, 1, 2, true, 'tied'],
      ['c', 1, 2, 0, 1, 2, true, 'tied'],
      ['d', 1, 0, 2, 1, 2, true, 'tied'],
      ['e', 0, 0, 3, 0, 5, true, 'not_chosen'],
    ]);
    expect(r.tie).toEqual({ candidateIds: ['b', 'c', 'd'], places: 1, resolution: 'presidium' });
    expect(r.chosen).toEqual(['a']);
    expect(r.vacancies).toBe(0);
  });
});

// ── choose: 5 candidates, 6 valid ballots ──────────────────────────────────────────────────
const CHOOSE_BALLOTS: BallotBody[] = [
  choose('a', 'b'),
  choose('a', 'c'),
  choose('a', 'd'),
  choose('b', 'c'),
  choose('d'),
  choose(), // blank
];
// hand count: a 3, b 2, c 2, d 2, e 0 (abstain = 6 − for)
const chooseRules = (n: number, tieRule: PollRules['tieRule']): PollRules => ({
  ballotType: 'choose',
  choose: n,
  passThreshold: 'none',
  tieRule,
});

describe('tally — choose ballots and ties', () => {
  it('tie at the cut-off, rule runoff: b, c, d tied for 1 place', () => {
    const r = tally(input(chooseRules(2, 'runoff'), CHOOSE_BALLOTS));
    expect(rows(r)).toEqual([
      ['a', 3, 0, 3, 3, 1, true, 'chosen'],
      ['b', 2, 0, 4, 2, 2, true, 'tied'],
      ['c', 2, 0, 4, 2, 2, true, 'tied'],
      ['d', 2, 0, 4, 2, 2, true, 'tied'],
      ['e', 0, 0, 6, 0, 5, true, 'not_chosen'],
    ]);
    expect(r.chosen).toEqual(['a']);
    expect(r.tie).toEqual({ candidateIds: ['b', 'c', 'd'], places: 1, resolution: 'runoff' });
    expect(r.vacancies).toBe(0);
  });

  it('tie at the cut-off, rule presidium: same tie, left to the presidium', () => {
    const r = tally(input(chooseRules(2, 'presidium'), CHOOSE_BALLOTS));
    expect(r.rows.map((x) => x.status)).toEqual(['chosen', 'tied', 'tied', 'tied', 'not_chosen']);
    expect(r.tie).toEqual({ candidateIds: ['b', 'c', 'd'], places: 1, resolution: 'presidium' });
    expect(r.chosen).toEqual(['a']);
    expect(r.vacancies).toBe(0);
  });

  it('tie at the cut-off, rule vacant: the tied are not chosen and the place stays empty', () => {
    const r = tally(input(chooseRules(2, 'vacant'), CHOOSE_BALLOTS));
    expect(r.rows.map((x) => x.status)).toEqual(['chosen', 'not_chosen', 'not_chosen', 'not_chosen', 'not_chosen']);
    expect(r.tie).toEqual({ candidateIds: ['b', 'c', 'd'], places: 1, resolution: 'vacant' });
    expect(r.chosen).toEqual(['a']);
    expect(r.vacancies).toBe(1);
  });

  it('a tie that fits entirely inside the places is not a tie', () => {
    const r = tally(input(chooseRules(4, 'runoff'), CHOOSE_BALLOTS));
    expect(r.rows.map((x) => x.status)).toEqual(['chosen', 'chosen', 'chosen', 'chosen', 'not_chosen']);
    expect(r.chosen).toEqual(['a', 'b', 'c', 'd']);
    expect(r.tie).toBeNull();
    expect(r.vacancies).toBe(0);
  });

  it('a tie below the cut-off is not a tie', () => {
    const r = tally(input(chooseRules(1, 'vacant'), CHOOSE_BALLOTS));
    expect(r.rows.map((x) => x.status)).toEqual(['chosen', 'not_chosen', 'not_chosen', 'not_chosen', 'not_chosen']);
    expect(r.chosen).toEqual(['a']);
    expect(r.tie).toBeNull();
    expect(r.vacancies).toBe(0);
  });

  it('a candidate with no votes is never chosen: N = 5 leaves one vacancy', () => {
    const r = tally(input(chooseRules(5, 'runoff'), CHOOSE_BALLOTS));
    expect(r.chosen).toEqual(['a', 'b', 'c', 'd']);
    expect(r.rows.find((x) => x.candidateId === 'e')?.status).toBe('not_chosen');
    expect(r.vacancies).toBe(1);
    expect(r.tie).toBeNull();
  });

  it('three-way tie for two places at the top', () => {
    const ballots = [choose('a', 'b'), choose('b', 'c'), choose('c', 'a'), choose('d')];
    // a 2, b 2, c 2, d 1, e 0
    const runoff = tally(input(chooseRules(2, 'runoff'), ballots));
    expect(runoff.rows.map((x) => [x.candidateId, x.rank, x.status])).toEqual([
      ['a', 1, 'tied'],
      ['b', 1, 'tied'],
      ['c', 1, 'tied'],
      ['d', 4, 'not_chosen'],
      ['e', 5, 'not_chosen'],
    ]);
    expect(runoff.chosen).toEqual([]);
    expect(runoff.tie).toEqual({ candidateIds: ['a', 'b', 'c'], places: 2, resolution: 'runoff' });
    expect(runoff.vacancies).toBe(0);

    const vacant = tally(input(chooseRules(2, 'vacant'), ballots));
    expect(vacant.chosen).toEqual([]);
    expect(vacant.vacancies).toBe(2);
    expect(vacant.tie).toEqual({ candidateIds: ['a', 'b', 'c'], places: 2, resolution: 'vacant' });
  });

  it('rows are sorted by rank, then ballot order', () => {
    const ballots = [choose('e', 'd'), choose('e'), choose('c', 'd')];
    // e 2, d 2, c 1, a 0, b 0
    const r = tally(input(chooseRules(2, 'runoff'), ballots));
    expect(r.rows.map((x) => [x.candidateId, x.rank])).toEqual([
      ['d', 1],
      ['e', 1],
      ['c', 3],
      ['a', 4],
      ['b', 4],
    ]);
    expect(r.chosen).toEqual(['d', 'e']);
  });

  it('no ballots at all: every place vacant', () => {
    const r = tally(input(chooseRules(3, 'runoff'), [], { seated: 10, present: 6, issued: 6 }));
    expect(r.chosen).toEqual([]);
    expect(r.vacancies).toBe(3);
    expect(r.rows.map((x) => [x.for, x.abstain, x.rank])).toEqual([
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(r.record).toEqual({
      seated: 10,
      present: 6,
      issued: 6,
      returned: 0,
      valid: 0,
      invalid: 0,
      notVoted: 6,
      balanced: true,
    });
  });
});

// ── rank: Borda, N = 3 → position 1 earns 3, position 2 earns 2, position 3 earns 1 ─────────
const RANK_BALLOTS: BallotBody[] = [
  rank('a', 'b', 'c'), // a 3, b 2, c 1
  rank('b', 'a', 'd'), // b 3, a 2, d 1
  rank('c', 'a', 'b'), // c 3, a 2, b 1
  rank('d', 'c'), //      d 3, c 2
  rank('b'), //           b 3
  rank(), //              blank
];
// scores: a 7, b 9, c 6, d 4, e 0 · times ranked: a 3, b 4, c 3, d 2, e 0

describe('tally — rank ballots (Borda)', () => {
  it('scores N + 1 − p and orders by score', () => {
    const r = tally(
      input({ ballotType: 'rank', choose: 3, passThreshold: 'none', tieRule: 'runoff' }, RANK_BALLOTS),
    );
    expect(rows(r)).toEqual([
      ['b', 4, 0, 2, 9, 1, true, 'chosen'],
      ['a', 3, 0, 3, 7, 2, true, 'chosen'],
      ['c', 3, 0, 3, 6, 3, true, 'chosen'],
      ['d', 2, 0, 4, 4, 4, true, 'not_chosen'],
      ['e', 0, 0, 6, 0, 5, true, 'not_chosen'],
    ]);
    expect(r.chosen).toEqual(['b', 'a', 'c']);
    expect(r.tie).toBeNull();
    expect(r.vacancies).toBe(0);
  });

  it('the threshold applies to times ranked: 6 present → a and c (3) are exactly half', () => {
    const r = tally(
      input({ ballotType: 'rank', choose: 3, passThreshold: 'present_majority', tieRule: 'runoff' }, RANK_BALLOTS, {
        seated: 8,
      }),
    );
    expect(r.thresholdVotes).toBe(3);
    expect(r.rows.map((x) => [x.candidateId, x.passesThreshold, x.status])).toEqual([
      ['b', true, 'chosen'],
      ['a', false, 'not_chosen'],
      ['c', false, 'not_chosen'],
      ['d', false, 'not_chosen'],
      ['e', false, 'not_chosen'],
    ]);
    expect(r.chosen).toEqual(['b']);
    expect(r.vacancies).toBe(2);
  });

  it('equal score but ineligible is not part of a tie', () => {
    // N = 2: position 1 earns 2, position 2 earns 1. Candidates here: a (x), b (y), c (z)
    const ballots = [rank('a', 'b'), rank('a', 'b'), rank('c', 'b'), rank('c', 'b'), rank('c'), rank('c')];
    // scores: a 4 (ranked 2×), b 4 (ranked 4×), c 8 (ranked 4×), d 0, e 0
    const r = tally(
      input({ ballotType: 'rank', choose: 2, passThreshold: 'present_majority', tieRule: 'runoff' }, ballots, {
        seated: 7,
      }),
    );
    expect(r.thresholdVotes).toBe(3);
    expect(rows(r)).toEqual([
      ['c', 4, 0, 2, 8, 1, true, 'chosen'],
      ['a', 2, 0, 4, 4, 2, false, 'not_chosen'],
      ['b', 4, 0, 2, 4, 2, true, 'chosen'],
      ['d', 0, 0, 6, 0, 4, false, 'not_chosen'],
      ['e', 0, 0, 6, 0, 4, false, 'not_chosen'],
    ]);
    expect(r.chosen).toEqual(['c', 'b']);
    expect(r.tie).toBeNull();
  });

  it('Borda tie at the cut-off', () => {
    // N = 2: a 2+1 = 3, b 1+2 = 3, c 2+2 = 4, d 1
    const ballots = [rank('a', 'b'), rank('b', 'a'), rank('c'), rank('c', 'd')];
    const r = tally(input({ ballotType: 'rank', choose: 2, passThreshold: 'none', tieRule: 'runoff' }, ballots));
    expect(r.rows.map((x) => [x.candidateId, x.score, x.rank, x.status])).toEqual([
      ['c', 4, 1, 'chosen'],
      ['a', 3, 2, 'tied'],
      ['b', 3, 2, 'tied'],
      ['d', 1, 4, 'not_chosen'],
      ['e', 0, 5, 'not_chosen'],
    ]);
    expect(r.tie).toEqual({ candidateIds: ['a', 'b'], places: 1, resolution: 'runoff' });
  });
});

describe('tally — official record', () => {
  const rules = chooseRules(2, 'runoff');

  it('invalid paper ballots count as returned, not as valid', () => {
    const r = tally(input(rules, CHOOSE_BALLOTS, { seated: 12, present: 10, issued: 10, invalid: 2 }));
    expect(r.record).toEqual({
      seated: 12,
      present: 10,
      issued: 10,
      returned: 8,
      valid: 6,
      invalid: 2,
      notVoted: 2,
      balanced: true,
    });
    // invalid ballots do not change the counts: abstain = valid − for
    expect(r.rows[0]).toMatchObject({ candidateId: 'a', for: 3, abstain: 3 });
  });

  it('returned = issued is balanced', () => {
    const r = tally(input(rules, CHOOSE_BALLOTS, { seated: 9, present: 8, issued: 8, invalid: 2 }));
    expect(r.record.returned).toBe(8);
    expect(r.record.notVoted).toBe(0);
    expect(r.record.balanced).toBe(true);
  });

  it('returned > issued is unbalanced (收回多于发出)', () => {
    const r = tally(input(rules, CHOOSE_BALLOTS, { seated: 9, present: 7, issued: 7, invalid: 2 }));
    expect(r.record).toEqual({
      seated: 9,
      present: 7,
      issued: 7,
      returned: 8,
      valid: 6,
      invalid: 2,
      notVoted: 0,
      balanced: false,
    });
  });
});
