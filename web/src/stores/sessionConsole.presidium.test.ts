import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Me, PendingPresidiumDecision, Poll } from '@piaojue/shared';
import type { TopicMessage } from '../composables/socketCore.ts';

// The session console follows the session's presidium topic (for the 主席团 and staff only) and
// refetches the polls when a decision on them moves.
const calls = { polls: 0 };
const topics: string[] = [];
vi.mock('../api/index.ts', () => ({
  api: {
    session: async (id: string) => ({ id, cycleId: 'c', checkinOpen: false, attendance: { seated: 3, present: 3, quorumNeeded: 2, quorumMet: true } }),
    cycle: async () => null,
    deputies: async () => [],
    polls: async () => {
      calls.polls += 1;
      return [{ id: 'p1', certification: { pending: [] } } as unknown as Poll];
    },
  },
}));
vi.mock('../api/crypto.ts', () => ({ cryptoApi: { ceremony: async () => null } }));
vi.mock('../composables/useSocket.ts', () => ({
  useSocket: () => ({
    subscribe: (topic: string) => {
      topics.push(topic);
      return () => undefined;
    },
  }),
}));
const { useSessionConsoleStore } = await import('./sessionConsole.ts');
const { useAuthStore } = await import('./auth.ts');

const me = (roles: string[]) => ({ kind: 'user', user: { id: 'u', username: 'u', displayName: 'u', roles, unit: null } }) as unknown as Me;
const item = (id: string, answers: ('sign' | 'decline' | null)[]): PendingPresidiumDecision =>
  ({
    decision: { id, pollId: 'p1', named: answers.map((answer, i) => ({ userId: `u${i}`, displayName: `成员${i}`, answer, answeredAt: null })) },
    pollTitle: '表决',
    sessionId: 's1',
    sessionName: '会议',
  }) as unknown as PendingPresidiumDecision;
const msg = (seq: number, pending: PendingPresidiumDecision[], sessionId = 's1'): TopicMessage =>
  seq === 0 ? { kind: 'snapshot', seq, data: { kind: 'presidium', state: { sessionId, pending } } } : { kind: 'event', seq, event: { kind: 'presidium', state: { sessionId, pending } } };
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('useSessionConsoleStore and the presidium topic', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.polls = 0;
    topics.length = 0;
  });

  it('follows the topic as a member of the 主席团 or staff, not as a scrutineer’s account', () => {
    useAuthStore().me = me(['scrutineer']);
    useSessionConsoleStore().open('s1');
    expect(topics).toEqual(['hall:s1', 'staff:s1']);
    setActivePinia(createPinia());
    topics.length = 0;
    useAuthStore().me = me(['presidium']);
    useSessionConsoleStore().open('s1');
    expect(topics).toEqual(['hall:s1', 'staff:s1', 'presidium:s1']);
  });

  it('refetches the polls when a decision is recorded, answered or leaves the list; not for the same list or another session', async () => {
    useAuthStore().me = me(['presidium']);
    const s = useSessionConsoleStore();
    s.open('s1');
    await settle();
    const loaded = calls.polls;
    s.applyPresidium(msg(0, []));
    s.applyPresidium(msg(1, []));
    await settle();
    expect(calls.polls).toBe(loaded);
    s.applyPresidium(msg(2, [item('d1', ['sign', null])]));
    await settle();
    expect(calls.polls).toBe(loaded + 1);
    s.applyPresidium(msg(3, [item('d1', ['sign', null])]));
    s.applyPresidium(msg(4, [item('d2', ['sign'])], 's2'));
    await settle();
    expect(calls.polls).toBe(loaded + 1);
    s.applyPresidium(msg(5, [item('d1', ['sign', 'sign'])]));
    await settle();
    expect(calls.polls).toBe(loaded + 2);
    s.applyPresidium(msg(6, []));
    await settle();
    expect(calls.polls).toBe(loaded + 3);
  });
});
