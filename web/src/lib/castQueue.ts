/**
 * Casting a ballot over flaky Wi-Fi. The pending cast is written to localStorage BEFORE the
 * first send and retried with the same idempotency key until the server answers: the server
 * returns the same receipt for a repeated key, so a retry can never count a ballot twice.
 * The tablet says 已投票 only after the server acknowledged.
 */
import type { CastReceipt } from '@piaojue/shared';
import type { TabletBallot } from './ballotSelection.ts';
import type { EncryptedCast } from './sealBallot.ts';

/** What a cast carries: the ballot body, or in an encrypted poll its ciphertexts and proofs only. */
export type CastPayload = TabletBallot | EncryptedCast;
import { ApiError } from '../api/client.ts';

export interface PendingCast {
  pollId: string;
  idempotencyKey: string;
  ballot: CastPayload;
  createdAt: number;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const PENDING_KEY = 'piaojue.pendingCast';
const RECEIPT_PREFIX = 'piaojue.receipt.';

export function loadPending(storage: KeyValueStorage): PendingCast | null {
  try {
    const raw = storage.getItem(PENDING_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as Partial<PendingCast>;
    if (typeof p.pollId !== 'string' || typeof p.idempotencyKey !== 'string' || !p.ballot || typeof p.ballot !== 'object') return null;
    return { pollId: p.pollId, idempotencyKey: p.idempotencyKey, ballot: p.ballot, createdAt: Number(p.createdAt) || 0 };
  } catch {
    return null;
  }
}

export function savePending(storage: KeyValueStorage, p: PendingCast): void {
  storage.setItem(PENDING_KEY, JSON.stringify(p));
}

export function clearPending(storage: KeyValueStorage): void {
  storage.removeItem(PENDING_KEY);
}

/** The polls whose receipts this tablet keeps, so that logging out can forget every one. */
const RECEIPT_INDEX = 'piaojue.receipts';

function receiptPolls(storage: KeyValueStorage): string[] {
  try {
    const v = JSON.parse(storage.getItem(RECEIPT_INDEX) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function saveReceipt(storage: KeyValueStorage, pollId: string, receipt: string): void {
  const polls = receiptPolls(storage);
  if (!polls.includes(pollId)) storage.setItem(RECEIPT_INDEX, JSON.stringify([...polls, pollId]));
  storage.setItem(RECEIPT_PREFIX + pollId, receipt);
}

/**
 * On logout (or when another login takes the tablet): forget everything kept about the
 * deputy's polls, so the next person at this tablet finds no receipt and no pending ballot.
 */
export function forgetDeputy(storage: KeyValueStorage): void {
  for (const pollId of receiptPolls(storage)) storage.removeItem(RECEIPT_PREFIX + pollId);
  storage.removeItem(RECEIPT_INDEX);
  storage.removeItem(PENDING_KEY);
}

export function loadReceipt(storage: KeyValueStorage, pollId: string): string | null {
  return storage.getItem(RECEIPT_PREFIX + pollId);
}

/**
 * 128 random bits, base64url. Uses getRandomValues, which (unlike randomUUID) also exists on
 * plain-http LAN pages where the tablets may run.
 */
export function newIdempotencyKey(fill: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)): string {
  const bytes = fill(new Uint8Array(16));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 20_000;

/** "Equal jitter": never zero, so a dead network is not hammered. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

export type CastOutcome =
  | { kind: 'done'; receipt: string | null; duplicate: boolean }
  | { kind: 'failed'; error: ApiError }
  | { kind: 'stopped' };

export interface SendOptions {
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  shouldStop?: () => boolean;
}

function receiptFromDetails(details: unknown): string | null {
  if (details && typeof details === 'object' && 'receipt' in details) {
    const r = (details as { receipt: unknown }).receipt;
    return typeof r === 'string' ? r : null;
  }
  return null;
}

export async function sendWithRetry(
  pending: PendingCast,
  send: (pollId: string, key: string, ballot: CastPayload) => Promise<CastReceipt>,
  opts: SendOptions,
): Promise<CastOutcome> {
  for (let attempt = 0; ; attempt++) {
    if (opts.shouldStop?.()) return { kind: 'stopped' };
    try {
      const r = await send(pending.pollId, pending.idempotencyKey, pending.ballot);
      return { kind: 'done', receipt: r.receipt, duplicate: r.duplicate };
    } catch (e) {
      if (e instanceof ApiError && e.code === 'ALREADY_VOTED') {
        // the roll already has this deputy: an earlier attempt got through
        return { kind: 'done', receipt: receiptFromDetails(e.details), duplicate: true };
      }
      if (e instanceof ApiError && !e.retryable) return { kind: 'failed', error: e };
      const delay = retryDelay(attempt, opts.random);
      opts.onRetry?.(attempt + 1, e, delay);
      await opts.sleep(delay);
    }
  }
}
