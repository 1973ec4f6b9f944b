import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

export const healthRepository = {
  /** One round trip: throws when the database cannot be reached. */
  async ping(db: DbOrTx): Promise<void> {
    await sql`select 1`.execute(db);
  },
};
