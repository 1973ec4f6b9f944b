import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

/** The 公告 numbers of a session's polls (docs/PROCEDURE.md, "The 公告 and its number"). */
export const noticeNumbersRepository = {
  settings(db: DbOrTx, sessionId: string) {
    return db.selectFrom('sessions').select(['id', 'notice_numbering', 'notice_first']).where('id', '=', sessionId).executeTakeFirst();
  },
  setSettings(db: DbOrTx, sessionId: string, numbering: 'session' | 'entered', first: number) {
    return db.updateTable('sessions').set({ notice_numbering: numbering, notice_first: first }).where('id', '=', sessionId).execute();
  },
  /** The session's polls that are announced (run-offs aside), in the order they were created, with their numbers. */
  polls(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('polls as p')
      .leftJoin('notice_numbers as n', 'n.poll_id', 'p.id')
      .select(['p.id', 'p.title', 'p.status', 'n.number', 'n.entered_by', 'n.assigned_at'])
      .where('p.session_id', '=', sessionId)
      .where('p.kind', '!=', 'runoff')
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute();
  },
  ofPoll(db: DbOrTx, pollId: string) {
    return db.selectFrom('notice_numbers').selectAll().where('poll_id', '=', pollId).executeTakeFirst();
  },
  /**
   * Numbers no other poll may take: every number given in the session, and those entered for
   * its other polls that may still be certified (a cancelled poll holds none).
   */
  held(db: DbOrTx, sessionId: string, exceptPollId: string) {
    return db
      .selectFrom('notice_numbers as n')
      .innerJoin('polls as p', 'p.id', 'n.poll_id')
      .select(['n.number', 'n.assigned_at'])
      .where('n.session_id', '=', sessionId)
      .where('n.poll_id', '!=', exceptPollId)
      .where((eb) => eb.or([eb('n.assigned_at', 'is not', null), eb('p.status', '!=', 'cancelled')]))
      .execute();
  },
  enter(db: DbOrTx, row: { poll_id: string; session_id: string; number: number; entered_by: string }) {
    return db
      .insertInto('notice_numbers')
      .values({ ...row, entered_at: sql`now()` })
      .onConflict((oc) => oc.column('poll_id').doUpdateSet({ number: row.number, entered_by: row.entered_by, entered_at: sql`now()` }))
      .execute();
  },
  /** Gives the poll its number: the one entered for it, or the counter's. */
  give(db: DbOrTx, row: { poll_id: string; session_id: string; number: number }) {
    return db
      .insertInto('notice_numbers')
      .values({ ...row, assigned_at: sql`now()` })
      .onConflict((oc) => oc.column('poll_id').doUpdateSet({ number: row.number, assigned_at: sql`now()` }))
      .execute();
  },
};
