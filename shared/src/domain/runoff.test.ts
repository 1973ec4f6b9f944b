import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BallotBody, PollRules } from './rules.ts';
import { pendingRunoff, runoffCandidates, runoffRules } from './runoff.ts';
import { tally, type Tie } from './tally.ts';

const CANDIDATES = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, name: `项目${id}` }));
const choose = (...selected: string[]): BallotBody => ({ type: 'choose', selected });
const chooseRules = (n: number, tieRule: PollRules['tieRule']): PollRules => ({ ballotType: 'choose', choose: n, passThreshold: 'none', tieRule });
const count = (rules: PollRules, candidates: typeof CANDIDATES, ballots: BallotBody[]) =>
  tally({ rules, candidates, ballots, invalid: 0, seated: ballots.length, present: ballots.length, issued: ballots.length });

describe('run-off — examples', () => {
  it('keeps type, threshold and tie rule; N becomes the places left', () => {
    const rules: PollRules = { ballotType: 'approve', choose: 10, passThreshold: 'seated_majority', tieRule: 'presidium' };
    const tie: Tie = { candidateIds: ['x', 'y', 'z'], places: 2, resolution: 'presidium' };
    expect(runoffRules(rules, tie)).toEqual({ ballotType: 'approve', choose: 2, passThreshold: 'seated_majority', tieRule: 'presidium' });
    expect(rules.choose).toBe(10);
  });

  it('puts the tied candidates on the ballot in the order of the round, not of the tie', () => {
    expect(runoffCandidates(['a', 'b', 'c', 'd'], { candidateIds: ['d', 'b'] })).toEqual(['b', 'd']);
  });

  it('is due only for a tie under the run-off rule', () => {
    const tie = { candidateIds: ['b', 'c'], places: 1 };
    expect(pendingRunoff({ tie: { ...tie, resolution: 'runoff' } })).toEqual({ ...tie, resolution: 'runoff' });
    expect(pendingRunoff({ tie: { ...tie, resolution: 'vacant' } })).toBeNull();
    expect(pendingRunoff({ tie: { ...tie, resolution: 'presidium' } })).toBeNull();
    expect(pendingRunoff({ tie: null })).toBeNull();
    expect(pendingRunoff(null)).toBeNull();
  });

  it('a run-off among the tied candidates resolves the tie', () => {
    const first = count(chooseRules(2, 'runoff'), CANDIDATES.slice(0, 4), [choose('a', 'b'), choose('a', 'c'), choose('a', 'd'), choose('b'), choose('c'), choose('d')]);
    const tie = pendingRunoff(first);
    expect(tie).toEqual({ candidateIds: ['b', 'c', 'd'], places: 1, resolution: 'runoff' });
    const second = count(runoffRules(chooseRules(2, 'runoff'), tie!), CANDIDATES.filter((c) => runoffCandidates(['a', 'b', 'c', 'd'], tie!).includes(c.id)), [
      choose('c'),
      choose('b'),
      choose('c'),
    ]);
    expect(second.chosen).toEqual(['c']);
    expect(second.tie).toBeNull();
  });
});

describe('run-off — properties', () => {
  const roundArb = fc
    .record({ n: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 2, max: 6 }), tieRule: fc.constantFrom<PollRules['tieRule']>('runoff', 'vacant', 'presidium') })
    .chain(({ n, k, tieRule }) => {
      const ids = CANDIDATES.slice(0, k).map((c) => c.id);
      const ballot = fc.subarray(ids, { maxLength: Math.min(n, k) }).map((s) => choose(...s));
      return fc.record({ rules: fc.constant(chooseRules(n, tieRule)), candidates: fc.constant(CANDIDATES.slice(0, k)), ballots: fc.array(ballot, { maxLength: 12 }) });
    });

  it('a run-off is due exactly when the count ties at the cut-off under the run-off rule', () => {
    fc.assert(
      fc.property(roundArb, ({ rules, candidates, ballots }) => {
        const r = count(rules, candidates, ballots);
        expect(pendingRunoff(r) !== null).toBe(r.tie !== null && rules.tieRule === 'runoff');
      }),
    );
  });

  it('the run-off is among the tied candidates only, in the round order, for fewer places than candidates, with the round rules otherwise', () => {
    fc.assert(
      fc.property(roundArb, ({ rules, candidates, ballots }) => {
        const r = count(rules, candidates, ballots);
        const tie = pendingRunoff(r);
        fc.pre(tie !== null);
        const roundIds = candidates.map((c) => c.id);
        const ids = runoffCandidates(roundIds, tie!);
        expect([...ids].sort()).toEqual([...tie!.candidateIds].sort());
        expect(ids).toEqual(roundIds.filter((id) => ids.includes(id)));
        const rr = runoffRules(rules, tie!);
        expect(rr.choose).toBe(tie!.places);
        expect(rr.choose).toBeLessThan(ids.length);
        expect({ ...rr, choose: rules.choose }).toEqual(rules);
        // Places the round filled plus places the run-off fills never pass N.
        expect(r.chosen.length + rr.choose).toBeLessThanOrEqual(rules.choose);
      }),
    );
  });

  it('a run-off never chooses more than the places it is for', () => {
    fc.assert(
      fc.property(roundArb, fc.array(fc.nat(), { maxLength: 12 }), ({ rules, candidates, ballots }, picks) => {
        const tie = pendingRunoff(count(rules, candidates, ballots));
        fc.pre(tie !== null);
        const rr = runoffRules(rules, tie!);
        const onBallot = candidates.filter((c) => tie!.candidateIds.includes(c.id));
        const second = count(rr, onBallot, picks.map((p) => choose(...(rr.choose > 0 ? [onBallot[p % onBallot.length]!.id] : []))));
        expect(second.chosen.length).toBeLessThanOrEqual(tie!.places);
      }),
    );
  });
});
