import {
  checkPaperFigures,
  countReleasable,
  comparePaperFigures,
  paperCountKeys,
  paperInvalidReasons,
  tallyRatingWithPaper,
  tallyWithPaper,
  type BallotBody,
  type DeputyIdentity,
  type PaperEntry,
  type PaperFigures,
  type PaperFiguresWire,
  type PaperForm,
  type PaperPoll,
  type PaperReview,
  type PaperState,
  type RatingBallot,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { countRefused } from '../polls/count-release.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { ratingRulesOf, rulesOf } from '../polls/poll-wire.ts';
import { isChiefScrutineer, isCounter } from '../procedure/scrutiny.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { paperRepository as repo } from './paper.repository.ts';

export const paperPollOf = (p: PollRow): PaperPoll => ({
  ballotType: p.ballot_type as PaperPoll['ballotType'],
  choose: p.choose_n,
  candidateIds: p.candidate_ids,
  allowAbstain: p.allow_abstain,
});

/**
 * Printed on each 表决票 of the poll and derived from the poll and its list, so a form from
 * another poll (or printed from another list) shows a different code.
 */
export const paperCheckCode = (p: Pick<PollRow, 'id' | 'list_hash'>): string => {
  const h = sha256(`paper-ballot:${p.id}:${p.list_hash}`).slice(0, 8).toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4)}`;
};

const figuresHash = (f: unknown): string => sha256(canonicalJson(f));

/** The figures in a canonical shape: candidates in list order, every reason (0 when left out). */
function normalised(p: PaperPoll, f: PaperFigures): PaperFigures {
  const byId = new Map(f.candidates.map((c) => [c.candidateId, c.counts]));
  const keys = paperCountKeys(p);
  return {
    issued: f.issued,
    returned: f.returned,
    valid: f.valid,
    invalid: f.invalid,
    invalidReasons: Object.fromEntries(paperInvalidReasons(p).map((r) => [r, f.invalidReasons[r] ?? 0])),
    candidates: p.candidateIds.map((id) => ({ candidateId: id, counts: Object.fromEntries(keys.map((k) => [k, byId.get(id)?.[k] ?? 0])) })),
  };
}

/**
 * Paper ballots (docs/PROCEDURE.md, "Paper ballots"): issuing them, the two 计票人's entries of
 * the count, and the 总监票人's confirmation, which adds the paper figures to the box's count.
 */
export class PaperService {
  constructor(private readonly db: Db) {}

  private async mustGet(db: DbOrTx, id: string, lock = false): Promise<PollRow> {
    const p = lock ? await pollsRepository.lock(db, id) : await pollsRepository.get(db, id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  private async form(db: DbOrTx, p: PollRow): Promise<PaperForm> {
    const [session, cycle, rows] = await Promise.all([sessionsRepository.get(db, p.session_id), cyclesRepository.get(db, p.cycle_id), cyclesRepository.candidatesByIds(db, p.candidate_ids)]);
    const byId = new Map(rows.map((r) => [r.id, toCandidate(r)]));
    const pp = paperPollOf(p);
    return {
      pollId: p.id,
      title: p.title,
      cycleName: cycle?.name ?? '',
      sessionName: session?.name ?? '',
      status: p.status as PaperForm['status'],
      ballotType: pp.ballotType,
      choose: p.choose_n,
      allowAbstain: p.allow_abstain,
      candidates: p.candidate_ids.flatMap((id) => {
        const c = byId.get(id);
        return c ? [{ id, name: c.name, department: c.department }] : [];
      }),
      keys: paperCountKeys(pp),
      reasons: paperInvalidReasons(pp),
      checkCode: paperCheckCode(p),
    };
  }

  /** The 表决票 as printed: the form, no deputy. */
  async ballot(pollId: string): Promise<PaperForm> {
    return this.form(this.db, await this.mustGet(this.db, pollId));
  }

  async state(pollId: string, db: DbOrTx = this.db): Promise<PaperState> {
    const p = await this.mustGet(db, pollId);
    const pp = paperPollOf(p);
    const [form, deputies, entries, count] = await Promise.all([this.form(db, p), repo.paperDeputies(db, pollId), repo.entries(db, pollId), repo.count(db, pollId)]);
    const both = entries.length === 2;
    const differences = both ? comparePaperFigures(pp, entries[0]!.figures as PaperFigures, entries[1]!.figures as PaperFigures) : null;
    const agreed = both && differences?.length === 0 ? (entries[0]!.figures as PaperFigures) : null;
    return {
      form,
      whole: p.paper_whole,
      deputies: deputies.map((d) => ({ deputyId: d.id, name: d.name, delegation: d.delegation, seat: d.seat })),
      entries: entries.map(
        (e): PaperEntry => ({
          enteredBy: e.entered_by,
          displayName: e.display_name,
          enteredAt: e.entered_at.toISOString(),
          amendedAt: e.amended_at?.toISOString() ?? null,
          // entered independently: neither 计票人 sees the other's figures before both are in
          figures: both ? (e.figures as PaperFiguresWire) : null,
        }),
      ),
      differences,
      reconciled: agreed && !count ? { figures: agreed as PaperFiguresWire, figuresHash: figuresHash(agreed) } : null,
      confirmed: count ? { by: count.name, at: count.confirmed_at.toISOString(), figures: count.figures as PaperFiguresWire } : null,
    };
  }

  /** Whole poll on paper, or not: a setting of the draft. */
  async setWhole(actor: Principal, pollId: string, whole: boolean): Promise<PaperState> {
    await this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, pollId, true);
      if (p.status !== 'draft') throw new AppError('POLL_STATE', { status: p.status });
      await repo.setWhole(trx, pollId, whole);
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.paper_mode', subject: `poll:${pollId}`, details: { whole } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
    return this.state(pollId);
  }

  /** A deputy's ballot on paper instead of the tablet (a failed tablet), while the poll is open. */
  async issue(actor: Principal, pollId: string, deputyId: string): Promise<PaperState> {
    await this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, pollId, true);
      if (p.status !== 'open') throw new AppError('POLL_STATE', { status: p.status });
      const entry = await repo.rollEntry(trx, pollId, deputyId);
      if (!entry) throw new AppError('PAPER_NOT_ON_ROLL');
      if (entry.paper) return;
      if (!(await repo.issueOnPaper(trx, pollId, deputyId))) throw new AppError('PAPER_ALREADY_VOTED');
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.paper_issued', subject: `poll:${pollId}`, details: { deputyId } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
    return this.state(pollId);
  }

  /**
   * Checks a 计票人's figures against the rules, the roll and the minimum; answers them normalised.
   * A paper part of too few ballots is refused here, where its figure first reaches the system,
   * so its per-project figures are never stored, shown to the other 计票人 or archived.
   */
  private async checked(trx: DbOrTx, p: PollRow, raw: PaperFiguresWire): Promise<PaperFigures> {
    const pp = paperPollOf(p);
    const figures = raw as PaperFigures;
    const problems = checkPaperFigures(pp, figures);
    if (problems.length > 0) throw new AppError(problems[0]!.code, { problems });
    const onRoll = await repo.issuedOnPaper(trx, p.id);
    if (figures.issued !== onRoll) throw new AppError('PAPER_ISSUED_ROLL', { problems: [{ code: 'PAPER_ISSUED_ROLL', field: 'issued' }], onRoll });
    await this.mustRelease(trx, p, figures);
    return normalised(pp, figures);
  }

  /**
   * The paper count and the tablets' part together may be released only if each part that holds
   * ballots reaches the poll's minimum (docs/PROCEDURE.md §3, "Minimum ballots"): the figure that
   * would reveal is the paper ballots returned, known only now. The tablets' part is the box (an
   * encrypted poll: the verified ballots its close summed).
   */
  private async mustRelease(trx: DbOrTx, p: PollRow, figures: PaperFigures): Promise<void> {
    const electronic = p.ballot_mode === 'encrypted' ? (p.encrypted_ballots ?? 0) : Number((await pollsRepository.turnout(trx, p.id)).voted);
    const release = countReleasable({ electronic, paper: figures.returned, minBallots: p.min_ballots });
    if (!release.ok) throw countRefused(release);
  }

  /** Who may enter, and when: a 计票人 of the session, once the vote is over and before the confirmation. */
  private async entryPoll(trx: DbOrTx, actor: Principal, pollId: string): Promise<{ p: PollRow; userId: string }> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const p = await this.mustGet(trx, pollId, true);
    if (!(await isCounter(trx, p.session_id, actor.user.id))) throw new AppError('PAPER_NOT_COUNTER');
    if (p.status === 'draft' || p.status === 'open') throw new AppError('PAPER_VOTE_OPEN', { status: p.status });
    if (p.status !== 'counting') throw new AppError('POLL_STATE', { status: p.status });
    return { p, userId: actor.user.id };
  }

  async enter(actor: Principal, pollId: string, raw: PaperFiguresWire): Promise<PaperState> {
    await this.db.transaction().execute(async (trx) => {
      const { p, userId } = await this.entryPoll(trx, actor, pollId);
      const entries = await repo.entries(trx, pollId);
      if (entries.some((e) => e.entered_by === userId)) throw new AppError('PAPER_ALREADY_ENTERED');
      if (entries.length >= 2) throw new AppError('PAPER_ENTRIES_FULL');
      const figures = await this.checked(trx, p, raw);
      await repo.insertEntry(trx, pollId, userId, figures);
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.paper_entered', subject: `poll:${pollId}`, details: { figuresHash: figuresHash(figures) } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
    return this.state(pollId);
  }

  /** A 计票人 corrects their own entry after recounting a field the two entries differ in. */
  async amend(actor: Principal, pollId: string, raw: PaperFiguresWire): Promise<PaperState> {
    await this.db.transaction().execute(async (trx) => {
      const { p, userId } = await this.entryPoll(trx, actor, pollId);
      const mine = (await repo.entries(trx, pollId)).find((e) => e.entered_by === userId);
      if (!mine) throw new AppError('PAPER_NOT_ENTERED');
      const figures = await this.checked(trx, p, raw);
      await repo.updateEntry(trx, pollId, userId, figures);
      const changed = comparePaperFigures(paperPollOf(p), mine.figures as PaperFigures, figures).map((d) => d.field);
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.paper_amended', subject: `poll:${pollId}`, details: { figuresHash: figuresHash(figures), changed } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
    return this.state(pollId);
  }

  private async mustBeChief(db: DbOrTx, deputy: DeputyIdentity, p: PollRow) {
    if (p.session_id !== deputy.sessionId) throw new AppError('NOT_FOUND');
    if (!(await isChiefScrutineer(db, p.session_id, deputy.id))) throw new AppError('PAPER_NOT_CHIEF');
  }

  /** The 总监票人's tablet: the reconciled figures to confirm. */
  async review(deputy: DeputyIdentity, pollId: string): Promise<PaperReview> {
    const p = await this.mustGet(this.db, pollId);
    await this.mustBeChief(this.db, deputy, p);
    const s = await this.state(pollId);
    return { form: s.form, reconciled: s.reconciled, confirmedAt: s.confirmed?.at ?? null };
  }

  /**
   * The 总监票人 confirms the reconciled figures they saw (by hash): the paper count is added to
   * the box's count and the poll is counted, as the close counts a poll without paper.
   */
  async confirm(deputy: DeputyIdentity, pollId: string, seenHash: string): Promise<PaperReview> {
    await this.db.transaction().execute(async (trx) => {
      const p = await this.mustGet(trx, pollId, true);
      await this.mustBeChief(trx, deputy, p);
      if (p.status !== 'counting') throw new AppError('POLL_STATE', { status: p.status });
      const entries = await repo.entries(trx, pollId);
      const pp = paperPollOf(p);
      if (entries.length !== 2 || comparePaperFigures(pp, entries[0]!.figures as PaperFigures, entries[1]!.figures as PaperFigures).length > 0) {
        throw new AppError('PAPER_NOT_RECONCILED');
      }
      const figures = entries[0]!.figures as PaperFigures;
      if (figuresHash(figures) !== seenHash) throw new AppError('PAPER_STALE');
      if (p.ballot_mode === 'encrypted') {
        // The tablets' ballots are sums still sealed: the count waits for the 监票人's 解密
        // (polls/decryption.service.ts), which adds these figures to the decrypted totals.
        await this.mustRelease(trx, p, figures);
        await repo.insertCount(trx, pollId, deputy.id, figures);
        await pollsRepository.update(trx, pollId, { status: 'decrypting' });
        await appendAudit(trx, { actor: `deputy:${deputy.id}`, action: 'poll.paper_confirmed', subject: `poll:${pollId}`, details: { figuresHash: seenHash, awaitingDecryption: true } });
        await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
        return;
      }
      await this.mustRelease(trx, p, figures);
      const result = await this.count(trx, p, figures);
      await repo.insertCount(trx, pollId, deputy.id, figures);
      await pollsRepository.update(trx, pollId, { status: 'closed', result: JSON.stringify(result) });
      await appendAudit(trx, {
        actor: `deputy:${deputy.id}`,
        action: 'poll.paper_confirmed',
        subject: `poll:${pollId}`,
        details: { figuresHash: seenHash, record: result.record, electronic: result.paper.electronic, paper: result.paper.paper },
      });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
    return this.review(deputy, pollId);
  }

  /** The box (resealed at close) and the paper figures, counted together by the one tally rule. */
  private async count(trx: DbOrTx, p: PollRow, figures: PaperFigures) {
    const [turnout, attendance, box, onPaper, rows] = await Promise.all([
      pollsRepository.turnout(trx, p.id),
      sessionsRepository.attendance(trx, p.session_id),
      repo.box(trx, p.id),
      repo.issuedOnPaper(trx, p.id),
      cyclesRepository.candidatesByIds(trx, p.candidate_ids),
    ]);
    if (box.length !== Number(turnout.voted)) throw new Error(`roll/box mismatch on poll ${p.id}: ${turnout.voted} voted, ${box.length} ballots`);
    const names = new Map(rows.map((r) => [r.id, r.name]));
    const candidates = p.candidate_ids.map((id) => ({ id, name: names.get(id) ?? '' }));
    const valid = box.filter((b) => b.valid);
    const common = {
      candidates,
      invalid: box.length - valid.length,
      seated: p.seated ?? Number(attendance.seated),
      // 实到: everyone handed a ballot, on the tablet or on paper
      present: Number(turnout.issued),
      issued: Number(turnout.issued) - onPaper,
    };
    if (p.kind === 'rating') return tallyRatingWithPaper({ ...common, ballots: valid.map((b) => b.body as RatingBallot), ...ratingRulesOf(p) }, figures, p.min_ballots);
    return tallyWithPaper({ ...common, rules: rulesOf(p), ballots: valid.map((b) => b.body as BallotBody) }, paperPollOf(p), figures, p.min_ballots);
  }
}
