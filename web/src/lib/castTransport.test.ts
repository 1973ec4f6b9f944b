import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.ts';
import type { CastAnswer } from '../composables/socketCore.ts';
import { socketFirst, type CastSocket } from './castTransport.ts';

const ballot = { type: 'approve' as const, marks: {} };
const err = (code: string) => ({ code, message: `${code} 中文 / ${code}`, messageZh: `${code} 中文`, messageEn: code });

function socketAnswering(answer: CastAnswer | Error): CastSocket & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    cast: (body) => {
      calls.push(body);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

describe('socketFirst', () => {
  it('uses the socket when it is there, with the same key, and does not touch HTTP', async () => {
    const s = socketAnswering({ type: 'cast', ref: 'c1', ok: true, receipt: 'R1', duplicate: false });
    const http = vi.fn();
    const send = socketFirst(() => s, http);
    expect(await send('p1', 'key-0123456789abcdef', ballot)).toEqual({ receipt: 'R1', duplicate: false });
    expect(s.calls).toEqual([{ pollId: 'p1', idempotencyKey: 'key-0123456789abcdef', ballot }]);
    expect(http).not.toHaveBeenCalled();
  });

  it('goes by HTTP, same key, when there is no socket or it gives no answer', async () => {
    const http = vi.fn().mockResolvedValue({ receipt: 'R2', duplicate: true });
    expect(await socketFirst(() => null, http)('p1', 'k', ballot)).toEqual({ receipt: 'R2', duplicate: true });
    expect(await socketFirst(() => socketAnswering(new Error('connection lost')), http)('p1', 'k', ballot)).toEqual({ receipt: 'R2', duplicate: true });
    expect(http).toHaveBeenCalledTimes(2);
    expect(http).toHaveBeenLastCalledWith('p1', 'k', ballot);
  });

  it('takes the server’s refusal over the socket as final, with its status, code and both messages', async () => {
    const http = vi.fn();
    const send = socketFirst(() => socketAnswering({ type: 'cast', ref: 'c1', ok: false, status: 409, error: err('ALREADY_VOTED') }), http);
    const e = await send('p1', 'k', ballot).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: 'ALREADY_VOTED', messageZh: 'ALREADY_VOTED 中文', retryable: false });
    expect(http).not.toHaveBeenCalled();
    // a server error stays retryable, as over HTTP
    const busy = await socketFirst(() => socketAnswering({ type: 'cast', ref: 'c2', ok: false, status: 503, error: err('DB_UNAVAILABLE') }), http)('p1', 'k', ballot).catch((x: unknown) => x);
    expect((busy as ApiError).retryable).toBe(true);
  });

  it('sends by HTTP when the socket itself is refused: its origin (CSRF) or its stale login', async () => {
    for (const [status, code] of [
      [403, 'CSRF'],
      [401, 'UNAUTHENTICATED'],
      [403, 'FORBIDDEN'],
    ] as const) {
      const http = vi.fn().mockResolvedValue({ receipt: 'R3', duplicate: false });
      const send = socketFirst(() => socketAnswering({ type: 'cast', ref: 'c1', ok: false, status, error: err(code) }), http);
      expect(await send('p1', 'k', ballot)).toEqual({ receipt: 'R3', duplicate: false });
      expect(http).toHaveBeenCalledWith('p1', 'k', ballot);
    }
  });
});
