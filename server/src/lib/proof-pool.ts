/**
 * The server's proof checks in worker threads (docs/CRYPTO.md §"Cost"): one worker per core by
 * default (PROOF_WORKERS). A ballot is acknowledged before its proofs are checked; the check
 * runs here, off the event loop that answers the tablets, and only a verified ballot counts.
 *
 * - Every check is answered: a worker that dies (crash, out of memory, killed) has the checks it
 *   held handed to the others and is replaced; a check that was in flight in three dead workers,
 *   or any check while no worker can start, is done on the main thread instead.
 * - Answers are firstInvalidProof's (checkBallot, the same function in the worker and here), in
 *   whatever order the workers finish.
 * - Each worker loads libsodium once (cryptoReady) and is sent each poll's context once; jobs go
 *   in batches of up to `batchSize` per message, and each worker holds at most `perWorker`, so
 *   the queue stays here (where a dead worker cannot take it along) and the workers stay busy.
 * - Batch verification would need multi-scalar multiplication, which libsodium does not offer
 *   (and we write no group arithmetic ourselves): each proof is checked on its own.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PollContext } from '@piaojue/shared/crypto';
import { checkBallot, type ProofChecker } from './proof-checker.ts';
import type { PoolReply, PoolRequest, PoolResult } from './proof-jobs.ts';

export interface ProofPoolOptions {
  /** worker threads; default: the cores of this machine */
  size?: number;
  /** most jobs in one message to a worker */
  batchSize?: number;
  /** most jobs a worker holds at once (its batch and the next, so it never waits for us) */
  perWorker?: number;
  /** nice value of the worker threads on Linux (0–19; default 19): acks before checks when the CPU is short */
  nice?: number;
  /** how a worker's death is reported (never with a ballot) */
  log?: (message: string) => void;
}

export interface ProofPoolStats {
  workers: number;
  queued: number;
  inFlight: number;
  /** checks each worker holds now */
  held: number[];
  checked: number;
  /** time the workers spent checking, summed over workers, in ms */
  checkMs: number;
  crashes: number;
  /** checks done on the main thread (a check that failed in a worker, or no worker running) */
  onMainThread: number;
}

interface Job {
  id: number;
  key: string;
  ctx: PollContext;
  ballot: string;
  pollId: string;
  attempts: number;
  resolve: (r: number | null) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  stopping: boolean;
  inFlight: Map<number, Job>;
  /** context keys this worker has been sent */
  known: Set<string>;
}

/** Tries per check before it is done on the main thread. */
const MAX_ATTEMPTS = 3;
/** Workers that died before becoming ready, one after the other, before the pool stops starting them. */
const MAX_FAILED_STARTS = 3;
/** Contexts a worker keeps; past this it is told to forget them all (a session has a few dozen polls). */
const MAX_CONTEXTS = 64;

/**
 * The worker runs proof-worker.ts from the same sources as the server: through tsx's require hook,
 * registered in the worker itself, so it works under `tsx` (pnpm start, pnpm dev), `node --import
 * tsx` (the benchmarks) and vitest alike. Node 20 applies no module.register hooks inside a
 * worker, hence the CommonJS hook.
 */
const WORKER_SOURCE = (() => {
  const require = createRequire(import.meta.url);
  const tsx = require.resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./proof-worker.ts', import.meta.url));
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
})();

export const defaultPoolSize = (): number => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);

export class ProofPool implements ProofChecker {
  private readonly size: number;
  private readonly batchSize: number;
  private readonly perWorker: number;
  private readonly nice: number;
  private readonly log: (message: string) => void;
  private readonly slots: Slot[] = [];
  private queue: Job[] = [];
  private readonly pending = new Map<string, number>();
  private totalPending = 0;
  private waiters: { pollId: string | undefined; resolve: () => void }[] = [];
  private nextId = 1;
  private scheduled = false;
  private closed = false;
  /** Workers start at the first check (or start()): a server that never sees an encrypted ballot runs none. */
  private started = false;
  private failedStarts = 0;
  private readonly figures = { checked: 0, checkMs: 0, crashes: 0, onMainThread: 0 };

  constructor(opts: ProofPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? defaultPoolSize());
    this.batchSize = Math.max(1, opts.batchSize ?? 8);
    this.perWorker = Math.max(this.batchSize, opts.perWorker ?? 2 * this.batchSize);
    this.nice = Math.min(19, Math.max(0, opts.nice ?? 19));
    this.log = opts.log ?? ((m) => console.error(`[piaojue] ${m}`));
  }

  /** Starts the workers now rather than at the first check (which otherwise waits for them). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  check(ctxKey: string, ctx: PollContext, ballotText: string): Promise<number | null> {
    if (this.closed) return Promise.reject(new Error('proof pool closed'));
    return new Promise((resolve, reject) => {
      // The key is the poll's id (proof-checker.ts), which idle() takes.
      const pollId = ctxKey;
      this.pending.set(pollId, (this.pending.get(pollId) ?? 0) + 1);
      this.totalPending += 1;
      if (this.totalPending === 1) this.slots.forEach((s) => s.worker.ref());
      this.queue.push({ id: this.nextId++, key: ctxKey, ctx, ballot: ballotText, pollId, attempts: 0, resolve, reject });
      this.start();
      this.schedule();
    });
  }

  idle(pollId?: string): Promise<void> {
    const n = pollId === undefined ? this.totalPending : (this.pending.get(pollId) ?? 0);
    if (n === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pollId, resolve }));
  }

  stats(): ProofPoolStats {
    return {
      workers: this.slots.filter((s) => s.ready).length,
      queued: this.queue.length,
      inFlight: this.slots.reduce((n, s) => n + s.inFlight.size, 0),
      held: this.slots.map((s) => s.inFlight.size),
      ...this.figures,
    };
  }

  /**
   * Stops the workers, at shutdown. Checks not yet answered are refused (their ballots stay stored
   * with the check pending; the close of their poll checks them again) and idle() waiters wake.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const left = [...this.queue, ...this.slots.flatMap((s) => [...s.inFlight.values()])];
    this.queue = [];
    for (const s of this.slots) {
      s.stopping = true;
      s.inFlight.clear();
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const job of left) {
      this.settle(job);
      job.reject(new Error('proof pool closed'));
    }
  }

  /** Fault injection for the tests: ends worker `index` as a crash would (its checks must still be answered). */
  async killWorker(index: number): Promise<void> {
    await this.slots[index]?.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { nice: this.nice } });
    if (this.totalPending === 0) worker.unref();
    const slot: Slot = { worker, ready: false, stopping: false, inFlight: new Map(), known: new Set() };
    worker.on('message', (m: PoolReply) => this.onReply(slot, m));
    worker.on('error', (err) => this.log(`proof-check worker failed: ${err.message}`));
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onReply(slot: Slot, m: PoolReply): void {
    if (m.type === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
    } else {
      for (const r of m.results) this.onResult(slot, r);
    }
    this.schedule();
  }

  private onResult(slot: Slot, r: PoolResult): void {
    const job = slot.inFlight.get(r.id);
    if (!job) return;
    slot.inFlight.delete(r.id);
    if (r.result === 'error') {
      this.checkHere(job);
      return;
    }
    this.figures.checked += 1;
    this.figures.checkMs += r.ms;
    this.finish(job, r.result);
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.stopping || this.closed) return;
    this.figures.crashes += 1;
    if (!slot.ready) this.failedStarts += 1;
    const held = [...slot.inFlight.values()];
    slot.inFlight.clear();
    this.log(`proof-check worker exited (code ${code}); ${held.length} check(s) it held go to the other workers`);
    const retry: Job[] = [];
    for (const job of held) {
      job.attempts += 1;
      if (job.attempts >= MAX_ATTEMPTS) this.checkHere(job);
      else retry.push(job);
    }
    this.queue = [...retry, ...this.queue];
    const i = this.slots.indexOf(slot);
    if (this.failedStarts < MAX_FAILED_STARTS) this.slots[i] = this.spawn();
    else {
      this.slots.splice(i, 1);
      if (this.slots.length === 0) this.log('no proof-check worker could start: checking proofs on the main thread');
    }
    this.schedule();
  }

  /** Several checks arriving in one turn of the event loop go out in one message. */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.slots.length === 0) {
      // No worker at all: one check per turn, so the event loop keeps answering tablets between them.
      const job = this.queue.shift();
      if (job) {
        this.checkHere(job);
        this.schedule();
      }
      return;
    }
    for (;;) {
      if (this.queue.length === 0) return;
      const free = this.slots.filter((s) => s.ready && !s.stopping && s.inFlight.size < this.perWorker);
      if (free.length === 0) return;
      const slot = free.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
      const share = Math.ceil(this.queue.length / free.length);
      const n = Math.min(this.batchSize, this.perWorker - slot.inFlight.size, share);
      this.send(slot, this.queue.splice(0, n));
    }
  }

  private send(slot: Slot, jobs: Job[]): void {
    const fresh = [...new Set(jobs.map((j) => j.key))].filter((k) => !slot.known.has(k));
    if (slot.known.size + fresh.length > MAX_CONTEXTS) {
      slot.worker.postMessage({ type: 'forget' } satisfies PoolRequest);
      slot.known.clear();
      fresh.splice(0, fresh.length, ...new Set(jobs.map((j) => j.key)));
    }
    const contexts = fresh.map((key) => ({ key, ctx: jobs.find((j) => j.key === key)!.ctx }));
    for (const k of fresh) slot.known.add(k);
    for (const j of jobs) slot.inFlight.set(j.id, j);
    slot.worker.postMessage({ type: 'batch', contexts, jobs: jobs.map((j) => ({ id: j.id, key: j.key, ballot: j.ballot })) } satisfies PoolRequest);
  }

  /** The main-thread fallback; the same function the workers run. */
  private checkHere(job: Job): void {
    this.figures.onMainThread += 1;
    let result: number | null;
    try {
      result = checkBallot(job.ctx, job.ballot);
    } catch (err) {
      this.settle(job);
      job.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.finish(job, result);
  }

  private finish(job: Job, result: number | null): void {
    this.settle(job);
    job.resolve(result);
  }

  /** One check fewer outstanding; wakes whoever waits for its poll, or for all, to drain. */
  private settle(job: Job): void {
    const left = (this.pending.get(job.pollId) ?? 1) - 1;
    if (left === 0) this.pending.delete(job.pollId);
    else this.pending.set(job.pollId, left);
    this.totalPending -= 1;
    // An idle pool keeps no process alive (the server's listener does); a pending check does.
    if (this.totalPending === 0) this.slots.forEach((s) => s.worker.unref());
    const wake = this.waiters.filter((w) => (w.pollId === undefined ? this.totalPending === 0 : w.pollId === job.pollId && left === 0));
    if (wake.length === 0) return;
    this.waiters = this.waiters.filter((w) => !wake.includes(w));
    // After the check's own promise, so whoever awaits idle() sees every answer already delivered.
    setImmediate(() => wake.forEach((w) => w.resolve()));
  }
}
