/**
 * The cast path of an encrypted poll (docs/CRYPTO.md §"Polls"). Before the answer, only what is
 * cheap: the packed ballot's length and spelling (as many 32-byte elements as the poll's slots
 * and the branches of its statements' proofs, in canonical base64url; nothing else the tablet
 * sent is stored), and its tracker. Decoding the
 * elements as group elements costs ~2 ms a ballot, too much for the main thread in a storm: it
 * is the ProofChecker's first step. After the answer the checker verifies every element and
 * proof, and the verdict is recorded on the box row; a failed one makes the ballot 无效, is told
 * to the tablet that cast it (in memory) and to the console (a count).
 */
import { createHash, randomUUID } from 'node:crypto';
import { ERRORS } from '@piaojue/shared';
import {
  addToSums, packedTrackerInput, storedSlots, trackerDisplay,
  type Ciphertext, type EncryptedBallot, type PollSpec,
} from '@piaojue/shared/crypto';
import { Batcher, type Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { ProofChecker } from '../../lib/proof-checker.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { decryptionRepository } from './decryption.repository.ts';
import { PollContexts, type EncryptedPoll } from './encryption.service.ts';

/** A ballot ready to be written, or why it is refused before anything is written. */
export type Prepared =
  | { ok: true; receipt: string; tracker: string; body: unknown; text: string; boxId: string | null }
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

/**
 * The packed ballot (docs/CRYPTO.md §"Wire and tablet") in the poll's shape: exactly its length,
 * and in the one base64url spelling of its bytes (decoding drops a foreign character and ignores
 * the last character's unused bits, so the bytes are encoded again and compared); and its
 * tracker. Node's base64 and SHA-256 rather than the shared ones (packedBytes, libsodium's): this
 * runs on the event loop for every cast of a storm. Whether each 32 bytes are a group element or
 * a scalar is the checker's question.
 */
function readPacked(e: EncryptedPoll, packed: unknown): { ok: true; tracker: string } | { ok: false } {
  if (typeof packed !== 'string' || packed.length !== e.shape.chars) return { ok: false };
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length !== e.shape.elements * 32 || bytes.toString('base64url') !== packed) return { ok: false };
  return { ok: true, tracker: createHash('sha256').update(packedTrackerInput(e.ctx, bytes)).digest('hex') };
}

/** The sums of the ballots verified so far on this instance, by box row id (see EncryptedCasts.sums). */
interface RunningSums {
  ids: Set<string>;
  sums: Ciphertext[] | null;
}

/** Polls whose running sums an instance keeps (a session has a few dozen; the oldest go first). */
const MAX_RUNNING = 64;

const slotsOf = (spec: PollSpec, body: unknown): Pick<EncryptedBallot, 'slots'> => {
  const b = storedSlots(spec, body);
  // Stored only after the cast path read its shape; verified ones after every element decoded.
  if (!b) throw new Error('a stored encrypted ballot does not parse');
  return b;
};

export class EncryptedCasts {
  readonly contexts: PollContexts;
  private readonly inFlight = new Map<string, Set<Promise<void>>>();
  private readonly writers = new Map<string, Batcher<Verdict, void>>();
  private readonly running = new Map<string, RunningSums>();

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
    const read = readPacked(e, json);
    if (!read.ok) return { ok: false, error: new AppError('BALLOT_FORMAT', { path: '$.encrypted', expected: `${e.shape.chars} characters of base64url` }) };
    // ballotTracker's hash (the bulletin's verifier computes it from the decoded elements). Stored
    // as it came, a JSON string.
    return { ok: true, receipt: trackerDisplay(read.tracker), tracker: read.tracker, body: json, text: JSON.stringify(json), boxId: randomUUID() };
  }

  /**
   * After the answer: check the ballot's proofs and record the verdict. The ballot waits for its
   * check as its JSON text (`text`): one string per ballot, cheap to hand to a worker and to keep
   * while a storm's checks queue, where the parsed ballot would be hundreds of small objects.
   */
  verifyLater(pollId: string, sessionId: string, boxId: string, text: string, onRejected?: (r: Rejection) => void): void {
    const jobs = this.inFlight.get(pollId) ?? new Set<Promise<void>>();
    this.inFlight.set(pollId, jobs);
    const job = (async () => {
      const e = await this.contexts.get(pollId);
      if (!e) return;
      const result = await this.checker.check(pollId, e.ctx, text);
      await this.verdicts(pollId).add({ id: boxId, ok: result === null, reason: result === null ? null : rejectReason(result) });
      if (result === null) {
        // Recorded as verified: into the running sums, so the close has (almost) nothing left to add.
        this.addToRunning(pollId, e.spec, boxId, JSON.parse(text));
        return;
      }
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

  /**
   * The encrypted totals of a poll's verified ballots (docs/CRYPTO.md §"Polls"), at its close:
   * the running sums of the ballots verified here, plus those this instance did not see (cast on
   * another instance, or checked at the close after a restart). If the running sums hold a
   * ballot that is no longer verified in the box, they are not used. Either way the bytes equal
   * sumBallots over all of `verified` (addToSums).
   */
  sums(pollId: string, spec: PollSpec, verified: readonly { id: string; body: unknown }[]): Ciphertext[] {
    const run = this.running.get(pollId);
    const inBox = new Set(verified.map((b) => b.id));
    const usable = run !== undefined && run.sums !== null && [...run.ids].every((id) => inBox.has(id));
    const rest = usable ? verified.filter((b) => !run.ids.has(b.id)) : verified;
    return addToSums(spec, usable ? run.sums : null, rest.map((b) => slotsOf(spec, b.body)));
  }

  /** The poll's ballots are resealed (new row ids) or destroyed: its running sums are of no more use. */
  forget(pollId: string): void {
    this.running.delete(pollId);
  }

  private addToRunning(pollId: string, spec: PollSpec, boxId: string, body: unknown): void {
    let run = this.running.get(pollId);
    if (!run) {
      if (this.running.size >= MAX_RUNNING) this.running.delete(this.running.keys().next().value!);
      run = { ids: new Set(), sums: null };
      this.running.set(pollId, run);
    }
    run.sums = addToSums(spec, run.sums, [slotsOf(spec, body)]);
    run.ids.add(boxId);
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
