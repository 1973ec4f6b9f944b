import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

export const auditRepository = {
  async lockChain(db: DbOrTx) {
    await sql`select pg_advisory_xact_lock(7261001)`.execute(db);
  },
  last(db: DbOrTx) {
    return db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  },
  insert(
    db: DbOrTx,
    row: { seq: number; at: Date; actor: string; action: string; subject: string; details: string; prev_hash: string; hash: string },
  ) {
    return db.insertInto('audit_log').values(row).execute();
  },
  /** The latest entry of one action on one subject. */
  lastOf(db: DbOrTx, subject: string, action: string) {
    return db.selectFrom('audit_log').select(['seq', 'hash']).where('subject', '=', subject).where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  },
  page(db: DbOrTx, afterSeq: number, limit: number) {
    return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  },
};
