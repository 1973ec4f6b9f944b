import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkShortlist, shortlistRange } from './shortlist.ts';

/** A rule set as the cycle stores it: places, ratios in whole percent (min ≤ max), a count. */
const ruleSet = fc
  .record({ places: fc.integer({ min: 1, max: 200 }), a: fc.integer({ min: 0, max: 500 }), b: fc.integer({ min: 0, max: 500 }), spread: fc.integer({ min: 0, max: 1200 }) })
  .map(({ places, a, b, spread }) => ({ places, minPct: Math.min(a, b), maxPct: Math.max(a, b), candidates: spread }));

/** The rule in exact integers, written apart from the implementation: share of extra candidates. */
const meetsMin = (c: number, n: number, minPct: number) => c > n && (c - n) * 100 >= n * minPct;
const meetsMax = (c: number, n: number, maxPct: number) => (c - n) * 100 <= n * maxPct;

describe('checkShortlist (差额)', () => {
  it('5 places at 50 %–50 %: no whole count fits the ratios, so the minimum (8) is the range', () => {
    expect(checkShortlist(8, 5, 0.5, 0.5)).toEqual({ status: 'ok', candidates: 8, places: 5, minCandidates: 8, maxCandidates: 8, widened: true });
    expect(checkShortlist(7, 5, 0.5, 0.5).status).toBe('too_few');
    expect(checkShortlist(9, 5, 0.5, 0.5).status).toBe('too_many');
  });

  it('accepts the observed lists within their ranges', () => {
    expect(checkShortlist(12, 10, 0.1, 0.5)).toMatchObject({ status: 'ok', minCandidates: 11, maxCandidates: 15, widened: false });
    expect(checkShortlist(15, 10, 0.1, 0.5).status).toBe('ok');
    expect(checkShortlist(20, 14, 0.1, 0.5).status).toBe('ok');
    expect(checkShortlist(30, 24, 0.1, 0.5).status).toBe('ok');
    expect(checkShortlist(5, 3, 0.1, 0.7).status).toBe('ok');
  });

  it('refuses an 11-for-10 list under a 20 %–50 % range, and a list without 差额', () => {
    expect(checkShortlist(11, 10, 0.2, 0.5)).toMatchObject({ status: 'too_few', minCandidates: 12, maxCandidates: 15 });
    expect(checkShortlist(10, 10, 0, 0.5)).toMatchObject({ status: 'too_few', minCandidates: 11 });
    expect(checkShortlist(16, 10, 0.1, 0.5)).toMatchObject({ status: 'too_many', maxCandidates: 15 });
  });

  it('needs a second candidate for one place even when the maximum says fewer', () => {
    expect(checkShortlist(2, 1, 0.1, 0.5)).toMatchObject({ status: 'ok', minCandidates: 2, maxCandidates: 2, widened: true });
  });

  it('agrees with the rule in exact integers over random rule sets', () => {
    fc.assert(
      fc.property(ruleSet, ({ places, minPct, maxPct, candidates }) => {
        const v = checkShortlist(candidates, places, minPct / 100, maxPct / 100);
        let first = places + 1;
        while (!meetsMin(first, places, minPct)) first++;
        const fits = meetsMax(first, places, maxPct);
        expect(v.widened).toBe(!fits);
        const ok = fits ? meetsMin(candidates, places, minPct) && meetsMax(candidates, places, maxPct) : candidates === first;
        expect(v.status).toBe(ok ? 'ok' : meetsMin(candidates, places, minPct) ? 'too_many' : 'too_few');
        expect(v.minCandidates).toBe(first);
        expect(v.maxCandidates).toBeGreaterThanOrEqual(v.minCandidates);
      }),
      { numRuns: 2000 },
    );
  });

  it('is not moved by float noise in the ratios', () => {
    fc.assert(
      fc.property(ruleSet, fc.double({ min: -1e-9, max: 1e-9, noNaN: true }), ({ places, minPct, maxPct }, noise) => {
        expect(shortlistRange(places, minPct / 100 + noise, maxPct / 100 - noise)).toEqual(shortlistRange(places, minPct / 100, maxPct / 100));
      }),
    );
  });

  it('is monotone: too few below the range, ok inside, too many above', () => {
    fc.assert(
      fc.property(ruleSet, ({ places, minPct, maxPct }) => {
        const r = shortlistRange(places, minPct / 100, maxPct / 100);
        const at = (c: number) => checkShortlist(c, places, minPct / 100, maxPct / 100).status;
        expect([at(r.minCandidates - 1), at(r.minCandidates), at(r.maxCandidates), at(r.maxCandidates + 1)]).toEqual(['too_few', 'ok', 'ok', 'too_many']);
      }),
    );
  });
});
