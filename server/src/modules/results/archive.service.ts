import { ARCHIVE_FORMAT } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { encryptedPollBulletin } from '../polls/decryption.service.ts';
import { archiveRepository as repo, SEALED_STATUSES } from './archive.repository.ts';
import { recordExport } from './results.service.ts';

/** The cycle archive for download (GET /api/cycles/:id/archive); archive.ts re-verifies one. */
export class ArchiveService {
  constructor(private readonly db: Db) {}

  /** The archive for its download, recorded in the audit chain after it is built (recordExport). */
  async export(principal: Principal, cycleId: string): Promise<CycleArchive> {
    const archive = await this.build(cycleId);
    await recordExport(this.db, principal, { cycleId, document: 'archive', format: 'json' });
    return archive;
  }

  /**
   * One file with everything needed to audit a cycle later: the rules, the frozen list, each
   * session's roster (no phones, no login codes), each poll's roll (who was issued and returned a
   * ballot), and, for polls counted and resealed, the box (the ballots, sorted by content) and the
   * published receipts as a separate sorted list; the paper count's figures where there were
   * paper ballots; an encrypted poll's bulletin (ciphertexts, proofs, the 监票人's partial
   * decryptions, rules and result); results, sign-offs, and the whole audit chain.
   * No ballot of a poll that is open (or was cancelled) ever leaves the server, and nothing pairs
   * a receipt with a ballot (docs/PROCEDURE.md, "Secret ballot").
   */
  async build(cycleId: string) {
    const db = this.db;
    const cycle = await repo.cycle(db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const candidates = (await repo.candidates(db, cycleId)).map(toCandidate);
    const sessions = await repo.sessions(db, cycleId);
    const polls = await repo.polls(db, cycleId);
    const out = [];
    for (const s of sessions) out.push({ session: s, deputies: await repo.deputies(db, s.id) });
    const pollEntries = [];
    for (const p of polls) {
      const sealed = (SEALED_STATUSES as readonly string[]).includes(p.status);
      const [roll, box, trackers, signoffs, paperEntries, paperCount] = await Promise.all([
        repo.roll(db, p.id),
        sealed ? repo.box(db, p.id) : [],
        sealed ? repo.trackers(db, p.id) : [],
        repo.signoffs(db, p.id),
        repo.paperEntries(db, p.id),
        repo.paperCount(db, p.id),
      ]);
      const paper = paperCount || paperEntries.length > 0 ? { entries: paperEntries, count: paperCount ?? null } : null;
      const bulletin = sealed && p.ballot_mode === 'encrypted' ? await encryptedPollBulletin(db, p.id) : null;
      pollEntries.push({ poll: p, roll, box, trackers: trackers.map((t) => t.tracker), signoffs, paper, bulletin });
    }
    const audit = await repo.audit(db);
    return { format: ARCHIVE_FORMAT, generatedAt: new Date().toISOString(), cycle, candidates, sessions: out, polls: pollEntries, audit };
  }
}

export type CycleArchive = Awaited<ReturnType<ArchiveService['build']>>;
