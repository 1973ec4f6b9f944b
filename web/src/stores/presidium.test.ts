import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { PendingPresidiumDecision, Poll, PresidiumDecision } from '@piaojue/shared';
import { usePresidiumStore } from './presidium.ts';

const decision = (id: string, pollId: string, recordedAt: string): PresidiumDecision => ({
  id, pollId, kind: 'certify', status: 'pending', meeting: '主席团第三次会议', decidedOn: '2027-01-15', chosen: [], reason: null,
  signers: [], named: [], needed: 2, recordedBy: '成员1', recordedById: 'u1', recordedAt, settledAt: null,
});
const item = (id: string, pollId: string, sessionId: string, recordedAt: string): PendingPresidiumDecision => ({
  decision: decision(id, pollId, recordedAt), pollTitle: `表决${pollId}`, sessionId, sessionName: `会议${sessionId}`,
});
const ids = (s: ReturnType<typeof usePresidiumStore>) => s.pending.map((x) => x.decision.id);

describe('usePresidiumStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('a presidium topic’s list replaces that session’s decisions only, in the order recorded', () => {
    const s = usePresidiumStore();
    s.applyPending([item('a', 'p1', 's1', '2027-01-15T01:00:00Z'), item('b', 'p2', 's2', '2027-01-15T02:00:00Z')]);
    // Another member records one in session 1: its snapshot or event brings the session's whole list.
    s.applyTopic({ kind: 'event', seq: 3, event: { kind: 'presidium', state: { sessionId: 's1', pending: [item('a', 'p1', 's1', '2027-01-15T01:00:00Z'), item('c', 'p1', 's1', '2027-01-15T03:00:00Z')] } } });
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    // A decision withdrawn, declined or in effect leaves its session's list.
    s.applyTopic({ kind: 'snapshot', seq: 4, data: { kind: 'presidium', state: { sessionId: 's1', pending: [item('c', 'p1', 's1', '2027-01-15T03:00:00Z')] } } });
    expect(ids(s)).toEqual(['b', 'c']);
    s.applyTopic({ kind: 'event', seq: 5, event: { kind: 'presidium', state: { sessionId: 's2', pending: [] } } });
    expect(ids(s)).toEqual(['c']);
  });

  it('a signature shows when the topic brings it; other topics’ messages change nothing', () => {
    const s = usePresidiumStore();
    s.applyPending([item('a', 'p1', 's1', '2027-01-15T01:00:00Z')]);
    const signed = item('a', 'p1', 's1', '2027-01-15T01:00:00Z');
    signed.decision.named = [{ userId: 'u2', displayName: '成员2', answer: 'sign', answeredAt: '2027-01-15T04:00:00.000Z' }];
    s.applyTopic({ kind: 'event', seq: 2, event: { kind: 'presidium', state: { sessionId: 's1', pending: [signed] } } });
    expect(s.pending[0]!.decision.named[0]!.answer).toBe('sign');
    const before = s.pending;
    s.applyTopic({ kind: 'event', seq: 3, event: { kind: 'turnout', turnout: { pollId: 'p1', issued: 3, voted: 1 }, serverTime: '2027-01-15T04:00:00.000Z' } });
    s.applyTopic({ kind: 'snapshot', seq: 1, data: { kind: 'staff', state: { sessionId: 's1', attendance: { seated: 3, present: 3, quorumNeeded: 2, quorumMet: true }, turnout: null } } });
    expect(s.pending).toBe(before);
  });

  it('a poll answered here and the topic agree: the poll’s pending decisions replace those listed for it', () => {
    const s = usePresidiumStore();
    s.applyPending([item('a', 'p1', 's1', '2027-01-15T01:00:00Z'), item('b', 'p2', 's1', '2027-01-15T02:00:00Z')]);
    s.applyPoll({ id: 'p1', certification: { pending: [] } } as unknown as Poll);
    expect(ids(s)).toEqual(['b']);
    s.applyTopic({ kind: 'event', seq: 2, event: { kind: 'presidium', state: { sessionId: 's1', pending: [item('b', 'p2', 's1', '2027-01-15T02:00:00Z')] } } });
    expect(ids(s)).toEqual(['b']);
  });
});
