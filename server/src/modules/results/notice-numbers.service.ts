import type { NoticeNumbering, NoticeNumberingBody } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { noticeNumbersRepository as repo } from './notice-numbers.repository.ts';

/** Before certification a poll's number may still be entered (or entered again). */
const ENTERABLE = new Set(['draft', 'open', 'counting', 'closed', 'rejected']);

/** The counter's next number: after every number given and from the session's first, skipping those entered for other polls. */
function counterNext(first: number, held: { number: number; assigned_at: Date | null }[]): number {
  const given = held.filter((h) => h.assigned_at !== null).map((h) => h.number);
  const taken = new Set(held.map((h) => h.number));
  let n = Math.max(first, ...given.map((g) => g + 1));
  while (taken.has(n)) n++;
  return n;
}

/**
 * Gives a poll its 公告 number as the presidium certifies it, in the certification's
 * transaction (the caller holds the poll's row lock): the number staff entered, or the
 * session's counter's next. The session row lock makes concurrent certifications take turns,
 * and the database's unique index is the last word. A run-off has no number of its own.
 */
export async function giveNoticeNumber(trx: DbOrTx, poll: Pick<PollRow, 'id' | 'session_id' | 'kind'>, actor: string): Promise<number | null> {
  if (poll.kind === 'runoff') return null;
  const session = await sessionsRepository.lock(trx, poll.session_id);
  if (!session) throw new AppError('NOT_FOUND');
  const mine = await repo.ofPoll(trx, poll.id);
  if (mine?.assigned_at) return mine.number;
  const held = await repo.held(trx, poll.session_id, poll.id);
  let number: number;
  if (mine) {
    if (held.some((h) => h.number === mine.number)) throw new AppError('NOTICE_NUMBER_TAKEN', { number: mine.number });
    number = mine.number;
  } else if (session.notice_numbering === 'entered') {
    throw new AppError('NOTICE_NUMBER_MISSING');
  } else {
    number = counterNext(session.notice_first, held);
  }
  await repo.give(trx, { poll_id: poll.id, session_id: poll.session_id, number });
  await appendAudit(trx, { actor, action: 'poll.notice_numbered', subject: `poll:${poll.id}`, details: { number, entered: Boolean(mine) } });
  return number;
}

/** The numbering of a session's 公告 (docs/PROCEDURE.md, "The 公告 and its number"). */
export class NoticeNumbersService {
  constructor(private readonly db: Db) {}

  async get(sessionId: string, db: DbOrTx = this.db): Promise<NoticeNumbering> {
    const settings = await repo.settings(db, sessionId);
    if (!settings) throw new AppError('NOT_FOUND');
    const polls = await repo.polls(db, sessionId);
    const held = polls.filter((p) => p.number !== null && (p.assigned_at !== null || p.status !== 'cancelled'));
    return {
      sessionId,
      numbering: settings.notice_numbering,
      first: settings.notice_first,
      next: counterNext(settings.notice_first, held.map((p) => ({ number: p.number!, assigned_at: p.assigned_at }))),
      polls: polls.map((p) => ({
        pollId: p.id,
        title: p.title,
        status: p.status as NoticeNumbering['polls'][number]['status'],
        // a cancelled poll's entered number was never given, and is free again
        number: p.status === 'cancelled' && p.assigned_at === null ? null : p.number,
        entered: p.entered_by !== null,
        given: p.assigned_at !== null,
      })),
    };
  }

  async setNumbering(actor: Principal, sessionId: string, body: NoticeNumberingBody): Promise<NoticeNumbering> {
    return this.db.transaction().execute(async (trx) => {
      const session = await sessionsRepository.lock(trx, sessionId);
      if (!session) throw new AppError('NOT_FOUND');
      await repo.setSettings(trx, sessionId, body.numbering, body.first);
      await appendAudit(trx, { actor: actorOf(actor), action: 'session.notice_numbering', subject: `session:${sessionId}`, details: { ...body } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.get(sessionId, trx);
    });
  }

  /** Staff enter the number a poll's 公告 will carry; it is given at certification. */
  async enter(actor: Principal, pollId: string, number: number): Promise<NoticeNumbering> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const userId = actor.user.id;
    return this.db.transaction().execute(async (trx) => {
      // the certification's lock order: the poll, then its session
      const poll = await pollsRepository.lock(trx, pollId);
      if (!poll) throw new AppError('NOT_FOUND');
      if (poll.kind === 'runoff') throw new AppError('VALIDATION', { field: 'pollId', reason: 'a run-off is announced with its round and has no number of its own' });
      if (!ENTERABLE.has(poll.status)) throw new AppError('POLL_STATE', { status: poll.status });
      await sessionsRepository.lock(trx, poll.session_id);
      const held = await repo.held(trx, poll.session_id, poll.id);
      if (held.some((h) => h.number === number)) throw new AppError('NOTICE_NUMBER_TAKEN', { number });
      await repo.enter(trx, { poll_id: poll.id, session_id: poll.session_id, number, entered_by: userId });
      await appendAudit(trx, { actor: actorOf(actor), action: 'poll.notice_number_entered', subject: `poll:${pollId}`, details: { number } });
      await notifyInTx(trx, { sessionId: poll.session_id, what: 'state' });
      return this.get(poll.session_id, trx);
    });
  }
}
