import { describe, expect, it } from 'vitest';
import type { DeputyState, Poll } from '@piaojue/shared';
import { deputyScreen } from './deputyScreen.ts';

const base = (poll: Partial<Poll> | null, ballot = { issued: true, voted: false, paper: false }): DeputyState =>
  ({
    deputy: { id: 'd', name: 'n', delegation: 'x', seat: '1', checkedIn: true },
    session: { id: 's', name: 's', checkinOpen: false },
    cycle: { id: 'c', name: 'c', year: 2027 },
    candidates: [],
    poll: poll ? ({ id: 'p', status: 'open', ...poll } as Poll) : null,
    ballot,
  }) as DeputyState;
const idle = { status: 'idle' as const, pollId: null };

describe('deputyScreen', () => {
  it('home without a poll; ballot when open and issued; home when not issued', () => {
    expect(deputyScreen(base(null), idle)).toBe('home');
    expect(deputyScreen(base({ status: 'open' }), idle)).toBe('ballot');
    expect(deputyScreen(base({ status: 'open' }, { issued: false, voted: false, paper: false }), idle)).toBe('home');
  });
  it('home, not the ballot, for a deputy issued a paper ballot', () => {
    expect(deputyScreen(base({ status: 'open' }, { issued: true, voted: false, paper: true }), idle)).toBe('home');
  });
  it('sending while the cast is in flight — never done before the ack', () => {
    expect(deputyScreen(base({ status: 'open' }), { status: 'sending', pollId: 'p' })).toBe('sending');
  });
  it('done from the server roll or from our ack for this poll only', () => {
    expect(deputyScreen(base({ status: 'open' }, { issued: true, voted: true, paper: false }), idle)).toBe('done');
    expect(deputyScreen(base({ status: 'open' }), { status: 'done', pollId: 'p' })).toBe('done');
    expect(deputyScreen(base({ status: 'open' }), { status: 'done', pollId: 'other' })).toBe('ballot');
    expect(deputyScreen(base({ status: 'closed' }, { issued: true, voted: true, paper: false }), idle)).toBe('done');
    expect(deputyScreen(base({ status: 'closed' }, { issued: true, voted: false, paper: false }), idle)).toBe('home');
  });
  it('error after a definitive refusal', () => {
    expect(deputyScreen(base({ status: 'open' }), { status: 'error', pollId: 'p' })).toBe('error');
  });
});
