import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { HallState } from '@piaojue/shared';
import { useHallStore } from './hall.ts';

const state: HallState = {
  sessionId: 's',
  sessionName: 'S',
  cycleName: 'C',
  checkinOpen: true,
  attendance: { seated: 10, present: 4, quorumNeeded: 6, quorumMet: false },
  poll: null,
  encryption: null,
  serverTime: '2027-01-01T00:00:00.000Z',
};

describe('useHallStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('the socket snapshot wins over a REST answer that arrives after it', () => {
    const h = useHallStore();
    expect(h.phase).toBe('loading');
    h.applyMessage({ kind: 'snapshot', seq: 1, data: { kind: 'hall', state: { ...state, attendance: { ...state.attendance, present: 7 } } } });
    h.applyState(state);
    expect(h.attendance?.present).toBe(7);
    expect(h.phase).toBe('checkin');
  });

  it('a REST answer first is kept until the socket speaks', () => {
    const h = useHallStore();
    h.applyState(state);
    expect(h.attendance?.present).toBe(4);
    h.applyMessage({ kind: 'event', seq: 2, event: { kind: 'hall', state: { ...state, checkinOpen: false } } });
    expect(h.phase).toBe('idle');
  });
});
