/**
 * pnpm backup / pnpm restore: a certified vote with its audit log, a tracked project with a binary
 * attachment and text full of awkward characters is backed up, restored into a fresh database,
 * and every table compared row for row; the restored copy's audit chain verifies, its guards are
 * active again, a non-empty target and a truncated file are refused without writing anything,
 * and a backup taken during a ballot storm is a consistent point in time.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../server/src/db/database.ts';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { backupDatabase, parentsFirst, restoreDatabase } from '../scripts/backup-lib.ts';
import { Client, createTestApp, key, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';
import { withDatabase } from './setup/global-db.ts';
import { freePort } from './helpers/free-port.ts';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

let t: TestApp;
let staff: Client;
let admin: Client;
let h: Hall;
let pollId: string;
let frozenCandidateId: string;
let tmp: string;
const made: string[] = [];

/** An empty database of its own (not a clone of the migrated template). */
async function emptyDatabase(): Promise<string> {
  const name = `pj_restore_${randomBytes(4).toString('hex')}`;
  await withPg(inject('pgAdminUrl'), (c) => c.query(`create database "${name}"`));
  made.push(name);
  return withDatabase(inject('pgAdminUrl'), name);
}

/** Row count and md5 of every table's content, exactly as the issue states the comparison. */
async function tableDigests(url: string) {
  return withPg(url, async (c) => {
    await c.query(`set timezone = 'UTC'`);
    const { rows: tables } = await c.query<{ t: string }>(
      `select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`,
    );
    const out: Record<string, { rows: number; md5: string | null }> = {};
    for (const { t: name } of tables) {
      const { rows } = await c.query<{ n: number; d: string | null }>(
        `select count(*)::int as n, md5(string_agg(t::text, '' order by t::text)) as d from "${name}" t`,
      );
      out[name] = { rows: rows[0]!.n, md5: rows[0]!.d };
    }
    const { rows: seqs } = await c.query<{ relname: string }>(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'S'`);
    for (const { relname } of seqs) {
      const { rows } = await c.query(`select last_value::text, is_called from "${relname}"`);
      out[`sequence ${relname}`] = { rows: 1, md5: JSON.stringify(rows[0]) };
    }
    const { rows: triggers } = await c.query(
      `select tgrelid::regclass::text as tbl, tgname, tgenabled from pg_trigger where not tgisinternal order by 1, 2`,
    );
    out['user triggers'] = { rows: triggers.length, md5: JSON.stringify(triggers) };
    return out;
  });
}

/** Runs `pnpm backup|restore <file>` as a user would; `env` picks the database. */
const cli = (script: string, file: string, databaseUrl: string | Record<string, string>) => {
  const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...rest } = process.env;
  const env = typeof databaseUrl === 'string' ? { DATABASE_URL: databaseUrl } : databaseUrl;
  return run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, file], { cwd: root, env: { ...rest, ...env }, timeout: 120_000 });
};

// Every byte value, behind a PNG signature so the attachment passes the type sniffing.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))]);
const AWKWARD = '代表 🗳️ «quote» "double" \\back\\slash\ttab\nnewline \u200f עברית \u202e RTL ✓ 𠀀 — end';

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-backup-'));
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 4, deputies: 6, cycle: { chooseN: 2, year: 2099, name: '2099年度民生实事项目' } });
  frozenCandidateId = h.candidateIds[0]!;
  const [a, b, c] = h.candidateIds as [string, string, string];
  pollId = await openPoll(staff, h.sessionId);
  // 项目1 first; 项目2 and 项目3 tie for the second place: a run-off (a poll that references its parent).
  for (const [i, d] of h.deputies.entries()) await castOk(d.client, pollId, { type: 'approve', marks: { [a]: 'for', [i < 3 ? b : c]: 'for' } });
  const closed = await staff.post(`/api/polls/${pollId}/close`);
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  expect(closed.body.result.tie, JSON.stringify(closed.body.result)).toBeTruthy();
  const runoff = await staff.post(`/api/polls/${pollId}/runoff`);
  expect(runoff.status, JSON.stringify(runoff.body)).toBe(200);
  // Certifying the parent after its run-off exists rewrites the parent's row behind the child's,
  // so the backup reads the child first.
  const certified = await staff.post(`/api/polls/${pollId}/certify`);
  expect(certified.body.status, JSON.stringify(certified.body)).toBe('certified');
  const order = await withPg(t.url, (c) => c.query(`select id from polls`));
  expect(order.rows.map((r) => r.id)).toEqual([runoff.body.id, pollId]);

  // A citizen's proposal: an identity column (proposal_events.id) and generated search data.
  const point = await staff.post(`/api/cycles/${h.cycleId}/collection-points`, { name: AWKWARD.slice(0, 40) });
  expect(point.status, JSON.stringify(point.body)).toBe(200);
  const proposal = await staff.post(`/api/cycles/${h.cycleId}/proposals`, { title: '增设公交站台 🚌', content: AWKWARD, area: '交通出行', channel: 'hotline', pointId: point.body.id });
  expect(proposal.status, JSON.stringify(proposal.body)).toBe(200);

  // A tracked project with a binary attachment (bytea).
  const init = await staff.post(`/api/cycles/${h.cycleId}/tracking/init`);
  expect(init.status, JSON.stringify(init.body)).toBe(200);
  const project = init.body.projects[0] as { id: string };
  const plan = await staff.req('PUT', `/api/tracking/projects/${project.id}/plan`, {
    department: '市民政局',
    targets: AWKWARD,
    fundingWan: 1234.5,
    fundingSource: '市级财政',
    measures: '专班推进',
    deadline: '2099-12-31',
  });
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  expect((await staff.post(`/api/tracking/projects/${project.id}/plan/publish`)).status).toBe(200);
  const made = await admin.post('/api/users', { username: 'minzheng', displayName: '民政局', password: 'a long enough password', roles: ['department'], department: '市民政局' });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const dept = new Client(t.app);
  expect((await dept.post('/api/auth/login', { username: 'minzheng', password: 'a long enough password' })).status).toBe(200);
  const report = await dept.post(`/api/tracking/projects/${project.id}/reports`, {
    percent: 30,
    text: AWKWARD,
    attachments: [{ fileName: '现场 🏗️.png', contentType: 'image/png', contentBase64: PNG.toString('base64'), public: true }],
  });
  expect(report.status, JSON.stringify(report.body).slice(0, 500)).toBe(200);

  // An unfrozen cycle whose texts carry emoji, RTL marks, escapes and a character outside the BMP.
  const other = await staff.post('/api/cycles', { level: 'city', name: AWKWARD.slice(0, 60), year: 2098, chooseN: 1, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff', ballotMode: 'plain' });
  expect(other.status, JSON.stringify(other.body)).toBe(200);
  const cand = await staff.post(`/api/cycles/${other.body.id}/candidates`, { name: AWKWARD.slice(0, 80), department: '市教育局', investmentWan: 0.01, content: AWKWARD });
  expect(cand.status, JSON.stringify(cand.body)).toBe(200);
}, 180_000);

afterAll(async () => {
  await t?.close();
  for (const name of made) await withPg(inject('pgAdminUrl'), (c) => c.query(`drop database if exists "${name}" with (force)`)).catch(() => undefined);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores every table row for row; the audit chain verifies and the guards hold again', async () => {
    const before = await tableDigests(t.url);
    // The fixture really exercises what must round-trip.
    expect(before.audit_log!.rows).toBeGreaterThan(10);
    expect(before.poll_box!.rows).toBe(6);
    expect(before.tracking_attachments!.rows).toBe(1);
    expect(before.proposal_events!.rows).toBeGreaterThan(0);
    expect(before.polls!.rows).toBe(2);
    expect(before.kysely_migration!.rows).toBeGreaterThan(0);

    const file = path.join(tmp, 'piaojue.jsonl.gz');
    const backup = await cli('backup', file, t.url);
    expect(backup.stdout).toMatch(/backup written/);
    // The backup is gzip JSON lines; the ballots are in it without any deputy id (the box has none).
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'piaojue-backup', version: 1 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: true });
    // Nothing of it changed the source.
    expect(await tableDigests(t.url)).toEqual(before);

    const target = await emptyDatabase();
    const restored = await cli('restore', file, target);
    expect(restored.stdout).toMatch(/restored/);

    const after = await tableDigests(target);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) expect(after[name], name).toEqual(before[name]);

    const { db } = createDb(target, 2);
    try {
      const chain = await verifyAuditChain(db);
      expect(chain).toMatchObject({ ok: true, brokenAt: null });
      expect(chain.entries).toBe(before.audit_log!.rows);
      // The attachment's bytes, exactly.
      const att = await db.selectFrom('tracking_attachments').select('content').executeTakeFirstOrThrow();
      expect(Buffer.compare(att.content as Buffer, PNG)).toBe(0);
    } finally {
      await db.destroy();
    }

    // The guards are active again: frozen candidates, the append-only audit log, a certified box.
    await withPg(target, async (c) => {
      await expect(c.query(`update candidates set name = 'changed' where id = $1`, [frozenCandidateId])).rejects.toThrow(/frozen/i);
      await expect(c.query(`update audit_log set actor = 'x' where seq = 1`)).rejects.toThrow(/append-only/i);
      await expect(c.query(`delete from poll_box where poll_id = $1`, [pollId])).rejects.toThrow(/immutable/i);
    });

    // A second restore into the now-used database is refused and changes nothing.
    await expect(cli('restore', file, target)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/not empty/) });
    expect(await tableDigests(target)).toEqual(after);
  }, 120_000);

  it('a truncated or tampered file is refused and leaves the target without a single row', async () => {
    const file = path.join(tmp, 'full.jsonl.gz');
    await backupDatabase(t.url, file);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');

    const truncated = path.join(tmp, 'truncated.jsonl.gz');
    fs.writeFileSync(truncated, zlib.gzipSync(lines.slice(0, Math.floor(lines.length * 0.8)).join('\n') + '\n'));
    const target = await emptyDatabase();
    await expect(restoreDatabase(target, truncated)).rejects.toThrow(/truncated|rows/);

    // One altered value in one row: the per-table digest in the header catches it.
    const tampered = path.join(tmp, 'tampered.jsonl.gz');
    const at = lines.findIndex((l) => l.includes('"table":"audit_log"'));
    const row = JSON.parse(lines[at + 1]!) as (string | null)[];
    row[2] = 'user:mallory';
    const edited = [...lines];
    edited[at + 1] = JSON.stringify(row);
    fs.writeFileSync(tampered, zlib.gzipSync(edited.join('\n')));
    await expect(restoreDatabase(target, tampered)).rejects.toThrow(/audit_log.*differs/);

    const counts = await tableDigests(target);
    for (const [name, v] of Object.entries(counts)) {
      if (name.startsWith('kysely_migration') || name.includes(' ')) continue;
      expect(v.rows, name).toBe(0);
    }
    // The same file, intact, still restores into that database afterwards.
    await restoreDatabase(target, file);
    const digests = await tableDigests(target);
    expect(digests.polls).toEqual((await tableDigests(t.url)).polls);
  }, 120_000);

  it('a backup taken while ballots pour in is one point in time: roll and box agree in the copy', async () => {
    const storm = await hall(t, staff, { candidates: 3, deputies: 60, cycle: { chooseN: 1, year: 2097, name: '2097年度民生实事项目' } });
    const id = await openPoll(staff, storm.sessionId);
    const file = path.join(tmp, 'during-storm.jsonl.gz');
    const casts = storm.deputies.map(async (d, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      const r = await d.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [storm.candidateIds[i % 3]!]: 'for' } } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    });
    await new Promise((r) => setTimeout(r, 60));
    const backup = backupDatabase(t.url, file);
    await Promise.all([...casts, backup]);

    const target = await emptyDatabase();
    await restoreDatabase(target, file);
    await withPg(target, async (c) => {
      const { rows } = await c.query(
        `select (select count(*)::int from poll_roll where poll_id = $1 and voted) as voted, (select count(*)::int from poll_box where poll_id = $1) as box`,
        [id],
      );
      expect(rows[0].voted).toBe(rows[0].box);
      console.log(`backup during a storm of 60 casts caught ${rows[0].box} of them, roll and box agreeing`);
    });
  }, 120_000);

  it('works the same on the embedded PostgreSQL: restore into a new DATA_DIR, back it up again', async () => {
    const file = path.join(tmp, 'for-embedded.jsonl.gz');
    await backupDatabase(t.url, file);
    // The data directory's parent must be traversable by the postgres user when running as root.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-restore-data-'));
    try {
      const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
      // Backing up a DATA_DIR that holds no database is an error, not a new empty database.
      await expect(cli('backup', path.join(tmp, 'nothing.jsonl.gz'), { ...env, DATA_DIR: path.join(dataDir, 'absent') })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/no embedded database/),
      });
      const restored = await cli('restore', file, env);
      expect(restored.stdout).toMatch(/restored/);
      const again = path.join(tmp, 'from-embedded.jsonl.gz');
      expect((await cli('backup', again, env)).stdout).toMatch(/backup written/);
      // Same content: equal per-table digests and row lines (only the creation time differs).
      const read = (f: string) => zlib.gunzipSync(fs.readFileSync(f)).toString('utf8').trim().split('\n');
      const [h1, ...rows1] = read(file);
      const [h2, ...rows2] = read(again);
      const strip = (h: string) => ({ ...JSON.parse(h), createdAt: null, serverVersion: null });
      expect(strip(h2!)).toEqual(strip(h1!));
      expect(rows2.sort()).toEqual(rows1.sort());
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('orders a self-referencing table parents first, across any number of generations', () => {
    // [id, parent, (other, otherParent)]: a chain given child-first, a root, a second key, and an orphan.
    const rows: (string | null)[][] = [
      ['e', 'd', 'x', null],
      ['d', 'c', 'y', 'x2'],
      ['c', 'b', null, null],
      ['b', 'a', 'x2', null],
      ['a', null, null, null],
      ['z', 'missing', null, null],
    ];
    const refs = [
      { from: [1], to: [0] },
      { from: [3], to: [2] },
    ];
    const ordered = parentsFirst(rows, refs).map((r) => r[0]);
    expect(ordered.at(-1)).toBe('z');
    expect(new Set(ordered)).toEqual(new Set(rows.map((r) => r[0])));
    const seen = new Set<string | null>();
    const seenOther = new Set<string | null>();
    for (const [id, parent, other, otherParent] of parentsFirst(rows, refs)) {
      if (id !== 'z') {
        if (parent) expect(seen.has(parent), `${id} after ${parent}`).toBe(true);
        if (otherParent) expect(seenOther.has(otherParent), `${id} after other ${otherParent}`).toBe(true);
      }
      seen.add(id ?? null);
      seenOther.add(other ?? null);
    }
  });
});
