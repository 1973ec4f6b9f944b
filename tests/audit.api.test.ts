/**
 * The audit log: a hash chain that verifies after real actions, refuses UPDATE/DELETE/TRUNCATE,
 * detects an altered, re-hashed, forged or deleted row, and never holds ballot content.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { createTestApp, key, type Client, type TestApp } from './helpers/app.ts';
import { hall, staffPair, withPg, type Hall } from './helpers/world.ts';

let t: TestApp;
let staff: Client;
let h: Hall;
let pollId: string;
const keys: string[] = [];
const receipts: string[] = [];
let auditBeforeCasts = 0;
let auditAfterCasts = 0;

/** Runs SQL on audit_log with its append-only trigger switched off (as the database superuser). */
async function asSuperuser(fn: (c: pg.Client) => Promise<unknown>) {
  await withPg(t.url, async (c) => {
    await c.query('begin');
    await c.query('alter table audit_log disable trigger audit_log_no_change');
    await fn(c);
    await c.query('alter table audit_log enable trigger audit_log_no_change');
    await c.query('commit');
  });
}

const auditCount = () => withPg(t.url, async (c) => Number((await c.query('select count(*) from audit_log')).rows[0].count));

// The exact sequence of audited actions the setup below performs, in order.
const EXPECTED_ACTIONS = [
  'setup.admin_created',
  'user.created',
  'cycle.created',
  'candidate.created',
  'candidate.created',
  'candidate.created',
  'cycle.frozen',
  'session.created',
  'roster.imported',
  'codes.issued',
  'checkin.opened',
  'deputy.checked_in',
  'deputy.checked_in',
  'deputy.checked_in',
  'deputy.checked_in',
  'scrutiny.set',
  'voting_rules.drafted',
  'voting_rules.adopted',
  'poll.created',
  'poll.opened',
  'poll.closed',
  'poll.notice_numbered',
  'poll.certification_signed',
];

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 3, deputies: 4, present: 4, cycle: { chooseN: 2 } });
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  pollId = poll.body.id;
  expect((await staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);
  auditBeforeCasts = await auditCount();
  const [A, B, C] = h.candidateIds as [string, string, string];
  const ballots = [{ [A]: 'for', [B]: 'for' }, { [A]: 'against', [C]: 'for' }, { [B]: 'for' }];
  for (const [i, marks] of ballots.entries()) {
    const k = key();
    const r = await h.deputies[i]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot: { type: 'approve', marks } });
    expect(r.status).toBe(200);
    keys.push(k);
    receipts.push(r.body.receipt);
  }
  auditAfterCasts = await auditCount();
  expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
  expect((await staff.post(`/api/polls/${pollId}/certify`)).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('the audit chain', () => {
  it('verifies after a sequence of actions, one entry per audited action', async () => {
    const report = await verifyAuditChain(t.app.services.db);
    expect(report).toEqual({ ok: true, entries: EXPECTED_ACTIONS.length, brokenAt: null, reason: null });
    await withPg(t.url, async (c) => {
      const rows = (await c.query('select seq, action, prev_hash, hash from audit_log order by seq')).rows;
      expect(rows.map((r) => r.action)).toEqual(EXPECTED_ACTIONS);
      expect(rows.map((r) => Number(r.seq))).toEqual(EXPECTED_ACTIONS.map((_, i) => i + 1));
      expect(rows[0].prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even from the database superuser', async () => {
    await withPg(t.url, async (c) => {
      await expect(c.query(`update audit_log set actor = 'user:nobody' where seq = 2`)).rejects.toThrow(/append-only/);
      await expect(c.query(`update audit_log set details = '{}'`)).rejects.toThrow(/append-only/);
      await expect(c.query('delete from audit_log where seq = 5')).rejects.toThrow(/append-only/);
      await expect(c.query('delete from audit_log')).rejects.toThrow(/append-only/);
      await expect(c.query('truncate audit_log')).rejects.toThrow(/append-only/);
      expect(Number((await c.query('select count(*) from audit_log')).rows[0].count)).toBe(EXPECTED_ACTIONS.length);
    });
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('detects an altered row at its sequence number', async () => {
    const original = await withPg(t.url, async (c) => (await c.query('select details::text as d from audit_log where seq = 3')).rows[0]);
    await asSuperuser((c) => c.query(`update audit_log set details = '{"x":1}' where seq = 3`));
    expect(await verifyAuditChain(t.app.services.db)).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: expect.stringMatching(/altered/) });
    await asSuperuser((c) => c.query('update audit_log set details = $1::jsonb where seq = 3', [original.d]));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);

    const actor7 = await withPg(t.url, async (c) => (await c.query('select actor from audit_log where seq = 7')).rows[0].actor as string);
    await asSuperuser((c) => c.query(`update audit_log set actor = 'user:mallory' where seq = 7`));
    expect(await verifyAuditChain(t.app.services.db)).toMatchObject({ ok: false, brokenAt: 7 });
    await asSuperuser((c) => c.query('update audit_log set actor = $1 where seq = 7', [actor7]));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('detects a rewritten hash, and a rewritten link to the previous row', async () => {
    const row4 = await withPg(t.url, async (c) => (await c.query('select hash from audit_log where seq = 4')).rows[0].hash as string);
    await asSuperuser((c) => c.query('update audit_log set hash = $1 where seq = 4', ['f'.repeat(64)]));
    expect(await verifyAuditChain(t.app.services.db)).toMatchObject({ ok: false, entries: 3, brokenAt: 4 });
    await asSuperuser((c) => c.query('update audit_log set hash = $1 where seq = 4', [row4]));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);

    const prev5 = await withPg(t.url, async (c) => (await c.query('select prev_hash from audit_log where seq = 5')).rows[0].prev_hash as string);
    await asSuperuser((c) => c.query('update audit_log set prev_hash = $1 where seq = 5', ['0'.repeat(64)]));
    expect(await verifyAuditChain(t.app.services.db)).toEqual({ ok: false, entries: 4, brokenAt: 5, reason: expect.stringMatching(/prev_hash/) });
    await asSuperuser((c) => c.query('update audit_log set prev_hash = $1 where seq = 5', [prev5]));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('detects a forged row appended without the chain', async () => {
    const next = EXPECTED_ACTIONS.length + 1;
    const last = await withPg(t.url, async (c) => (await c.query('select hash from audit_log order by seq desc limit 1')).rows[0].hash);
    await withPg(t.url, (c) =>
      c.query(`insert into audit_log (seq, at, actor, action, subject, details, prev_hash, hash) values ($1, now(), 'user:admin', 'poll.certification_signed', 'poll:x', '{}', $2, $3)`, [
        next,
        last,
        'e'.repeat(64),
      ]),
    );
    expect(await verifyAuditChain(t.app.services.db)).toMatchObject({ ok: false, entries: EXPECTED_ACTIONS.length, brokenAt: next });
    await asSuperuser((c) => c.query('delete from audit_log where seq = $1', [next]));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('detects a deleted row as a gap in the sequence', async () => {
    await asSuperuser((c) => c.query('delete from audit_log where seq = 10'));
    const report = await verifyAuditChain(t.app.services.db);
    expect(report.ok).toBe(false);
    expect(report.entries).toBe(9);
    expect(report.brokenAt).toBe(11);
    expect(report.reason).toMatch(/sequence gap/);
  });
});

describe('the audit log and ballot secrecy', () => {
  it('casting writes nothing to the audit log', () => {
    expect(auditAfterCasts).toBe(auditBeforeCasts);
  });

  it('holds no tracker, no idempotency key, no roll key hash and no ballot body', async () => {
    await withPg(t.url, async (c) => {
      const audit = (await c.query('select action, row_to_json(a)::text as j from audit_log a')).rows as { action: string; j: string }[];
      for (const r of audit) expect(r.action).not.toMatch(/cast|ballot|vote/i);
      const text = audit.map((r) => r.j).join('\n');
      const rollHashes = (await c.query('select key_hash from poll_roll where poll_id = $1 and voted', [pollId])).rows.map((r) => r.key_hash as string);
      expect(rollHashes).toHaveLength(3);
      const box = (await c.query('select id::text, body::text as body from poll_box where poll_id = $1', [pollId])).rows;
      expect(box).toHaveLength(3);
      for (const needle of [...receipts, ...keys, ...rollHashes, ...box.map((b) => b.id)]) {
        expect(text).not.toContain(needle);
      }
      for (const b of box) expect(text).not.toContain(b.body);
      expect(text).not.toMatch(/"marks"|"selected"|"ranking"/);
    });
  });
});
