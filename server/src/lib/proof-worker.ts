/**
 * A proof-check worker of ProofPool (proof-pool.ts): checks encrypted ballots' proofs off the
 * main thread (docs/CRYPTO.md §"Wire and tablet"). It loads libsodium once, keeps each poll's
 * context once it has been sent, and answers in small groups so a long batch still reports as it
 * goes. Loaded through tsx's require hook (see proof-pool.ts), so no top-level await and no
 * import.meta here.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { cryptoReady, type PollContext } from '@piaojue/shared/crypto';
import { checkBallot } from './proof-checker.ts';
import type { PoolRequest, PoolResult } from './proof-jobs.ts';

/** Answers are sent at the latest this often while a batch is being checked. */
const REPORT_EVERY_MS = 25;

const port = parentPort;
if (!port) throw new Error('proof-worker.ts runs only as a worker thread');

const contexts = new Map<string, PollContext>();

/**
 * Lowers this thread's priority (Linux: a thread id given to setpriority names that thread
 * alone), so that on a busy machine the casts' acks and PostgreSQL go first and the checks take
 * the CPU they leave. Elsewhere the worker keeps the server's priority.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, nice);
  } catch {
    // no /proc/thread-self, or not allowed: same priority as the server
  }
}
lowerPriority(Number((workerData as { nice?: number } | null)?.nice ?? 0));

function run(msg: PoolRequest): void {
  if (msg.type === 'forget') {
    contexts.clear();
    return;
  }
  for (const c of msg.contexts) contexts.set(c.key, c.ctx);
  let out: PoolResult[] = [];
  let last = performance.now();
  for (const job of msg.jobs) {
    const ctx = contexts.get(job.key);
    const started = performance.now();
    let result: number | null | 'error';
    try {
      // A context never sent is a pool bug; answering 'error' makes the pool check it itself.
      result = ctx ? checkBallot(ctx, job.ballot) : 'error';
    } catch {
      result = 'error';
    }
    const now = performance.now();
    out.push({ id: job.id, result, ms: now - started });
    if (now - last >= REPORT_EVERY_MS) {
      port!.postMessage({ type: 'results', results: out });
      out = [];
      last = now;
    }
  }
  if (out.length > 0) port!.postMessage({ type: 'results', results: out });
}

const ready = cryptoReady().then(() => port.postMessage({ type: 'ready' }));
port.on('message', (msg: PoolRequest) => {
  void ready.then(() => run(msg));
});
