import type { DbOrTx } from '../../db/database.ts';

/** Key ceremonies and the messages the 监票人's tablets publish in them. */
export const ceremonyRepository = {
  /** The running or complete ceremony of the session, locked for the next step. */
  lockCurrent(db: DbOrTx, sessionId: string) {
    return db.selectFrom('key_ceremonies').selectAll().where('session_id', '=', sessionId).where('status', 'in', ['running', 'complete']).forUpdate().executeTakeFirst();
  },
  /** The session's latest ceremony that was not abandoned: what the console and the hall show. */
  latest(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('key_ceremonies')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', '!=', 'abandoned')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
  get(db: DbOrTx, id: string) {
    return db.selectFrom('key_ceremonies').selectAll().where('id', '=', id).executeTakeFirst();
  },
  complete(db: DbOrTx, sessionId: string) {
    return db.selectFrom('key_ceremonies').selectAll().where('session_id', '=', sessionId).where('status', '=', 'complete').executeTakeFirst();
  },
  insert(db: DbOrTx, row: { session_id: string; threshold: number; guardians: string[] }) {
    return db.insertInto('key_ceremonies').values(row).returningAll().executeTakeFirstOrThrow();
  },
  abandon(db: DbOrTx, id: string) {
    return db.updateTable('key_ceremonies').set({ status: 'abandoned' }).where('id', '=', id).execute();
  },
  fail(db: DbOrTx, id: string, badSenders: number[]) {
    return db.updateTable('key_ceremonies').set({ status: 'failed', failure: JSON.stringify(badSenders) }).where('id', '=', id).execute();
  },
  finish(db: DbOrTx, id: string, jointKey: string, fingerprint: string) {
    return db
      .updateTable('key_ceremonies')
      .set((eb) => ({ status: 'complete', joint_key: jointKey, fingerprint, completed_at: eb.fn('now') }))
      .where('id', '=', id)
      .execute();
  },
  messages(db: DbOrTx, ceremonyId: string) {
    return db.selectFrom('key_ceremony_messages').select(['guardian', 'round', 'body']).where('ceremony_id', '=', ceremonyId).orderBy('round').orderBy('guardian').execute();
  },
  insertMessage(db: DbOrTx, ceremonyId: string, guardian: number, round: number, body: unknown) {
    return db.insertInto('key_ceremony_messages').values({ ceremony_id: ceremonyId, guardian, round, body: JSON.stringify(body) }).execute();
  },
  names(db: DbOrTx, deputyIds: string[]) {
    return db.selectFrom('deputies').select(['id', 'name']).where('id', 'in', deputyIds).execute();
  },
};
