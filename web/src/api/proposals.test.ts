import { describe, expect, it } from 'vitest';
import { normalizeCode, queryString } from './proposals.ts';

describe('proposal portal helpers', () => {
  it('normalizes a typed tracking code into XXXX-XXXX-XXXX', () => {
    expect(normalizeCode(' ab12 cd34-ef56 ')).toBe('AB12-CD34-EF56');
    expect(normalizeCode('short')).toBe('SHORT');
  });
  it('repeats array keys and drops empty values in the queue query', () => {
    expect(queryString({ status: ['received', 'merged'], q: '电梯', area: '', cursor: undefined, limit: 50 })).toBe(
      '?status=received&status=merged&q=%E7%94%B5%E6%A2%AF&limit=50',
    );
    expect(queryString({})).toBe('');
  });
});
