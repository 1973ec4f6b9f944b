import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

export const notifyRepository = {
  /** pg_notify inside `db`'s transaction: delivered to listeners only if and when it commits. */
  async notify(db: DbOrTx, channel: string, payload: string): Promise<void> {
    await sql`select pg_notify(${channel}, ${payload})`.execute(db);
  },
};
