import { describe, expect, it } from 'vitest';
import { diffCheck } from './cycleDraft.ts';

describe('diffCheck (差额)', () => {
  it('accepts the observed ratios', () => {
    expect(diffCheck(12, 10, 0.1, 0.5).status).toBe('ok');
    expect(diffCheck(15, 10, 0.1, 0.5).status).toBe('ok');
    expect(diffCheck(5, 3, 0.1, 0.7).status).toBe('ok');
  });
  it('flags too few and too many', () => {
    expect(diffCheck(10, 10, 0.1, 0.5)).toMatchObject({ status: 'low', need: 11 });
    expect(diffCheck(16, 10, 0.1, 0.5)).toMatchObject({ status: 'high', need: 15 });
  });
  it('always needs at least one more candidate than places', () => {
    expect(diffCheck(10, 10, 0, 0.5).status).toBe('low');
  });
});
