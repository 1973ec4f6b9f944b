/**
 * 差额: how many candidates a list for N places may hold (docs/PROCEDURE.md §2). The one
 * definition; the server's check, the refusal to fix a list and the cycle page all call it.
 */

export const SHORTLIST_STATUSES = ['ok', 'too_few', 'too_many'] as const;
export type ShortlistStatus = (typeof SHORTLIST_STATUSES)[number];

export interface ShortlistRange {
  /** The fewest candidates allowed: always more than the places. */
  minCandidates: number;
  /** The most candidates allowed; never fewer than minCandidates. */
  maxCandidates: number;
  /**
   * The cycle's ratios admit no whole count (e.g. 5 places at 50 %–50 %: 7.5), or their maximum
   * allows no candidate beyond the places (1 place at 10 %–50 %). Then the minimum wins: the
   * range is the smallest count that meets it, since a list without 差额 is no 差额 list at all.
   */
  widened: boolean;
}

export interface ShortlistVerdict extends ShortlistRange {
  status: ShortlistStatus;
  candidates: number;
  places: number;
}

/**
 * Ratios are stored in whole percent (numeric(4,2), rounded half away from zero): a draft typed
 * as 14.5 % is judged as the 15 % it will be saved as. Rounding to 12 digits first takes the
 * float noise out (0.145 × 100 = 14.499999999999998), so no bound moves by a last bit.
 */
const wholePercent = (ratio: number) => Math.max(0, Math.round(Number((ratio * 100).toPrecision(12))));

/** The smallest integer ≥ a / b, for non-negative integers. */
const ceilDiv = (a: number, b: number) => Math.floor((a + b - 1) / b);

export function shortlistRange(places: number, minRatio: number, maxRatio: number): ShortlistRange {
  const minCandidates = places + Math.max(1, ceilDiv(places * wholePercent(minRatio), 100));
  const byRatio = places + Math.floor((places * wholePercent(maxRatio)) / 100);
  return { minCandidates, maxCandidates: Math.max(minCandidates, byRatio), widened: byRatio < minCandidates };
}

/** The verdict on a list of `candidates` for `places` under the cycle's 差额 ratios. */
export function checkShortlist(candidates: number, places: number, minRatio: number, maxRatio: number): ShortlistVerdict {
  const range = shortlistRange(places, minRatio, maxRatio);
  const status: ShortlistStatus = candidates < range.minCandidates ? 'too_few' : candidates > range.maxCandidates ? 'too_many' : 'ok';
  return { status, candidates, places, ...range };
}
