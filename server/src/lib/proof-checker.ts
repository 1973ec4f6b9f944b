/**
 * The server's check of encrypted ballots' proofs (docs/CRYPTO.md §"Polls"). A check costs tens
 * of milliseconds of CPU, so it runs after the cast has been answered: the cast path hands each
 * accepted ballot to a ProofChecker and records the verdict when it comes. Only verified
 * ballots are summed; the close waits for idle(pollId).
 *
 * This is the seam for where the checks run: the server's is ProofPool (proof-pool.ts), worker
 * threads that each run checkBallot below, with the main thread as its fallback.
 */
import { firstInvalidProof, parseEncryptedBallot, type EncryptedBallotJson, type PollContext } from '@piaojue/shared/crypto';

export interface ProofChecker {
  /**
   * Checks one ballot: null when every proof verifies, −1 when it is malformed or has the wrong
   * number of slots or proofs, k ≥ 0 when statement k's proof fails (firstInvalidProof).
   * `ctxKey` names `ctx` (the same key always comes with the same context, so an implementation
   * may keep it); it is the poll's id, which idle() takes.
   */
  check(ctxKey: string, ctx: PollContext, ballot: EncryptedBallotJson | string): Promise<number | null>;
  /** Resolves once every check handed in so far (under `pollId` when given) has settled. */
  idle(pollId?: string): Promise<void>;
  /** Stops taking checks and releases what the checker holds (threads); at shutdown. */
  close?(): Promise<void>;
}

/** One check, as any implementation does it (a worker runs the same function); the ballot as JSON or its text. */
export function checkBallot(ctx: PollContext, ballot: EncryptedBallotJson | string): number | null {
  let json: unknown = ballot;
  if (typeof ballot === 'string') {
    try {
      json = JSON.parse(ballot);
    } catch {
      return -1;
    }
  }
  const parsed = parseEncryptedBallot(json);
  return parsed.ok ? firstInvalidProof(ctx, parsed.ballot) : -1;
}
