import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { PollSignoffsTable, PollsTable } from '../../db/types.ts';

/**
 * Every writer of the three ballot tables takes them in one order (roll, box, receipts), the
 * order a cast's statement does, so that no two of them can deadlock.
 */
function lockInCastOrder(db: DbOrTx) {
  return sql`lock table poll_roll, poll_box, poll_trackers in row exclusive mode`.execute(db);
}

/**
 * Rewrites a poll's roll in random order, in the caller's transaction: afterwards its rows carry
 * that transaction's id and no trace of the order in which deputies voted. Answers the number
 * of roll entries.
 */
async function rewriteRoll(db: DbOrTx, pollId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with roll as (delete from poll_roll where poll_id = ${pollId} returning deputy_id, voted, key_hash, ballot_check, paper),
    roll_resealed as (
      insert into poll_roll (poll_id, deputy_id, voted, key_hash, ballot_check, paper)
      select ${pollId}, deputy_id, voted, key_hash, ballot_check, paper from roll order by random()
    )
    select count(*)::int as n from roll`.execute(db);
  return rows[0]?.n ?? 0;
}

export const pollsRepository = {
  get(db: DbOrTx, id: string) {
    return db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('polls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
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
      .where('status', 'in', ['open', 'counting', 'decrypting', 'closed', 'rejected', 'certified', 'published'])
      .orderBy(sql`status = 'open'`, 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
  signoffs(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_signoffs as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('deputies as d', 'd.id', 's.deputy_id')
      .select((eb) => ['s.role', 's.user_id', 's.deputy_id', eb.fn.coalesce('u.display_name', 'd.name').as('display_name'), 's.decision', 's.reason', 's.at'])
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
  /** A ballot for one deputy who arrives while the poll is open. */
  issueOne(db: DbOrTx, pollId: string, deputyId: string) {
    return db.insertInto('poll_roll').values({ poll_id: pollId, deputy_id: deputyId, key_hash: null }).onConflict((oc) => oc.doNothing()).execute();
  },
  rollEntry(db: DbOrTx, pollId: string, deputyId: string) {
    return db.selectFrom('poll_roll').select(['voted', 'key_hash', 'ballot_check', 'paper']).where('poll_id', '=', pollId).where('deputy_id', '=', deputyId).executeTakeFirst();
  },
  /**
   * Casts in one statement, hence one transaction: while the poll is open, mark each deputy's
   * roll entry (only if not yet voted) and, for exactly the entries so marked, put the ballot
   * in the box. The key-share lock on the poll row is held until commit, so a close (which takes
   * the row FOR UPDATE) waits for every ballot in flight, and a ballot that comes after the
   * close finds the poll closed. Each deputy at most once per call. Returns whether the poll
   * was open and the deputies whose ballots went in. An encrypted ballot comes with its box
   * row's id and proof check ('pending'), so the check's verdict can find the row.
   */
  async castBallots(
    db: DbOrTx,
    pollId: string,
    /** bodyText: the ballot as JSON text (JSON.stringify of what is stored) */
    casts: { deputyId: string; keyHash: string; ballotCheck: string; tracker: string; bodyText: string; boxId: string | null; proofStatus: 'pending' | null }[],
  ) {
    // The batch goes as one JSON document with each ballot's text spliced in as it is: an
    // encrypted ballot is ~8 KB of JSON, serialised once on the cast path; a text[] of them would
    // be escaped element by element into an array literal, on the event loop.
    const input = `[${casts
      .map((c) => {
        const head = JSON.stringify({ deputy_id: c.deputyId, key_hash: c.keyHash, ballot_check: c.ballotCheck, tracker: c.tracker, box_id: c.boxId, proof_status: c.proofStatus });
        return `${head.slice(0, -1)},"body":${c.bodyText}}`;
      })
      .join(',')}]`;
    const { rows } = await sql<{ open: number; cast: string[] }>`
      with input as (
        select * from jsonb_to_recordset(${input}::jsonb)
          as i(deputy_id uuid, key_hash text, ballot_check text, tracker text, body jsonb, box_id uuid, proof_status text)
      ), poll as (
        select id from polls
        where id = ${pollId} and status = 'open' and (closes_at is null or closes_at > now())
        for key share
      ), roll as (
        update poll_roll r set voted = true, key_hash = i.key_hash, ballot_check = i.ballot_check
        from input i
        where r.poll_id = (select id from poll) and r.deputy_id = i.deputy_id and r.voted = false and r.paper = false
        returning r.poll_id, r.deputy_id
      ), box as (
        insert into poll_box (id, poll_id, body, proof_status)
        select coalesce(i.box_id, gen_random_uuid()), roll.poll_id, i.body, i.proof_status from roll join input i on i.deputy_id = roll.deputy_id
      ), receipts as (
        insert into poll_trackers (poll_id, tracker)
        select roll.poll_id, i.tracker from roll join input i on i.deputy_id = roll.deputy_id
      )
      select (select count(*) from poll)::int as open, array(select deputy_id::text from roll) as cast`.execute(db);
    return rows[0]!;
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
  trackers(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_trackers').select('tracker').where('poll_id', '=', pollId).orderBy('tracker').execute();
  },
  /**
   * Rewrites the box, the receipts and the roll of a poll in random order in one statement:
   * afterwards neither the rows' physical order nor their transaction ids follow the order in
   * which ballots were cast, and no roll row shares a transaction id with a ballot. Answers the
   * ballots it moved, so the count reads the box once.
   */
  async reseal(db: DbOrTx, pollId: string) {
    await lockInCastOrder(db);
    // id: the row's id before the reseal (the ids of the rows written here are new), for the running sums of encrypted ballots.
    const { rows } = await sql<{ id: string; body: unknown; valid: boolean; proof_status: 'pending' | 'verified' | 'rejected' | null; reject_reason: string | null }>`
      with moved as (delete from poll_box where poll_id = ${pollId} returning id, valid, body, proof_status, reject_reason),
      resealed as (
        insert into poll_box (poll_id, valid, body, proof_status, reject_reason)
        select ${pollId}, valid, body, proof_status, reject_reason from moved order by random()
      ),
      receipts as (delete from poll_trackers where poll_id = ${pollId} returning tracker),
      receipts_resealed as (
        insert into poll_trackers (poll_id, tracker)
        select ${pollId}, tracker from receipts order by random()
      )
      select id, body, valid, proof_status, reject_reason from moved`.execute(db);
    await rewriteRoll(db, pollId);
    return rows;
  },
  /** A poll that is cancelled before its count: its ballots and receipts cease to exist. */
  async destroyBallots(db: DbOrTx, pollId: string) {
    await lockInCastOrder(db);
    await db.deleteFrom('poll_box').where('poll_id', '=', pollId).execute();
    await db.deleteFrom('poll_trackers').where('poll_id', '=', pollId).execute();
    return rewriteRoll(db, pollId);
  },
  /**
   * Rewrites the ballot tables into fresh files and drops the old ones, so the row versions of
   * a close (the ballots in casting order, each with the transaction id of its roll row) do not
   * linger as bytes in the data pages, as they do after a plain vacuum. Not VACUUM FULL: it keeps
   * every row version that some transaction anywhere on the server might still see (a backup in
   * progress is enough), while a rewriting ALTER TABLE copies only the current rows. The no-op
   * expressions are there to force that rewrite (a body through its text and back is itself, for
   * every JSON value: an object, or a packed ballot's string). Runs after the close has committed.
   */
  async compactBallotTables(db: DbOrTx) {
    await db.transaction().execute(async (trx) => {
      // All three at once, in the order a cast takes them (roll, box, receipts), and never
      // waiting long: the rewrite gives way (and is tried again) rather than deadlock with a
      // backup or a report that reads the tables in another order.
      await sql`set local lock_timeout = '500ms'`.execute(trx);
      await sql`lock table poll_roll, poll_box, poll_trackers in access exclusive mode`.execute(trx);
      await sql`alter table poll_box alter column body type jsonb using body::text::jsonb`.execute(trx);
      await sql`alter table poll_trackers alter column tracker type text using tracker || ''`.execute(trx);
      await sql`alter table poll_roll alter column key_hash type text using key_hash || ''`.execute(trx);
    });
  },
};
