import {
  decisionVerdict,
  type DecisionRefusal,
  type Poll,
  type PollResult,
  type PresidiumDecisionBody,
  type PresidiumMembers,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { mustGetPoll, toPoll } from '../polls/poll-wire.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { giveNoticeNumber } from '../results/notice-numbers.service.ts';
import { presidiumRepository as repo } from './presidium.repository.ts';
import { confirmationsNeeded, isCounter } from './scrutiny.service.ts';

const AUDIT_ACTION = { certify: 'poll.certification_signed', reject: 'poll.rejected', tie: 'poll.tie_decided' } as const;

function refusal(r: DecisionRefusal): AppError {
  const { code, ...details } = r;
  return new AppError(code, details);
}

/**
 * The 主席团 as a body (docs/PROCEDURE.md §3, "The 主席团's decisions"): a member records a
 * decision of a 主席团 meeting on a counted poll, to certify it, return it or choose among the
 * projects tied at the cut-off, naming the meeting, the day and the members who signed. The
 * rule is shared/src/domain/presidium.ts (decisionVerdict), which the console also follows.
 */
export class PresidiumService {
  constructor(private readonly db: Db) {}

  async members(): Promise<PresidiumMembers> {
    return (await repo.members(this.db)).map((m) => ({ userId: m.id, displayName: m.display_name, username: m.username }));
  }

  async decide(actor: Principal, pollId: string, b: PresidiumDecisionBody): Promise<Poll> {
    if (actor.kind !== 'user' || !actor.user.roles.includes('presidium')) throw new AppError('FORBIDDEN');
    // The member who records the decision signed it: no one enters others' signatures alone.
    if (!b.signerIds.includes(actor.user.id)) throw new AppError('NOT_A_SIGNER');
    if (b.kind === 'tie' && !b.chosen) throw new AppError('VALIDATION', { field: 'chosen', reason: 'a tie decision names the projects it chooses' });
    if (b.kind !== 'tie' && b.chosen) throw new AppError('VALIDATION', { field: 'chosen', reason: 'only a tie decision chooses projects' });
    if (b.kind === 'reject' && !b.reason?.trim()) throw new AppError('VALIDATION', { field: 'reason', reason: 'a return gives its reason' });
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, pollId, true);
      if (p.status !== 'closed') throw new AppError('POLL_STATE', { status: p.status });
      const members = new Set((await repo.membersAmong(trx, b.signerIds)).map((m) => m.id));
      const outsiders = b.signerIds.filter((id) => !members.has(id));
      if (outsiders.length > 0) throw new AppError('SIGNER_NOT_PRESIDIUM', { signerIds: outsiders });
      // Who counted does not also sign for the count.
      for (const id of b.signerIds) if (await isCounter(trx, p.session_id, id)) throw new AppError('COUNTER_CANNOT_SIGN', { signerId: id });
      const signoffs = await pollsRepository.signoffs(trx, pollId);
      const marks = signoffs.map((x) => ({ userId: x.user_id, deputyId: x.deputy_id, role: x.role, decision: x.decision }));
      const rule = { certifyK: p.certify_k, scrutineerConfirmations: await confirmationsNeeded(trx, p), rejectAlone: await repo.rejectAlone(trx, pollId) };
      const result = p.kind === 'rating' ? null : (p.result as PollResult | null);
      const verdict = decisionVerdict(rule, marks, result?.tie ?? null, await repo.tieDecision(trx, pollId), b);
      if (!verdict.ok) throw refusal(verdict);

      const { id } = await repo.insert(trx, {
        poll_id: pollId,
        kind: b.kind,
        meeting: b.meeting.trim(),
        decided_on: b.decidedOn,
        chosen: JSON.stringify(b.chosen ?? []),
        reason: b.reason?.trim() || null,
        recorded_by: actor.user.id,
      });
      await repo.insertSigners(trx, id, b.signerIds);
      if (b.kind !== 'tie') {
        // Each signer's sign-off, marked with the decision; one already given the same way stands.
        const signed = new Set(marks.filter((m) => m.role === 'presidium' && m.decision === b.kind).map((m) => m.userId));
        for (const userId of b.signerIds.filter((u) => !signed.has(u))) {
          await pollsRepository.insertSignoff(trx, { poll_id: pollId, user_id: userId, role: 'presidium', decision: b.kind, reason: b.reason?.trim() || null, decision_id: id });
        }
      }
      let row = p;
      if (verdict.status === 'certified') {
        row = await pollsRepository.update(trx, pollId, { status: 'certified', certified_at: new Date() });
        await giveNoticeNumber(trx, row, actorOf(actor));
      }
      if (verdict.status === 'rejected') row = await pollsRepository.update(trx, pollId, { status: 'rejected', rejected_at: new Date() });
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: AUDIT_ACTION[b.kind],
        subject: `poll:${pollId}`,
        details: {
          decision: id,
          meeting: b.meeting.trim(),
          decidedOn: b.decidedOn,
          signers: b.signerIds,
          resultHash: sha256(canonicalJson(p.result)),
          ...(b.chosen && { chosen: b.chosen }),
          ...(b.reason && { reason: b.reason.trim() }),
          ...(b.kind === 'certify' && { certified: true }),
        },
      });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, row);
    });
  }
}
