import type { PollBulletin } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { allowed } from '../../auth/guard.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { encryptedPollBulletin } from '../polls/decryption.service.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { recordExport } from './results.service.ts';

/** Certified: the bulletin is public, like the result. */
const PUBLIC = new Set(['certified', 'published']);
/** Closed to ballots: the box is final, so the bulletin no longer changes with each cast. */
const SEALED = new Set(['decrypting', 'counting', 'closed', 'rejected', 'certified', 'published']);

/**
 * A poll's bulletin (docs/CRYPTO.md §"Bulletin"): public once certified, so anyone can run
 * `pnpm verify:poll` on what the 公告 announces. Before that, from the close on, staff, the
 * presidium, scrutineers and the poll's own 监票人 may read it: they confirm and certify the
 * count, and should be able to verify it before they sign. It never exists while the poll is
 * open, when ballots appearing one by one would let a watcher pair a tracker with the deputy who
 * just voted.
 */
export class BulletinService {
  constructor(private readonly db: Db) {}

  /**
   * Certified polls' bulletins, which can no longer change (the database refuses any change to a
   * certified poll's ballots and decryptions): building one re-hashes and re-sums every ballot,
   * too much to repeat for each anonymous download. A few only: one holds every ciphertext.
   */
  private readonly certified = new Map<string, PollBulletin>();

  /** The bulletin for its download: recorded in the audit chain for a signed-in reader (recordExport). */
  async bulletin(principal: Principal, pollId: string): Promise<PollBulletin> {
    const { json, isPublic } = await this.read(principal, pollId);
    await recordExport(this.db, principal, { pollId, document: 'bulletin', format: 'json', draft: !isPublic });
    return json;
  }

  private async read(principal: Principal, pollId: string): Promise<{ json: PollBulletin; isPublic: boolean }> {
    const row = await pollsRepository.get(this.db, pollId);
    if (!row) throw new AppError('NOT_FOUND');
    if (row.ballot_mode !== 'encrypted') throw new AppError('NO_BULLETIN');
    const isPublic = PUBLIC.has(row.status);
    const cached = isPublic ? this.certified.get(pollId) : undefined;
    if (cached) return { json: cached, isPublic };
    if (!isPublic && principal.kind === 'anonymous') throw new AppError('BULLETIN_NOT_PUBLIC');
    const json = SEALED.has(row.status) ? ((await encryptedPollBulletin(this.db, pollId)) as PollBulletin | null) : null;
    if (isPublic && json) {
      if (this.certified.size >= 4) this.certified.delete(this.certified.keys().next().value!);
      this.certified.set(pollId, json);
      return { json, isPublic };
    }
    const insider = allowed(principal, ['staff', 'presidium', 'scrutineer']) || (principal.kind === 'deputy' && !!json?.ceremony.guardians.includes(principal.deputy.id));
    if (!insider) throw new AppError('BULLETIN_NOT_PUBLIC');
    if (!json) throw new AppError('POLL_STATE', { status: row.status });
    return { json, isPublic };
  }
}
