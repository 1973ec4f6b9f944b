import type { Confirmation, CreateConfirmationBody, DualControlAction } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { dualControlRepository as repo } from './dual-control.repository.ts';
import { sessionsRepository } from './sessions.repository.ts';

/** Who may approve a request: the presidium or a scrutineer (监票人), never the one who asked. */
const APPROVERS = ['presidium', 'scrutineer'] as const;

/** The hall display's count of approved interventions during a poll. */
export const interventionsOf = (db: DbOrTx, pollId: string) => repo.usedCounts(db, pollId);

/**
 * Inside the action's own transaction, while `pollId` is open: the approved request for exactly
 * this action and deputy, used up now. Without one the action is refused.
 */
export async function consumeConfirmation(
  trx: DbOrTx,
  actor: Principal,
  confirmationId: string | undefined,
  want: { action: DualControlAction; deputyId: string; pollId: string },
): Promise<void> {
  if (!confirmationId) throw new AppError('CONFIRMATION_REQUIRED', { action: want.action, deputyId: want.deputyId });
  const r = await repo.lock(trx, confirmationId);
  if (!r || r.status !== 'approved' || r.action !== want.action || r.deputy_id !== want.deputyId || r.poll_id !== want.pollId) {
    throw new AppError('CONFIRMATION_STATE', { confirmationId });
  }
  await repo.markUsed(trx, r.id);
  await appendAudit(trx, { actor: actorOf(actor), action: 'confirmation.used', subject: `confirmation:${r.id}`, details: { action: r.action, deputy: r.deputy_id, poll: r.poll_id } });
  await notifyInTx(trx, { sessionId: r.session_id, what: 'state' });
}

type RequestRow = NonNullable<Awaited<ReturnType<typeof repo.one>>>;

const toConfirmation = (r: RequestRow): Confirmation => ({
  id: r.id,
  sessionId: r.session_id,
  pollId: r.poll_id,
  action: r.action,
  deputyId: r.deputy_id,
  deputyName: r.deputy_name,
  seat: r.seat,
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at.toISOString(),
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
  note: r.decision_note,
});

export class DualControlService {
  constructor(private readonly db: Db) {}

  async list(sessionId: string): Promise<Confirmation[]> {
    if (!(await sessionsRepository.get(this.db, sessionId))) throw new AppError('NOT_FOUND');
    return (await repo.list(this.db, sessionId)).map(toConfirmation);
  }

  /** Staff ask; only while a poll of the deputy's session is open (otherwise no approval is needed). */
  async request(actor: Principal, sessionId: string, b: CreateConfirmationBody): Promise<Confirmation> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const id = await this.db.transaction().execute(async (trx) => {
      const session = await sessionsRepository.lock(trx, sessionId);
      if (!session) throw new AppError('NOT_FOUND');
      const deputy = await sessionsRepository.deputy(trx, b.deputyId);
      if (!deputy || deputy.session_id !== sessionId) throw new AppError('NOT_FOUND', { field: 'deputyId' });
      const open = await sessionsRepository.openPoll(trx, sessionId);
      if (!open) throw new AppError('POLL_STATE', { status: 'none open' });
      const row = await repo.insert(trx, { session_id: sessionId, poll_id: open.id, deputy_id: b.deputyId, action: b.action, reason: b.reason, requested_by: actor.user.id });
      await appendAudit(trx, { actor: actorOf(actor), action: 'confirmation.requested', subject: `confirmation:${row.id}`, details: { action: b.action, deputy: b.deputyId, poll: open.id, reason: b.reason } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return row.id;
    });
    return this.one(id);
  }

  async decide(actor: Principal, id: string, decision: 'approved' | 'declined', note?: string): Promise<Confirmation> {
    if (actor.kind !== 'user' || !APPROVERS.some((r) => actor.user.roles.includes(r))) throw new AppError('FORBIDDEN');
    await this.db.transaction().execute(async (trx) => {
      const r = await repo.lock(trx, id);
      if (!r) throw new AppError('NOT_FOUND');
      if (r.requested_by === actor.user.id) throw new AppError('SELF_CONFIRMATION');
      if (r.status !== 'pending') throw new AppError('CONFIRMATION_STATE', { status: r.status });
      await repo.decide(trx, id, decision, actor.user.id, note ?? null);
      await appendAudit(trx, { actor: actorOf(actor), action: `confirmation.${decision}`, subject: `confirmation:${id}`, details: { action: r.action, deputy: r.deputy_id, poll: r.poll_id, ...(note && { note }) } });
      await notifyInTx(trx, { sessionId: r.session_id, what: 'state' });
    });
    return this.one(id);
  }

  private async one(id: string): Promise<Confirmation> {
    const found = await repo.one(this.db, id);
    if (!found) throw new AppError('NOT_FOUND');
    return toConfirmation(found);
  }
}
