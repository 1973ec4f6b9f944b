/**
 * What ProofPool (proof-pool.ts) and its workers (proof-worker.ts) say to each other. Both run
 * proof-checker.ts's checkBallot, so a ballot checked in a worker or, as a fallback, on the main
 * thread gets the in-process checker's answer (docs/CRYPTO.md §"Wire and tablet").
 */
import type { PollContext } from '@piaojue/shared/crypto';

export interface PoolJob {
  id: number;
  /** the context's key in the worker's cache */
  key: string;
  /** the JSON text of the ballot as the box stores it (ProofChecker.check) */
  ballot: string;
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
