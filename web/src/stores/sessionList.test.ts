import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Session } from '@piaojue/shared';
import type { TopicMessage } from '../composables/socketCore.ts';

// The console's first screen follows the sessions of its congress: the sessions topic brings
// their ids, and a list that is not the one shown is fetched again (once, not in a loop).
const server = { ids: ['s1'], fetches: 0, gate: null as Promise<void> | null, fail: false };
vi.mock('../api/index.ts', () => ({
  api: {
    cycles: async () => [{ id: 'c1', name: '2027年度宿迁市民生实事项目' }],
    sessions: async () => {
      server.fetches += 1;
      const ids = [...server.ids];
      if (server.gate) await server.gate;
      if (server.fail) throw new Error('offline');
      return ids.map((id) => ({ id, cycleId: 'c1', name: `会议${id}` }) as unknown as Session);
    },
  },
}));
const { useSessionListStore } = await import('./sessionList.ts');

const snapshot = (sessionIds: string[]): TopicMessage => ({ kind: 'snapshot', seq: 0, data: { kind: 'sessions', state: { sessionIds } } });
const event = (seq: number, sessionIds: string[]): TopicMessage => ({ kind: 'event', seq, event: { kind: 'sessions', state: { sessionIds } } });
const shown = (s: ReturnType<typeof useSessionListStore>) => s.sessions.map((x) => x.id);

describe('useSessionListStore and the sessions topic', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    Object.assign(server, { ids: ['s1'], fetches: 0, gate: null, fail: false });
  });

  it('a session created after the page loaded appears: one fetch, and none for a list already shown', async () => {
    const s = useSessionListStore();
    await s.load();
    expect(shown(s)).toEqual(['s1']);
    // The snapshot on (re)connect names the sessions shown: nothing to fetch.
    expect(s.applyTopic(snapshot(['s1']))).toBeUndefined();
    server.ids = ['s1', 's2'];
    await s.applyTopic(event(1, ['s1', 's2']));
    expect(shown(s)).toEqual(['s1', 's2']);
    expect(server.fetches).toBe(2);
    // The same list in another order, and other topics' messages, fetch nothing.
    expect(s.applyTopic(event(2, ['s2', 's1']))).toBeUndefined();
    expect(s.applyTopic({ kind: 'event', seq: 3, event: { kind: 'presidium', state: { sessionId: 's1', pending: [] } } })).toBeUndefined();
    expect(server.fetches).toBe(2);
  });

  it('a snapshot during the first load, and changes during a fetch, take at most one more fetch', async () => {
    const s = useSessionListStore();
    let open!: () => void;
    server.gate = new Promise((r) => (open = r));
    const first = s.load();
    // The socket's snapshot comes before the first answer: the load compares when it ends.
    expect(s.applyTopic(snapshot(['s1']))).toBeUndefined();
    open();
    server.gate = null;
    await first;
    expect(server.fetches).toBe(1);

    // Two sessions created while a fetch that saw neither of them runs: one more fetch, then quiet.
    server.gate = new Promise((r) => (open = r));
    server.ids = ['s1', 's2'];
    const fetching = s.applyTopic(event(1, ['s1', 's2']));
    server.ids = ['s1', 's2', 's3'];
    expect(s.applyTopic(event(2, ['s1', 's2', 's3']))).toBeUndefined();
    open();
    server.gate = null;
    await fetching;
    expect(shown(s)).toEqual(['s1', 's2', 's3']);
    expect(server.fetches).toBe(3);
  });

  it('left (a logout, another screen): a fetch begun before shows nothing, and the lists are empty', async () => {
    const s = useSessionListStore();
    await s.load();
    let open!: () => void;
    server.gate = new Promise((r) => (open = r));
    server.ids = ['s1', 's2'];
    const late = s.applyTopic(event(1, ['s1', 's2']));
    s.clear();
    open();
    await late;
    expect(shown(s)).toEqual([]);
    expect(s.cycles).toEqual([]);
    expect(s.loaded).toBe(false);
  });

  it('a failed fetch leaves the list shown; the next change fetches again', async () => {
    const s = useSessionListStore();
    await s.load();
    server.fail = true;
    server.ids = ['s1', 's2'];
    await s.applyTopic(event(1, ['s1', 's2']));
    expect(shown(s)).toEqual(['s1']);
    server.fail = false;
    await s.applyTopic(snapshot(['s1', 's2']));
    expect(shown(s)).toEqual(['s1', 's2']);
  });
});
