import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

/** 监票人, 计票人 and the 监票人's confirmations on their tablets. */
export const scrutinyRepository = {
  scrutineers(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('session_scrutineers as s')
      .innerJoin('deputies as d', 'd.id', 's.deputy_id')
      .select(['s.deputy_id', 's.chief', 'd.name', 'd.delegation', 'd.seat', 'd.checked_in_at'])
      .where('s.session_id', '=', sessionId)
      .orderBy('s.position')
      .execute();
  },
  counters(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('session_counters as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.user_id', 'u.display_name', 'u.username'])
      .where('c.session_id', '=', sessionId)
      .orderBy('c.position')
      .execute();
  },
  async replace(db: DbOrTx, sessionId: string, scrutineers: { deputyId: string; chief: boolean }[], counterIds: string[]) {
    await db.deleteFrom('session_scrutineers').where('session_id', '=', sessionId).execute();
    await db.deleteFrom('session_counters').where('session_id', '=', sessionId).execute();
    if (scrutineers.length) {
      await db
        .insertInto('session_scrutineers')
        .values(scrutineers.map((s, i) => ({ session_id: sessionId, deputy_id: s.deputyId, chief: s.chief, position: i + 1 })))
        .execute();
    }
    if (counterIds.length) {
      await db
        .insertInto('session_counters')
        .values(counterIds.map((id, i) => ({ session_id: sessionId, user_id: id, position: i + 1 })))
        .execute();
    }
  },
  clear(db: DbOrTx, sessionId: string) {
    return db.deleteFrom('session_scrutineers').where('session_id', '=', sessionId).executeTakeFirst();
  },
  scrutineer(db: DbOrTx, sessionId: string, deputyId: string) {
    return db.selectFrom('session_scrutineers').select('chief').where('session_id', '=', sessionId).where('deputy_id', '=', deputyId).executeTakeFirst();
  },
  counter(db: DbOrTx, sessionId: string, userId: string) {
    return db.selectFrom('session_counters').select('user_id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  },
  deputiesOfSession(db: DbOrTx, sessionId: string, ids: string[]) {
    return db.selectFrom('deputies').select('id').where('session_id', '=', sessionId).where('id', 'in', ids).execute();
  },
  /** The accounts among `ids` that hold the staff role and are not disabled. */
  activeStaff(db: DbOrTx, ids: string[]) {
    return db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', ids)
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'staff' = any(roles)`)
      .execute();
  },
  allActiveStaff(db: DbOrTx) {
    return db
      .selectFrom('users')
      .select(['id', 'display_name', 'username'])
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'staff' = any(roles)`)
      .orderBy('username')
      .execute();
  },
  /** 监票人 handed a ballot in the poll, i.e. present at it. */
  async scrutineersOnRoll(db: DbOrTx, pollId: string, sessionId: string): Promise<number> {
    const r = await db
      .selectFrom('poll_roll as r')
      .innerJoin('session_scrutineers as s', (j) => j.onRef('s.deputy_id', '=', 'r.deputy_id').on('s.session_id', '=', sessionId))
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('r.poll_id', '=', pollId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async scrutineersCheckedIn(db: DbOrTx, sessionId: string): Promise<number> {
    const r = await db
      .selectFrom('session_scrutineers as s')
      .innerJoin('deputies as d', 'd.id', 's.deputy_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('s.session_id', '=', sessionId)
      .where('d.checked_in_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  deputySignoff(db: DbOrTx, pollId: string, deputyId: string) {
    return db.selectFrom('poll_signoffs').select('at').where('poll_id', '=', pollId).where('deputy_id', '=', deputyId).executeTakeFirst();
  },
  insertConfirmation(db: DbOrTx, pollId: string, deputyId: string) {
    return db.insertInto('poll_signoffs').values({ poll_id: pollId, deputy_id: deputyId, role: 'scrutineer', decision: 'confirm', reason: null }).execute();
  },
};
