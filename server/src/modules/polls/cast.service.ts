import { createHash, randomInt } from 'node:crypto';
import { validateBallot, validateRatingBallot, type BallotMode, type DeputyIdentity, type PollRules } from '@piaojue/shared';
import type { Ciphertext, PollSpec } from '@piaojue/shared/crypto';
import { Batcher, type Db } from '../../db/database.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import type { ProofChecker } from '../../lib/proof-checker.ts';
import type { TurnoutNotifier } from '../../realtime/notify.ts';
import { EncryptedCasts, type Prepared, type Rejection } from './encrypted-cast.ts';
import { mustGetPoll, rulesOf } from './poll-wire.ts';
import { pollsRepository as repo } from './polls.repository.ts';

const BASE32 = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * The receipt is derived from the tablet's own idempotency key, so a retry yields the same
 * receipt without the server keeping anything that ties the deputy's roll entry to it: the roll
 * stores a different one-way hash of the key.
 */
export function trackerFor(pollId: string, key: string): string {
  const digest = createHash('sha256').update(`receipt:${pollId}:${key}`).digest();
  let s = '';
  for (let i = 0; i < 12; i++) s += BASE32[digest[i]! % 32];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

const rollKeyHash = (pollId: string, key: string) => sha256(`roll:${pollId}:${key}`);
/**
 * What the roll keeps of the ballot: a hash under the tablet's own random key, so a retry with
 * the key can be told apart from a changed ballot, while nothing stored (without the key, which
 * only the tablet has) says anything about the choice.
 */
/**
 * What a retry under the same key must repeat: the ballot's content. An encrypted ballot's tracker
 * already hashes every element of it, so that stands for its content (cheaper than its JSON).
 */
const ballotCheckOf = (pollId: string, key: string, ready: { tracker: string; body: unknown; boxId: string | null }) =>
  sha256(`check:${pollId}:${key}:${ready.boxId ? `tracker:${ready.tracker}` : canonicalJson(ready.body)}`);

/**
 * What a cast needs to know of a poll and that never changes once the poll exists: its session,
 * kind, rules and candidate list. (Its status does change, and every cast reads it from the
 * database, in the statement that writes the ballot.)
 */
interface PollDefinition {
  sessionId: string;
  kind: string;
  rules: PollRules;
  candidateIds: readonly string[];
  allowAbstain: boolean;
  ballotMode: BallotMode;
}

interface PendingCast {
  deputyId: string;
  keyHash: string;
  ballotCheck: string;
  tracker: string;
  /** the ballot as JSON text, as stored */
  bodyText: string;
  /** encrypted ballots: the box row's id (for the proof check's verdict) and its check, pending */
  boxId: string | null;
  proofStatus: 'pending' | null;
}

interface CastOutcome {
  open: boolean;
  cast: boolean;
}

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * The cast path: validates a ballot, writes it through the poll's batched writer (roll and box
 * in one statement), and answers the receipt. The hottest path of a session: it keeps what it
 * may of a poll in memory and reads only the poll's status from the database.
 */
export class CastService {
  private readonly definitions = new Map<string, PollDefinition>();
  private readonly writers = new Map<string, Batcher<PendingCast, CastOutcome>>();

  private readonly encrypted: EncryptedCasts;

  constructor(
    private readonly db: Db,
    private readonly turnoutNotifier: TurnoutNotifier,
    checker: ProofChecker,
    log: { warn(o: unknown, m?: string): void } = console,
  ) {
    this.encrypted = new EncryptedCasts(db, checker, log);
  }

  /** The checker of encrypted ballots' proofs (the close hands it what is still unchecked). */
  get checker(): ProofChecker {
    return this.encrypted.checker;
  }

  /** The encrypted totals of a poll's verified ballots at its close (EncryptedCasts.sums), and done with its running sums. */
  encryptedSums(pollId: string, spec: PollSpec, verified: readonly { id: string; body: unknown }[]): Ciphertext[] {
    const sums = this.encrypted.sums(pollId, spec, verified);
    this.encrypted.forget(pollId);
    return sums;
  }

  /** A poll's ballots are destroyed (cancelled before its count): its running sums go too (safe if that then rolls back: a close sums afresh). */
  forgetSums(pollId: string): void {
    this.encrypted.forget(pollId);
  }

  /** An encrypted poll's context, as the cast path keeps it. */
  get contexts() {
    return this.encrypted.contexts;
  }

  private async definition(pollId: string): Promise<PollDefinition> {
    const known = this.definitions.get(pollId);
    if (known) return known;
    const p = await mustGetPoll(this.db, pollId);
    const d: PollDefinition = { sessionId: p.session_id, kind: p.kind, rules: rulesOf(p), candidateIds: Object.freeze([...p.candidate_ids]), allowAbstain: p.allow_abstain, ballotMode: p.ballot_mode };
    if (this.definitions.size >= 1000) this.definitions.clear();
    this.definitions.set(pollId, d);
    return d;
  }

  /** The poll's ballot writer: casts that arrive together share one statement and one commit. */
  private writer(pollId: string): Batcher<PendingCast, CastOutcome> {
    let w = this.writers.get(pollId);
    if (!w) {
      if (this.writers.size >= 100) for (const [id, x] of this.writers) if (x.idle) this.writers.delete(id);
      w = new Batcher((casts) => this.writeBallots(pollId, casts), 200, 3);
      this.writers.set(pollId, w);
    }
    return w;
  }

  private async writeBallots(pollId: string, casts: PendingCast[]): Promise<(CastOutcome | Error)[]> {
    const out: (CastOutcome | Error)[] = new Array(casts.length);
    const one = async (i: number) => {
      try {
        const r = await repo.castBallots(this.db, pollId, [casts[i]!]);
        out[i] = { open: r.open === 1, cast: r.cast.length === 1 };
      } catch (err) {
        out[i] = err instanceof Error ? err : new Error(String(err));
      }
    };
    // A deputy at most once per statement: a second cast of the same deputy (a retry racing
    // its original) goes alone, after.
    const first: number[] = [];
    const later: number[] = [];
    const seen = new Set<string>();
    casts.forEach((c, i) => {
      if (seen.has(c.deputyId)) later.push(i);
      else {
        seen.add(c.deputyId);
        first.push(i);
      }
    });
    try {
      // In random order, so not even the rows' order within the batch follows the order of arrival.
      const r = await repo.castBallots(this.db, pollId, shuffled(first.map((i) => casts[i]!)));
      const cast = new Set(r.cast);
      for (const i of first) out[i] = { open: r.open === 1, cast: cast.has(casts[i]!.deputyId) };
    } catch (err) {
      // One ballot that breaks a constraint must not sink the others, nor a deadlock with a batch
      // that holds a retry of the same deputy: write them one by one.
      const code = String((err as { code?: unknown }).code ?? '');
      if (!(code.startsWith('23') || code === '40P01') || first.length === 1) throw err;
      for (const i of first) await one(i);
    }
    for (const i of later) await one(i);
    return out;
  }

  /**
   * Casts one ballot. The roll entry (who) and the ballot (what) are written in one
   * transaction and share nothing: no key, no time, no order. An encrypted poll's ballot is
   * answered before its proofs are checked (docs/CRYPTO.md §"Polls"); `onRejected` hears, in
   * memory only, if the check then fails.
   */
  async cast(deputy: DeputyIdentity, pollId: string, key: string, rawBallot: unknown, onRejected?: (v: Rejection) => void): Promise<{ receipt: string; duplicate: boolean }> {
    const p = await this.definition(pollId);
    if (p.sessionId !== deputy.sessionId) throw new AppError('NOT_FOUND');
    const keyHash = rollKeyHash(pollId, key);
    const ready = p.ballotMode === 'encrypted' ? await this.encrypted.prepare(pollId, rawBallot) : preparePlain(p, pollId, key, rawBallot);
    const ballotCheck = ready.ok ? ballotCheckOf(pollId, key, ready) : null;
    // A deputy who has voted gets the receipt back on a retry with the same key and the same
    // ballot; a changed ballot under the same key, or another key, is refused.
    const votedBefore = (entry: { voted: boolean; key_hash: string | null; ballot_check: string | null } | undefined) => {
      if (!entry?.voted) return null;
      if (entry.key_hash !== keyHash) throw new AppError('ALREADY_VOTED');
      // Rows written before the ballot check existed have none: the key alone answers for them.
      if (entry.ballot_check !== null && entry.ballot_check !== ballotCheck) throw new AppError('BALLOT_CHANGED');
      return { receipt: ready.ok ? ready.receipt : trackerFor(pollId, key), duplicate: true };
    };
    if (!ready.ok) {
      const retry = votedBefore(await repo.rollEntry(this.db, pollId, deputy.id));
      if (retry) return retry;
      throw ready.error;
    }
    // The common case is one batched statement; the rare ones are explained from the roll after it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const done = await this.writer(pollId)
        .add({ deputyId: deputy.id, keyHash, ballotCheck: ballotCheck!, tracker: ready.tracker, bodyText: ready.text, boxId: ready.boxId, proofStatus: ready.boxId ? 'pending' : null })
        .catch((err: unknown) => {
          // The same encrypted ballot twice (another tablet replaying it): its tracker is in the box.
          if (ready.boxId && (err as { code?: unknown }).code === '23505') throw new AppError('BALLOT_REPLAYED');
          throw err;
        });
      if (done.cast) {
        this.turnoutNotifier.changed(p.sessionId);
        if (ready.boxId) this.encrypted.verifyLater(pollId, p.sessionId, ready.boxId, ready.text, onRejected);
        return { receipt: ready.receipt, duplicate: false };
      }
      const entry = await repo.rollEntry(this.db, pollId, deputy.id);
      const retry = votedBefore(entry);
      if (retry) return retry;
      if (!done.open) throw new AppError('POLL_STATE');
      if (!entry) throw new AppError('NOT_ISSUED');
      if (entry.paper) throw new AppError('PAPER_BALLOT_ISSUED');
      // Open, issued and not voted, yet nothing written: a concurrent cast of this deputy rolled back. Again.
    }
    throw new AppError('INTERNAL');
  }

  /** Resolves once every encrypted ballot of the poll accepted here has its proof check recorded. */
  verified(pollId: string): Promise<void> {
    return this.encrypted.settled(pollId);
  }
}

/** A plain ballot, checked by the shared ballot rules. */
function preparePlain(p: PollDefinition, pollId: string, key: string, rawBallot: unknown): Prepared {
  const checked = p.kind === 'rating' ? validateRatingBallot(rawBallot, p.candidateIds, p.allowAbstain) : validateBallot(rawBallot, p.rules, p.candidateIds);
  if (!checked.ok) return { ok: false, error: new AppError('INVALID_BALLOT', { reason: checked.code }, checked.message) };
  const receipt = trackerFor(pollId, key);
  return { ok: true, receipt, tracker: receipt, body: checked.ballot, text: JSON.stringify(checked.ballot), boxId: null };
}
