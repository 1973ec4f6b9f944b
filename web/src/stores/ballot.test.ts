import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Poll } from '@piaojue/shared';
import { useBallotStore } from './ballot.ts';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const cands = ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id }));
const poll = (ballotType: Poll['ballotType'], chooseN = 2, allowAbstain = true) => ({
  id: 'p1',
  ballotType,
  chooseN,
  passThreshold: 'none' as const,
  tieRule: 'runoff' as const,
  allowAbstain,
  candidates: cands,
});

describe('useBallotStore', () => {
  let storage: ReturnType<typeof memory>;
  beforeEach(() => {
    setActivePinia(createPinia());
    storage = memory();
  });

  it('counts X / N and never exceeds N for approve', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('approve', 2));
    b.mark('a', 'for');
    b.mark('b', 'for');
    b.mark('c', 'for');
    expect(b.count).toBe(2);
    expect(b.n).toBe(2);
    expect(b.atLimit).toBe(true);
    expect(b.blockedAt).toBeGreaterThan(0);
  });

  it('never exceeds N for choose and rank', () => {
    for (const type of ['choose', 'rank'] as const) {
      setActivePinia(createPinia());
      const b = useBallotStore();
      b.useStorage(memory());
      b.begin(poll(type, 2));
      for (const id of ['a', 'b', 'c', 'd']) b.toggle(id);
      expect(b.count).toBe(2);
    }
  });

  it('keeps mid-ballot choices across a reload (session storage) for the same poll only', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('choose', 2));
    b.toggle('c');
    b.toReview();
    setActivePinia(createPinia());
    const again = useBallotStore();
    again.useStorage(storage);
    again.begin(poll('choose', 2));
    expect(again.ballot).toEqual({ type: 'choose', selected: ['c'] });
    expect(again.step).toBe('review');
    setActivePinia(createPinia());
    const other = useBallotStore();
    other.useStorage(storage);
    other.begin({ ...poll('choose', 2), id: 'p2' });
    expect(other.ballot).toEqual({ type: 'choose', selected: [] });
  });

  it('review content reflects the choices', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('rank', 3));
    b.toggle('d');
    b.toggle('b');
    expect(b.review?.groups[0]?.lines.map((l) => `${l.rank}:${l.id}`)).toEqual(['1:d', '2:b']);
  });

  it('a rating without 弃权 cannot go to review until every project is rated', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('rating', 0, false));
    b.rate('a', 'satisfied');
    b.toReview();
    expect(b.step).toBe('edit');
    expect(b.missing).toBe(3);
    for (const id of ['b', 'c', 'd']) b.rate(id, 'basic');
    b.toReview();
    expect(b.step).toBe('review');
  });

  it('clear() forgets the draft', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('choose', 2));
    b.toggle('a');
    b.clear();
    expect(storage.m.size).toBe(0);
  });
});
