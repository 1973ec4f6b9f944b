/**
 * The server's check of encrypted ballots' proofs (docs/CRYPTO.md §"Polls"). A check costs tens
 * of milliseconds of CPU, so it runs after the cast has been answered: the cast path hands each
 * accepted ballot to a ProofChecker and records the verdict when it comes. Only verified
 * ballots are summed; the close waits for idle(pollId).
 *
 * This is the seam for where the checks run: InProcessProofChecker below works through its
 * queue on the main thread, one ballot at a time, yielding to the event loop between ballots so
 * that casts are still answered; a worker_threads pool can implement the same interface.
 */
import { cryptoReady, firstInvalidProof, parseEncryptedBallot, type EncryptedBallotJson, type PollContext } from '@piaojue/shared/crypto';

export interface ProofChecker {
  /**
   * Checks one ballot: null when every proof verifies, −1 when it is malformed or has the wrong
   * number of slots or proofs, k ≥ 0 when statement k's proof fails (firstInvalidProof).
   * `ctxKey` names `ctx` (the same key always comes with the same context, so an implementation
   * may keep it); it is the poll's id, which idle() takes.
   */
  check(ctxKey: string, ctx: PollContext, ballotJson: EncryptedBallotJson): Promise<number | null>;
  /** Resolves once every check handed in so far (under `pollId` when given) has settled. */
  idle(pollId?: string): Promise<void>;
  /** Stops taking checks and releases what the checker holds (threads); at shutdown. */
  close?(): Promise<void>;
}

interface Job {
  key: string;
  ctx: PollContext;
  json: EncryptedBallotJson;
  resolve(result: number | null): void;
  reject(err: unknown): void;
}

/** One check, as any implementation does it (a worker runs the same function). */
export function checkBallot(ctx: PollContext, json: EncryptedBallotJson): number | null {
  const parsed = parseEncryptedBallot(json);
  return parsed.ok ? firstInvalidProof(ctx, parsed.ballot) : -1;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Checks on the main thread, in arrival order, one ballot per turn of the event loop. */
export class InProcessProofChecker implements ProofChecker {
  private readonly queue: Job[] = [];
  private readonly pending = new Map<string, number>();
  private readonly waiters: { key: string | undefined; resolve(): void }[] = [];
  private running = false;

  check(ctxKey: string, ctx: PollContext, ballotJson: EncryptedBallotJson): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key: ctxKey, ctx, json: ballotJson, resolve, reject });
      this.pending.set(ctxKey, (this.pending.get(ctxKey) ?? 0) + 1);
      if (!this.running) void this.drain();
    });
  }

  idle(pollId?: string): Promise<void> {
    if (this.isIdle(pollId)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ key: pollId, resolve }));
  }

  async close(): Promise<void> {
    await this.idle();
  }

  private isIdle(key: string | undefined): boolean {
    return key === undefined ? this.queue.length === 0 && !this.running : (this.pending.get(key) ?? 0) === 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      await cryptoReady();
      while (this.queue.length > 0) {
        await nextTurn();
        const job = this.queue.shift()!;
        try {
          job.resolve(checkBallot(job.ctx, job.json));
        } catch (err) {
          job.reject(err);
        }
        const left = (this.pending.get(job.key) ?? 1) - 1;
        if (left === 0) this.pending.delete(job.key);
        else this.pending.set(job.key, left);
        this.wake();
      }
    } finally {
      this.running = false;
      this.wake();
    }
  }

  private wake() {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (this.isIdle(w.key)) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
