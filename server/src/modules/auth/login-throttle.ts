import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { authRepository as repo } from './auth.repository.ts';

/** Failed logins of one account or code that cost nothing. */
export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 3600_000;
/** A run of failures is forgotten after this long without one (and its row pruned). */
const FORGET_MS = 3600_000;

/** How long one account or code stays locked after its `failures`-th failure in a row: 0, then 30 s, 1 min, 2 min … at most 1 h. */
export function lockMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK_MS);
}

/**
 * The back-off per staff account or login code, beside the per-address budget of the login
 * routes. It lives in PostgreSQL, so every server instance counts the same failures. While
 * locked, a login is refused before the password or code is even looked at, so guessing on
 * gains nothing.
 */
export class LoginThrottle {
  constructor(private readonly db: Db) {}

  async check(key: string): Promise<void> {
    const row = await repo.loginLockedUntil(this.db, key);
    const left = row?.locked_until ? row.locked_until.getTime() - Date.now() : 0;
    if (left > 0) throw new AppError('LOGIN_LOCKED', { retryAfterSeconds: Math.ceil(left / 1000) });
  }

  async failed(key: string): Promise<void> {
    const { failures } = await repo.recordLoginFailure(this.db, key, FORGET_MS);
    const ms = lockMs(failures);
    if (ms > 0) await repo.lockLogin(this.db, key, new Date(Date.now() + ms));
  }

  async succeeded(key: string): Promise<void> {
    await repo.clearLoginFailures(this.db, key);
  }

  /**
   * A code guesser leaves a row per code tried; rows of runs that are over go, once a minute
   * (server sweeper), so the table holds about an hour of failures at most.
   */
  async prune(): Promise<void> {
    await repo.pruneLoginFailures(this.db, FORGET_MS);
  }
}
