import {
  decisionVerdict,
  pendingMarks,
  signatureVerdict,
  type DecisionRefusal,
  type PendingPresidiumDecisions,
  type Poll,
  type PollResult,
  type PresidiumDecisionBody,
  type PresidiumMembers,
  type PresidiumState,
  type SignatureAnswer,
  type SignatureRefusal,
  type SignoffMark,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { INSIDER, mustGetPoll, toPoll } from '../polls/poll-wire.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { giveNoticeNumber } from '../results/notice-numbers.service.ts';
import { ownCycle, unitOf } from '../units/unit-scope.ts';
import { unitsRepository } from '../units/units.repository.ts';
import { toDecision } from './presidium-wire.ts';
import { presidiumRepository as repo, type Congress, type DecisionRecord, type PendingRecord } from './presidium.repository.ts';
import { confirmationsNeeded, isCounter } from './scrutiny.service.ts';

const AUDIT_ACTION = { certify: 'poll.certification_signed', reject: 'poll.rejected', tie: 'poll.tie_decided' } as const;

function refusal(r: DecisionRefusal | SignatureRefusal): AppError {
  const { code, ...details } = r;
  return new AppError(code, details);
}

/**
 * The 主席团 as a body (docs/PROCEDURE.md §3, "The 主席团's decisions"): a member records a
 * decision of a 主席团 meeting on a counted poll, to certify it, return it or choose among the
 * projects tied at the cut-off, naming the meeting, the day and the members asked to sign, and
 * signs it. Each other named member signs or declines it on their own account; the signature that
 * reaches the number needed makes it take effect, in its transaction. The rule is
 * shared/src/domain/presidium.ts (decisionVerdict, signatureVerdict), which the console also follows.
 * Every change locks the poll first, so two last signatures cannot both take effect.
 */
export class PresidiumService {
  constructor(private readonly db: Db) {}

  /**
   * The members who may sign for a congress: the poll's (the route has checked it is the
   * account's own), else the account's own congress; an account of the whole installation
   * without a poll sees every congress's members.
   */
  async members(actor: Principal, pollId?: string): Promise<PresidiumMembers> {
    let congress: Congress | null;
    if (pollId) {
      const [c] = await unitsRepository.cyclesOf(this.db, 'poll', [pollId]);
      if (!c) throw new AppError('NOT_FOUND');
      congress = c;
    } else {
      const unit = await unitOf(this.db, actor);
      congress = unit && { level: unit.level, unit_name: unit.name };
    }
    return (await repo.members(this.db, congress)).map((m) => ({ userId: m.id, displayName: m.display_name, username: m.username }));
  }

  /** The decisions awaiting signatures in the account's congress, oldest first. */
  async pending(actor: Principal): Promise<PendingPresidiumDecisions> {
    const unit = await unitOf(this.db, actor);
    return this.listed((await repo.pending(this.db)).filter((r) => ownCycle(unit, { level: r.cycle_level, unit_name: r.cycle_unit })));
  }

  /** A session's decisions awaiting signatures, for its presidium topic (the hub has checked who reads it). */
  async pendingOfSession(sessionId: string): Promise<PresidiumState> {
    return { sessionId, pending: await this.listed(await repo.pending(this.db, sessionId)) };
  }

  private async listed(rows: PendingRecord[]): Promise<PendingPresidiumDecisions> {
    const rules = new Map<string, { certifyK: number; rejectAlone: boolean }>();
    const out: PendingPresidiumDecisions = [];
    for (const r of rows) {
      let rule = rules.get(r.poll_id);
      if (!rule) {
        const p = await mustGetPoll(this.db, r.poll_id);
        rule = { certifyK: p.certify_k, rejectAlone: await repo.rejectAlone(this.db, r.poll_id) };
        rules.set(r.poll_id, rule);
      }
      out.push({ decision: toDecision(r, rule), pollTitle: r.poll_title, sessionId: r.session_id, sessionName: r.session_name });
    }
    return out;
  }

  async decide(actor: Principal, pollId: string, b: PresidiumDecisionBody): Promise<Poll> {
    const user = presidiumUser(actor);
    // The member who records the decision signs it: no one enters others' signatures.
    if (!b.signerIds.includes(user.id)) throw new AppError('NOT_A_SIGNER');
    if (b.kind === 'tie' && !b.chosen) throw new AppError('VALIDATION', { field: 'chosen', reason: 'a tie decision names the projects it chooses' });
    if (b.kind !== 'tie' && b.chosen) throw new AppError('VALIDATION', { field: 'chosen', reason: 'only a tie decision chooses projects' });
    if (b.kind === 'reject' && !b.reason?.trim()) throw new AppError('VALIDATION', { field: 'reason', reason: 'a return gives its reason' });
    return this.db.transaction().execute(async (trx) => {
      const p = await closedPoll(trx, pollId);
      // Only members who may sign for this poll's congress: another congress's member cannot reach it.
      const [congress] = await unitsRepository.cyclesOf(trx, 'poll', [p.id]);
      const members = new Set((await repo.membersAmong(trx, b.signerIds, congress!)).map((m) => m.id));
      const outsiders = b.signerIds.filter((id) => !members.has(id));
      if (outsiders.length > 0) throw new AppError('SIGNER_NOT_PRESIDIUM', { signerIds: outsiders });
      // Who counted does not also sign for the count.
      for (const id of b.signerIds) if (await isCounter(trx, p.session_id, id)) throw new AppError('COUNTER_CANNOT_SIGN', { signerId: id });
      const state = await pollState(trx, p);
      const verdict = decisionVerdict(
        state.rule,
        state.marks,
        state.result?.tie ?? null,
        await repo.tieDecision(trx, pollId),
        b,
        state.pending.map((d) => d.kind),
      );
      if (!verdict.ok) throw refusal(verdict);

      const meeting = b.meeting.trim();
      const reason = b.reason?.trim() || null;
      const { id } = await repo.insert(trx, {
        poll_id: pollId,
        kind: b.kind,
        meeting,
        decided_on: b.decidedOn,
        chosen: JSON.stringify(b.chosen ?? []),
        reason,
        recorded_by: user.id,
      });
      await repo.insertSigners(trx, id, b.signerIds);
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'presidium.decision_recorded',
        subject: `poll:${pollId}`,
        details: { decision: id, kind: b.kind, meeting, decidedOn: b.decidedOn, named: b.signerIds, ...(b.chosen && { chosen: b.chosen }), ...(reason && { reason }) },
      });
      return this.answerIn(trx, actor, p, id, 'sign');
    });
  }

  /** A named member signs or declines a pending decision on their own account. */
  async answer(actor: Principal, pollId: string, decisionId: string, answer: SignatureAnswer): Promise<Poll> {
    presidiumUser(actor);
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, pollId, true);
      return this.answerIn(trx, actor, p, decisionId, answer);
    });
  }

  /** The member who recorded a pending decision withdraws it; the place is free for another. */
  async withdraw(actor: Principal, pollId: string, decisionId: string): Promise<Poll> {
    const user = presidiumUser(actor);
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, pollId, true);
      const d = await decisionOf(trx, pollId, decisionId);
      if (d.status !== 'pending') throw new AppError('DECISION_NOT_PENDING');
      if (d.recorded_by_id !== user.id) throw new AppError('NOT_RECORDER');
      await repo.settle(trx, d.id, 'withdrawn');
      await appendAudit(trx, { actor: actorOf(actor), action: 'presidium.decision_withdrawn', subject: `poll:${pollId}`, details: { decision: d.id, kind: d.kind } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, p, INSIDER);
    });
  }

  /** An answer within the transaction that locked the poll: the recorder's at recording, or a member's. */
  private async answerIn(trx: DbOrTx, actor: Principal, p: PollRow, decisionId: string, answer: SignatureAnswer): Promise<Poll> {
    const user = presidiumUser(actor);
    const d = await decisionOf(trx, p.id, decisionId);
    const state = await pollState(trx, p);
    const verdict = signatureVerdict(state.rule, signaturesOf(d), state.marks, user.id, answer);
    if (!verdict.ok) throw refusal(verdict);
    if (answer === 'sign' && (await isCounter(trx, p.session_id, user.id))) throw new AppError('COUNTER_CANNOT_SIGN', { signerId: user.id });
    const given = await repo.insertSignature(trx, d.id, user.id, answer);
    await appendAudit(trx, {
      actor: actorOf(actor),
      action: answer === 'sign' ? 'presidium.decision_signed' : 'presidium.decision_declined',
      subject: `poll:${p.id}`,
      details: { decision: d.id, kind: d.kind, signed: verdict.signed, needed: verdict.needed, outcome: verdict.outcome },
    });
    let row = p;
    if (verdict.outcome === 'declined') await repo.settle(trx, d.id, 'declined');
    if (verdict.outcome === 'effective') {
      const signers = [...d.named.filter((n) => n.answer === 'sign').map((n) => ({ userId: n.userId, at: new Date(n.answeredAt!) })), { userId: user.id, at: given.answered_at }];
      row = await this.takeEffect(trx, actor, p, d, signers.sort((a, b) => a.at.getTime() - b.at.getTime()), state.signoffs);
    }
    await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    return toPoll(trx, row, INSIDER);
  }

  /**
   * The decision's effect, with the signature that reached the number needed: a certification
   * certifies the poll and gives its 公告 number, a return sends it back, a tie decision settles
   * the tie. Each signer's sign-off is written, at the time they signed and marked with the
   * decision; one already given the same way stands.
   */
  private async takeEffect(
    trx: DbOrTx,
    actor: Principal,
    p: PollRow,
    d: DecisionRecord,
    signed: { userId: string; at: Date }[],
    signoffs: SignoffMark[],
  ): Promise<PollRow> {
    await repo.settle(trx, d.id, 'effective');
    if (d.kind !== 'tie') {
      const given = new Set(signoffs.filter((m) => m.role === 'presidium' && m.decision === d.kind).map((m) => m.userId));
      for (const s of signed.filter((x) => !given.has(x.userId))) {
        await pollsRepository.insertSignoff(trx, { poll_id: p.id, user_id: s.userId, role: 'presidium', decision: d.kind, reason: d.reason, decision_id: d.id, at: s.at });
      }
    }
    const signers = signed.map((s) => s.userId);
    let row = p;
    if (d.kind === 'certify') {
      row = await pollsRepository.update(trx, p.id, { status: 'certified', certified_at: new Date() });
      await giveNoticeNumber(trx, row, actorOf(actor));
    }
    if (d.kind === 'reject') row = await pollsRepository.update(trx, p.id, { status: 'rejected', rejected_at: new Date() });
    await appendAudit(trx, {
      actor: actorOf(actor),
      action: AUDIT_ACTION[d.kind],
      subject: `poll:${p.id}`,
      details: {
        decision: d.id,
        meeting: d.meeting,
        decidedOn: d.decided_on,
        signers,
        resultHash: sha256(canonicalJson(p.result)),
        ...(d.kind === 'tie' && { chosen: d.chosen }),
        ...(d.reason && { reason: d.reason }),
        ...(d.kind === 'certify' && { certified: true }),
      },
    });
    return row;
  }
}

function presidiumUser(actor: Principal) {
  if (actor.kind !== 'user' || !actor.user.roles.includes('presidium')) throw new AppError('FORBIDDEN');
  return actor.user;
}

/** The poll, locked, counted and neither certified nor returned: the only state that takes a decision. */
async function closedPoll(trx: DbOrTx, pollId: string): Promise<PollRow> {
  const p = await mustGetPoll(trx, pollId, true);
  if (p.status !== 'closed') throw new AppError('POLL_STATE', { status: p.status });
  return p;
}

async function decisionOf(trx: DbOrTx, pollId: string, decisionId: string): Promise<DecisionRecord> {
  const d = await repo.decision(trx, decisionId);
  if (!d || d.poll_id !== pollId) throw new AppError('NOT_FOUND');
  return d;
}

/** The signatures on a poll's pending certify and return decisions, as the sign-offs they would become. */
export async function pendingSignatureMarks(db: DbOrTx, pollId: string): Promise<SignoffMark[]> {
  return pendingMarks((await repo.decisions(db, pollId, ['pending'])).map(signaturesOf));
}

const signaturesOf = (d: DecisionRecord) => ({
  kind: d.kind,
  status: d.status,
  named: d.named.map((n) => n.userId),
  answers: d.named.filter((n) => n.answer !== null).sort((a, b) => (a.answeredAt! < b.answeredAt! ? -1 : 1)).map((n) => ({ userId: n.userId, answer: n.answer! })),
});

/**
 * What the rule needs of a locked poll: its k and return setting, the 监票人's confirmations, its
 * sign-offs with the signatures on its pending decisions, and those decisions.
 */
async function pollState(trx: DbOrTx, p: PollRow) {
  const [signoffs, pending, rejectAlone, scrutineerConfirmations] = await Promise.all([
    pollsRepository.signoffs(trx, p.id),
    repo.decisions(trx, p.id, ['pending']),
    repo.rejectAlone(trx, p.id),
    confirmationsNeeded(trx, p),
  ]);
  const given: SignoffMark[] = signoffs.map((x) => ({ userId: x.user_id, deputyId: x.deputy_id, role: x.role, decision: x.decision }));
  return {
    rule: { certifyK: p.certify_k, scrutineerConfirmations, rejectAlone },
    signoffs: given,
    marks: [...given, ...pendingMarks(pending.map(signaturesOf))],
    pending,
    result: p.kind === 'rating' ? null : (p.result as PollResult | null),
  };
}
