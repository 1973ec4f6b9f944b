import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.ts';
import { migrateToLatest } from '../../server/src/db/migrate.ts';
import { freePort } from '../helpers/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose user may create databases (the path names a maintenance db). */
    pgAdminUrl: string;
    /** A migrated database to clone for each test file. */
    pgTemplate: string;
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Once per run: a real PostgreSQL (TEST_DATABASE_URL / DATABASE_URL when set, as in CI;
 * otherwise an embedded one in a temporary directory) and a migrated template database.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let adminUrl: string;
  let stop = async () => {};
  let tmpDir: string | null = null;
  if (external) {
    adminUrl = withDatabase(external, 'postgres');
  } else {
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-test-'));
    const embedded = await startEmbeddedPostgres({ dir: tmpDir, port: await freePort(), database: 'postgres' });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }

  const template = `pj_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${template}"`);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(adminUrl, template), max: 2 }) }) });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    // Drop what this run made: the template and any per-file clone left by a crashed file.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [template, `${template}_%`],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    await admin.end();
    await stop();
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
  };
}
