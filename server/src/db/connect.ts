import type { Config } from '../config.ts';
import { createDb, type Db } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * DATABASE_URL when set, else the embedded PostgreSQL under DATA_DIR. Brings the schema up to
 * date either way.
 */
export async function connectDatabase(config: Config, log: (m: string) => void) {
  let url = config.DATABASE_URL;
  let stopEmbedded = async () => {};
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dir: config.dataDir, port: config.EMBEDDED_PG_PORT });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    log(`embedded PostgreSQL running on 127.0.0.1:${config.EMBEDDED_PG_PORT}, data in ${config.dataDir}/pg`);
  }
  const { db, pool } = createDb(url, config.DB_POOL_SIZE);
  const applied = await migrateToLatest(db);
  if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
  return {
    url,
    db: db as Db,
    pool,
    async close() {
      await db.destroy();
      await stopEmbedded();
    },
  };
}
