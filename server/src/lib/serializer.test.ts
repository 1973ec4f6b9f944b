import { HallState, Poll } from '@piaojue/shared';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { sampleOf, serializerCompiler } from './serializer.ts';

describe('response serializers compiled ahead', () => {
  it('build samples that satisfy the schemas of the hot answers, unions included', () => {
    for (const schema of [Poll, HallState]) {
      const sample = sampleOf(schema);
      expect(Value.Errors(schema, sample)).toEqual([]);
    }
    // A union's sample is its last branch that is not null, so every branch before it is tried.
    expect(sampleOf({ anyOf: [{ type: 'integer' }, { type: 'string', format: 'uuid' }, { type: 'null' }] })).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('serialize a real answer the same way whether warmed or not', () => {
    const compile = serializerCompiler(new Set(['GET /hot']));
    const warm = compile({ schema: Poll, method: 'GET', url: '/hot' });
    const cold = compile({ schema: Poll, method: 'GET', url: '/cold' });
    const poll = sampleOf(Poll);
    expect(warm(poll)).toBe(cold(poll));
    expect(JSON.parse(warm(poll))).toEqual(poll);
  });
});
