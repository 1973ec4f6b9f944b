/**
 * Pure selection logic behind the tablet ballot. Every operation refuses to go beyond N,
 * so the tablet cannot produce an invalid (废票) ballot.
 */
import { countApprovals, type BallotBody, type Mark, type RatingBallot, type RatingMark } from '@piaojue/shared/domain';
import type { Poll } from '@piaojue/shared';

/** Every ballot a tablet can fill in: a vote (three kinds) or a satisfaction rating. */
export type TabletBallot = BallotBody | RatingBallot;
export type TabletBallotType = Poll['ballotType'];

export function emptyBallot(type: TabletBallotType): TabletBallot {
  switch (type) {
    case 'approve':
      return { type, marks: {} };
    case 'choose':
      return { type, selected: [] };
    case 'rank':
      return { type, ranking: [] };
    case 'rating':
      return { type, marks: {} };
  }
}

/** "已选 X": approvals / ticks / ranked entries; for a rating, the projects rated. */
export function countOf(ballot: TabletBallot): number {
  if (ballot.type === 'rating') return Object.keys(ballot.marks).length;
  return countApprovals(ballot);
}

export type Blocked = 'limit' | null;

export interface Step {
  ballot: TabletBallot;
  blocked: Blocked;
}

export function markOf(ballot: TabletBallot, id: string): Mark {
  return ballot.type === 'approve' ? (ballot.marks[id] ?? 'abstain') : 'abstain';
}

export function ratingOf(ballot: TabletBallot, id: string): RatingMark | null {
  return ballot.type === 'rating' ? (ballot.marks[id] ?? null) : null;
}

export function canAddMore(ballot: TabletBallot, n: number): boolean {
  return countOf(ballot) < n;
}

/** approve: set a mark. Setting 赞成 when N are already approved is refused. */
export function setMark(ballot: TabletBallot, id: string, mark: Mark, n: number): Step {
  if (ballot.type !== 'approve') return { ballot, blocked: null };
  const current = markOf(ballot, id);
  if (mark === 'for' && current !== 'for' && countApprovals(ballot) >= n) return { ballot, blocked: 'limit' };
  const marks = { ...ballot.marks };
  if (mark === 'abstain') delete marks[id];
  else marks[id] = mark;
  return { ballot: { type: 'approve', marks }, blocked: null };
}

/** rating: set a grade; pressing the chosen grade again clears it. */
export function setRating(ballot: TabletBallot, id: string, mark: RatingMark): Step {
  if (ballot.type !== 'rating') return { ballot, blocked: null };
  const marks = { ...ballot.marks };
  if (marks[id] === mark) delete marks[id];
  else marks[id] = mark;
  return { ballot: { type: 'rating', marks }, blocked: null };
}

/** choose: tick or untick. Ticking beyond N is refused. */
export function toggleChoose(ballot: TabletBallot, id: string, n: number): Step {
  if (ballot.type !== 'choose') return { ballot, blocked: null };
  if (ballot.selected.includes(id)) return { ballot: { type: 'choose', selected: ballot.selected.filter((x) => x !== id) }, blocked: null };
  if (ballot.selected.length >= n) return { ballot, blocked: 'limit' };
  return { ballot: { type: 'choose', selected: [...ballot.selected, id] }, blocked: null };
}

/** rank: tap to give the next priority, tap again to remove (later ones move up). */
export function toggleRank(ballot: TabletBallot, id: string, n: number): Step {
  if (ballot.type !== 'rank') return { ballot, blocked: null };
  if (ballot.ranking.includes(id)) return { ballot: { type: 'rank', ranking: ballot.ranking.filter((x) => x !== id) }, blocked: null };
  if (ballot.ranking.length >= n) return { ballot, blocked: 'limit' };
  return { ballot: { type: 'rank', ranking: [...ballot.ranking, id] }, blocked: null };
}

export function rankOf(ballot: TabletBallot, id: string): number | null {
  if (ballot.type !== 'rank') return null;
  const i = ballot.ranking.indexOf(id);
  return i < 0 ? null : i + 1;
}

export function isSelected(ballot: TabletBallot, id: string): boolean {
  switch (ballot.type) {
    case 'approve':
      return ballot.marks[id] === 'for';
    case 'choose':
      return ballot.selected.includes(id);
    case 'rank':
      return ballot.ranking.includes(id);
    case 'rating':
      return ballot.marks[id] !== undefined;
  }
}

export interface ReviewLine {
  id: string;
  name: string;
  mark?: Mark;
  rating?: RatingMark;
  selected?: boolean;
  rank?: number;
}

export interface ReviewGroup {
  /** for / against / abstain · chosen / not · ranked / not · satisfied / basic / unsatisfied / abstain */
  key: string;
  lines: ReviewLine[];
  emphasis: boolean;
}

export interface Review {
  type: TabletBallotType;
  count: number;
  n: number;
  groups: ReviewGroup[];
}

/** What the review screen lists, in the order the deputy should read it. */
export function reviewOf(ballot: TabletBallot, candidates: readonly { id: string; name: string }[], n: number): Review {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const count = countOf(ballot);
  switch (ballot.type) {
    case 'approve': {
      const lines = candidates.map((c): ReviewLine => ({ id: c.id, name: c.name, mark: markOf(ballot, c.id) }));
      return {
        type: 'approve',
        count,
        n,
        groups: (['for', 'against', 'abstain'] as const).map((m) => ({ key: m, lines: lines.filter((l) => l.mark === m), emphasis: m === 'for' })),
      };
    }
    case 'choose': {
      const picked = new Set(ballot.selected);
      return {
        type: 'choose',
        count,
        n,
        groups: [
          { key: 'chosen', emphasis: true, lines: candidates.filter((c) => picked.has(c.id)).map((c) => ({ id: c.id, name: c.name, selected: true })) },
          { key: 'not', emphasis: false, lines: candidates.filter((c) => !picked.has(c.id)).map((c) => ({ id: c.id, name: c.name, selected: false })) },
        ],
      };
    }
    case 'rank': {
      const ranked = new Set(ballot.ranking);
      return {
        type: 'rank',
        count,
        n,
        groups: [
          { key: 'ranked', emphasis: true, lines: ballot.ranking.filter((id) => byId.has(id)).map((id, i) => ({ id, name: byId.get(id)!.name, rank: i + 1 })) },
          { key: 'not', emphasis: false, lines: candidates.filter((c) => !ranked.has(c.id)).map((c) => ({ id: c.id, name: c.name })) },
        ],
      };
    }
    case 'rating': {
      const lines = candidates.map((c): ReviewLine => ({ id: c.id, name: c.name, rating: ballot.marks[c.id] ?? 'abstain' }));
      return {
        type: 'rating',
        count,
        n,
        groups: (['satisfied', 'basic', 'unsatisfied', 'abstain'] as const).map((m) => ({ key: m, lines: lines.filter((l) => l.rating === m), emphasis: m === 'satisfied' })),
      };
    }
  }
}

/** Drops anything that no longer matches the poll (e.g. restored from storage). */
export function sanitize(ballot: TabletBallot | null | undefined, type: TabletBallotType, candidateIds: readonly string[], n: number): TabletBallot {
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
    case 'rating':
      for (const [id, m] of Object.entries(ballot.marks ?? {})) if (known.has(id)) out = setRating(out, id, m).ballot;
      return out;
  }
}

/**
 * The ballot as the tablet sends it: the same choices, written in candidate-list order, and an
 * approve ballot with a mark for every candidate (不标注 is 弃权 either way). Every tablet then
 * sends the same shape of object for a poll, which the server parses several times faster than
 * 3,000 ballots each listing its marks in the order they were tapped.
 */
export function wireBallot(ballot: TabletBallot, candidateIds: readonly string[]): TabletBallot {
  switch (ballot.type) {
    case 'approve':
      return { type: 'approve', marks: Object.fromEntries(candidateIds.map((id): [string, Mark] => [id, ballot.marks[id] ?? 'abstain'])) };
    case 'rating':
      return { type: 'rating', marks: Object.fromEntries(candidateIds.flatMap((id): [string, RatingMark][] => (ballot.marks[id] ? [[id, ballot.marks[id]]] : []))) };
    case 'choose': {
      const picked = new Set(ballot.selected);
      return { type: 'choose', selected: candidateIds.filter((id) => picked.has(id)) };
    }
    case 'rank':
      return ballot;
  }
}
