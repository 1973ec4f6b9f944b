/**
 * Sending a ballot. The pending cast is saved before the first request and survives a
 * reload; `status === 'done'` is reached only from a server acknowledgement.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/index.ts';
import { ApiError } from '../api/client.ts';
import {
  clearPending,
  loadPending,
  loadReceipt,
  newIdempotencyKey,
  saveReceipt,
  savePending,
  sendWithRetry,
  type CastPayload,
  type KeyValueStorage,
  type PendingCast,
} from '../lib/castQueue.ts';
import { safeStorage } from '../lib/storage.ts';
import { socketFirst, type CastSend } from '../lib/castTransport.ts';
import { castSocket } from '../composables/useSocket.ts';

export type CastStatus = 'idle' | 'sending' | 'done' | 'error';

export interface CastDeps {
  storage: KeyValueStorage;
  send: CastSend;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const useCastStore = defineStore('cast', () => {
  let deps: CastDeps | null = null;
  const d = (): CastDeps =>
    (deps ??= {
      storage: safeStorage('local'),
      send: socketFirst(castSocket, api.castBallot),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
    });

  const status = ref<CastStatus>('idle');
  const pending = ref<PendingCast | null>(null);
  const pollId = ref<string | null>(null);
  const receipt = ref<string | null>(null);
  const error = ref<ApiError | null>(null);
  const attempts = ref(0);
  /** The server's proof check refused a ballot this tablet cast (encrypted polls): it is not counted. */
  const verification = ref<{ pollId: string; code: string; message: string } | null>(null);
  let running: Promise<void> | null = null;
  let generation = 0;

  async function run(p: PendingCast) {
    const gen = ++generation;
    status.value = 'sending';
    error.value = null;
    attempts.value = 0;
    const out = await sendWithRetry(p, d().send, {
      sleep: d().sleep,
      random: d().random,
      onRetry: (n) => {
        if (gen === generation) attempts.value = n;
      },
      shouldStop: () => gen !== generation,
    });
    if (gen !== generation) return;
    if (out.kind === 'done') {
      if (out.receipt) saveReceipt(d().storage, p.pollId, out.receipt);
      receipt.value = out.receipt ?? loadReceipt(d().storage, p.pollId);
      clearPending(d().storage);
      pending.value = null;
      status.value = 'done';
    } else if (out.kind === 'failed') {
      clearPending(d().storage);
      pending.value = null;
      error.value = out.error;
      status.value = 'error';
    }
  }

  function start(p: PendingCast) {
    pending.value = p;
    pollId.value = p.pollId;
    running = run(p).finally(() => {
      running = null;
    });
    return running;
  }

  /** Save, then send. Refuses a second cast for a poll that already has one in flight. */
  function cast(forPoll: string, ballot: CastPayload): Promise<void> {
    if (pending.value && pending.value.pollId === forPoll && running) return running;
    const p: PendingCast = { pollId: forPoll, idempotencyKey: newIdempotencyKey(), ballot, createdAt: Date.now() };
    savePending(d().storage, p);
    return start(p);
  }

  /** After a reload: resume a pending cast (same key), or remember a finished one. */
  function resume(currentPollId: string | null): Promise<void> | null {
    const p = loadPending(d().storage);
    if (p && (currentPollId === null || p.pollId === currentPollId)) {
      if (running && pending.value?.idempotencyKey === p.idempotencyKey) return running;
      return start(p);
    }
    if (p && currentPollId && p.pollId !== currentPollId) {
      // still send it: the server decides whether that poll accepts it
      return start(p);
    }
    return null;
  }

  /** The server says this deputy voted in this poll (e.g. state fetched after reload). */
  function markVoted(forPoll: string) {
    if (status.value === 'sending' && pending.value?.pollId === forPoll) return;
    pollId.value = forPoll;
    receipt.value = loadReceipt(d().storage, forPoll);
    status.value = 'done';
  }

  function hasPendingFor(forPoll: string): boolean {
    return (pending.value?.pollId ?? loadPending(d().storage)?.pollId) === forPoll;
  }

  function reset() {
    generation++;
    verification.value = null;
    status.value = 'idle';
    pending.value = null;
    pollId.value = null;
    receipt.value = null;
    error.value = null;
    attempts.value = 0;
  }

  /** A 'verification' message from the socket: only a failure is ever sent. */
  function applyVerification(n: { pollId: string; ok: boolean; code: string; message: string }) {
    if (n.ok) return;
    verification.value = { pollId: n.pollId, code: n.code, message: n.message };
  }

  function dismissError() {
    error.value = null;
    status.value = 'idle';
  }

  function useDeps(x: Partial<CastDeps>) {
    deps = { ...d(), ...x };
  }

  return { status, pending, pollId, receipt, error, attempts, verification, cast, resume, markVoted, hasPendingFor, reset, applyVerification, dismissError, useDeps };
});

export { ApiError };
