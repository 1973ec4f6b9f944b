/**
 * Checking a receipt against the published list of trackers. People type receipts with or
 * without the dashes and in either case; the comparison ignores both.
 */

export function normaliseTracker(s: string): string {
  return s.toUpperCase().replace(/[\s\-_.·]/g, '');
}

/** Whether the receipt is in the published list (exact match after normalising). */
export function trackerPublished(list: readonly string[], receipt: string | null | undefined): boolean {
  if (!receipt) return false;
  const r = normaliseTracker(receipt);
  if (!r) return false;
  return list.some((t) => normaliseTracker(t) === r);
}

/** The published trackers that contain what was typed (at most `limit`). */
export function searchTrackers(list: readonly string[], query: string, limit = 50): string[] {
  const q = normaliseTracker(query);
  if (!q) return [];
  const out: string[] = [];
  for (const t of list) {
    if (normaliseTracker(t).includes(q)) {
      out.push(t);
      if (out.length >= limit) break;
    }
  }
  return out;
}
