import { describe, expect, it } from 'vitest';
import type { Cycle } from '@piaojue/shared';
import { createBody, defaultDraft, diffCheck, draftFromCycle, updateBody } from './cycleDraft.ts';

describe('diffCheck (差额)', () => {
  it('accepts the observed ratios', () => {
    expect(diffCheck(12, 10, 0.1, 0.5).status).toBe('ok');
    expect(diffCheck(15, 10, 0.1, 0.5).status).toBe('ok');
    expect(diffCheck(5, 3, 0.1, 0.7).status).toBe('ok');
  });
  it('flags too few and too many', () => {
    expect(diffCheck(10, 10, 0.1, 0.5)).toMatchObject({ status: 'too_few', minCandidates: 11, extra: 0, pct: 0 });
    expect(diffCheck(16, 10, 0.1, 0.5)).toMatchObject({ status: 'too_many', maxCandidates: 15, extra: 6, pct: 60 });
  });
  it('always needs at least one more candidate than places', () => {
    expect(diffCheck(10, 10, 0, 0.5).status).toBe('too_few');
  });
  it('gives the server’s verdict where the two used to differ (5 places at 50 %–50 %, 8 candidates)', () => {
    expect(diffCheck(8, 5, 0.5, 0.5)).toMatchObject({ status: 'ok', widened: true, minCandidates: 8, maxCandidates: 8 });
  });
});

describe('rules draft ⇄ wire', () => {
  it('carries the certification settings both ways', () => {
    const d = { ...defaultDraft(), certifyK: 3, presidiumRejectAlone: true, scrutineerConfirmations: 2, minExtraPct: 20 };
    const body = createBody(d);
    expect(body).toMatchObject({ certifyK: 3, presidiumRejectAlone: true, scrutineerConfirmations: 2, minExtraRatio: 0.2 });
    const cycle: Cycle = { ...body, id: '00000000-0000-4000-8000-000000000000', frozenAt: null, frozenHash: null, freezeDecision: null, candidateCount: 0, unitName: null, minExtraRatio: 0.2, maxExtraRatio: 0.5, certifyK: 3, presidiumRejectAlone: true, scrutineerConfirmations: 2, minBallots: 5, ballotMode: 'encrypted' };
    expect(draftFromCycle(cycle)).toEqual(d);
    expect(updateBody(d)).not.toHaveProperty('level');
    expect(updateBody(d)).toMatchObject({ certifyK: 3, scrutineerConfirmations: 2 });
  });
  it('defaults to the server defaults: one certification, no scrutineer confirmations', () => {
    expect(defaultDraft()).toMatchObject({ certifyK: 1, presidiumRejectAlone: false, scrutineerConfirmations: null });
    expect(createBody({ ...defaultDraft(), scrutineerConfirmations: '' as unknown as null })).toMatchObject({ scrutineerConfirmations: null });
  });
});
