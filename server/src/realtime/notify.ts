import type { Db, DbOrTx } from '../db/database.ts';
import { notifyRepository } from './notify.repository.ts';

export const CHANNEL = 'piaojue_events';

export interface ChangeNotice {
  sessionId: string;
  /**
   * state: anything may have changed · turnout: only the count of returned ballots ·
   * scope: who may read the session's topics may have changed (its cycle moved to another
   * congress): every reader but the public's and the tablets' is checked again, then as state ·
   * created: the session is new: the lists of sessions (the sessions topic) reload.
   */
  what: 'state' | 'turnout' | 'scope' | 'created';
}

/**
 * Logins that ended (hashes of their session tokens), sent by the database itself: a trigger
 * on auth_sessions (migration 2026_12_04_0102) fires on every delete, whatever deleted them.
 */
export interface EndedNotice {
  ended: string[];
}

/**
 * Queue a change notice inside the transaction that makes the change: PostgreSQL delivers it
 * to every listening instance only if and when that transaction commits. Given the pool instead
 * (TurnoutNotifier, a proof verdict recorded after its own commit), the notice goes out at once.
 */
export async function notifyInTx(trx: DbOrTx, notice: ChangeNotice): Promise<void> {
  await notifyRepository.notify(trx, CHANNEL, JSON.stringify(notice));
}

/**
 * Ballots arrive in storms; one notice per ballot would serialise every commit on PostgreSQL's
 * notify queue. Casts therefore announce turnout after their commit, at most every `intervalMs`
 * per session (the last one always goes out). The hubs do their own coalescing, so this
 * interval is kept short: it adds to the time between the last ballot and the display showing it.
 */
export class TurnoutNotifier {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 40,
  ) {}

  changed(sessionId: string): void {
    if (this.pending.has(sessionId)) return;
    const wait = Math.max(0, (this.lastSent.get(sessionId) ?? 0) + this.intervalMs - Date.now());
    const timer = setTimeout(() => {
      this.pending.delete(sessionId);
      this.lastSent.set(sessionId, Date.now());
      notifyInTx(this.db, { sessionId, what: 'turnout' }).catch(() => {
        // The database is away; the next change or a client's resync brings the truth.
      });
    }, wait);
    timer.unref?.();
    this.pending.set(sessionId, timer);
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
