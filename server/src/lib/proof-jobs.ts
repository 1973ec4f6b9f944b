/**
 * What ProofPool (proof-pool.ts) and its workers (proof-worker.ts) say to each other, and the one
 * check both run, so a ballot checked in a worker or, as a fallback, on the main thread gets the
 * same answer as firstInvalidProof (docs/CRYPTO.md §"Wire and tablet").
 */
import { firstInvalidProof, parseEncryptedBallot, type PollContext } from '@piaojue/shared/crypto';

export interface PoolJob {
  id: number;
  /** the context's key in the worker's cache */
  key: string;
  /** the ballot as the tablet sent it (EncryptedBallotJson, or its JSON text) */
  ballot: unknown;
}

export type PoolRequest =
  /** contexts: only those this worker has not been sent yet */
  | { type: 'batch'; contexts: { key: string; ctx: PollContext }[]; jobs: PoolJob[] }
  /** drop every cached context (the pool then sends each again when needed) */
  | { type: 'forget' };

export interface PoolResult {
  id: number;
  /** firstInvalidProof's answer; 'error' when the check threw (the pool checks it again itself) */
  result: number | null | 'error';
  /** time the check took, for the pool's figures */
  ms: number;
}

export type PoolReply = { type: 'ready' } | { type: 'results'; results: PoolResult[] };

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** firstInvalidProof on the ballot as received: null = valid, −1 = wrong shape, k = the statement whose proof fails. */
export function checkBallot(ctx: PollContext, ballotJson: unknown): number | null {
  const parsed = parseEncryptedBallot(typeof ballotJson === 'string' ? parseText(ballotJson) : ballotJson);
  return parsed.ok ? firstInvalidProof(ctx, parsed.ballot) : -1;
}
