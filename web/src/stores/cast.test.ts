import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { CastReceipt } from '@piaojue/shared';
import { ApiError, NETWORK_ERROR } from '../api/client.ts';
import { useCastStore } from './cast.ts';
import { PENDING_KEY } from '../lib/castQueue.ts';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

describe('useCastStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('saves the pending cast BEFORE sending, retries with the same key, and is done only after the ack', async () => {
    const storage = memory();
    const seen: { key: string; pendingSaved: boolean }[] = [];
    let ack: (r: CastReceipt) => void = () => undefined;
    let calls = 0;
    const cast = useCastStore();
    cast.useDeps({
      storage,
      random: () => 0,
      sleep: async () => undefined,
      send: (_p, key) => {
        seen.push({ key, pendingSaved: storage.m.has(PENDING_KEY) });
        calls++;
        if (calls < 3) return Promise.reject(new ApiError(0, NETWORK_ERROR));
        return new Promise((r) => (ack = r));
      },
    });
    const done = cast.cast('p1', { type: 'choose', selected: ['a'] });
    await new Promise((r) => setTimeout(r, 0));
    expect(cast.status).toBe('sending');
    expect(cast.attempts).toBe(2);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.pendingSaved)).toBe(true);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    ack({ receipt: 'TRACK-1', duplicate: true });
    await done;
    expect(cast.status).toBe('done');
    expect(cast.receipt).toBe('TRACK-1');
    expect(storage.m.has(PENDING_KEY)).toBe(false);
  });

  it('resumes a pending cast after a reload with the stored key', async () => {
    const storage = memory();
    storage.setItem(PENDING_KEY, JSON.stringify({ pollId: 'p1', idempotencyKey: 'SAVED_KEY_1234567890', ballot: { type: 'rank', ranking: ['b'] }, createdAt: 1 }));
    const keys: string[] = [];
    const cast = useCastStore();
    cast.useDeps({
      storage,
      random: () => 0,
      sleep: async () => undefined,
      send: async (_p, key) => {
        keys.push(key);
        return { receipt: 'R2', duplicate: true };
      },
    });
    await cast.resume('p1');
    expect(keys).toEqual(['SAVED_KEY_1234567890']);
    expect(cast.status).toBe('done');
    expect(cast.receipt).toBe('R2');
  });

  it('a definitive 4xx ends in error, not done', async () => {
    const cast = useCastStore();
    cast.useDeps({
      storage: memory(),
      random: () => 0,
      sleep: async () => undefined,
      send: async () => {
        throw new ApiError(409, { code: 'POLL_STATE', message: '', messageZh: '表决已结束', messageEn: 'closed' });
      },
    });
    await cast.cast('p1', { type: 'choose', selected: [] });
    expect(cast.status).toBe('error');
    expect(cast.error?.code).toBe('POLL_STATE');
    expect(cast.receipt).toBeNull();
  });

  it('markVoted shows done with the stored receipt', () => {
    const storage = memory();
    storage.setItem('piaojue.receipt.p7', 'R7');
    const cast = useCastStore();
    cast.useDeps({ storage });
    cast.markVoted('p7');
    expect(cast.status).toBe('done');
    expect(cast.receipt).toBe('R7');
  });
  it('a failed proof check reported by the server is kept for its poll until the tablet is reset', () => {
    const cast = useCastStore();
    cast.useDeps({ storage: memory() });
    cast.applyVerification({ pollId: 'p1', ok: true, code: '', message: '' });
    expect(cast.verification).toBeNull();
    cast.applyVerification({ pollId: 'p1', ok: false, code: 'BALLOT_PROOF', message: 'proof 3 fails' });
    expect(cast.verification).toEqual({ pollId: 'p1', code: 'BALLOT_PROOF', message: 'proof 3 fails' });
    cast.reset();
    expect(cast.verification).toBeNull();
  });
});
