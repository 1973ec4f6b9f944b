import type { DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { ceremonyRepository as repo } from './ceremony.repository.ts';

/**
 * Before the session's 监票人 list changes (docs/PROCEDURE.md §"密钥生成"): once they have
 * generated the key they hold it, so the list is fixed; a key generation still running was for
 * the old list and is abandoned. Apart from the ceremony service so the list's service can call
 * it without the two importing each other.
 */
export async function releaseCeremonyForNewList(trx: DbOrTx, sessionId: string): Promise<void> {
  const c = await repo.lockCurrent(trx, sessionId);
  if (c?.status === 'complete') throw new AppError('SCRUTINY_KEY_GENERATED');
  if (c) await repo.abandon(trx, c.id);
}
