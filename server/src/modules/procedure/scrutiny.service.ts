import type { Counter, DeputyIdentity, DeputyScrutiny, ScrutinyList, SetScrutinyBody } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { releaseCeremonyForNewList } from '../ceremony/ceremony-list.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { scrutinyRepository as repo } from './scrutiny.repository.ts';
import { votingRulesAdopted } from './voting-rules.service.ts';

/**
 * Who counts and who watches the count (docs/PROCEDURE.md §3). Other modules ask through the
 * functions below, never through the tables: the paper count, the encryption key ceremony and
 * certification all depend on the same list.
 */
export async function scrutineerRole(db: DbOrTx, sessionId: string, deputyId: string): Promise<DeputyScrutiny['role']> {
  const row = await repo.scrutineer(db, sessionId, deputyId);
  return row ? (row.chief ? 'chief' : 'scrutineer') : null;
}

/** Whether the deputy is a 监票人 (the 总监票人 included) of the session. */
export const isScrutineer = async (db: DbOrTx, sessionId: string, deputyId: string) => (await scrutineerRole(db, sessionId, deputyId)) !== null;

/** Whether the deputy is the session's 总监票人. */
export const isChiefScrutineer = async (db: DbOrTx, sessionId: string, deputyId: string) => (await scrutineerRole(db, sessionId, deputyId)) === 'chief';

/** Whether the account is one of the session's 计票人. */
export const isCounter = async (db: DbOrTx, sessionId: string, userId: string) => (await repo.counter(db, sessionId, userId)) !== undefined;

/** The session's 监票人 in list order (deputy ids), the 总监票人 flagged. */
export const scrutineersOf = async (db: DbOrTx, sessionId: string) => (await repo.scrutineers(db, sessionId)).map((s) => ({ deputyId: s.deputy_id, chief: s.chief }));

/**
 * 监票人 confirmations a poll needs before the 主席团 may certify it: the cycle's number, or by
 * default every 监票人 present at the poll (handed a ballot in it), and at least 2.
 */
export async function confirmationsNeeded(
  db: DbOrTx,
  p: { id: string; session_id: string; scrutineer_confirmations: number | null; opened_at: Date | null },
): Promise<number> {
  if (p.scrutineer_confirmations !== null) return p.scrutineer_confirmations;
  const present = p.opened_at ? await repo.scrutineersOnRoll(db, p.id, p.session_id) : await repo.scrutineersCheckedIn(db, p.session_id);
  return Math.max(2, present);
}

/** A new roster names new deputies: a list naming the old ones no longer means anything. */
export async function forgetScrutineers(trx: DbOrTx, sessionId: string): Promise<boolean> {
  await releaseCeremonyForNewList(trx, sessionId);
  return Number((await repo.clear(trx, sessionId)).numDeletedRows) > 0;
}

export class ScrutinyService {
  constructor(private readonly db: Db) {}

  async get(sessionId: string, db: DbOrTx = this.db): Promise<ScrutinyList> {
    if (!(await sessionsRepository.get(db, sessionId))) throw new AppError('NOT_FOUND');
    const [scrutineers, counters, locked] = await Promise.all([repo.scrutineers(db, sessionId), repo.counters(db, sessionId), this.locked(db, sessionId)]);
    return {
      sessionId,
      scrutineers: scrutineers.map((s) => ({ deputyId: s.deputy_id, name: s.name, delegation: s.delegation, seat: s.seat, chief: s.chief, present: s.checked_in_at !== null })),
      counters: counters.map((c) => ({ userId: c.user_id, displayName: c.display_name, username: c.username })),
      locked,
    };
  }

  /** Adopted with the 票决办法, or once a poll of the session has opened, the list is part of the record. */
  private async locked(db: DbOrTx, sessionId: string): Promise<boolean> {
    return (await votingRulesAdopted(db, sessionId)) || (await sessionsRepository.hasOpenedPoll(db, sessionId)) !== undefined;
  }

  async staffAccounts(sessionId: string): Promise<Counter[]> {
    if (!(await sessionsRepository.get(this.db, sessionId))) throw new AppError('NOT_FOUND');
    return (await repo.allActiveStaff(this.db)).map((u) => ({ userId: u.id, displayName: u.display_name, username: u.username }));
  }

  /** Replaces the whole list, all or nothing. */
  async set(actor: Principal, sessionId: string, b: SetScrutinyBody): Promise<ScrutinyList> {
    const ids = b.scrutineers.map((s) => s.deputyId);
    if (new Set(ids).size !== ids.length) throw new AppError('SCRUTINEER_REPEATED');
    if (b.scrutineers.filter((s) => s.chief).length !== 1) throw new AppError('SCRUTINEER_CHIEF');
    return this.db.transaction().execute(async (trx) => {
      if (!(await sessionsRepository.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      if (await this.locked(trx, sessionId)) throw new AppError('SCRUTINY_LOCKED');
      await releaseCeremonyForNewList(trx, sessionId);
      const found = new Set((await repo.deputiesOfSession(trx, sessionId, ids)).map((d) => d.id));
      const strangers = ids.filter((id) => !found.has(id));
      if (strangers.length) throw new AppError('SCRUTINEER_NOT_DEPUTY', { deputyIds: strangers });
      if (b.counterIds.length) {
        const staff = new Set((await repo.activeStaff(trx, b.counterIds)).map((u) => u.id));
        const others = b.counterIds.filter((id) => !staff.has(id));
        if (others.length) throw new AppError('COUNTER_NOT_STAFF', { userIds: others });
      }
      await repo.replace(trx, sessionId, b.scrutineers, b.counterIds);
      await appendAudit(trx, { actor: actorOf(actor), action: 'scrutiny.set', subject: `session:${sessionId}`, details: { scrutineers: b.scrutineers, counters: b.counterIds } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.get(sessionId, trx);
    });
  }

  async mine(deputy: DeputyIdentity): Promise<DeputyScrutiny> {
    return { role: await scrutineerRole(this.db, deputy.sessionId, deputy.id) };
  }

  /** A 监票人, present and on their own tablet, confirms a closed poll's count. */
  async confirm(deputy: DeputyIdentity, pollId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const p = await pollsRepository.lock(trx, pollId);
      if (!p || p.session_id !== deputy.sessionId) throw new AppError('NOT_FOUND');
      if (!(await isScrutineer(trx, p.session_id, deputy.id))) throw new AppError('NOT_SCRUTINEER');
      if (p.status !== 'closed') throw new AppError('POLL_STATE', { status: p.status });
      const me = await sessionsRepository.deputy(trx, deputy.id);
      if (!me?.checked_in_at) throw new AppError('NOT_CHECKED_IN');
      if (await repo.deputySignoff(trx, pollId, deputy.id)) throw new AppError('ALREADY_SIGNED');
      await repo.insertConfirmation(trx, pollId, deputy.id);
      await appendAudit(trx, { actor: actorOf({ kind: 'deputy', deputy }), action: 'poll.confirmed', subject: `poll:${pollId}`, details: { resultHash: sha256(canonicalJson(p.result)) } });
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    });
  }
}
