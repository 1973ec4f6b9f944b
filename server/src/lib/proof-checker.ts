/**
 * The server's check of encrypted ballots' proofs (docs/CRYPTO.md §"Polls"). A check costs tens
 * of milliseconds of CPU, so it runs after the cast has been answered: the cast path hands each
 * accepted ballot to a ProofChecker and records the verdict when it comes. Only verified
 * ballots are summed; the close waits for idle(pollId).
 *
 * This is the seam for where the checks run: the server's is ProofPool (proof-pool.ts), worker
 * threads that each run checkBallot below, with the main thread as its fallback.
 */
import { firstInvalidProof, readStoredBallot, type PollContext } from '@piaojue/shared/crypto';

export interface ProofChecker {
  /**
   * Checks one ballot: null when every proof verifies, −1 when it is malformed or has the wrong
   * number of slots or proofs, k ≥ 0 when statement k's proof fails (firstInvalidProof).
   * `ctxKey` names `ctx` (the same key always comes with the same context, so an implementation
   * may keep it); it is the poll's id, which idle() takes. `ballotText` is the JSON text of the
   * ballot as the box stores it (readStoredBallot): one string, cheap to hand to a worker and to
   * keep while a storm's checks queue.
   */
  check(ctxKey: string, ctx: PollContext, ballotText: string): Promise<number | null>;
  /** Resolves once every check handed in so far (under `pollId` when given) has settled. */
  idle(pollId?: string): Promise<void>;
  /** Stops taking checks and releases what the checker holds (threads); at shutdown. */
  close?(): Promise<void>;
}

/** One check, as any implementation does it (a worker runs the same function), of the stored ballot's JSON text. */
export function checkBallot(ctx: PollContext, ballotText: string): number | null {
  let json: unknown;
  try {
    json = JSON.parse(ballotText);
  } catch {
    return -1;
  }
  const parsed = readStoredBallot(ctx.spec, json);
  return parsed.ok ? firstInvalidProof(ctx, parsed.ballot) : -1;
}
