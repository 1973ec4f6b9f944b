import { ERRORS, type ErrorCode } from '@piaojue/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorBody } from '../lib/errors.ts';

const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

/** The catalogue error a thrown error stands for; null for one that is a 500 (logged, never shown). */
export function toAppError(err: FastifyError & { hint?: string; validation?: unknown }): AppError | null {
  if (err instanceof AppError) return err;
  if (err.hint && err.hint in ERRORS) return new AppError(err.hint as ErrorCode);
  if (err.validation) return new AppError('VALIDATION', err.validation);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST');
    case '22021':
    case '22P05':
      return new AppError('VALIDATION');
    case '23505':
    case '40001':
    case '40P01':
      return null;
    default:
      break;
  }
  if (err.statusCode === 429) return new AppError('RATE_LIMITED');
  if (err.code && PG_UNAVAILABLE.has(err.code)) return new AppError('DB_UNAVAILABLE');
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(err.message)) return new AppError('DB_UNAVAILABLE');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('BAD_REQUEST');
  return null;
}

/** Errors the router raises before any route (bad URL encoding, over-long parameters): Fastify's `frameworkErrors`. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  void reply.status(status).send(errorBody('BAD_REQUEST'));
}

/** One error handler: every 4xx a catalogue code with its messages, every 5xx without internals. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const appErr = toAppError(err);
      if (appErr) {
        if (appErr.status >= 500) req.log.warn({ code: appErr.code }, 'request failed');
        return reply.status(appErr.status).send(errorBody(appErr.code, appErr.details, appErr.messages));
      }
      req.log.error({ err: { message: err.message, code: err.code, stack: err.stack } }, 'unhandled error');
      return reply.status(500).send(errorBody('INTERNAL'));
    });
  },
  { name: 'piaojue-errors' },
);
