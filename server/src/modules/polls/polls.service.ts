import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import {
  quorumMet,
  tally,
  tallyRating,
  validateBallot,
  validateRatingBallot,
  type CreateRatingPollBody,
  type GradingRule,
  type RatingBallot,
  type RatingBase,
  levelBodies,
  type Level,
  type RatingBody,
  readRatingResult,
  type RatingResultWire,
  type Signoff,
  type BallotBody,
  type Candidate,
  type CreatePollBody,
  type DeputyIdentity,
  type DeputyState,
  type HallState,
  type Poll,
  type PollCandidate,
  type PollResult,
  type PollRules,
  type QuorumRule,
  type StaffState,
  type StaffTurnout,
  type Turnout,
} from '@piaojue/shared';
import { Batcher, type Db, type DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx, type TurnoutNotifier } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { candidateListHash, toCandidate } from '../cycles/cycles.service.ts';
import { confirmationsNeeded, isCounter } from '../procedure/scrutiny.service.ts';
import { interventionsOf } from '../sessions/dual-control.service.ts';
import { attendanceOf } from '../sessions/sessions.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { rectificationRepository } from '../tracking/rectification.repository.ts';
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

const toPollCandidate = (c: Candidate): PollCandidate => ({
  id: c.id,
  name: c.name,
  department: c.department,
  investmentWan: c.investmentWan,
  deadline: c.deadline,
  content: c.content,
  targets: c.targets,
  location: c.location,
  category: c.category,
  fundingSource: c.fundingSource,
  subItems: c.subItems,
});

const rollKeyHash = (pollId: string, key: string) => sha256(`roll:${pollId}:${key}`);
/**
 * What the roll keeps of the ballot: a hash under the tablet's own random key, so a retry with
 * the key can be told apart from a changed ballot, while nothing stored (without the key, which
 * only the tablet has) says anything about the choice.
 */
const ballotCheckOf = (pollId: string, key: string, ballot: unknown) => sha256(`check:${pollId}:${key}:${canonicalJson(ballot)}`);

export const rulesOf = (p: PollRow): PollRules => ({
  ballotType: p.ballot_type as PollRules['ballotType'],
  choose: p.choose_n,
  passThreshold: p.pass_threshold as PollRules['passThreshold'],
  tieRule: p.tie_rule as PollRules['tieRule'],
});

/** A rating poll's settings; polls made before the base was a setting graded against raters. */
export const ratingRulesOf = (p: PollRow): { gradingRule: GradingRule; ratingBase: RatingBase; ratingBody: RatingBody } => ({
  gradingRule: (p.grading_rule ?? 'zhenhai') as GradingRule,
  ratingBase: (p.rating_base ?? 'raters') as RatingBase,
  ratingBody: (p.rating_body ?? 'deputies') as RatingBody,
});

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
}

interface PendingCast {
  deputyId: string;
  keyHash: string;
  ballotCheck: string;
  tracker: string;
  body: unknown;
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

export class PollsService {
  private readonly definitions = new Map<string, PollDefinition>();
  private readonly writers = new Map<string, Batcher<PendingCast, CastOutcome>>();

  constructor(
    private readonly db: Db,
    private readonly turnoutNotifier: TurnoutNotifier,
    private readonly log: { warn(o: unknown, m?: string): void } = console,
  ) {}

  private async candidatesOf(db: DbOrTx, ids: string[]): Promise<PollCandidate[]> {
    const rows = await cyclesRepository.candidatesByIds(db, ids);
    const byId = new Map(rows.map((r) => [r.id, toCandidate(r)]));
    return ids.flatMap((id) => {
      const c = byId.get(id);
      return c ? [toPollCandidate(c)] : [];
    });
  }

  async toPoll(db: DbOrTx, p: PollRow): Promise<Poll> {
    const showResult = p.status === 'closed' || p.status === 'rejected' || p.status === 'certified' || p.status === 'published';
    const isRating = p.kind === 'rating';
    const signoffs = await repo.signoffs(db, p.id);
    return {
      id: p.id,
      sessionId: p.session_id,
      kind: p.kind as Poll['kind'],
      parentPollId: p.parent_poll_id,
      title: p.title,
      status: p.status as Poll['status'],
      ballotType: p.ballot_type as Poll['ballotType'],
      chooseN: p.choose_n,
      passThreshold: p.pass_threshold as Poll['passThreshold'],
      tieRule: p.tie_rule as Poll['tieRule'],
      listHash: p.list_hash,
      candidates: await this.candidatesOf(db, p.candidate_ids),
      countdownSeconds: p.countdown_seconds,
      openedAt: p.opened_at?.toISOString() ?? null,
      closesAt: p.closes_at?.toISOString() ?? null,
      closedAt: p.closed_at?.toISOString() ?? null,
      certifiedAt: p.certified_at?.toISOString() ?? null,
      cancelledAt: p.cancelled_at?.toISOString() ?? null,
      rejectedAt: p.rejected_at?.toISOString() ?? null,
      allowAbstain: p.allow_abstain,
      gradingRule: (p.grading_rule as GradingRule | null) ?? null,
      ratingBase: isRating ? ratingRulesOf(p).ratingBase : null,
      ratingBody: isRating ? ratingRulesOf(p).ratingBody : null,
      reratingOf: p.rerating_of,
      result: showResult && !isRating ? ((p.result as PollResult | null) ?? null) : null,
      rating: showResult && isRating ? readRatingResult(p.result) : null,
      certification: {
        certifyK: p.certify_k,
        scrutineerConfirmations: await confirmationsNeeded(db, p),
        minBallots: p.min_ballots,
        signoffs: signoffs.map(
          (x): Signoff => ({
            role: x.role,
            userId: x.user_id,
            deputyId: x.deputy_id,
            displayName: x.display_name ?? '',
            decision: x.decision,
            reason: x.reason,
            at: x.at.toISOString(),
          }),
        ),
      },
    };
  }

  private async mustGet(db: DbOrTx, id: string, lock = false): Promise<PollRow> {
    const p = lock ? await repo.lock(db, id) : await repo.get(db, id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  /** A deputy sees only the polls of the session they sit in. */
  private checkReader(principal: Principal, p: PollRow) {
    if (principal.kind === 'deputy' && principal.deputy.sessionId !== p.session_id) throw new AppError('NOT_FOUND');
  }

  async get(principal: Principal, id: string): Promise<Poll> {
    const p = await this.mustGet(this.db, id);
    this.checkReader(principal, p);
    return this.toPoll(this.db, p);
  }

  async list(sessionId: string): Promise<Poll[]> {
    if (!(await sessionsRepository.get(this.db, sessionId))) throw new AppError('NOT_FOUND');
    const rows = await repo.listBySession(this.db, sessionId);
    return Promise.all(rows.map((r) => this.toPoll(this.db, r)));
  }

  async create(actor: Principal, sessionId: string, b: CreatePollBody): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const session = await sessionsRepository.lock(trx, sessionId);
      if (!session) throw new AppError('NOT_FOUND');
      const cycle = await cyclesRepository.get(trx, session.cycle_id);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (!cycle.frozen_at || !cycle.frozen_hash) throw new AppError('LIST_NOT_FROZEN');
      const candidates = await cyclesRepository.candidates(trx, cycle.id);
      const p = await repo.insert(trx, {
        session_id: sessionId,
        cycle_id: cycle.id,
        kind: 'vote',
        title: b.title ?? `${cycle.name}票决`,
        ballot_type: cycle.ballot_type,
        choose_n: cycle.choose_n,
        pass_threshold: cycle.pass_threshold,
        tie_rule: cycle.tie_rule,
        candidate_ids: JSON.stringify(candidates.map((c) => c.id)),
        list_hash: cycle.frozen_hash,
        countdown_seconds: b.countdownSeconds ?? null,
        certify_k: cycle.certify_k,
        scrutineer_confirmations: cycle.scrutineer_confirmations,
        min_ballots: cycle.min_ballots,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.created', subject: `poll:${p.id}`, details: { sessionId, title: p.title, listHash: p.list_hash } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.toPoll(trx, p);
    });
  }

  /** Opens the poll: needs the quorum; every deputy present is issued one ballot. */
  async open(actor: Principal, id: string, countdownSeconds?: number | null): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, id, true);
      if (p.status !== 'draft') throw new AppError('POLL_STATE', { status: p.status });
      const session = await sessionsRepository.lock(trx, p.session_id);
      const cycle = await cyclesRepository.get(trx, p.cycle_id);
      if (!session || !cycle) throw new AppError('NOT_FOUND');
      if (p.kind === 'vote') {
        // The list on the ballot must be the list as frozen: recompute, don't trust stored hashes.
        const current = candidateListHash((await cyclesRepository.candidates(trx, cycle.id)).map(toCandidate));
        if (!cycle.frozen_hash || cycle.frozen_hash !== p.list_hash || current !== p.list_hash) throw new AppError('LIST_NOT_FROZEN');
      }
      if (await sessionsRepository.openPoll(trx, p.session_id)) throw new AppError('ANOTHER_POLL_OPEN');
      const att = await attendanceOf(trx, p.session_id, cycle.quorum_rule as QuorumRule);
      if (!quorumMet(cycle.quorum_rule as QuorumRule, att.seated, att.present)) throw new AppError('QUORUM_NOT_MET', att);
      await repo.issueToPresent(trx, id, p.session_id);
      const countdown = countdownSeconds === undefined ? p.countdown_seconds : countdownSeconds;
      const now = new Date();
      const row = await repo.update(trx, id, {
        status: 'open',
        opened_at: now,
        closes_at: countdown ? new Date(now.getTime() + countdown * 1000) : null,
        countdown_seconds: countdown ?? null,
        seated: att.seated,
        present: att.present,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.opened', subject: `poll:${id}`, details: { seated: att.seated, present: att.present, countdown: countdown ?? null } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return this.toPoll(trx, row);
    });
  }

  private async definition(pollId: string): Promise<PollDefinition> {
    const known = this.definitions.get(pollId);
    if (known) return known;
    const p = await this.mustGet(this.db, pollId);
    const d: PollDefinition = { sessionId: p.session_id, kind: p.kind, rules: rulesOf(p), candidateIds: Object.freeze([...p.candidate_ids]), allowAbstain: p.allow_abstain };
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
   * transaction and share nothing: no key, no time, no order.
   */
  async cast(deputy: DeputyIdentity, pollId: string, key: string, rawBallot: unknown): Promise<{ receipt: string; duplicate: boolean }> {
    const p = await this.definition(pollId);
    if (p.sessionId !== deputy.sessionId) throw new AppError('NOT_FOUND');
    const receipt = trackerFor(pollId, key);
    const keyHash = rollKeyHash(pollId, key);
    const checked = p.kind === 'rating' ? validateRatingBallot(rawBallot, p.candidateIds, p.allowAbstain) : validateBallot(rawBallot, p.rules, p.candidateIds);
    const ballotCheck = checked.ok ? ballotCheckOf(pollId, key, checked.ballot) : null;
    // A deputy who has voted gets the receipt back on a retry with the same key and the same
    // ballot; a changed ballot under the same key, or another key, is refused.
    const votedBefore = (entry: { voted: boolean; key_hash: string | null; ballot_check: string | null } | undefined) => {
      if (!entry?.voted) return null;
      if (entry.key_hash !== keyHash) throw new AppError('ALREADY_VOTED');
      // Rows written before the ballot check existed have none: the key alone answers for them.
      if (entry.ballot_check !== null && entry.ballot_check !== ballotCheck) throw new AppError('BALLOT_CHANGED');
      return { receipt, duplicate: true };
    };
    if (!checked.ok) {
      const retry = votedBefore(await repo.rollEntry(this.db, pollId, deputy.id));
      if (retry) return retry;
      throw new AppError('INVALID_BALLOT', { reason: checked.code }, checked.message);
    }
    // The common case is one batched statement; the rare ones are explained from the roll after it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const done = await this.writer(pollId).add({ deputyId: deputy.id, keyHash, ballotCheck: ballotCheck!, tracker: receipt, body: checked.ballot });
      if (done.cast) {
        this.turnoutNotifier.changed(p.sessionId);
        return { receipt, duplicate: false };
      }
      const entry = await repo.rollEntry(this.db, pollId, deputy.id);
      const retry = votedBefore(entry);
      if (retry) return retry;
      if (!done.open) throw new AppError('POLL_STATE');
      if (!entry) throw new AppError('NOT_ISSUED');
      // Open, issued and not voted, yet nothing written: a concurrent cast of this deputy rolled back. Again.
    }
    throw new AppError('INTERNAL');
  }

  /**
   * Closes the poll and counts it; callable by staff or by the countdown sweeper (actor null).
   * Below the poll's minimum number of ballots nothing is counted: a count of so few ballots
   * would tell who voted how (the turnout list names the voters). Such a poll can only be
   * cancelled, which destroys its ballots; the sweeper does that itself when the countdown ends.
   */
  async close(actor: Principal | null, id: string): Promise<Poll> {
    const poll = await this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, id, true);
      if (p.status !== 'open') {
        if (actor === null) return null;
        throw new AppError('POLL_STATE', { status: p.status });
      }
      const { voted } = await repo.turnout(trx, id);
      if (voted < p.min_ballots) {
        if (actor !== null) throw new AppError('TOO_FEW_BALLOTS', { voted, minimum: p.min_ballots });
        return this.cancelInTx(trx, null, p, 'too_few_ballots');
      }
      // Reseal and count in one pass: the count reads the ballots the reseal moved.
      const result = await this.count(trx, p, await repo.reseal(trx, id));
      const row = await repo.update(trx, id, { status: 'closed', closed_at: new Date(), result: JSON.stringify(result) });
      await appendAudit(trx, {
        actor: actor ? actorOf(actor) : 'system:countdown',
        action: 'poll.closed',
        subject: `poll:${id}`,
        details: 'chosen' in result ? { record: result.record, chosen: result.chosen, tie: result.tie } : { record: result.record, grades: result.rows.map((r) => [r.candidateId, r.grade]) },
      });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return this.toPoll(trx, row);
    });
    if (!poll) return this.get({ kind: 'anonymous' }, id);
    this.compactLater();
    return poll;
  }

  /**
   * Drops the row versions the close or cancel left behind (see pollsRepository.compactBallotTables).
   * After the answer, so the hall does not wait for it; one at a time.
   */
  private compacting: Promise<void> = Promise.resolve();
  private compactLater() {
    const attempt = async (left: number): Promise<void> => {
      try {
        await repo.compactBallotTables(this.db);
      } catch (err) {
        // lock_not_available: someone was reading the tables; try again shortly.
        if ((err as { code?: unknown }).code !== '55P03' || left <= 1) throw err;
        await new Promise((r) => setTimeout(r, 1000));
        await attempt(left - 1);
      }
    };
    this.compacting = this.compacting
      .then(() => attempt(10))
      .catch((err) => this.log.warn({ code: String((err as { code?: unknown }).code ?? 'unknown') }, 'rewriting the ballot tables failed; old row versions stay until the next close'));
  }

  /** For tests and shutdown: resolves once the ballot tables have been compacted. */
  compacted(): Promise<void> {
    return this.compacting;
  }

  private async count(trx: DbOrTx, p: PollRow, box: { body: unknown; valid: boolean }[]): Promise<PollResult | RatingResultWire> {
    const [turnout, seatedRow] = await Promise.all([
      repo.turnout(trx, p.id),
      sessionsRepository.attendance(trx, p.session_id),
    ]);
    if (box.length !== turnout.voted) {
      // Roll and box are written together; a mismatch means tampering or a bug: never certify it.
      throw new Error(`roll/box mismatch on poll ${p.id}: ${turnout.voted} voted, ${box.length} ballots`);
    }
    const candidates = await this.candidatesOf(trx, p.candidate_ids);
    if (p.kind === 'rating') {
      const valid = box.filter((b) => b.valid).map((b) => b.body as RatingBallot);
      return tallyRating({
        candidates: candidates.map((c) => ({ id: c.id, name: c.name })),
        ballots: valid,
        invalid: box.length - valid.length,
        seated: p.seated ?? seatedRow.seated,
        present: turnout.issued,
        issued: turnout.issued,
        ...ratingRulesOf(p),
      });
    }
    const valid = box.filter((b) => b.valid).map((b) => b.body as BallotBody);
    return tally({
      rules: rulesOf(p),
      candidates: candidates.map((c) => ({ id: c.id, name: c.name })),
      ballots: valid,
      invalid: box.length - valid.length,
      seated: p.seated ?? seatedRow.seated,
      // 实到 for the record and the "present" threshold: everyone handed a ballot, late arrivals included.
      present: turnout.issued,
      issued: turnout.issued,
    });
  }

  async closeDue(): Promise<void> {
    for (const { id } of await repo.dueForClose(this.db)) await this.close(null, id);
  }

  /**
   * Cancels a poll. An open poll's ballots are destroyed, never counted: a cancelled vote has no
   * result, and ballots kept would still be linkable to their voters by a database reader until
   * a reseal. A rejected result may be voided too, so the poll can be run again.
   */
  async cancel(actor: Principal, id: string, reason: string): Promise<Poll> {
    const poll = await this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, id, true);
      if (p.status !== 'draft' && p.status !== 'open' && p.status !== 'rejected') throw new AppError('POLL_STATE', { status: p.status });
      return this.cancelInTx(trx, actor, p, reason);
    });
    this.compactLater();
    return poll;
  }

  private async cancelInTx(trx: DbOrTx, actor: Principal | null, p: PollRow, reason: string): Promise<Poll> {
    const destroyed = p.status === 'open' ? await repo.destroyBallots(trx, p.id) : 0;
    const row = await repo.update(trx, p.id, { status: 'cancelled', cancelled_at: new Date() });
    await appendAudit(trx, {
      actor: actor ? actorOf(actor) : 'system:countdown',
      action: 'poll.cancelled',
      subject: `poll:${p.id}`,
      details: { reason, wasOpen: p.status === 'open', ...(p.status === 'open' && { ballotsDestroyed: true, rollEntries: destroyed }) },
    });
    await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    return this.toPoll(trx, row);
  }

  /**
   * The presidium's sign-off of a closed poll, once the 监票人 have confirmed the count on their
   * tablets (procedure/scrutiny.service.ts). It becomes certified (and immutable) when k members
   * have certified; a rejection sends it back with a reason (it may then be voided).
   */
  async signoff(actor: Principal, id: string, decision: 'certify' | 'reject', reason?: string): Promise<Poll> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const role = 'presidium';
    if (!actor.user.roles.includes(role)) throw new AppError('FORBIDDEN');
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, id, true);
      if (p.status !== 'closed') throw new AppError('POLL_STATE', { status: p.status });
      // Who counted does not also certify the count.
      if (await isCounter(trx, p.session_id, actor.user.id)) throw new AppError('COUNTER_CANNOT_SIGN');
      const existing = await repo.signoffs(trx, id);
      if (existing.some((x) => x.user_id === actor.user.id && x.role === role)) throw new AppError('ALREADY_SIGNED');
      const confirmations = existing.filter((x) => x.decision === 'confirm').length;
      const needed = await confirmationsNeeded(trx, p);
      if (decision === 'certify' && confirmations < needed) throw new AppError('CONFIRMATIONS_MISSING', { needed, have: confirmations });
      await repo.insertSignoff(trx, { poll_id: id, user_id: actor.user.id, role, decision, reason: reason ?? null });
      const certifications = existing.filter((x) => x.decision === 'certify').length + (decision === 'certify' ? 1 : 0);
      let row = p;
      if (decision === 'reject') {
        row = await repo.update(trx, id, { status: 'rejected', rejected_at: new Date() });
      } else if (decision === 'certify' && certifications >= p.certify_k) {
        row = await repo.update(trx, id, { status: 'certified', certified_at: new Date() });
      }
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: `poll.${decision === 'certify' ? 'certification_signed' : 'rejected'}`,
        subject: `poll:${id}`,
        details: { resultHash: sha256(canonicalJson(p.result)), ...(reason ? { reason } : {}), certified: row.status === 'certified' },
      });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return this.toPoll(trx, row);
    });
  }

  /** A satisfaction-rating poll over projects (usually the chosen ones of an earlier cycle). */
  async createRating(actor: Principal, sessionId: string, b: CreateRatingPollBody): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const session = await sessionsRepository.lock(trx, sessionId);
      if (!session) throw new AppError('NOT_FOUND');
      const cycle = await cyclesRepository.get(trx, session.cycle_id);
      if (!cycle) throw new AppError('NOT_FOUND');
      const found = await cyclesRepository.candidatesByIds(trx, b.candidateIds);
      if (found.length !== b.candidateIds.length) throw new AppError('NOT_FOUND', { field: 'candidateIds' });
      if (b.ratingBody === 'standing_committee' && !levelBodies(cycle.level as Level).hasStandingCommittee) {
        throw new AppError('VALIDATION', { field: 'ratingBody', reason: 'a township congress has no standing committee' });
      }
      if (b.reratingOf !== undefined) {
        // 再次测评 follows a certified rating, over projects that rating graded.
        const first = await repo.get(trx, b.reratingOf);
        if (!first || first.kind !== 'rating') throw new AppError('NOT_FOUND', { field: 'reratingOf' });
        if (first.status !== 'certified' && first.status !== 'published') throw new AppError('POLL_STATE', { status: first.status });
        const rated = new Set(first.candidate_ids);
        const outside = b.candidateIds.filter((id) => !rated.has(id));
        if (outside.length > 0) throw new AppError('VALIDATION', { field: 'candidateIds', reason: 'a re-rating covers projects of the rating it follows', candidateIds: outside });
      }
      const p = await repo.insert(trx, {
        session_id: sessionId,
        cycle_id: found[0]!.cycle_id,
        kind: 'rating',
        title: b.title,
        ballot_type: 'rating',
        choose_n: b.candidateIds.length,
        pass_threshold: 'none',
        tie_rule: 'vacant',
        candidate_ids: JSON.stringify(b.candidateIds),
        list_hash: sha256(canonicalJson({ rating: b.candidateIds })),
        countdown_seconds: b.countdownSeconds ?? null,
        allow_abstain: b.allowAbstain ?? true,
        grading_rule: b.gradingRule ?? 'zhenhai',
        rating_base: b.ratingBase ?? 'members',
        rating_body: b.ratingBody ?? 'deputies',
        rerating_of: b.reratingOf ?? null,
        certify_k: cycle.certify_k,
        scrutineer_confirmations: cycle.scrutineer_confirmations,
        min_ballots: cycle.min_ballots,
      });
      if (b.reratingOf !== undefined) await rectificationRepository.linkRerating(trx, b.reratingOf, b.candidateIds, p.id);
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'poll.rating_created',
        subject: `poll:${p.id}`,
        details: { sessionId, title: b.title, projects: b.candidateIds, ratingBase: b.ratingBase ?? 'members', ratingBody: b.ratingBody ?? 'deputies', reratingOf: b.reratingOf ?? null },
      });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.toPoll(trx, p);
    });
  }

  /** A new draft poll among the candidates tied at the cut-off, for the places still open. */
  async runoff(actor: Principal, id: string): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, id, true);
      if (p.status !== 'closed' && p.status !== 'certified') throw new AppError('POLL_STATE', { status: p.status });
      const result = p.result as PollResult | null;
      if (!result?.tie || result.tie.resolution !== 'runoff') throw new AppError('NO_TIE');
      const existing = (await repo.listBySession(trx, p.session_id)).find((x) => x.parent_poll_id === id && x.status !== 'cancelled');
      if (existing) return this.toPoll(trx, existing);
      const ids = p.candidate_ids.filter((c) => result.tie!.candidateIds.includes(c));
      const row = await repo.insert(trx, {
        session_id: p.session_id,
        cycle_id: p.cycle_id,
        parent_poll_id: id,
        kind: 'runoff',
        title: `${p.title}（再次投票）`,
        ballot_type: p.ballot_type,
        choose_n: result.tie.places,
        pass_threshold: p.pass_threshold,
        tie_rule: p.tie_rule,
        candidate_ids: JSON.stringify(ids),
        list_hash: sha256(canonicalJson({ parent: id, candidates: ids })),
        countdown_seconds: p.countdown_seconds,
        certify_k: p.certify_k,
        scrutineer_confirmations: p.scrutineer_confirmations,
        min_ballots: p.min_ballots,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.runoff_created', subject: `poll:${row.id}`, details: { parent: id, candidates: ids, places: result.tie.places } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return this.toPoll(trx, row);
    });
  }

  async turnout(id: string, db: DbOrTx = this.db): Promise<Turnout> {
    const t = await repo.turnout(db, id);
    return { pollId: id, issued: t.issued, voted: t.voted };
  }

  async staffTurnout(id: string, db: DbOrTx = this.db): Promise<StaffTurnout> {
    await this.mustGet(db, id);
    const [t, byDelegation, notVoted] = await Promise.all([repo.turnout(db, id), repo.turnoutByDelegation(db, id), repo.notVoted(db, id)]);
    return {
      pollId: id,
      issued: t.issued,
      voted: t.voted,
      byDelegation,
      notVoted: notVoted.map((d) => ({ deputyId: d.id, name: d.name, delegation: d.delegation, seat: d.seat })),
    };
  }

  async trackers(principal: Principal, id: string): Promise<{ pollId: string; trackers: string[] }> {
    const p = await this.mustGet(this.db, id);
    this.checkReader(principal, p);
    if (p.status === 'draft' || p.status === 'open' || p.status === 'cancelled') throw new AppError('POLL_STATE', { status: p.status });
    return { pollId: id, trackers: (await repo.trackers(this.db, id)).map((r) => r.tracker) };
  }

  /**
   * What the hall display shows. `forPublic`: as anyone on the internet may see it, without the
   * provisional result: only a certified result is public (the hall itself shows the
   * provisional one, as a chair announces it in the room).
   */
  async hallState(sessionId: string, forPublic: boolean): Promise<HallState> {
    const session = await sessionsRepository.get(this.db, sessionId);
    if (!session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    if (!cycle) throw new AppError('NOT_FOUND');
    const [attendance, focus] = await Promise.all([
      attendanceOf(this.db, sessionId, cycle.quorum_rule as QuorumRule),
      repo.focus(this.db, sessionId),
    ]);
    let poll: HallState['poll'] = null;
    if (focus) {
      const full = await this.toPoll(this.db, focus);
      const released = !forPublic || full.status === 'certified' || full.status === 'published';
      poll = {
        id: full.id,
        title: full.title,
        kind: full.kind,
        status: full.status,
        ballotType: full.ballotType,
        chooseN: full.chooseN,
        passThreshold: full.passThreshold,
        candidateCount: full.candidates.length,
        openedAt: full.openedAt,
        closesAt: full.closesAt,
        closedAt: full.closedAt,
        certifiedAt: full.certifiedAt,
        turnout: await this.turnout(focus.id),
        interventions: await interventionsOf(this.db, focus.id),
        result: released ? full.result : null,
        rating: released ? full.rating : null,
      };
    }
    return {
      sessionId,
      sessionName: session.name,
      cycleName: cycle.name,
      checkinOpen: session.checkin_open,
      attendance,
      poll,
      serverTime: new Date().toISOString(),
    };
  }

  async staffState(sessionId: string): Promise<StaffState> {
    const session = await sessionsRepository.get(this.db, sessionId);
    if (!session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    const focus = await repo.focus(this.db, sessionId);
    return {
      sessionId,
      attendance: await attendanceOf(this.db, sessionId, (cycle?.quorum_rule ?? 'more_than_half') as QuorumRule),
      turnout: focus ? await this.staffTurnout(focus.id) : null,
    };
  }

  async focusTurnout(sessionId: string): Promise<Turnout | null> {
    const focus = await repo.focus(this.db, sessionId);
    return focus ? this.turnout(focus.id) : null;
  }

  async deputyState(d: DeputyIdentity): Promise<DeputyState> {
    const row = await sessionsRepository.deputy(this.db, d.id);
    const session = await sessionsRepository.get(this.db, d.sessionId);
    if (!row || !session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    if (!cycle) throw new AppError('NOT_FOUND');
    const candidates = (await cyclesRepository.candidates(this.db, cycle.id)).map(toCandidate);
    const focus = await repo.focus(this.db, d.sessionId);
    const roll = focus ? await repo.rollEntry(this.db, focus.id, d.id) : undefined;
    return {
      deputy: { id: row.id, name: row.name, delegation: row.delegation, seat: row.seat, checkedIn: row.checked_in_at !== null },
      session: { id: session.id, name: session.name, checkinOpen: session.checkin_open },
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year },
      candidates: candidates.map(toPollCandidate),
      poll: focus ? await this.toPoll(this.db, focus) : null,
      ballot: { issued: roll !== undefined, voted: roll?.voted ?? false },
    };
  }
}
