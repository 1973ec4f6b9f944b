import { describe, expect, it } from 'vitest';
import type { HallPoll, HallState, PollResult } from '@piaojue/shared';
import { formatCountdown, hallPhase, secondsLeft, share } from './hallView.ts';

const result: PollResult = {
  rows: [],
  chosen: [],
  tie: null,
  vacancies: 0,
  thresholdVotes: null,
  record: { seated: 10, present: 8, issued: 8, returned: 8, valid: 8, invalid: 0, notVoted: 0, balanced: true },
};

function poll(over: Partial<HallPoll>): HallPoll {
  return {
    id: 'p',
    title: 'T',
    kind: 'vote',
    status: 'draft',
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
    turnout: { pollId: 'p', issued: 8, voted: 3 },
    interventions: { codesReissued: 0, proxyCheckins: 0 },
    result: null,
    rating: null,
    ...over,
  };
}
function state(checkinOpen: boolean, p: HallPoll | null): HallState {
  return {
    sessionId: 's',
    sessionName: 'S',
    cycleName: 'C',
    checkinOpen,
    attendance: { seated: 10, present: 8, quorumNeeded: 6, quorumMet: true },
    poll: p,
    encryption: null,
    serverTime: '2027-01-01T00:00:00.000Z',
  };
}

describe('hallPhase', () => {
  it('loading without state', () => {
    expect(hallPhase(null)).toBe('loading');
  });
  it('签到中: check-in open and no open poll', () => {
    expect(hallPhase(state(true, null))).toBe('checkin');
    expect(hallPhase(state(true, poll({ status: 'draft' })))).toBe('checkin');
  });
  it('投票中: an open poll wins over check-in', () => {
    expect(hallPhase(state(true, poll({ status: 'open' })))).toBe('voting');
    expect(hallPhase(state(false, poll({ status: 'open' })))).toBe('voting');
  });
  it('closed, but this screen is public (no display key): no result, and it says so', () => {
    expect(hallPhase(state(true, poll({ status: 'closed', result: null })))).toBe('awaiting');
  });
  it('投票结束 · 结果待确认: closed with a result, not certified', () => {
    expect(hallPhase(state(false, poll({ status: 'closed', result })))).toBe('provisional');
    expect(hallPhase(state(true, poll({ status: 'closed', result })))).toBe('provisional');
  });
  it('结果已确认: certifiedAt or certified/published status', () => {
    expect(hallPhase(state(false, poll({ status: 'closed', result, certifiedAt: '2027-01-01T01:00:00Z' })))).toBe('certified');
    expect(hallPhase(state(false, poll({ status: 'certified', result })))).toBe('certified');
    expect(hallPhase(state(false, poll({ status: 'published', result })))).toBe('certified');
  });
  it('never shows a tally for an open poll, even if a result were present', () => {
    expect(hallPhase(state(false, poll({ status: 'open', result })))).toBe('voting');
  });
  it('idle otherwise (draft poll, check-in closed)', () => {
    expect(hallPhase(state(false, poll({ status: 'draft' })))).toBe('idle');
    expect(hallPhase(state(false, null))).toBe('idle');
  });
  it('退回: a returned result is said so, never shown, and never falls back to check-in', () => {
    expect(hallPhase(state(false, poll({ status: 'rejected', result })))).toBe('returned');
    expect(hallPhase(state(true, poll({ status: 'rejected', result })))).toBe('returned');
  });
});

describe('countdown', () => {
  it('counts whole seconds against the server clock', () => {
    const now = Date.parse('2027-01-01T00:00:00.000Z');
    expect(secondsLeft('2027-01-01T00:01:30.000Z', now)).toBe(90);
    expect(secondsLeft('2027-01-01T00:00:00.500Z', now)).toBe(1);
    expect(secondsLeft('2026-12-31T23:59:00.000Z', now)).toBe(0);
    expect(secondsLeft(null, now)).toBeNull();
    expect(formatCountdown(90)).toBe('01:30');
    expect(formatCountdown(0)).toBe('00:00');
  });
  it('share is safe for zero', () => {
    expect(share(3, 0)).toBe(0);
    expect(share(3, 4)).toBe(0.75);
  });
  it('an encrypted poll closed for 解密 shows 监票人解密中 until its result arrives', () => {
    const dec = { threshold: 2, done: 1, guardians: [{ index: 1, name: 'A', done: true }, { index: 2, name: 'B', done: false }, { index: 3, name: 'C', done: false }] };
    const st = (p: HallPoll): HallState => ({ sessionId: 's', sessionName: 'S', cycleName: 'C', checkinOpen: false, attendance: { seated: 10, present: 8, quorumNeeded: 6, quorumMet: true }, poll: p, encryption: null, serverTime: '2027-01-01T00:00:00.000Z' });
    expect(hallPhase(st(poll({ status: 'decrypting', ballotMode: 'encrypted', decryption: dec })))).toBe('decrypting');
    expect(hallPhase(st(poll({ status: 'closed', ballotMode: 'encrypted', decryption: { ...dec, done: 2 }, result })))).toBe('provisional');
  });
});
