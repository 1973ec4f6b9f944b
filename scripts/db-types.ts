// pnpm db:types: regenerate server/src/db/types.ts from the schema the migrations build.
// pnpm db:types --check: fail (exit 1) when the committed file is not what the migrations give.
// Runs against a freshly migrated database: a temporary one beside DATABASE_URL when set, else
// an embedded PostgreSQL in a temporary directory. The file is never edited by hand.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect as KyselyPostgresDialect, sql } from 'kysely';
import { generate, PostgresDialect, type DatabaseMetadata } from 'kysely-codegen';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/src/db/embedded.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { freePort } from '../tests/helpers/free-port.ts';
import { ROOT } from './bench-lib.ts';

const OUT = path.join(ROOT, 'server/src/db/types.ts');

// What the database cannot say: the shape of a jsonb column, as the code writes (a JSON string)
// and reads it, and which of them are never updated.
const JSON_COLUMNS: Record<string, string> = {
  'audit_log.details': 'ColumnType<Record<string, unknown>, string, never>',
  'candidates.sub_items': 'ColumnType<SubItem[], string | undefined, string>',
  'paper_counts.figures': 'ColumnType<unknown, string, never>',
  'paper_entries.figures': 'ColumnType<unknown, string, string>',
  'poll_box.body': 'ColumnType<unknown, string | null, string | null>',
  'poll_decryptions.body': 'ColumnType<unknown, string, never>',
  'key_ceremonies.failure': 'ColumnType<number[] | null, string | null | undefined, string | null>',
  'key_ceremony_messages.body': 'ColumnType<unknown, string, never>',
  'polls.candidate_ids': 'ColumnType<string[], string, string>',
  'polls.crypto_spec': 'ColumnType<unknown, string | null | undefined, string | null>',
  'polls.encrypted_sums': 'ColumnType<unknown, string | null | undefined, string | null>',
  'presidium_decisions.chosen': 'ColumnType<string[], string | undefined, never>',
  'polls.result': 'ColumnType<unknown, string | null | undefined, string | null>',
  'proposal_events.detail': 'ColumnType<Record<string, unknown>, string | undefined, never>',
  'supervision_activities.participants': 'ColumnType<SupervisionParticipant[], string | undefined, string>',
  'tracking_changes.details': 'ColumnType<ChangeDiff[], string | undefined, never>',
};

// Names the code has used since before the file was generated: one per table (`UsersTable`),
// the database (`Database`) and a few row shapes.
const ROWS = `
export type CycleRow = Selectable<CyclesTable>;
export type CandidateRow = Selectable<CandidatesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DeputyRow = Selectable<DeputiesTable>;
export type PollRow = Selectable<PollsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewCandidate = Insertable<CandidatesTable>;
export type ProposalRow = Selectable<ProposalsTable>;
export type CollectionNoticeRow = Selectable<CollectionNoticesTable>;
`;

/** `CHECK ((col = ANY (ARRAY['a'::text, …])))` or, on a text[] column, `CHECK ((col <@ ARRAY[…]))`. */
function checkedValues(def: string, column: string): string[] | null {
  const m = /^CHECK \(\((\w+) (?:= ANY \(|<@ )ARRAY\[(.*)\]\)?\)\)$/.exec(def);
  if (!m || m[1] !== column) return null;
  const values = m[2]!.split(', ').map((v) => /^'([^']*)'::text$/.exec(v)?.[1]);
  return values.every((v) => v !== undefined) ? (values as string[]) : null;
}

/** Text columns whose CHECK constraint lists their values get those values as a union type. */
async function withCheckedValues(db: Kysely<any>, metadata: DatabaseMetadata): Promise<DatabaseMetadata> {
  const { rows } = await sql<{ table: string; column: string; def: string }>`
    select c.relname as "table", a.attname as "column", pg_get_constraintdef(k.oid) as def
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
     where k.contype = 'c' and cardinality(k.conkey) = 1 and c.relnamespace = 'public'::regnamespace`.execute(db);
  for (const { table, column, def } of rows) {
    const values = checkedValues(def, column);
    const col = metadata.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column);
    if (values && col && col.dataType === 'text') col.enumValues = values;
  }
  return metadata;
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `pj_types_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const url = new URL(external);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        // Not `with (force)`: the pool's connections may still be closing, and PostgreSQL waits for them.
        await admin.query(`drop database if exists "${name}"`);
        await admin.end();
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-types-'));
  const embedded = await startEmbeddedPostgres({ dir, port: await freePort() });
  return {
    url: embedded.url,
    async drop() {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function render(url: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // The pool's last connections may still be closing when the database is stopped or dropped.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new KyselyPostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
    const body = await generate({
      db,
      dialect: new PostgresDialect(),
      // pg reads int8 as a number (db/database.ts sets the parser).
      typeMapping: { int8: 'number' },
      overrides: { columns: JSON_COLUMNS },
      customImports: { SubItem: '@piaojue/shared', SupervisionParticipant: '@piaojue/shared', ChangeDiff: '@piaojue/shared' },
      postprocess: ({ metadata }) => withCheckedValues(db, metadata),
      skipAutogeneratedFileComment: true,
      outFile: null,
    });
    const tables = [...body.matchAll(/^export interface (\w+) \{/gm)].map((m) => m[1]!).filter((n) => n !== 'DB');
    return [
      '// Generated by `pnpm db:types` from the migrated schema; `pnpm db:types --check` runs in CI. Do not edit.',
      body.trim().replace('import type { ColumnType } from "kysely";', 'import type { ColumnType, Insertable, Selectable } from "kysely";'),
      '',
      'export type Database = DB;',
      ...tables.map((t) => `export type ${t}Table = ${t};`),
      ROWS,
    ].join('\n');
  } finally {
    await db.destroy();
  }
}

const check = process.argv.includes('--check');
const database = await freshDatabase();
let text: string;
try {
  text = await render(database.url);
} finally {
  await database.drop();
}
const current = await fs.readFile(OUT, 'utf8').catch(() => '');
if (check) {
  if (current !== text) {
    console.error(`${path.relative(ROOT, OUT)} is not what the migrations give: run \`pnpm db:types\` and commit it`);
    process.exit(1);
  }
  console.log(`${path.relative(ROOT, OUT)} is current`);
} else {
  await fs.writeFile(OUT, text);
  console.log(current === text ? `${path.relative(ROOT, OUT)} unchanged` : `${path.relative(ROOT, OUT)} written`);
}
