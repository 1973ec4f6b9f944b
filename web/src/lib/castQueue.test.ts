import { describe, expect, it, vi } from 'vitest';
import type { CastReceipt } from '@piaojue/shared';
import { ApiError, NETWORK_ERROR } from '../api/client.ts';
import { loadPending, newIdempotencyKey, retryDelay, savePending, sendWithRetry, type PendingCast } from './castQueue.ts';

const pending: PendingCast = { pollId: 'p1', idempotencyKey: 'k'.repeat(22), ballot: { type: 'choose', selected: ['a'] }, createdAt: 1 };
const err = (status: number, code: string) => new ApiError(status, { code, message: code, messageZh: code, messageEn: code });

describe('sendWithRetry', () => {
  it('retries network failures and 5xx with the SAME idempotency key until acknowledged', async () => {
    const keys: string[] = [];
    let n = 0;
    const send = vi.fn(async (_poll: string, key: string): Promise<CastReceipt> => {
      keys.push(key);
      n++;
      if (n === 1) throw new ApiError(0, NETWORK_ERROR);
      if (n === 2) throw err(503, 'DB_UNAVAILABLE');
      if (n === 3) throw new TypeError('Failed to fetch');
      return { receipt: 'R-123', duplicate: n > 1 };
    });
    const sleeps: number[] = [];
    const out = await sendWithRetry(pending, send, { sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    expect(out).toEqual({ kind: 'done', receipt: 'R-123', duplicate: true });
    expect(new Set(keys)).toEqual(new Set([pending.idempotencyKey]));
    expect(keys).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('is not done before the server acknowledged', async () => {
    let resolve!: (r: CastReceipt) => void;
    const send = () => new Promise<CastReceipt>((r) => (resolve = r));
    let settled = false;
    const p = sendWithRetry(pending, send, { sleep: async () => undefined }).then((o) => {
      settled = true;
      return o;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    resolve({ receipt: 'R', duplicate: false });
    expect(await p).toEqual({ kind: 'done', receipt: 'R', duplicate: false });
  });

  it('treats ALREADY_VOTED as done (an earlier attempt got through)', async () => {
    const send = async (): Promise<CastReceipt> => {
      throw new ApiError(409, { code: 'ALREADY_VOTED', message: '', messageZh: '', messageEn: '', details: { receipt: 'R-9' } });
    };
    expect(await sendWithRetry(pending, send, { sleep: async () => undefined })).toEqual({ kind: 'done', receipt: 'R-9', duplicate: true });
  });

  it('stops on a definitive 4xx and reports it', async () => {
    for (const [status, code] of [
      [409, 'POLL_STATE'],
      [403, 'NOT_ISSUED'],
      [400, 'INVALID_BALLOT'],
      [409, 'NOT_CHECKED_IN'],
    ] as const) {
      const send = vi.fn(async (): Promise<CastReceipt> => {
        throw err(status, code);
      });
      const out = await sendWithRetry(pending, send, { sleep: async () => undefined });
      expect(out.kind).toBe('failed');
      expect(out.kind === 'failed' && out.error.code).toBe(code);
      expect(send).toHaveBeenCalledTimes(1);
    }
  });

  it('can be stopped', async () => {
    let stop = false;
    const send = async (): Promise<CastReceipt> => {
      stop = true;
      throw new ApiError(0, NETWORK_ERROR);
    };
    expect(await sendWithRetry(pending, send, { sleep: async () => undefined, shouldStop: () => stop })).toEqual({ kind: 'stopped' });
  });
});

describe('retryDelay', () => {
  it('backs off with jitter, never zero, capped', () => {
    expect(retryDelay(0, () => 0)).toBe(500);
    expect(retryDelay(0, () => 1)).toBe(1000);
    expect(retryDelay(20, () => 1)).toBe(20_000);
  });
});

describe('pending storage and keys', () => {
  it('round-trips and rejects junk', () => {
    const m = new Map<string, string>();
    const s = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
    savePending(s, pending);
    expect(loadPending(s)).toEqual(pending);
    m.set('piaojue.pendingCast', '{"pollId":1}');
    expect(loadPending(s)).toBeNull();
    m.set('piaojue.pendingCast', 'not json');
    expect(loadPending(s)).toBeNull();
  });
  it('makes keys the server accepts', () => {
    const k = newIdempotencyKey();
    expect(k).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(newIdempotencyKey()).not.toBe(k);
  });
});

describe('forgetting the deputy', () => {
  it('removes every receipt and the pending ballot, and nothing else', async () => {
    const { forgetDeputy, loadReceipt, saveReceipt, savePending, loadPending } = await import('./castQueue.ts');
    const m = new Map<string, string>();
    const s = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
    m.set('piaojue.lang', 'zh-CN');
    saveReceipt(s, 'poll-a', 'AAAA-BBBB-CCCC');
    saveReceipt(s, 'poll-b', 'DDDD-EEEE-FFFF');
    savePending(s, { pollId: 'poll-c', idempotencyKey: 'k', ballot: { type: 'choose', selected: [] } as never, createdAt: 1 });
    forgetDeputy(s);
    expect(loadReceipt(s, 'poll-a')).toBeNull();
    expect(loadReceipt(s, 'poll-b')).toBeNull();
    expect(loadPending(s)).toBeNull();
    expect([...m.keys()]).toEqual(['piaojue.lang']);
  });
});
