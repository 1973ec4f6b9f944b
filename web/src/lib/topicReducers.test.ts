import { describe, expect, it } from 'vitest';
import type { HallState, StaffState } from '@piaojue/shared';
import { applyHallMessage, applyStaffMessage, pollSignature } from './topicReducers.ts';

const hall: HallState = {
  sessionId: 's',
  sessionName: 'S',
  cycleName: 'C',
  checkinOpen: false,
  attendance: { seated: 10, present: 8, quorumNeeded: 6, quorumMet: true },
  poll: {
    id: 'p',
    title: 'T',
    kind: 'vote',
    status: 'open',
    ballotType: 'approve',
    chooseN: 3,
    passThreshold: 'none',
    candidateCount: 4,
    ballotMode: 'plain',
    decryption: null,
    openedAt: null,
    closesAt: null,
    closedAt: null,
    certifiedAt: null,
    turnout: { pollId: 'p', issued: 8, voted: 0 },
    interventions: { codesReissued: 0, proxyCheckins: 0 },
    result: null,
    rating: null,
  },
  encryption: null,
  serverTime: '2027-01-01T00:00:00.000Z',
};

describe('topic reducers', () => {
  it('snapshot replaces; turnout event updates only the matching poll', () => {
    let s = applyHallMessage(null, { kind: 'snapshot', seq: 1, data: { kind: 'hall', state: hall } });
    expect(s).toEqual(hall);
    s = applyHallMessage(s, { kind: 'event', seq: 2, event: { kind: 'turnout', turnout: { pollId: 'p', issued: 8, voted: 5 }, serverTime: 'x' } });
    expect(s?.poll?.turnout.voted).toBe(5);
    expect(s?.serverTime).toBe('x');
    const same = applyHallMessage(s, { kind: 'event', seq: 3, event: { kind: 'turnout', turnout: { pollId: 'other', issued: 1, voted: 1 }, serverTime: 'y' } });
    expect(same?.poll?.turnout.voted).toBe(5);
  });
  it('staff reducer keeps per-delegation data and updates totals', () => {
    const st: StaffState = { sessionId: 's', attendance: hall.attendance, turnout: { pollId: 'p', issued: 8, voted: 1, byDelegation: [], rejected: 0, notVoted: [] } };
    let s = applyStaffMessage(null, { kind: 'snapshot', seq: 1, data: { kind: 'staff', state: st } });
    s = applyStaffMessage(s, { kind: 'event', seq: 2, event: { kind: 'turnout', turnout: { pollId: 'p', issued: 8, voted: 4 }, serverTime: 'x' } });
    expect(s?.turnout?.voted).toBe(4);
  });
  it('poll signature changes on status, not on turnout', () => {
    const a = pollSignature(hall);
    const b = pollSignature({ ...hall, poll: { ...hall.poll!, turnout: { pollId: 'p', issued: 8, voted: 3 } } });
    const c = pollSignature({ ...hall, poll: { ...hall.poll!, status: 'closed' } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
  it('poll signature moves with each 监票人’s 解密 while the poll is decrypting', () => {
    const dec = (done: number) => ({ threshold: 2, done, guardians: [{ index: 1, name: 'A', done: done > 0 }, { index: 2, name: 'B', done: false }] });
    const at = (done: number) => pollSignature({ ...hall, poll: { ...hall.poll!, status: 'decrypting', ballotMode: 'encrypted', decryption: dec(done) } });
    expect(at(0)).not.toBe(at(1));
  });
});
