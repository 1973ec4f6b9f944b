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
  page(db: DbOrTx, afterSeq: number, limit: number) {
    return db.selectFrom('audit_log').selectAll().where('seq', '>', String(afterSeq)).orderBy('seq').limit(limit).execute();
  },
};
