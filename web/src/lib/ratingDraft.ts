/** Choosing the projects of a satisfaction-rating poll (docs/PROCEDURE.md §5 评估). */
import type { Cycle, PublicCycleResults } from '@piaojue/shared';

/**
 * The projects chosen by the certified votes of a cycle, in the order the announcements list
 * them; a project appears once even if several announcements name it. Rating polls of the
 * cycle choose nothing and are skipped.
 */
export function chosenProjectIds(results: PublicCycleResults | null | undefined): string[] {
  const out: string[] = [];
  for (const a of results?.announcements ?? []) {
    if (a.kind === 'rating') continue;
    for (const p of a.chosen) if (!out.includes(p.candidateId)) out.push(p.candidateId);
  }
  return out;
}

/** Cycles to look in for a default, most recent first: frozen ones (only they can be voted). */
export function cycleSearchOrder(cycles: readonly Cycle[], preferId?: string | null): Cycle[] {
  const frozen = cycles.filter((c) => c.frozenAt);
  const sorted = [...frozen].sort((a, b) => b.year - a.year || (b.frozenAt ?? '').localeCompare(a.frozenAt ?? ''));
  const i = preferId ? sorted.findIndex((c) => c.id === preferId) : -1;
  if (i > 0) sorted.unshift(...sorted.splice(i, 1));
  return sorted;
}

/**
 * The poll title is part of the official record (ballot, hall display, 公告), so it is
 * Chinese whatever language the console shows.
 */
export function defaultRatingTitle(cycleName: string): string {
  return `${cycleName}实施情况满意度测评`;
}

/** Keep the ballot order of the candidate list, whatever order the ticks were made in. */
export function inListOrder(candidateIds: readonly string[], selected: ReadonlySet<string>): string[] {
  return candidateIds.filter((id) => selected.has(id));
}

/** A 再次测评's official title. */
export function reratingTitle(cycleName: string): string {
  return `${cycleName}整改情况再次测评`;
}

/** The certified rating announcements of a cycle, and the projects each graded below 满意. */
export function ratingRounds(results: PublicCycleResults | null | undefined): { pollId: string; number: number | null; date: string; poor: string[] }[] {
  return (results?.announcements ?? [])
    .filter((a) => a.kind === 'rating' && a.rating)
    .map((a) => ({ pollId: a.pollId, number: a.number, date: a.date, poor: a.rating!.rows.filter((r) => r.grade !== 'satisfied').map((r) => r.candidateId) }));
}
