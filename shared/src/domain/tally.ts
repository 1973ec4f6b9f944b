/**
 * Counting a poll (docs/PROCEDURE.md §3 票决: "Counting", "Who is chosen", "The record"). Pure:
 * the caller supplies the valid ballots (already passed through validateBallot), the number of
 * invalid paper ballots and the 应到 / 实到 / 发出 counts.
 */
import type { BallotBody, Mark, PollRules, TieRule } from './rules.ts';

export interface TallyInput {
  rules: PollRules;
  /** in ballot order */
  candidates: readonly { id: string; name: string }[];
  /** valid ballots (already validated) */
  ballots: readonly BallotBody[];
  /** invalid ballots (paper 废票): counted as returned, not tallied */
  invalid: number;
  /** 应到 */
  seated: number;
  /** 实到 */
  present: number;
  /** 发出 */
  issued: number;
  /**
   * Counts from outside the box, added before ranking: the reconciled paper count
   * (docs/PROCEDURE.md, "Paper ballots"). `valid` is its number of valid ballots.
   */
  added?: AddedCounts;
}

/** Per candidate: 赞成 (or times chosen / ranked), 反对, and the ranking score (Borda points). */
export interface AddedCounts {
  valid: number;
  counts: ReadonlyMap<string, { for: number; against: number; score: number }>;
}

export interface CandidateResult {
  candidateId: string;
  name: string;
  /**
   * approve: as marked · choose: for = times selected, against = 0, abstain = valid − for ·
   * rank: for = times ranked, against = 0, abstain = valid − for
   */
  for: number;
  against: number;
  abstain: number;
  /** rank ballots: Borda points (position p, 1-based, earns N + 1 − p); otherwise = for */
  score: number;
  /** competition ranking by the ordering key (1, 2, 2, 4) */
  rank: number;
  passesThreshold: boolean;
  /** tied = part of an unresolved tie at the cut-off */
  status: 'chosen' | 'not_chosen' | 'tied';
}

export interface OfficialRecord {
  /** 应到 */
  seated: number;
  /** 实到 */
  present: number;
  /** 发出 */
  issued: number;
  /** 收回 = valid + invalid */
  returned: number;
  /** 有效 */
  valid: number;
  /** 无效 */
  invalid: number;
  /** 发出 − 收回, never negative */
  notVoted: number;
  /** 收回 ≤ 发出 */
  balanced: boolean;
}

export interface Tie {
  /** the candidates sharing the key at the cut-off, in ballot order */
  candidateIds: string[];
  /** places left for them (fewer than candidateIds.length) */
  places: number;
  resolution: TieRule;
}

export interface TallyResult {
  /** sorted by rank, then ballot order */
  rows: CandidateResult[];
  /** candidate ids chosen outright, in rank order */
  chosen: string[];
  tie: Tie | null;
  /** places left empty (no eligible candidate, or tie with rule 'vacant') */
  vacancies: number;
  /** the 'for' count that must be EXCEEDED (seated/2 or present/2); null when threshold none */
  thresholdVotes: number | null;
  record: OfficialRecord;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function thresholdVotesFor(rules: PollRules, seated: number, present: number): number | null {
  switch (rules.passThreshold) {
    case 'none':
      return null;
    case 'seated_majority':
      return seated / 2;
    case 'present_majority':
      return present / 2;
  }
}

export function officialRecord(
  input: Pick<TallyInput, 'seated' | 'present' | 'issued' | 'invalid'> & { valid: number },
): OfficialRecord {
  const returned = input.valid + input.invalid;
  return {
    seated: input.seated,
    present: input.present,
    issued: input.issued,
    returned,
    valid: input.valid,
    invalid: input.invalid,
    notVoted: Math.max(0, input.issued - returned),
    balanced: returned <= input.issued,
  };
}

export function tally(input: TallyInput): TallyResult {
  const { rules, candidates, ballots } = input;
  const n = rules.choose;
  const valid = ballots.length + (input.added?.valid ?? 0);

  const counts = new Map<string, { for: number; against: number; abstain: number; score: number }>();
  for (const c of candidates) counts.set(c.id, { for: 0, against: 0, abstain: 0, score: 0 });

  for (const b of ballots) {
    // ballots of another type contribute nothing (every candidate counts as abstain)
    if (b.type !== rules.ballotType) continue;
    if (b.type === 'approve') {
      for (const c of candidates) {
        const m: Mark = hasOwn(b.marks, c.id) ? (b.marks[c.id] ?? 'abstain') : 'abstain';
        const row = counts.get(c.id);
        if (row && m !== 'abstain') row[m] += 1;
      }
    } else {
      const list = b.type === 'choose' ? b.selected : b.ranking;
      const seen = new Set<string>();
      list.forEach((id, i) => {
        const row = counts.get(id);
        if (!row || seen.has(id)) return;
        seen.add(id);
        row.for += 1;
        // Borda points: position p earns N + 1 − p (docs/PROCEDURE.md §3, "Counting").
        if (b.type === 'rank') row.score += n + 1 - (i + 1);
      });
    }
  }

  for (const [id, a] of input.added?.counts ?? []) {
    const row = counts.get(id);
    if (!row) continue;
    row.for += a.for;
    row.against += a.against;
    row.score += a.score;
  }

  const thresholdVotes = thresholdVotesFor(rules, input.seated, input.present);

  const rows: CandidateResult[] = candidates.map((c) => {
    const k = counts.get(c.id) ?? { for: 0, against: 0, abstain: 0, score: 0 };
    // Every valid ballot that did not mark the candidate 赞成 or 反对 is a 弃权, unmarked ones included.
    const abstain = rules.ballotType === 'approve' ? valid - k.for - k.against : valid - k.for;
    return {
      candidateId: c.id,
      name: c.name,
      for: k.for,
      against: k.against,
      abstain,
      score: rules.ballotType === 'rank' ? k.score : k.for,
      rank: 0,
      passesThreshold: thresholdVotes === null || k.for > thresholdVotes,
      status: 'not_chosen',
    };
  });

  // stable sort: equal keys keep ballot order
  rows.sort((a, b) => b.score - a.score);
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    r.rank = prev !== undefined && prev.score === r.score ? prev.rank : i + 1;
  });

  // walk the eligible candidates group by group (a group shares the ordering key)
  // No 赞成 (for rank ballots: never ranked), never chosen, even at a tie (docs/PROCEDURE.md §3, "Who is chosen").
  const eligible = rows.filter((r) => r.passesThreshold && r.for > 0);
  let remaining = Math.max(0, n);
  let vacancies = 0;
  let tie: Tie | null = null;
  const chosen: string[] = [];
  for (let i = 0; i < eligible.length && remaining > 0; ) {
    const first = eligible[i];
    if (first === undefined) break;
    let j = i;
    while (j < eligible.length && eligible[j]?.score === first.score) j++;
    const group = eligible.slice(i, j);
    if (group.length <= remaining) {
      for (const r of group) {
        r.status = 'chosen';
        chosen.push(r.candidateId);
      }
      remaining -= group.length;
    } else {
      tie = { candidateIds: group.map((r) => r.candidateId), places: remaining, resolution: rules.tieRule };
      if (rules.tieRule === 'vacant') {
        vacancies += remaining;
      } else {
        for (const r of group) r.status = 'tied';
      }
      remaining = 0;
    }
    i = j;
  }
  vacancies += remaining;

  return {
    rows,
    chosen,
    tie,
    vacancies,
    thresholdVotes,
    record: officialRecord({ seated: input.seated, present: input.present, issued: input.issued, invalid: input.invalid, valid }),
  };
}
