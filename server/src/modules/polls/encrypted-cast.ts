/**
 * The cast path of an encrypted poll (docs/CRYPTO.md §"Polls"). Before the answer: the ballot
 * is read (every element canonical, as many slots and proofs as the poll's statements, each
 * proof with one branch per allowed value), re-encoded (nothing the tablet added beyond the
 * ciphertexts and proofs is stored) and its tracker computed. After the answer: the proofs are
 * checked by the ProofChecker, and the verdict is recorded on the box row; a failed one makes
 * the ballot 无效, is told to the tablet that cast it (in memory) and to the console (a count).
 */
import { randomUUID } from 'node:crypto';
import { ERRORS } from '@piaojue/shared';
import { ballotTracker, encryptedBallotToJson, parseEncryptedBallot, trackerDisplay, type EncryptedBallot, type EncryptedBallotJson } from '@piaojue/shared/crypto';
import { Batcher, type Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { ProofChecker } from '../../lib/proof-checker.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { decryptionRepository } from './decryption.repository.ts';
import { PollContexts, type EncryptedPoll } from './encryption.service.ts';

/** A ballot ready to be written, or why it is refused before anything is written. */
export type Prepared =
  | { ok: true; receipt: string; tracker: string; body: unknown; boxId: string | null }
  | { ok: false; error: AppError };

/** What the casting tablet is told when its ballot's proof fails. */
export interface Rejection {
  pollId: string;
  code: 'BALLOT_PROOF';
  message: string;
}

interface Verdict {
  id: string;
  ok: boolean;
  reason: string | null;
}

/** The reason kept on a rejected box row: which statement's proof failed (never a mark). */
export const rejectReason = (result: number): string => (result < 0 ? 'format' : `proof:${result}`);

/** Whether the ballot has the poll's shape: slots, proofs, and branches per proof. */
function shapeProblem(e: EncryptedPoll, b: EncryptedBallot): string | null {
  if (b.slots.length !== e.slots) return `expected ${e.slots} ciphertexts, got ${b.slots.length}`;
  if (b.proofs.length !== e.branches.length) return `expected ${e.branches.length} proofs, got ${b.proofs.length}`;
  const k = b.proofs.findIndex((p, i) => p.c.length !== e.branches[i] || p.v.length !== e.branches[i]);
  return k < 0 ? null : `proof ${k} has the wrong number of branches`;
}

export class EncryptedCasts {
  readonly contexts: PollContexts;
  private readonly inFlight = new Map<string, Set<Promise<void>>>();
  private readonly writers = new Map<string, Batcher<Verdict, void>>();

  constructor(
    private readonly db: Db,
    readonly checker: ProofChecker,
    private readonly log: { warn(o: unknown, m?: string): void },
  ) {
    this.contexts = new PollContexts(db);
  }

  async prepare(pollId: string, rawBallot: unknown): Promise<Prepared> {
    const e = await this.contexts.get(pollId);
    // Not opened yet: no spec, nothing to prove a ballot against.
    if (!e) throw new AppError('POLL_STATE');
    const json = typeof rawBallot === 'object' && rawBallot !== null && !Array.isArray(rawBallot) ? (rawBallot as { encrypted?: unknown }).encrypted : undefined;
    if (json === undefined) return { ok: false, error: new AppError('BALLOT_NOT_ENCRYPTED') };
    const parsed = parseEncryptedBallot(json);
    if (!parsed.ok) return { ok: false, error: new AppError('BALLOT_FORMAT', { path: parsed.path }) };
    const shape = shapeProblem(e, parsed.ballot);
    if (shape) return { ok: false, error: new AppError('BALLOT_FORMAT', { reason: shape }) };
    const tracker = ballotTracker(e.ctx, parsed.ballot);
    return { ok: true, receipt: trackerDisplay(tracker), tracker, body: encryptedBallotToJson(parsed.ballot), boxId: randomUUID() };
  }

  /** After the answer: check the ballot's proofs and record the verdict. */
  verifyLater(pollId: string, sessionId: string, boxId: string, body: unknown, onRejected?: (r: Rejection) => void): void {
    const jobs = this.inFlight.get(pollId) ?? new Set<Promise<void>>();
    this.inFlight.set(pollId, jobs);
    const job = (async () => {
      const e = await this.contexts.get(pollId);
      if (!e) return;
      const result = await this.checker.check(pollId, e.ctx, body as EncryptedBallotJson);
      await this.verdicts(pollId).add({ id: boxId, ok: result === null, reason: result === null ? null : rejectReason(result) });
      if (result === null) return;
      const [, zh, en] = ERRORS.BALLOT_PROOF;
      onRejected?.({ pollId, code: 'BALLOT_PROOF', message: `${zh} / ${en}` });
      // The console's count of rejected ballots (staff topic) is read afresh.
      await notifyInTx(this.db, { sessionId, what: 'state' });
    })()
      .catch((err: unknown) => {
        // The row stays 'pending'; the close checks it again. Never the ballot in the log.
        this.log.warn({ code: String((err as { code?: unknown }).code ?? 'unknown') }, 'recording a proof check failed; the close checks the ballot again');
      })
      .finally(() => {
        jobs.delete(job);
        if (jobs.size === 0) this.inFlight.delete(pollId);
      });
    jobs.add(job);
  }

  /** Resolves once every check started here for the poll has been recorded (or has failed to be). */
  async settled(pollId: string): Promise<void> {
    for (;;) {
      await this.checker.idle(pollId);
      const jobs = this.inFlight.get(pollId);
      if (!jobs || jobs.size === 0) return;
      await Promise.all([...jobs]);
    }
  }

  private verdicts(pollId: string): Batcher<Verdict, void> {
    let w = this.writers.get(pollId);
    if (!w) {
      if (this.writers.size >= 100) for (const [id, x] of this.writers) if (x.idle) this.writers.delete(id);
      w = new Batcher(async (items) => {
        await decryptionRepository.setVerdicts(this.db, pollId, items);
        return items.map(() => undefined);
      }, 500, 1);
      this.writers.set(pollId, w);
    }
    return w;
  }
}
