/** The meeting-hall display's state machine: which screen a HallState calls for. */
import type { HallState } from '@piaojue/shared';
import { decryptionOf } from './sealBallot.ts';

export type HallPhase = 'loading' | 'idle' | 'checkin' | 'voting' | 'decrypting' | 'awaiting' | 'provisional' | 'certified' | 'returned';

/**
 * Priority: an open poll; then a result the presidium returned; then the result of a closed poll (provisional until certified);
 * then check-in; otherwise idle (a draft poll or nothing yet).
 */
export function hallPhase(state: HallState | null | undefined): HallPhase {
  if (!state) return 'loading';
  const p = state.poll;
  if (p && p.status === 'open') return 'voting';
  // closed, and the 监票人 are decrypting the totals (docs/CRYPTO.md §"Count")
  if (decryptionOf(p)) return 'decrypting';
  // sent back by the presidium: the hall says so instead of falling back to check-in
  if (p && p.status === 'rejected') return 'returned';
  if (p && (p.result || p.rating) && (p.status === 'closed' || p.status === 'certified' || p.status === 'published')) {
    return p.certifiedAt || p.status === 'certified' || p.status === 'published' ? 'certified' : 'provisional';
  }
  // closed, and this screen (the public, without the display key) gets no uncertified result;
  // or closed to the tablets while the paper ballots are counted
  if (p && (p.status === 'closed' || p.status === 'counting')) return 'awaiting';
  if (state.checkinOpen) return 'checkin';
  return 'idle';
}

/** Whole seconds left until closesAt by the server's clock; null without a countdown. */
export function secondsLeft(closesAt: string | null | undefined, serverNowMs: number): number | null {
  if (!closesAt) return null;
  const end = Date.parse(closesAt);
  if (!Number.isFinite(end)) return null;
  return Math.max(0, Math.ceil((end - serverNowMs) / 1000));
}

export function formatCountdown(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Share 0..1, safe for zero denominators. */
export function share(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(1, Math.max(0, part / whole));
}
