import { ARCHIVE_FORMAT } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { GENESIS, verifyExcerpt, type AuditRecord } from '../audit/audit.service.ts';
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
   * decryptions, rules and result); results, sign-offs, and the cycle's own audit entries
   * (archiveRepository.audit says which) with the chain's length and head hash when it was built.
   * The audit log is one chain over the whole installation, so the archive carries only its
   * cycle's entries, each with the previous entry's hash as stored: archive:verify recomputes each
   * one's hash, but an entry left out between two carried ones shows only against the full chain
   * on the server (`pnpm audit:verify <archive>`, docs/OPERATIONS.md).
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
    // The head first: the entries read after it stop at it, so the two describe one moment.
    const head = await repo.chainHead(db);
    const chain = { length: head ? Number(head.seq) : 0, head: head?.hash ?? GENESIS };
    const audit = { chain, entries: await repo.audit(db, cycleId, chain.length) };
    return { format: ARCHIVE_FORMAT, generatedAt: new Date().toISOString(), cycle, candidates, sessions: out, polls: pollEntries, audit };
  }
}

export type CycleArchive = Awaited<ReturnType<ArchiveService['build']>>;

/** What the server's chain says of an archive's audit entries (`pnpm audit:verify <archive>`). */
export interface ArchiveChainReport {
  ok: boolean;
  problems: string[];
}

/**
 * Compares an archive's audit entries with the chain as stored, which archive:verify alone cannot
 * (and checks each against its hash, as archive:verify does):
 * the chain's entry at the archive's length has the archive's head hash, every carried entry is
 * the stored one (same seq, prev_hash and hash; the caller has verified the stored chain, so the
 * hash stands for the content), and the cycle's entries up to that length are all carried, but
 * for a 主席团 decision's, which the file leaves out while the decision awaited signatures.
 */
export async function compareArchiveWithChain(db: DbOrTx, a: Pick<CycleArchive, 'cycle' | 'audit'>): Promise<ArchiveChainReport> {
  const problems: string[] = [];
  // Before format 5 an archive carried the whole chain: its last entry was the head.
  const whole = Array.isArray(a.audit) ? (a.audit as CycleArchive['audit']['entries']) : null;
  const { chain, entries } = whole ? { chain: { length: whole.length, head: whole.at(-1)?.hash ?? GENESIS }, entries: whole } : a.audit;
  const own = verifyExcerpt(entries as unknown as AuditRecord[], chain);
  if (!own.ok) problems.push(`entry ${own.brokenAt}: ${own.reason}`);
  const seqs = entries.map((e) => Number(e.seq)).filter((n) => Number.isSafeInteger(n));
  const stored = new Map((await repo.auditAt(db, [...new Set([...seqs, chain.length])])).map((r) => [Number(r.seq), r]));
  if (chain.length > 0 && stored.get(chain.length)?.hash !== chain.head) problems.push(`the chain's entry ${chain.length} is not the archive's head ${chain.head}`);
  for (const e of entries) {
    const s = stored.get(Number(e.seq));
    if (!s) problems.push(`entry ${String(e.seq)} is not in the chain`);
    else if (s.hash !== e.hash || s.prev_hash !== e.prev_hash) problems.push(`entry ${String(e.seq)} differs from the chain's`);
  }
  const carried = new Set(seqs);
  const missing = (await repo.audit(db, a.cycle.id, chain.length)).filter((r) => !carried.has(Number(r.seq)) && !r.action.startsWith('presidium.decision_'));
  if (missing.length > 0) problems.push(`the cycle's entries ${missing.map((r) => r.seq).join(', ')} are not in the archive`);
  return { ok: problems.length === 0, problems };
}
