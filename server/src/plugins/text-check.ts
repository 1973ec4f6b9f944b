import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.ts';

/** Text PostgreSQL cannot store (U+0000) or that is not well-formed Unicode (a lone surrogate). */
export const BAD_TEXT = 'text contains U+0000 or malformed Unicode';

export function badText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => badText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => badText(k, depth + 1) || badText(v, depth + 1));
}

/** Refuses such text anywhere in a request (body, query, parameters) before a handler sees it. */
export const textCheckPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (req) => {
      if (badText(req.body) || badText(req.query) || badText(req.params)) throw new AppError('VALIDATION', { reason: BAD_TEXT });
    });
  },
  { name: 'piaojue-text-check' },
);
