/**
 * The run-off (再次投票) of a round whose count tied at the cut-off under the run-off rule
 * (docs/PROCEDURE.md §3, "Ties at the cut-off"): a new poll among the tied candidates only, in the
 * round's ballot order, with the same ballot type, threshold and tie rule, for the places the tie
 * left open.
 */
import type { PollRules } from './rules.ts';
import type { Tie } from './tally.ts';

/** The tie a run-off must settle, or null when the count calls for none. */
export function pendingRunoff<T extends Pick<Tie, 'resolution'>>(result: { tie: T | null } | null | undefined): T | null {
  return result?.tie?.resolution === 'runoff' ? result.tie : null;
}

export function runoffRules(rules: PollRules, tie: Pick<Tie, 'places'>): PollRules {
  return { ...rules, choose: tie.places };
}

export function runoffCandidates(roundCandidateIds: readonly string[], tie: Pick<Tie, 'candidateIds'>): string[] {
  const tied = new Set(tie.candidateIds);
  return roundCandidateIds.filter((id) => tied.has(id));
}
