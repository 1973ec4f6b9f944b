// Logical backup and restore of the whole database, for the embedded PostgreSQL (which ships no
// pg_dump) and an external one alike. Used by scripts/backup.ts, scripts/restore.ts and the tests.
//
// The file is gzip-compressed JSON lines:
//   1. a header: format, migrations applied, sequences, and per table its columns, row count and
//      a digest of its content;
//   2. per table, in foreign-key dependency order, a line {"table": name} and then one line per
//      row: a JSON array of the columns' PostgreSQL text forms (null for NULL);
//   3. a trailer {"end": true, "rows": total}, so a truncated file is refused.
// Every value travels as PostgreSQL's own text form (fixed DateStyle, TimeZone, bytea_output), so
// timestamptz keeps its microseconds, numeric its digits, jsonb its content and bytea its bytes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Migrator } from 'kysely';
import pg from 'pg';
import { migrations } from '../migrations/index.ts';
import type { Config } from '../server/src/config.ts';
import { createDb } from '../server/src/db/database.ts';
import { startEmbeddedPostgres } from '../server/src/db/embedded.ts';

export const FORMAT = 'piaojue-backup';
export const VERSION = 1;
const BOOKKEEPING = ['kysely_migration', 'kysely_migration_lock'];

/** Session settings under which every value is written and read back: one text form per value. */
const TEXT_SETTINGS = [
  `set local datestyle = 'ISO, YMD'`,
  `set local timezone = 'UTC'`,
  `set local intervalstyle = 'postgres'`,
  `set local bytea_output = 'hex'`,
  `set local extra_float_digits = 3`,
];

export interface ColumnInfo {
  name: string;
  type: string;
}
export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  rows: number;
  /** md5 over the sorted md5s of the rows' text forms: equal digests, equal content. */
  digest: string;
}
export interface SequenceInfo {
  name: string;
  lastValue: string;
  isCalled: boolean;
}
export interface BackupHeader {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  serverVersion: string;
  migrations: string[];
  sequences: SequenceInfo[];
  tables: TableInfo[];
}

export class BackupError extends Error {}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The database the server would use: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR
 * (started if it is not already running, reused if the server holds it). Unlike the server's
 * start it does not migrate: a backup must record the database as it is, and a restore brings
 * the schema to the backup's version, not to the newest one.
 */
export async function openDatabase(config: Config, opts: { mustExist: boolean; log: (m: string) => void }) {
  let url = config.DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    if (opts.mustExist && !fs.existsSync(`${config.dataDir}/pg/PG_VERSION`)) {
      throw new BackupError(`no embedded database under ${config.dataDir} (set DATA_DIR or DATABASE_URL)`);
    }
    const embedded = await startEmbeddedPostgres({ dir: config.dataDir, port: config.EMBEDDED_PG_PORT });
    url = embedded.url;
    stop = embedded.stop;
    opts.log(`embedded PostgreSQL on 127.0.0.1:${config.EMBEDDED_PG_PORT}, data in ${config.dataDir}/pg`);
  }
  return { url, close: stop };
}

async function publicTables(c: pg.ClientBase): Promise<string[]> {
  const { rows } = await c.query<{ name: string }>(
    `select c.relname as name from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
     order by c.relname`,
  );
  return rows.map((r) => r.name);
}

/** Stored (not generated) columns, in table order, with their exact types. */
async function columnsOf(c: pg.ClientBase, table: string): Promise<ColumnInfo[]> {
  const { rows } = await c.query<ColumnInfo>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
     from pg_attribute a
     where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     order by a.attnum`,
    [`public.${ident(table)}`],
  );
  return rows;
}

/** Tables ordered so that every table comes after the tables its foreign keys point at. */
async function dependencyOrder(c: pg.ClientBase, tables: string[]): Promise<string[]> {
  const { rows } = await c.query<{ child: string; parent: string }>(
    `select distinct ch.relname as child, pa.relname as parent
     from pg_constraint k
     join pg_class ch on ch.oid = k.conrelid
     join pg_class pa on pa.oid = k.confrelid
     where k.contype = 'f' and k.connamespace = 'public'::regnamespace and k.conrelid <> k.confrelid`,
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of rows) if (parents.has(r.child) && parents.has(r.parent)) parents.get(r.child)!.add(r.parent);
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t) && [...parents.get(t)!].every((p) => done.has(p)));
    if (ready.length === 0) {
      const rest = tables.filter((t) => !done.has(t));
      throw new BackupError(`foreign keys form a cycle among: ${rest.join(', ')}`);
    }
    for (const t of ready) {
      done.add(t);
      order.push(t);
    }
  }
  return order;
}

async function tableDigest(c: pg.ClientBase, table: string): Promise<{ rows: number; digest: string }> {
  const { rows } = await c.query<{ n: string; d: string }>(
    `select count(*)::text as n, md5(coalesce(string_agg(h, '' order by h), '')) as d
     from (select md5(t::text) as h from public.${ident(table)} t) x`,
  );
  return { rows: Number(rows[0]!.n), digest: rows[0]!.d };
}

async function appliedMigrations(c: pg.ClientBase): Promise<string[] | null> {
  const exists = await c.query(`select 1 from pg_class where relnamespace = 'public'::regnamespace and relname = 'kysely_migration'`);
  if (exists.rowCount === 0) return null;
  const { rows } = await c.query<{ name: string }>(`select name from public.kysely_migration order by timestamp, name`);
  return rows.map((r) => r.name);
}

/**
 * Writes a consistent backup of `url` to `file`: one REPEATABLE READ snapshot for every table,
 * so the backup is a single point in time even while the server keeps running. The file appears
 * under its name only once it is complete.
 */
export async function backupDatabase(url: string, file: string, log: (m: string) => void = () => undefined) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const partial = `${file}.partial`;
  const gzip = zlib.createGzip({ level: 6 });
  const out = fs.createWriteStream(partial, { mode: 0o600 });
  const done = pipeline(gzip, out);
  // Awaited below; this only keeps an early write error from counting as unhandled.
  done.catch(() => undefined);
  const write = async (obj: unknown) => {
    if (!gzip.write(JSON.stringify(obj) + '\n')) await once(gzip, 'drain');
  };
  let total = 0;
  try {
    await client.query('begin isolation level repeatable read read only');
    for (const s of TEXT_SETTINGS) await client.query(s);
    const tables = await dependencyOrder(client, await publicTables(client));
    const migrationsDone = await appliedMigrations(client);
    if (!migrationsDone) throw new BackupError('this database has no kysely_migration table: not a Piaojue database');
    const { rows: seqs } = await client.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'S' order by relname`,
    );
    const sequences: SequenceInfo[] = [];
    for (const { name } of seqs) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
        `select last_value::text as last_value, is_called from public.${ident(name)}`,
      );
      sequences.push({ name, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
    }
    const infos: TableInfo[] = [];
    for (const name of tables) infos.push({ name, columns: await columnsOf(client, name), ...(await tableDigest(client, name)) });
    const { rows: ver } = await client.query<{ v: string }>('show server_version');
    const header: BackupHeader = {
      format: FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      serverVersion: ver[0]!.v,
      migrations: migrationsDone,
      sequences,
      tables: infos,
    };
    await write(header);
    for (const t of infos) {
      await write({ table: t.name });
      const cols = t.columns.map((c) => `${ident(c.name)}::text`).join(', ');
      await client.query(`declare backup_cursor no scroll cursor for select ${cols || 'null'} from public.${ident(t.name)}`);
      let n = 0;
      for (;;) {
        const res = await client.query<unknown[]>({ text: 'fetch forward 500 from backup_cursor', rowMode: 'array' });
        if (res.rows.length === 0) break;
        for (const row of res.rows) await write(t.columns.length ? row : []);
        n += res.rows.length;
      }
      await client.query('close backup_cursor');
      if (n !== t.rows) throw new BackupError(`table ${t.name}: counted ${t.rows} rows but read ${n}`);
      total += n;
      log(`  ${t.name}: ${n}`);
    }
    await write({ end: true, rows: total });
    await client.query('commit');
    gzip.end();
    await done;
    await fs.promises.rename(partial, file);
    return { tables: infos.length, rows: total, migrations: migrationsDone.length };
  } catch (err) {
    gzip.destroy();
    await done.catch(() => undefined);
    await fs.promises.rm(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Reads a backup file line by line: the header first, then table markers, rows and the trailer. */
async function* readBackup(file: string): AsyncGenerator<unknown> {
  const raw = fs.createReadStream(file);
  const source = raw.pipe(zlib.createGunzip());
  raw.on('error', (err) => source.destroy(err));
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.length === 0) continue;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch {
        throw new BackupError('the backup file is damaged (a line is not JSON)');
      }
      yield item;
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`the backup file cannot be read: ${(err as Error).message}`);
  } finally {
    lines.close();
    source.destroy();
    raw.destroy();
  }
}

function checkHeader(h: unknown): BackupHeader {
  const header = h as Partial<BackupHeader> | undefined;
  if (!header || header.format !== FORMAT) throw new BackupError('not a Piaojue backup file');
  if (header.version !== VERSION) throw new BackupError(`backup format version ${header.version} is not supported (expected ${VERSION})`);
  if (!Array.isArray(header.tables) || !Array.isArray(header.migrations) || !Array.isArray(header.sequences)) {
    throw new BackupError('the backup header is incomplete');
  }
  return header as BackupHeader;
}

/** Reads the header only (to inspect a backup without restoring it). */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const item of readBackup(file)) return checkHeader(item);
  throw new BackupError('the backup file is empty');
}

/**
 * Rows of a self-referencing table, ordered so that a referenced row is inserted first. Foreign
 * keys are checked at the end of each INSERT statement, so this matters once a table spans more
 * than one statement (thousands of proposals carried over from earlier years, say).
 * `refs`: per foreign key, the referencing and the referenced column positions.
 */
export function parentsFirst(rows: (string | null)[][], refs: { from: number[]; to: number[] }[]): (string | null)[][] {
  if (refs.length === 0) return rows;
  const keyOf = (row: (string | null)[], cols: number[]) => JSON.stringify(cols.map((i) => row[i]));
  const inserted = refs.map(() => new Set<string>());
  const out: (string | null)[][] = [];
  let pending = rows;
  while (pending.length) {
    const next: (string | null)[][] = [];
    for (const row of pending) {
      const ready = refs.every((r, i) => r.from.some((c) => row[c] === null) || inserted[i]!.has(keyOf(row, r.from)));
      if (!ready) {
        next.push(row);
        continue;
      }
      out.push(row);
      refs.forEach((r, i) => inserted[i]!.add(keyOf(row, r.to)));
    }
    // Rows whose parent is not in the file: let the foreign key refuse them, with its message.
    if (next.length === pending.length) return [...out, ...next];
    pending = next;
  }
  return out;
}

async function selfReferences(c: pg.ClientBase, table: string, columns: ColumnInfo[]) {
  const { rows } = await c.query<{ from_cols: string[]; to_cols: string[] }>(
    `select array(select a.attname::text from unnest(k.conkey) with ordinality u(n, o)
                  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o) as from_cols,
            array(select a.attname::text from unnest(k.confkey) with ordinality u(n, o)
                  join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o) as to_cols
     from pg_constraint k where k.contype = 'f' and k.conrelid = $1::regclass and k.confrelid = k.conrelid`,
    [`public.${ident(table)}`],
  );
  const index = (name: string) => columns.findIndex((c) => c.name === name);
  return rows.map((r) => ({ from: r.from_cols.map(index), to: r.to_cols.map(index) }));
}

/**
 * Restores `file` into the EMPTY database at `url`: migrates it to exactly the backup's
 * migrations, then, in one transaction with the tables' own triggers switched off (the
 * append-only audit log and the frozen/certified guards would refuse the load), inserts every
 * row, sets the sequences, switches the triggers back on and checks every table's row count and
 * digest against the backup before committing. Any failure leaves no row behind.
 */
export async function restoreDatabase(url: string, file: string, log: (m: string) => void = () => undefined) {
  const header = await readBackupHeader(file);
  const known = Object.keys(migrations);
  if (header.migrations.some((m, i) => known[i] !== m)) {
    throw new BackupError(
      `the backup's migrations (${header.migrations.join(', ')}) are not a prefix of this version's (${known.join(', ')}); restore it with the version of Piaojue that made it`,
    );
  }
  if (header.migrations.length === 0) throw new BackupError('the backup records no migrations');

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // 1. The target must hold nothing but (possibly) an earlier stage of the same schema.
    const before = await appliedMigrations(client);
    if (before && before.some((m, i) => header.migrations[i] !== m)) {
      throw new BackupError(`the target database has migrations the backup does not (${before.join(', ')}); restore into an empty database`);
    }
    const used: string[] = [];
    for (const t of await publicTables(client)) {
      if (BOOKKEEPING.includes(t)) continue;
      const { rowCount } = await client.query(`select 1 from public.${ident(t)} limit 1`);
      if (rowCount) used.push(t);
    }
    if (used.length) throw new BackupError(`the target database is not empty (rows in ${used.join(', ')}); restore into an empty database`);

    // 2. The schema exactly as the backup had it.
    const { db } = createDb(url, 2);
    try {
      const migrator = new Migrator({ db: db as never, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(header.migrations.at(-1)!);
      if (error) throw error instanceof Error ? error : new Error(String(error));
    } finally {
      await db.destroy();
    }
    const after = await appliedMigrations(client);
    if (JSON.stringify(after) !== JSON.stringify(header.migrations)) {
      throw new BackupError(`after migrating, the database has ${after?.join(', ')}, the backup ${header.migrations.join(', ')}`);
    }
    const tables = await publicTables(client);
    const inBackup = new Set(header.tables.map((t) => t.name));
    const missing = tables.filter((t) => !inBackup.has(t));
    const extra = [...inBackup].filter((t) => !tables.includes(t));
    if (missing.length || extra.length) {
      throw new BackupError(`the schema does not match the backup: not in the backup ${missing.join(', ') || '-'}; not in the database ${extra.join(', ') || '-'}`);
    }
    for (const t of header.tables) {
      const actual = await columnsOf(client, t.name);
      if (JSON.stringify(actual) !== JSON.stringify(t.columns)) {
        throw new BackupError(`table ${t.name}: columns ${JSON.stringify(actual)} differ from the backup's ${JSON.stringify(t.columns)}`);
      }
    }

    // 3. One transaction: clear what migrating wrote, load, check, commit.
    await client.query('begin');
    for (const s of TEXT_SETTINGS) await client.query(s);
    for (const t of tables) await client.query(`alter table public.${ident(t)} disable trigger user`);
    for (const t of [...header.tables].reverse()) await client.query(`delete from public.${ident(t.name)}`);

    const byName = new Map(header.tables.map((t) => [t.name, t]));
    let current: TableInfo | null = null;
    let buffer: (string | null)[][] = [];
    let bufferBytes = 0;
    let selfRefs: { from: number[]; to: number[] }[] = [];
    let loaded = 0;
    let total = 0;
    let ended = false;
    const seen = new Set<string>();

    const flush = async () => {
      if (!current || buffer.length === 0) return;
      const t = current;
      const rows = selfRefs.length ? parentsFirst(buffer, selfRefs) : buffer;
      buffer = [];
      bufferBytes = 0;
      const width = t.columns.length;
      const cols = t.columns.map((c) => ident(c.name)).join(', ');
      // At most ~60,000 parameters per statement.
      const per = Math.max(1, Math.floor(60_000 / Math.max(1, width)));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        if (width === 0) {
          for (const _ of chunk) await client.query(`insert into public.${ident(t.name)} default values`);
          continue;
        }
        const params: (string | null)[] = [];
        const values = chunk.map((row) => `(${row.map((v, j) => (params.push(v), `$${params.length}::${t.columns[j]!.type}`)).join(', ')})`);
        await client.query(`insert into public.${ident(t.name)} (${cols}) overriding system value values ${values.join(', ')}`, params);
      }
      loaded += rows.length;
    };
    const finishTable = async () => {
      if (!current) return;
      await flush();
      if (loaded !== current.rows) throw new BackupError(`table ${current.name}: the file holds ${loaded} rows, its header says ${current.rows}`);
      total += loaded;
      log(`  ${current.name}: ${loaded}`);
      current = null;
    };

    let first = true;
    for await (const item of readBackup(file)) {
      if (first) {
        first = false;
        continue;
      }
      if (ended) throw new BackupError('the backup file has data after its end marker');
      if (Array.isArray(item)) {
        if (!current) throw new BackupError('the backup file has a row outside any table');
        if (item.length !== current.columns.length || item.some((v) => v !== null && typeof v !== 'string')) {
          throw new BackupError(`table ${current.name}: a row does not match the columns`);
        }
        buffer.push(item as (string | null)[]);
        bufferBytes += item.reduce((n: number, v) => n + (v === null ? 0 : (v as string).length), 0);
        // Self-referencing tables are ordered as a whole; others go in batches of bounded size.
        if (!selfRefs.length && (buffer.length >= 2000 || bufferBytes > 8 * 1024 * 1024)) await flush();
        continue;
      }
      const marker = item as { table?: unknown; end?: unknown; rows?: unknown };
      if (typeof marker.table === 'string') {
        await finishTable();
        const t = byName.get(marker.table);
        if (!t || seen.has(t.name)) throw new BackupError(`the backup file has an unexpected table section ${marker.table}`);
        seen.add(t.name);
        current = t;
        loaded = 0;
        selfRefs = await selfReferences(client, t.name, t.columns);
        continue;
      }
      if (marker.end === true) {
        await finishTable();
        if (marker.rows !== total) throw new BackupError(`the backup's end marker counts ${String(marker.rows)} rows, the file holds ${total}`);
        ended = true;
        continue;
      }
      throw new BackupError('the backup file has a line of unknown kind');
    }
    if (!ended) throw new BackupError('the backup file is truncated (no end marker)');
    if (seen.size !== header.tables.length) throw new BackupError('the backup file is missing table sections');

    for (const s of header.sequences) {
      await client.query('select setval($1::regclass, $2::bigint, $3)', [`public.${ident(s.name)}`, s.lastValue, s.isCalled]);
    }
    for (const t of tables) await client.query(`alter table public.${ident(t)} enable trigger user`);
    for (const t of header.tables) {
      const d = await tableDigest(client, t.name);
      if (d.rows !== t.rows || d.digest !== t.digest) {
        throw new BackupError(`table ${t.name}: restored content (${d.rows} rows, ${d.digest}) differs from the backup (${t.rows} rows, ${t.digest})`);
      }
    }
    await client.query('commit');
    await client.query('analyze');
    return { tables: header.tables.length, rows: total, migrations: header.migrations.length, createdAt: header.createdAt };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** sha256 of a file, printed by the commands so an operator can note it beside the backup. */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
