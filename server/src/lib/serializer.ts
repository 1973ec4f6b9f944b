import fastJsonStringify from 'fast-json-stringify';

/**
 * Fastify's response serializer (fast-json-stringify), compiled in full before the first answer
 * on the routes named hot. fast-json-stringify compiles the validators that pick a union's branch
 * (a poll's result is a vote result, a rating result or null) only when the first answer reaches
 * them: measured at 75–224 ms on this machine for the first poll opened and the first closed —
 * exactly when 3,000 tablets are waiting. Serializing one sample built from the schema pays that
 * at start-up. Only for the hot routes: all ~90 routes would add 2–3 s to every start.
 */
export function serializerCompiler(hotRoutes: ReadonlySet<string>) {
  return ({ schema, method, url }: { schema: unknown; method: string; url: string }): ((data: unknown) => string) => {
    const stringify = fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]);
    if (hotRoutes.has(`${method} ${url}`)) stringify(sampleOf(schema));
    return stringify;
  };
}

type Schema = Record<string, unknown>;

/**
 * A value of the schema's shape. For a union, the last branch that is not null, so the
 * serializer tries (and compiles) every branch before it on the way.
 */
export function sampleOf(schema: unknown, depth = 0): unknown {
  if (depth > 12 || schema === null || typeof schema !== 'object') return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const branches = ((s.anyOf ?? s.oneOf) as Schema[]).filter((b) => b.type !== 'null');
    return branches.length ? sampleOf(branches[branches.length - 1], depth + 1) : null;
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string | undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) out[k] = sampleOf(v, depth + 1);
      return out;
    }
    case 'array':
      return s.items ? [sampleOf(s.items, depth + 1)] : [];
    case 'string':
      if (s.format === 'date-time') return new Date(0).toISOString();
      if (s.format === 'date') return '1970-01-01';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return typeof s.minLength === 'number' ? 'x'.repeat(s.minLength) : '';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}
