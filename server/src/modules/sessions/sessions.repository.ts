import type { Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { DeputiesTable } from '../../db/types.ts';

export const sessionsRepository = {
  list(db: DbOrTx) {
    return db.selectFrom('sessions').selectAll().orderBy('created_at', 'desc').execute();
  },
  get(db: DbOrTx, id: string) {
    return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('sessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
  insert(db: DbOrTx, row: { cycle_id: string; name: string; venue: string }) {
    return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
  },
  setCheckinOpen(db: DbOrTx, id: string, open: boolean) {
    return db.updateTable('sessions').set({ checkin_open: open }).where('id', '=', id).execute();
  },
  attendance(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('deputies')
      .select((eb) => [eb.fn.countAll<number>().as('seated'), eb.fn.count<number>('checked_in_at').as('present')])
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
  },
  deputies(db: DbOrTx, sessionId: string) {
    return db.selectFrom('deputies').selectAll().where('session_id', '=', sessionId).orderBy('position').execute();
  },
  deputy(db: DbOrTx, id: string) {
    return db.selectFrom('deputies').selectAll().where('id', '=', id).executeTakeFirst();
  },
  lockDeputy(db: DbOrTx, id: string) {
    return db.selectFrom('deputies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
  deleteDeputies(db: DbOrTx, sessionId: string) {
    return db.deleteFrom('deputies').where('session_id', '=', sessionId).execute();
  },
  insertDeputies(db: DbOrTx, rows: Insertable<DeputiesTable>[]) {
    return db.insertInto('deputies').values(rows).execute();
  },
  setCode(db: DbOrTx, id: string, codeHash: string | null) {
    return db
      .updateTable('deputies')
      .set({ login_code_hash: codeHash, code_issued_at: codeHash ? new Date() : null })
      .where('id', '=', id)
      .execute();
  },
  setCheckin(db: DbOrTx, id: string, at: Date | null, method: 'tablet' | 'paper' | null) {
    return db.updateTable('deputies').set({ checked_in_at: at, checkin_method: method }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  /** Whether any poll of the session ever opened: the roster is then part of the record. */
  hasOpenedPoll(db: DbOrTx, sessionId: string) {
    return db.selectFrom('polls').select('id').where('session_id', '=', sessionId).where('opened_at', 'is not', null).executeTakeFirst();
  },
  openPoll(db: DbOrTx, sessionId: string) {
    return db.selectFrom('polls').select(['id']).where('session_id', '=', sessionId).where('status', '=', 'open').executeTakeFirst();
  },
};
