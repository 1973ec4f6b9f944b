import { describe, expect, it } from 'vitest';
import { countApprovals, validateBallot, validateRatingBallot, type BallotBody, type PollRules } from '@piaojue/shared/domain';
import { emptyBallot, reviewOf, sanitize, setMark, setRating, toggleChoose, toggleRank, countOf, wireBallot, type TabletBallot } from './ballotSelection.ts';

const ids = ['a', 'b', 'c', 'd', 'e'];
const cands = ids.map((id) => ({ id, name: `项目${id}` }));
const rules = (type: PollRules['ballotType'], n: number): PollRules => ({ ballotType: type, choose: n, passThreshold: 'none', tieRule: 'runoff' });

describe('approve ballot', () => {
  it('refuses a 赞成 beyond N and keeps the ballot valid', () => {
    let b = emptyBallot('approve');
    for (const id of ['a', 'b', 'c']) b = setMark(b, id, 'for', 3).ballot;
    const step = setMark(b, 'd', 'for', 3);
    expect(step.blocked).toBe('limit');
    expect(step.ballot).toBe(b);
    expect(countApprovals(step.ballot as BallotBody)).toBe(3);
    expect(validateBallot(step.ballot, rules('approve', 3), ids).ok).toBe(true);
  });

  it('allows 反对 and 弃权 at the limit, and 赞成 again after freeing a place', () => {
    let b = emptyBallot('approve');
    for (const id of ['a', 'b']) b = setMark(b, id, 'for', 2).ballot;
    expect(setMark(b, 'c', 'against', 2).blocked).toBeNull();
    b = setMark(b, 'a', 'abstain', 2).ballot;
    const s = setMark(b, 'c', 'for', 2);
    expect(s.blocked).toBeNull();
    expect(countOf(s.ballot)).toBe(2);
  });

  it('re-pressing 赞成 on an approved candidate is not blocked', () => {
    let b = emptyBallot('approve');
    b = setMark(b, 'a', 'for', 1).ballot;
    expect(setMark(b, 'a', 'for', 1).blocked).toBeNull();
  });

  it('review lists 赞成 first, unmarked as 弃权', () => {
    let b = emptyBallot('approve');
    b = setMark(b, 'b', 'for', 2).ballot;
    b = setMark(b, 'c', 'against', 2).ballot;
    const r = reviewOf(b, cands, 2);
    expect(r.count).toBe(1);
    expect(r.groups.map((g) => [g.key, g.lines.map((l) => l.id)])).toEqual([
      ['for', ['b']],
      ['against', ['c']],
      ['abstain', ['a', 'd', 'e']],
    ]);
  });
});

describe('choose ballot', () => {
  it('cannot tick beyond N; unticking frees a place', () => {
    let b: TabletBallot = emptyBallot('choose');
    for (const id of ['a', 'b']) b = toggleChoose(b, id, 2).ballot;
    expect(toggleChoose(b, 'c', 2).blocked).toBe('limit');
    b = toggleChoose(b, 'a', 2).ballot;
    b = toggleChoose(b, 'c', 2).ballot;
    expect(b).toEqual({ type: 'choose', selected: ['b', 'c'] });
    expect(validateBallot(b, rules('choose', 2), ids).ok).toBe(true);
  });

  it('review shows ticked projects in list order', () => {
    let b: TabletBallot = emptyBallot('choose');
    b = toggleChoose(b, 'd', 3).ballot;
    b = toggleChoose(b, 'a', 3).ballot;
    const r = reviewOf(b, cands, 3);
    expect(r.groups[0]!.lines.map((l) => l.id)).toEqual(['a', 'd']);
    expect(r.groups[1]!.lines.map((l) => l.id)).toEqual(['b', 'c', 'e']);
  });
});

describe('rank ballot', () => {
  it('assigns 1..N in tap order, refuses N+1, and renumbers on removal', () => {
    let b: TabletBallot = emptyBallot('rank');
    for (const id of ['c', 'a', 'e']) b = toggleRank(b, id, 3).ballot;
    expect(toggleRank(b, 'b', 3).blocked).toBe('limit');
    b = toggleRank(b, 'a', 3).ballot;
    expect(b).toEqual({ type: 'rank', ranking: ['c', 'e'] });
    b = toggleRank(b, 'b', 3).ballot;
    const r = reviewOf(b, cands, 3);
    expect(r.groups[0]!.lines.map((l) => [l.rank, l.id])).toEqual([
      [1, 'c'],
      [2, 'e'],
      [3, 'b'],
    ]);
    expect(validateBallot(b, rules('rank', 3), ids).ok).toBe(true);
  });
});

describe('rating ballot', () => {
  it('sets and clears grades; review groups by grade', () => {
    let b: TabletBallot = emptyBallot('rating');
    b = setRating(b, 'a', 'satisfied').ballot;
    b = setRating(b, 'b', 'basic').ballot;
    b = setRating(b, 'b', 'basic').ballot;
    expect(b).toEqual({ type: 'rating', marks: { a: 'satisfied' } });
    const r = reviewOf(b, cands, 5);
    expect(r.groups.find((g) => g.key === 'abstain')!.lines).toHaveLength(4);
  });
});

describe('sanitize', () => {
  it('drops unknown ids and anything beyond N from a restored ballot', () => {
    const restored = { type: 'choose', selected: ['a', 'zz', 'b', 'c'] } as TabletBallot;
    expect(sanitize(restored, 'choose', ids, 2)).toEqual({ type: 'choose', selected: ['a', 'b'] });
    expect(sanitize(restored, 'approve', ids, 2)).toEqual({ type: 'approve', marks: {} });
    expect(sanitize(null, 'rank', ids, 2)).toEqual({ type: 'rank', ranking: [] });
  });
});

describe('wireBallot (what the tablet sends)', () => {
  const ids = ['c1', 'c2', 'c3', 'c4'];
  const rules: PollRules = { ballotType: 'approve', choose: 2, passThreshold: 'none', tieRule: 'runoff' };

  it('writes an approve ballot in list order with a mark for every candidate, and means the same', () => {
    let b: TabletBallot = emptyBallot('approve');
    b = setMark(b, 'c3', 'for', 2).ballot;
    b = setMark(b, 'c1', 'against', 2).ballot;
    const w = wireBallot(b, ids);
    expect(w.type === 'approve' && Object.keys(w.marks)).toEqual(ids);
    expect(w).toEqual({ type: 'approve', marks: { c1: 'against', c2: 'abstain', c3: 'for', c4: 'abstain' } });
    expect(validateBallot(w, rules, ids)).toEqual(validateBallot(b, rules, ids));
  });

  it('gives the same key order however the marks were tapped', () => {
    const a = setMark(setMark(emptyBallot('approve'), 'c4', 'for', 2).ballot, 'c2', 'for', 2).ballot;
    const b = setMark(setMark(emptyBallot('approve'), 'c2', 'for', 2).ballot, 'c4', 'for', 2).ballot;
    expect(JSON.stringify(wireBallot(a, ids))).toBe(JSON.stringify(wireBallot(b, ids)));
  });

  it('puts choose ticks in list order, keeps a ranking as ranked, rates in list order', () => {
    const c = toggleChoose(toggleChoose(emptyBallot('choose'), 'c3', 2).ballot, 'c1', 2).ballot;
    expect(wireBallot(c, ids)).toEqual({ type: 'choose', selected: ['c1', 'c3'] });
    const r = toggleRank(toggleRank(emptyBallot('rank'), 'c3', 2).ballot, 'c1', 2).ballot;
    expect(wireBallot(r, ids)).toEqual({ type: 'rank', ranking: ['c3', 'c1'] });
    const g = setRating(setRating(emptyBallot('rating'), 'c4', 'basic').ballot, 'c2', 'satisfied').ballot;
    const wg = wireBallot(g, ids);
    expect(wg.type === 'rating' && Object.keys(wg.marks)).toEqual(['c2', 'c4']);
    expect(validateRatingBallot(wg, ids, true)).toEqual(validateRatingBallot(g, ids, true));
  });
});
