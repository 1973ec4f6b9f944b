import {
  countReleasable,
  levelBodies,
  pendingRunoff,
  quorumMet,
  runoffCandidates,
  runoffRules,
  signedOtherWay,
  signoffVerdict,
  tally,
  tallyRating,
  type BallotBody,
  type CountRefusal,
  type CreatePollBody,
  type CreateRatingPollBody,
  type Poll,
  type PollResult,
  type RatingBallot,
  type RatingResultWire,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { candidateListHash, toCandidate } from '../cycles/cycles.service.ts';
import { paperRepository } from '../paper/paper.repository.ts';
import { presidiumRule } from '../procedure/presidium-wire.ts';
import { pendingSignatureMarks } from '../procedure/presidium.service.ts';
import { confirmationsNeeded, isCounter } from '../procedure/scrutiny.service.ts';
import { requireAdopted } from '../procedure/voting-rules.service.ts';
import { giveNoticeNumber } from '../results/notice-numbers.service.ts';
import { attendanceOf } from '../sessions/sessions.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { rectificationRepository } from '../tracking/rectification.repository.ts';
import { cancelReasonOf, countRefused } from './count-release.ts';
import type { DecryptionService } from './decryption.service.ts';
import { openEncryption, pollEncryption } from './encryption.service.ts';
import { INSIDER, mustGetPoll, pollCandidates, ratingRulesOf, rulesOf, toPoll } from './poll-wire.ts';
import { pollsRepository as repo } from './polls.repository.ts';

/** How long after a close or cancel the ballot tables are rewritten (see compactLater). */
const COMPACT_DELAY_MS = 1000;

/**
 * A poll's lifecycle and certification: create (a vote, a rating, a run-off), open, close and
 * count, cancel, and the sign-offs of the scrutineers and the presidium. Casting is
 * cast.service.ts; what each audience reads is poll-views.service.ts.
 */
export class PollsService {
  constructor(
    private readonly db: Db,
    private readonly log: { warn(o: unknown, m?: string): void } = console,
    private readonly encrypted?: DecryptionService,
  ) {}

  async create(actor: Principal, sessionId: string, b: CreatePollBody): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const session = await sessionsRepository.lock(trx, sessionId);
      if (!session) throw new AppError('NOT_FOUND');
      const cycle = await cyclesRepository.get(trx, session.cycle_id);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (!cycle.frozen_at || !cycle.frozen_hash) throw new AppError('LIST_NOT_FROZEN');
      await requireAdopted(trx, sessionId);
      const encryption = await pollEncryption(trx, sessionId, cycle.ballot_mode);
      const candidates = await cyclesRepository.candidates(trx, cycle.id);
      const p = await repo.insert(trx, {
        ...encryption,
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
      return toPoll(trx, p);
    });
  }

  /** Opens the poll: needs the quorum; every deputy present is issued one ballot. */
  async open(actor: Principal, id: string, countdownSeconds?: number | null): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, id, true);
      if (p.status !== 'draft') throw new AppError('POLL_STATE', { status: p.status });
      const session = await sessionsRepository.lock(trx, p.session_id);
      const cycle = await cyclesRepository.get(trx, p.cycle_id);
      if (!session || !cycle) throw new AppError('NOT_FOUND');
      if (p.kind !== 'rating') await requireAdopted(trx, p.session_id);
      if (p.kind === 'vote') {
        // The list on the ballot must be the list as frozen: recompute, don't trust stored hashes.
        const current = candidateListHash((await cyclesRepository.candidates(trx, cycle.id)).map(toCandidate));
        if (!cycle.frozen_hash || cycle.frozen_hash !== p.list_hash || current !== p.list_hash) throw new AppError('LIST_NOT_FROZEN');
      }
      if (await sessionsRepository.openPoll(trx, p.session_id)) throw new AppError('ANOTHER_POLL_OPEN');
      const att = await attendanceOf(trx, p.session_id, cycle.quorum_rule);
      if (!quorumMet(cycle.quorum_rule, att.seated, att.present)) throw new AppError('QUORUM_NOT_MET', att);
      await repo.issueToPresent(trx, id, p.session_id);
      const countdown = countdownSeconds === undefined ? p.countdown_seconds : countdownSeconds;
      const now = new Date();
      const row = await repo.update(trx, id, {
        ...(await openEncryption(trx, p, att.seated)),
        status: 'open',
        opened_at: now,
        closes_at: countdown ? new Date(now.getTime() + countdown * 1000) : null,
        countdown_seconds: countdown ?? null,
        seated: att.seated,
        present: att.present,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.opened', subject: `poll:${id}`, details: { seated: att.seated, present: att.present, countdown: countdown ?? null } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, row);
    });
  }

  /**
   * Closes the poll and counts it; callable by staff or by the countdown sweeper (actor null).
   * Below the poll's minimum number of ballots nothing is counted: a count of so few ballots
   * would tell who voted how (the turnout list names the voters). The minimum holds for the
   * tablets and for paper each, not only for the whole (docs/PROCEDURE.md §3, "Minimum ballots").
   * Such a poll can only be cancelled, which destroys its ballots; the sweeper does that itself
   * when the countdown ends.
   */
  async close(actor: Principal | null, id: string): Promise<Poll> {
    const poll = await this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, id, true);
      if (p.status !== 'open') {
        if (actor === null) return null;
        throw new AppError('POLL_STATE', { status: p.status });
      }
      const { voted } = await repo.turnout(trx, id);
      // Paper ballots are counted later; until then each issued one may come back, and no more
      // than were issued can: a paper part issued below the minimum can never be released.
      const onPaper = await paperRepository.issuedOnPaper(trx, id);
      const release = countReleasable({ electronic: voted, paper: onPaper, minBallots: p.min_ballots });
      if (!release.ok) return this.refuseCount(trx, actor, p, release);
      if (p.ballot_mode === 'encrypted' && this.encrypted) {
        // Sums the verified ballots and waits for the 监票人 (decryption.service.ts), unless too
        // few of them verified.
        const closed = await this.encrypted.close(trx, actor, p, onPaper);
        if ('refused' in closed) return this.refuseCount(trx, actor, p, closed.refused);
        return closed;
      }
      if (onPaper > 0) return this.closeForPaperCount(trx, actor, p, onPaper);
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
      return toPoll(trx, row);
    });
    if (!poll) return toPoll(this.db, await mustGetPoll(this.db, id), INSIDER);
    this.compactLater();
    return poll;
  }

  /** A count that would reveal ballots: staff are refused (nothing changes); the sweeper cancels. */
  private refuseCount(trx: DbOrTx, actor: Principal | null, p: PollRow, v: CountRefusal): Promise<Poll> {
    if (actor !== null) throw countRefused(v);
    return this.cancelInTx(trx, null, p, cancelReasonOf(v));
  }

  /**
   * Closes a poll with paper ballots to the tablets: the box is resealed, and the count waits
   * for the paper figures (PaperService.confirm), so no part of it is shown before the whole.
   */
  private async closeForPaperCount(trx: DbOrTx, actor: Principal | null, p: PollRow, onPaper: number): Promise<Poll> {
    await repo.reseal(trx, p.id);
    const row = await repo.update(trx, p.id, { status: 'counting', closed_at: new Date() });
    await appendAudit(trx, { actor: actor ? actorOf(actor) : 'system:countdown', action: 'poll.closed', subject: `poll:${p.id}`, details: { awaitingPaper: onPaper } });
    await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    return toPoll(trx, row);
  }

  /**
   * Drops the row versions the close or cancel left behind (see pollsRepository.compactBallotTables).
   * After the answer, and a moment after it (COMPACT_DELAY_MS), so the hall does not wait for it:
   * the rewrite locks the ballot tables, and the displays' and consoles' refresh on the close reads
   * the turnout from them (measured: the hall saw a 3,000-ballot close 0.6 s late). One at a time.
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
      .then(() => new Promise((r) => setTimeout(r, COMPACT_DELAY_MS)))
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
    const candidates = await pollCandidates(trx, p.candidate_ids);
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
   * Cancels a poll. Its ballots are destroyed, never counted: a cancelled vote has no result, and
   * ballots kept would still be linkable to their voters by a database reader until a reseal (an
   * open poll), or could still be decrypted (an encrypted one). A rejected result may be voided
   * too, so the poll can be run again.
   */
  async cancel(actor: Principal, id: string, reason: string): Promise<Poll> {
    const poll = await this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, id, true);
      // counting: e.g. more paper ballots returned than issued, which voids the vote, or a paper
      // count too small to release; decrypting: a 解密 refused for too few ballots in a channel
      if (!['draft', 'open', 'counting', 'decrypting', 'rejected'].includes(p.status)) throw new AppError('POLL_STATE', { status: p.status });
      return this.cancelInTx(trx, actor, p, reason);
    });
    this.compactLater();
    return poll;
  }

  private async cancelInTx(trx: DbOrTx, actor: Principal | null, p: PollRow, reason: string): Promise<Poll> {
    // Not yet counted: the box (and an encrypted poll's sums) go; a counted, returned one keeps its record.
    const uncounted = ['open', 'counting', 'decrypting'].includes(p.status);
    const destroyed = uncounted ? await repo.destroyBallots(trx, p.id) : 0;
    if (uncounted) this.encrypted?.discarded(p.id);
    const row = await repo.update(trx, p.id, { status: 'cancelled', cancelled_at: new Date(), ...(uncounted && p.encrypted_sums !== null && { encrypted_sums: null }) });
    await appendAudit(trx, {
      actor: actor ? actorOf(actor) : 'system:countdown',
      action: 'poll.cancelled',
      subject: `poll:${p.id}`,
      details: { reason, wasOpen: p.status === 'open', ...(uncounted && { ballotsDestroyed: true, rollEntries: destroyed }) },
    });
    await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    return toPoll(trx, row, INSIDER);
  }

  /**
   * The presidium's sign-off of a closed poll, once the 监票人 have confirmed the count on their
   * tablets (procedure/scrutiny.service.ts). It becomes certified (and immutable) when k members
   * have certified; returns with reasons send it back once as many members as a certification
   * have returned it, or the first alone if the cycle says so (it may then be voided). A 主席团
   * meeting's decision is procedure/presidium.service.ts.
   */
  async signoff(actor: Principal, id: string, decision: 'certify' | 'reject', reason?: string): Promise<Poll> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const role = 'presidium';
    if (!actor.user.roles.includes(role)) throw new AppError('FORBIDDEN');
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, id, true);
      if (p.status !== 'closed') throw new AppError('POLL_STATE', { status: p.status });
      // Who counted does not also certify the count.
      if (await isCounter(trx, p.session_id, actor.user.id)) throw new AppError('COUNTER_CANNOT_SIGN');
      const existing = (await repo.signoffs(trx, id)).map((x) => ({ userId: x.user_id, deputyId: x.deputy_id, role: x.role, decision: x.decision }));
      // The console offers the sign-off by the same rule (docs/PROCEDURE.md §3, "Certification").
      const rule = { certifyK: p.certify_k, scrutineerConfirmations: await confirmationsNeeded(trx, p), ...(await presidiumRule(trx, p)) };
      // A member who signed a pending decision the other way has taken their side already.
      if (signedOtherWay(await pendingSignatureMarks(trx, id), actor.user.id, decision)) throw new AppError('ALREADY_SIGNED');
      const verdict = signoffVerdict(rule, existing, { userId: actor.user.id }, decision);
      if (!verdict.ok) throw verdict.code === 'CONFIRMATIONS_MISSING' ? new AppError(verdict.code, { needed: verdict.needed, have: verdict.have }) : new AppError(verdict.code);
      await repo.insertSignoff(trx, { poll_id: id, user_id: actor.user.id, role, decision, reason: reason ?? null });
      let row = p;
      if (verdict.status === 'rejected') {
        row = await repo.update(trx, id, { status: 'rejected', rejected_at: new Date() });
      } else if (verdict.status === 'certified') {
        row = await repo.update(trx, id, { status: 'certified', certified_at: new Date() });
        await giveNoticeNumber(trx, row, actorOf(actor));
      }
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: `poll.${decision === 'certify' ? 'certification_signed' : row.status === 'rejected' ? 'rejected' : 'return_signed'}`,
        subject: `poll:${id}`,
        details: { resultHash: sha256(canonicalJson(p.result)), ...(reason ? { reason } : {}), certified: row.status === 'certified' },
      });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, row, INSIDER);
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
      if (b.ratingBody === 'standing_committee' && !levelBodies(cycle.level).hasStandingCommittee) {
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
        ...(await pollEncryption(trx, sessionId, cycle.ballot_mode)),
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
      return toPoll(trx, p);
    });
  }

  /** A new draft poll among the candidates tied at the cut-off, for the places still open. */
  async runoff(actor: Principal, id: string): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, id, true);
      if (p.status !== 'closed' && p.status !== 'certified') throw new AppError('POLL_STATE', { status: p.status });
      const tie = pendingRunoff(p.result as PollResult | null);
      if (!tie) throw new AppError('NO_TIE');
      const existing = (await repo.listBySession(trx, p.session_id)).find((x) => x.parent_poll_id === id && x.status !== 'cancelled');
      if (existing) return toPoll(trx, existing);
      const ids = runoffCandidates(p.candidate_ids, tie);
      const rules = runoffRules(rulesOf(p), tie);
      const row = await repo.insert(trx, {
        ...(await pollEncryption(trx, p.session_id, p.ballot_mode)),
        session_id: p.session_id,
        cycle_id: p.cycle_id,
        parent_poll_id: id,
        kind: 'runoff',
        title: `${p.title}（再次投票）`,
        ballot_type: rules.ballotType,
        choose_n: rules.choose,
        pass_threshold: rules.passThreshold,
        tie_rule: rules.tieRule,
        candidate_ids: JSON.stringify(ids),
        list_hash: sha256(canonicalJson({ parent: id, candidates: ids })),
        countdown_seconds: p.countdown_seconds,
        certify_k: p.certify_k,
        scrutineer_confirmations: p.scrutineer_confirmations,
        min_ballots: p.min_ballots,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.runoff_created', subject: `poll:${row.id}`, details: { parent: id, candidates: ids, places: tie.places } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, row);
    });
  }
}
