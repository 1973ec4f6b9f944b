/**
 * Pure selection logic behind the tablet ballot. Every operation refuses to go beyond N,
 * so the tablet cannot produce an invalid (废票) ballot.
 */
import { countApprovals, type BallotBody, type BallotType, type Mark } from '@piaojue/shared';

export function emptyBallot(type: BallotType): BallotBody {
  switch (type) {
    case 'approve':
      return { type, marks: {} };
    case 'choose':
      return { type, selected: [] };
    case 'rank':
      return { type, ranking: [] };
  }
}

export type Blocked = 'limit' | null;

export interface Step {
  ballot: BallotBody;
  blocked: Blocked;
}

export function markOf(ballot: BallotBody, id: string): Mark {
  return ballot.type === 'approve' ? (ballot.marks[id] ?? 'abstain') : 'abstain';
}

export function canAddMore(ballot: BallotBody, n: number): boolean {
  return countApprovals(ballot) < n;
}

/** approve: set a mark. Setting 赞成 when N are already approved is refused. */
export function setMark(ballot: BallotBody, id: string, mark: Mark, n: number): Step {
  if (ballot.type !== 'approve') return { ballot, blocked: null };
  const current = markOf(ballot, id);
  if (mark === 'for' && current !== 'for' && countApprovals(ballot) >= n) return { ballot, blocked: 'limit' };
  const marks = { ...ballot.marks };
  if (mark === 'abstain') delete marks[id];
  else marks[id] = mark;
  return { ballot: { type: 'approve', marks }, blocked: null };
}

/** choose: tick or untick. Ticking beyond N is refused. */
export function toggleChoose(ballot: BallotBody, id: string, n: number): Step {
  if (ballot.type !== 'choose') return { ballot, blocked: null };
  if (ballot.selected.includes(id)) return { ballot: { type: 'choose', selected: ballot.selected.filter((x) => x !== id) }, blocked: null };
  if (ballot.selected.length >= n) return { ballot, blocked: 'limit' };
  return { ballot: { type: 'choose', selected: [...ballot.selected, id] }, blocked: null };
}

/** rank: tap to give the next priority, tap again to remove (later ones move up). */
export function toggleRank(ballot: BallotBody, id: string, n: number): Step {
  if (ballot.type !== 'rank') return { ballot, blocked: null };
  if (ballot.ranking.includes(id)) return { ballot: { type: 'rank', ranking: ballot.ranking.filter((x) => x !== id) }, blocked: null };
  if (ballot.ranking.length >= n) return { ballot, blocked: 'limit' };
  return { ballot: { type: 'rank', ranking: [...ballot.ranking, id] }, blocked: null };
}

export function rankOf(ballot: BallotBody, id: string): number | null {
  if (ballot.type !== 'rank') return null;
  const i = ballot.ranking.indexOf(id);
  return i < 0 ? null : i + 1;
}

export function isSelected(ballot: BallotBody, id: string): boolean {
  switch (ballot.type) {
    case 'approve':
      return ballot.marks[id] === 'for';
    case 'choose':
      return ballot.selected.includes(id);
    case 'rank':
      return ballot.ranking.includes(id);
  }
}

export interface ReviewLine {
  id: string;
  name: string;
  /** approve: the mark · choose: selected or not · rank: position */
  mark?: Mark;
  selected?: boolean;
  rank?: number;
}

export interface Review {
  type: BallotType;
  count: number;
  n: number;
  /** the lines to show first (approved / selected / ranked in order) */
  primary: ReviewLine[];
  /** everything else (approve: 反对 and 弃权; choose/rank: not selected) */
  secondary: ReviewLine[];
}

/** What the review screen lists, in the order the deputy should read it. */
export function reviewOf(ballot: BallotBody, candidates: readonly { id: string; name: string }[], n: number): Review {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const count = countApprovals(ballot);
  switch (ballot.type) {
    case 'approve': {
      const lines = candidates.map((c): ReviewLine => ({ id: c.id, name: c.name, mark: markOf(ballot, c.id) }));
      return { type: 'approve', count, n, primary: lines.filter((l) => l.mark === 'for'), secondary: lines.filter((l) => l.mark !== 'for') };
    }
    case 'choose': {
      const picked = new Set(ballot.selected);
      return {
        type: 'choose',
        count,
        n,
        primary: candidates.filter((c) => picked.has(c.id)).map((c) => ({ id: c.id, name: c.name, selected: true })),
        secondary: candidates.filter((c) => !picked.has(c.id)).map((c) => ({ id: c.id, name: c.name, selected: false })),
      };
    }
    case 'rank': {
      const ranked = new Set(ballot.ranking);
      return {
        type: 'rank',
        count,
        n,
        primary: ballot.ranking.filter((id) => byId.has(id)).map((id, i) => ({ id, name: byId.get(id)!.name, rank: i + 1 })),
        secondary: candidates.filter((c) => !ranked.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
      };
    }
  }
}

/** Drops anything that no longer matches the poll (e.g. restored from storage). */
export function sanitize(ballot: BallotBody | null | undefined, type: BallotType, candidateIds: readonly string[], n: number): BallotBody {
  if (!ballot || ballot.type !== type) return emptyBallot(type);
  const known = new Set(candidateIds);
  let out = emptyBallot(type);
  switch (ballot.type) {
    case 'approve':
      for (const [id, m] of Object.entries(ballot.marks ?? {})) if (known.has(id)) out = setMark(out, id, m, n).ballot;
      return out;
    case 'choose':
      for (const id of ballot.selected ?? []) if (known.has(id)) out = toggleChoose(out, id, n).ballot;
      return out;
    case 'rank':
      for (const id of ballot.ranking ?? []) if (known.has(id)) out = toggleRank(out, id, n).ballot;
      return out;
  }
}
