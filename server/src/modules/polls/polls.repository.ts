import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { PollSignoffsTable, PollsTable } from '../../db/types.ts';

export const pollsRepository = {
  get(db: DbOrTx, id: string) {
    return db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('polls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
  /** Casts hold this lock until they commit, so closing waits for every ballot in flight. */
  castLock(db: DbOrTx, id: string) {
    return db
      .selectFrom('polls')
      .select(['status', 'session_id'])
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', sql<Date>`now()`)]))
      .forKeyShare()
      .executeTakeFirst();
  },
  listBySession(db: DbOrTx, sessionId: string) {
    return db.selectFrom('polls').selectAll().where('session_id', '=', sessionId).orderBy('created_at').execute();
  },
  /** The poll a hall shows: the open one, else the latest with a result. */
  focus(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('polls')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', 'in', ['open', 'closed', 'rejected', 'certified', 'published'])
      .orderBy(sql`status = 'open'`, 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
  signoffs(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_signoffs as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.role', 's.user_id', 'u.display_name', 's.decision', 's.reason', 's.at'])
      .where('s.poll_id', '=', pollId)
      .orderBy('s.at')
      .execute();
  },
  insertSignoff(db: DbOrTx, row: Insertable<PollSignoffsTable>) {
    return db.insertInto('poll_signoffs').values(row).execute();
  },
  insert(db: DbOrTx, row: Insertable<PollsTable>) {
    return db.insertInto('polls').values(row).returningAll().executeTakeFirstOrThrow();
  },
  update(db: DbOrTx, id: string, patch: Updateable<PollsTable>) {
    return db.updateTable('polls').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  dueForClose(db: DbOrTx) {
    return db.selectFrom('polls').select('id').where('status', '=', 'open').where('closes_at', '<=', sql<Date>`now()`).execute();
  },
  issueToPresent(db: DbOrTx, pollId: string, sessionId: string) {
    return db
      .insertInto('poll_roll')
      .columns(['poll_id', 'deputy_id'])
      .expression((eb) =>
        eb
          .selectFrom('deputies')
          .select([eb.val(pollId).as('poll_id'), 'id'])
          .where('session_id', '=', sessionId)
          .where('checked_in_at', 'is not', null),
      )
      .execute();
  },
  markVoted(db: DbOrTx, pollId: string, deputyId: string, keyHash: string) {
    return db
      .updateTable('poll_roll')
      .set({ voted: true, key_hash: keyHash })
      .where('poll_id', '=', pollId)
      .where('deputy_id', '=', deputyId)
      .where('voted', '=', false)
      .returning('voted')
      .executeTakeFirst();
  },
  rollEntry(db: DbOrTx, pollId: string, deputyId: string) {
    return db.selectFrom('poll_roll').select(['voted', 'key_hash']).where('poll_id', '=', pollId).where('deputy_id', '=', deputyId).executeTakeFirst();
  },
  insertBallot(db: DbOrTx, pollId: string, tracker: string, body: unknown) {
    return db.insertInto('poll_box').values({ poll_id: pollId, tracker, body: JSON.stringify(body) }).execute();
  },
  turnout(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_roll')
      .select((eb) => [eb.fn.countAll<number>().as('issued'), eb.fn.count<number>(eb.case().when('voted', '=', true).then(1).end()).as('voted')])
      .where('poll_id', '=', pollId)
      .executeTakeFirstOrThrow();
  },
  turnoutByDelegation(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_roll as r')
      .innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select((eb) => [
        'd.delegation',
        eb.fn.countAll<number>().as('issued'),
        eb.fn.count<number>(eb.case().when('r.voted', '=', true).then(1).end()).as('voted'),
      ])
      .where('r.poll_id', '=', pollId)
      .groupBy('d.delegation')
      .orderBy('d.delegation')
      .execute();
  },
  notVoted(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_roll as r')
      .innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select(['d.id', 'd.name', 'd.delegation', 'd.seat'])
      .where('r.poll_id', '=', pollId)
      .where('r.voted', '=', false)
      .orderBy('d.position')
      .execute();
  },
  ballots(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_box').select(['body', 'valid']).where('poll_id', '=', pollId).execute();
  },
  trackers(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_box').select('tracker').where('poll_id', '=', pollId).orderBy('tracker').execute();
  },
  /**
   * Rewrites the box in random order in one statement: afterwards neither the rows' physical
   * order nor their transaction ids follow the order in which ballots were cast.
   */
  async reseal(db: DbOrTx, pollId: string) {
    await sql`
      with moved as (delete from poll_box where poll_id = ${pollId} returning tracker, valid, body)
      insert into poll_box (poll_id, tracker, valid, body)
      select ${pollId}, tracker, valid, body from moved order by random()`.execute(db);
  },
};
