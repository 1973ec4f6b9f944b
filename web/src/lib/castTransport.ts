/**
 * How a tablet sends its ballot: over the websocket it already holds when that is open (no
 * request to build, route and answer; the hall Wi-Fi carries one small frame each way), else by
 * HTTP. Both carry the same idempotency key, so a ballot the socket delivered but whose answer
 * was lost is answered by the HTTP retry with the same receipt, never counted twice.
 */
import type { CastReceipt } from '@piaojue/shared';
import { ApiError } from '../api/client.ts';
import type { CastAnswer } from '../composables/socketCore.ts';
import type { CastPayload } from './castQueue.ts';

export interface CastSocket {
  cast(body: { pollId: string; idempotencyKey: string; ballot: unknown }): Promise<CastAnswer>;
}

export type CastSend = (pollId: string, idempotencyKey: string, ballot: CastPayload) => Promise<CastReceipt>;

/**
 * Refusals that concern the socket rather than the ballot: its page origin was not recognised
 * (a proxy that rewrites Host), or the login it was opened with is gone (the deputy logged out
 * and in again on this page, so the socket still carries the old cookie). HTTP, which sends the
 * current cookie and its own anti-forgery header, decides those.
 */
const SOCKET_REFUSALS = new Set(['CSRF', 'UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * A send that tries the socket first. The server's answer over the socket is final, as an HTTP
 * answer would be, except for SOCKET_REFUSALS, which go by HTTP. A socket that is closed,
 * closes, or stays silent hands the cast to HTTP at once.
 */
export function socketFirst(socket: () => CastSocket | null, http: CastSend): CastSend {
  return async (pollId, idempotencyKey, ballot) => {
    const s = socket();
    if (s) {
      let answer: CastAnswer | null = null;
      try {
        answer = await s.cast({ pollId, idempotencyKey, ballot });
      } catch {
        answer = null;
      }
      if (answer?.ok) return { receipt: answer.receipt, duplicate: answer.duplicate };
      if (answer && !SOCKET_REFUSALS.has(answer.error.code)) throw new ApiError(answer.status, answer.error);
    }
    return http(pollId, idempotencyKey, ballot);
  };
}
