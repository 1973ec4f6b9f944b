/**
 * Searches everything a database reader, a disk holder or a backup holder gets for what would
 * encode a deputy's plaintext choice (docs/CRYPTO.md, SECURITY.md "What each party can learn"):
 * - every row of every table of the public schema, as text, and every bytea value as bytes;
 * - the data files of every table and of its TOAST table, read with pg_read_binary_file after a
 *   checkpoint (live and dead row versions alike);
 * - a backup written by `pnpm backup` (scripts/backup.ts), decompressed.
 * What counts as plaintext is given by the caller (`Needles`): the exact ballots the test cast
 * and the shapes any plaintext ballot has (a "marks" / "selected" / "ranking" key, a candidate id
 * next to a mark).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { withPg } from './world.ts';

export interface Needles {
  /** searched in text (rows, backup lines) */
  patterns: RegExp[];
  /** searched as raw bytes (data files, bytea values) as well as in text */
  words: string[];
}

export interface Finding {
  /** table, table file or backup */
  where: string;
  needle: string;
  excerpt: string;
}

const MARKS = ['for', 'against', 'abstain', 'satisfied', 'basic', 'unsatisfied'];
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a plaintext ballot of these candidates looks like, as JSON (a body key, a candidate id
 * next to a mark, a list of candidate ids under a ballot key) and as bytes in a jsonb value
 * (the body keys; jsonb stores keys and strings as raw text).
 */
export function ballotNeedles(candidateIds: readonly string[], exact: readonly string[] = []): Needles {
  const ids = candidateIds.map(escape).join('|');
  return {
    patterns: [
      /"(marks|selected|ranking)"\s*:/,
      /"type"\s*:\s*"(approve|choose|rank|rating)"/,
      new RegExp(`"(${ids})"\\s*:\\s*"(${MARKS.join('|')})"`),
      ...exact.map((e) => new RegExp(escape(e))),
    ],
    words: ['marks', 'selected', 'ranking', ...exact],
  };
}

/** PostgreSQL's text output of a jsonb value: keys shorter first, then bytewise; ", " and ": ". */
export function jsonbText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsonbText).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort((x, y) => x.length - y.length || Buffer.compare(Buffer.from(x), Buffer.from(y)));
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** The text forms a plain ballot body can take: JSON.stringify and PostgreSQL's jsonb output. */
export function bodyTexts(body: unknown): string[] {
  return [...new Set([JSON.stringify(body), jsonbText(body)])];
}

function searchText(where: string, text: string, needles: Needles, out: Finding[]): void {
  for (const re of needles.patterns) {
    const m = re.exec(text);
    if (m) out.push({ where, needle: String(re), excerpt: text.slice(Math.max(0, m.index - 60), m.index + 120) });
  }
  for (const w of needles.words) {
    const i = text.indexOf(w);
    if (i >= 0) out.push({ where, needle: w, excerpt: text.slice(Math.max(0, i - 60), i + 120) });
  }
}

function searchBytes(where: string, bytes: Buffer, needles: Needles, out: Finding[]): void {
  for (const w of needles.words) {
    const i = bytes.indexOf(Buffer.from(w, 'utf8'));
    if (i >= 0) out.push({ where, needle: w, excerpt: bytes.subarray(Math.max(0, i - 40), i + 80).toString('latin1').replace(/[^\x20-\x7e]/g, '.') });
  }
}

/** Every row of every public table as text, and every bytea value as bytes. */
export async function scanDatabase(url: string, needles: Needles): Promise<Finding[]> {
  return withPg(url, async (c) => {
    const out: Finding[] = [];
    const { rows: tables } = await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
    for (const { t } of tables) {
      // each value on its own: a row's text form would double every quote inside a value
      const { rows } = await c.query<{ r: Record<string, unknown> }>(`select to_jsonb(x) as r from "${t}" x`);
      for (const { r } of rows) {
        for (const [col, v] of Object.entries(r)) {
          if (v === null) continue;
          if (typeof v === 'string') searchText(`${t}.${col}`, v, needles, out);
          else searchText(`${t}.${col}`, `${JSON.stringify(v)}\n${jsonbText(v)}`, needles, out);
        }
      }
      const { rows: cols } = await c.query<{ c: string }>(`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 and data_type = 'bytea'`, [t]);
      for (const { c: col } of cols) {
        const { rows: values } = await c.query<{ v: Buffer | null }>(`select "${col}" as v from "${t}"`);
        for (const { v } of values) if (v) searchBytes(`${t}.${col}`, v, needles, out);
      }
    }
    return out;
  });
}

/** The data files (every segment) of every public table and of its TOAST table, after a checkpoint. */
export async function scanDataFiles(url: string, needles: Needles): Promise<Finding[]> {
  return withPg(url, async (c) => {
    const out: Finding[] = [];
    await c.query('checkpoint');
    const { rows } = await c.query<{ t: string; main: string; toast: string | null }>(
      `select c.relname as t, pg_relation_filepath(c.oid) as main, case when c.reltoastrelid <> 0 then pg_relation_filepath(c.reltoastrelid) end as toast
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      for (const file of [r.main, r.toast]) {
        if (!file) continue;
        for (let segment = 0; ; segment++) {
          const name = segment === 0 ? file : `${file}.${segment}`;
          const { rows: data } = await c.query<{ b: Buffer | null }>(`select case when (pg_stat_file($1::text, true)).size is not null then pg_read_binary_file($1::text) end as b`, [name]);
          const bytes = data[0]?.b;
          if (!bytes) break;
          searchBytes(`${r.t} file ${name}`, bytes, needles, out);
        }
      }
    }
    return out;
  });
}

/** Writes a backup with `pnpm backup` (scripts/backup.ts) as an operator would, and searches it. */
export async function scanBackup(url: string, needles: Needles): Promise<{ findings: Finding[]; bytes: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pj-secrecy-'));
  try {
    const file = path.join(dir, 'backup.jsonl.gz');
    const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...env } = process.env;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', file], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...env, DATABASE_URL: url },
      timeout: 120_000,
    });
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
    const out: Finding[] = [];
    // each row is a JSON array of the columns' text forms: search the values, unescaped
    let table = '';
    text.split('\n').forEach((line, i) => {
      if (!line) return;
      const parsed = JSON.parse(line) as unknown;
      if (Array.isArray(parsed)) parsed.forEach((v) => typeof v === 'string' && searchText(`backup ${table} line ${i + 1}`, v, needles, out));
      else {
        table = String((parsed as { table?: unknown }).table ?? table);
        searchText(`backup line ${i + 1}`, line, needles, out);
      }
    });
    return { findings: out, bytes: text.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** All three searches at once. */
export async function scanEverything(url: string, needles: Needles): Promise<{ database: Finding[]; files: Finding[]; backup: Finding[] }> {
  const database = await scanDatabase(url, needles);
  const files = await scanDataFiles(url, needles);
  const backup = (await scanBackup(url, needles)).findings;
  return { database, files, backup };
}
