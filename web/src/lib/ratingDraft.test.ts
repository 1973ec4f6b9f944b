import { describe, expect, it } from 'vitest';
import type { Announcement, Cycle, PublicCycleResults } from '@piaojue/shared';
import { chosenProjectIds, cycleSearchOrder, defaultRatingTitle, inListOrder } from './ratingDraft.ts';

const ann = (kind: Announcement['kind'], chosen: string[]): Announcement =>
  ({ kind, chosen: chosen.map((candidateId, i) => ({ candidateId, rank: i + 1 })) }) as unknown as Announcement;

const cycle = (id: string, year: number, frozenAt: string | null): Cycle => ({ id, year, frozenAt }) as unknown as Cycle;

describe('rating draft', () => {
  it('takes the chosen projects of the certified votes, once each, skipping rating polls', () => {
    const r = { announcements: [ann('vote', ['a', 'b']), ann('rating', []), ann('vote', ['b', 'c'])] } as unknown as PublicCycleResults;
    expect(chosenProjectIds(r)).toEqual(['a', 'b', 'c']);
    expect(chosenProjectIds(null)).toEqual([]);
  });

  it('searches frozen cycles newest first, the preferred one ahead', () => {
    const list = [cycle('old', 2025, '2024-12-01'), cycle('draft', 2027, null), cycle('new', 2026, '2025-12-01')];
    expect(cycleSearchOrder(list).map((c) => c.id)).toEqual(['new', 'old']);
    expect(cycleSearchOrder(list, 'old').map((c) => c.id)).toEqual(['old', 'new']);
    expect(cycleSearchOrder(list, 'draft').map((c) => c.id)).toEqual(['new', 'old']);
  });

  it('keeps the candidate list order', () => {
    expect(inListOrder(['a', 'b', 'c', 'd'], new Set(['d', 'a']))).toEqual(['a', 'd']);
  });

  it('titles the poll in Chinese, as the record needs', () => {
    expect(defaultRatingTitle('2026年度宿迁市民生实事项目')).toBe('2026年度宿迁市民生实事项目实施情况满意度测评');
  });
});
