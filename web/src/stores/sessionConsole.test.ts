import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { HallState, Poll, Session, StaffState } from '@piaojue/shared';
import { useSessionConsoleStore } from './sessionConsole.ts';

const attendance = { seated: 10, present: 6, quorumNeeded: 6, quorumMet: true };
const hall: HallState = { sessionId: 's', sessionName: 'S', cycleName: 'C', checkinOpen: false, attendance, poll: null, encryption: null, serverTime: '2027-01-01T00:00:00.000Z' };
const staff: StaffState = { sessionId: 's', attendance, turnout: { pollId: 'p2', issued: 6, voted: 1, byDelegation: [], rejected: 0, notVoted: [] } };
const poll = (id: string, openedAt: string | null, status: Poll['status'] = 'draft') => ({ id, openedAt, status, title: id }) as Poll;

describe('useSessionConsoleStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('REST polls and a changed poll go through one list; opened ones first, in order, drafts last', () => {
    const s = useSessionConsoleStore();
    s.applyPolls([poll('d', null), poll('b', '2027-01-01T10:00:00Z', 'closed')]);
    s.applyPoll(poll('a', '2027-01-01T09:00:00Z', 'closed'));
    s.applyPoll(poll('d', '2027-01-01T11:00:00Z', 'open'));
    expect(s.polls.map((p) => p.id)).toEqual(['d', 'b', 'a']);
    expect(s.sortedPolls.map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });

  it('a check-in answer from REST reaches the hall state the socket keeps', () => {
    const s = useSessionConsoleStore();
    s.applyHall({ kind: 'snapshot', seq: 1, data: { kind: 'hall', state: hall } });
    expect(s.checkinOpen).toBe(false);
    s.applySession({ id: 's', checkinOpen: true, attendance } as Session);
    expect(s.hall?.checkinOpen).toBe(true);
    expect(s.checkinOpen).toBe(true);
  });

  it("takes a poll's turnout from the staff topic, else from the one fetched", () => {
    const s = useSessionConsoleStore();
    s.applyTurnout({ ...staff.turnout!, pollId: 'p1', voted: 4 });
    expect(s.turnoutOf('p1')?.voted).toBe(4);
    expect(s.turnoutOf('p2')).toBeNull();
    s.applyStaff({ kind: 'snapshot', seq: 1, data: { kind: 'staff', state: staff } });
    s.applyStaff({ kind: 'event', seq: 2, event: { kind: 'turnout', turnout: { pollId: 'p2', issued: 6, voted: 3 }, serverTime: 'x' } });
    expect(s.turnoutOf('p2')?.voted).toBe(3);
    expect(s.staffUpdates).toBe(2);
    expect(s.attendance).toEqual(attendance);
  });

  it('closing forgets the session, so the next one starts clean', () => {
    const s = useSessionConsoleStore();
    s.applyHall({ kind: 'snapshot', seq: 1, data: { kind: 'hall', state: hall } });
    s.applyPolls([poll('a', null)]);
    s.close();
    expect([s.hall, s.polls.length, s.attendance, s.staffUpdates]).toEqual([null, 0, null, 0]);
  });
});
