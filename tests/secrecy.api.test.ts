/**
 * Ballot secrecy (docs/PROCEDURE.md, "Secret ballot"): the roll says who voted, the box what was
 * voted, the tracker list which receipts were counted, and nothing — schema, values, physical
 * order, transaction ids, dead row versions in the data files, logs — links any two of them.
 * Half the ballots arrive by HTTP, half over the tablets' websockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, key, type TestApp } from './helpers/app.ts';
import { hall, prng, staffPair, withPg, type Hall } from './helpers/world.ts';
import { wsClient } from './helpers/socket.ts';

const VOTERS = 30;

let t: TestApp;
let staff: Client;
let h: Hall;
let pollId: string;
const receipts: string[] = [];
const keys: string[] = [];
const whileOpen: { poll?: any; hall?: any; trackers?: any; archive?: any } = {};

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
  h = await hall(t, staff, { candidates: 6, deputies: VOTERS, cycle: { chooseN: 3, ballotType: 'approve' } });
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  pollId = poll.body.id;
  expect((await staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);
  const rand = prng(42);
  // one at a time, so "cast order" is well defined
  for (const d of h.deputies) {
    const marks: Record<string, string> = {};
    let fors = 0;
    for (const id of h.candidateIds) {
      const x = rand();
      if (x < 0.5 && fors < 3) (marks[id] = 'for'), fors++;
      else if (x < 0.75) marks[id] = 'against';
    }
    const k = key();
    const ballot = { type: 'approve', marks };
    keys.push(k);
    if (receipts.length % 2 === 0) {
      const r = await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      receipts.push(r.body.receipt);
    } else {
      // every other deputy casts over the tablet's websocket, as the web client does
      const tablet = wsClient(t.app, d.client.cookie);
      await tablet.opened;
      tablet.send({ type: 'cast', ref: 'c', pollId, idempotencyKey: k, ballot });
      const answer = await tablet.waitFor((m) => m.type === 'cast');
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      receipts.push(answer.receipt);
      tablet.close();
    }
  }
  whileOpen.poll = await staff.get(`/api/polls/${pollId}`);
  whileOpen.hall = await new Client(t.app).get(`/api/sessions/${h.sessionId}/hall`);
  whileOpen.trackers = await staff.get(`/api/polls/${pollId}/trackers`);
  whileOpen.archive = await staff.get(`/api/cycles/${h.cycleId}/archive`);
  const closed = await staff.post(`/api/polls/${pollId}/close`);
  expect(closed.status).toBe(200);
  expect(closed.body.result.record.returned).toBe(VOTERS);
  await t.app.services.polls.compacted();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

type Col = { column_name: string; data_type: string; column_default: string | null; is_identity: string };
const columns = (table: string) =>
  withPg(t.url, async (c) => (await c.query<Col>(`select column_name, data_type, column_default, is_identity from information_schema.columns where table_schema = 'public' and table_name = $1 order by column_name`, [table])).rows);

describe('the schema', () => {
  it('poll_box has no deputy, session, user, address or time column, and random uuid ids', async () => {
    const cols = await columns('poll_box');
    // Any new column in the box must be reviewed for secrecy: this list is exact on purpose.
    expect(cols.map((c) => c.column_name)).toEqual(['body', 'id', 'poll_id', 'proof_status', 'reject_reason', 'valid']);
    for (const c of cols) {
      expect(c.column_name).not.toMatch(/deputy|session|user|ip|agent|addr|seat|time|_at$|created|seq|order|position/i);
      expect(c.data_type).not.toMatch(/time|date|interval|serial/i);
      expect(c.is_identity).toBe('NO');
      expect(c.column_default ?? '').not.toMatch(/nextval|now\(|current_|clock_|statement_timestamp|transaction_timestamp/i);
    }
    const id = cols.find((c) => c.column_name === 'id')!;
    expect(id.data_type).toBe('uuid');
    expect(id.column_default).toMatch(/gen_random_uuid\(\)/);
    await withPg(t.url, async (c) => {
      const fks = await c.query(`select confrelid::regclass::text as target from pg_constraint where conrelid = 'poll_box'::regclass and contype = 'f'`);
      expect(fks.rows.map((r) => r.target)).toEqual(['polls']);
      // nothing else points into the box either (a join table would link it just the same)
      const into = await c.query(`select conrelid::regclass::text as source from pg_constraint where confrelid = 'poll_box'::regclass and contype = 'f'`);
      expect(into.rows).toEqual([]);
    });
  });

  it('poll_roll holds who, not what, and shares no column with the box but the poll', async () => {
    const roll = (await columns('poll_roll')).map((c) => c.column_name);
    const box = (await columns('poll_box')).map((c) => c.column_name);
    expect(roll.filter((c) => box.includes(c))).toEqual(['poll_id']);
    for (const c of await columns('poll_roll')) expect(c.data_type).not.toMatch(/time|date|interval/i);
  });

  it('the receipts are a table of their own: (poll, tracker), nothing else, linked to nothing', async () => {
    expect((await columns('poll_trackers')).map((c) => c.column_name)).toEqual(['poll_id', 'tracker']);
    await withPg(t.url, async (c) => {
      // No table anywhere holds a receipt next to ballot content.
      const both = await c.query(
        `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tracker'
         intersect select table_name from information_schema.columns where table_schema = 'public' and column_name in ('body', 'ballot', 'marks')`,
      );
      expect(both.rows).toEqual([]);
      const into = await c.query(`select conrelid::regclass::text as source from pg_constraint where confrelid = 'poll_trackers'::regclass and contype = 'f'`);
      expect(into.rows).toEqual([]);
    });
  });
});

describe('the stored values', () => {
  it('no roll value appears in the box or the receipts, no key hash is a tracker', async () => {
    await withPg(t.url, async (c) => {
      const roll = (await c.query('select deputy_id::text, key_hash, ballot_check from poll_roll where poll_id = $1', [pollId])).rows as { deputy_id: string; key_hash: string; ballot_check: string }[];
      const box = (await c.query('select id::text, valid::text, body::text from poll_box where poll_id = $1', [pollId])).rows as Record<string, string>[];
      const trackers = (await c.query('select tracker from poll_trackers where poll_id = $1', [pollId])).rows.map((r) => r.tracker as string);
      expect(roll).toHaveLength(VOTERS);
      expect(box).toHaveLength(VOTERS);
      expect([...trackers].sort()).toEqual([...receipts].sort());
      const boxText = box.map((b) => Object.values(b).join(' ')).join('\n').toLowerCase();
      for (const r of roll) {
        expect(r.key_hash).toBeTruthy();
        expect(r.ballot_check).toBeTruthy();
        for (const h of [r.key_hash, r.ballot_check]) {
          expect(trackers.includes(h)).toBe(false);
          expect(boxText).not.toContain(h.toLowerCase());
          // nor a prefix long enough to match on
          expect(boxText).not.toContain(h.slice(0, 12).toLowerCase());
        }
        expect(boxText).not.toContain(r.deputy_id.toLowerCase());
      }
      const rollText = roll.map((r) => `${r.deputy_id} ${r.key_hash} ${r.ballot_check}`).join('\n').toLowerCase();
      for (const b of box) expect(rollText).not.toContain(b.id!.toLowerCase());
      for (const tr of trackers) {
        expect(rollText).not.toContain(tr.toLowerCase());
        expect(rollText).not.toContain(tr.replace(/-/g, '').toLowerCase());
        expect(boxText).not.toContain(tr.toLowerCase());
      }
      // and no deputy id of the session appears anywhere in a ballot
      const deputyIds = (await c.query('select id::text from deputies where session_id = $1', [h.sessionId])).rows.map((r) => r.id as string);
      for (const id of deputyIds) expect(boxText).not.toContain(id);
    });
  });

  it('neither the receipts nor the roll are stored in the order of voting', async () => {
    await withPg(t.url, async (c) => {
      const physical = (await c.query('select tracker from poll_trackers where poll_id = $1 order by ctid', [pollId])).rows.map((r) => r.tracker);
      expect([...physical].sort()).toEqual([...receipts].sort());
      expect(physical).not.toEqual(receipts);
      // Not merely shifted either: count how many consecutive cast pairs stay adjacent in storage.
      const pos = new Map(physical.map((tr, i) => [tr, i]));
      let adjacent = 0;
      for (let i = 1; i < receipts.length; i++) if (pos.get(receipts[i]!)! === pos.get(receipts[i - 1]!)! + 1) adjacent++;
      expect(adjacent).toBeLessThan(15);
      // The deputies voted in roster order; the roll no longer keeps that order.
      const rollOrder = (await c.query('select d.position from poll_roll r join deputies d on d.id = r.deputy_id where r.poll_id = $1 order by r.ctid', [pollId])).rows.map((r) => r.position as number);
      expect(rollOrder).not.toEqual([...rollOrder].sort((a, b) => a - b));
    });
  });

  it('the box, the receipts and the roll carry the one transaction id of the close, so none tells rows apart', async () => {
    await withPg(t.url, async (c) => {
      const xmins = async (table: string) => (await c.query(`select distinct xmin::text as x from ${table} where poll_id = $1`, [pollId])).rows.map((r) => r.x);
      const [box, receiptsX, roll] = [await xmins('poll_box'), await xmins('poll_trackers'), await xmins('poll_roll')];
      expect(box).toHaveLength(1);
      expect(receiptsX).toEqual(box);
      expect(roll).toEqual(box);
    });
  });

  it('no earlier row version survives in the data files: each ballot, receipt and roll entry is on disk once', async () => {
    await withPg(t.url, async (c) => {
      await c.query('checkpoint');
      const file = async (table: string) => {
        const path = (await c.query(`select pg_relation_filepath($1) as p`, [table])).rows[0].p as string;
        return (await c.query(`select pg_read_binary_file($1) as b`, [path])).rows[0].b as Buffer;
      };
      const occurrences = (hay: Buffer, needle: string) => {
        let n = 0;
        for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++;
        return n;
      };
      // Every ballot body holds the word "approve" once: a dead copy of a ballot would show twice.
      expect(occurrences(await file('poll_box'), 'approve')).toBe(VOTERS);
      const trackerFile = await file('poll_trackers');
      for (const r of receipts) expect(occurrences(trackerFile, r), r).toBe(1);
      const rollFile = await file('poll_roll');
      const hashes = (await c.query('select key_hash from poll_roll where poll_id = $1', [pollId])).rows.map((r) => r.key_hash as string);
      for (const hsh of hashes) expect(occurrences(rollFile, hsh)).toBe(1);
    });
  });

  it('the published trackers are sorted, not in cast order', async () => {
    const r = await staff.get(`/api/polls/${pollId}/trackers`);
    expect(r.status).toBe(200);
    expect(r.body.trackers).toEqual([...receipts].sort());
  });
});

describe('while the poll was open', () => {
  it('nobody could see a running tally or the trackers', () => {
    expect(whileOpen.poll.status).toBe(200);
    expect(whileOpen.poll.body.status).toBe('open');
    expect(whileOpen.poll.body.result).toBeNull();
    expect(whileOpen.hall.status).toBe(200);
    expect(whileOpen.hall.body.poll.result).toBeNull();
    expect(whileOpen.archive.status).toBe(200);
    expect(whileOpen.archive.body.polls.find((p: any) => p.poll.id === pollId)).toMatchObject({ box: [], trackers: [] });
    expect(whileOpen.hall.body.poll.turnout).toMatchObject({ issued: VOTERS, voted: VOTERS });
    expect(whileOpen.trackers.status).toBe(409);
    expect(whileOpen.trackers.body.error.code).toBe('POLL_STATE');
  });
});

describe('the server log', () => {
  it('holds no ballot body, receipt or idempotency key', () => {
    const log = t.logs();
    expect(log.length).toBeGreaterThan(0);
    // the log does record the casts (method and route), so the search below is meaningful
    expect(log).toContain('/api/polls/:id/ballots');
    for (const needle of ['"marks"', '"selected"', '"ranking"', '"idempotencyKey"', '"ballot"', '"for"', '"against"', ...receipts, ...keys]) {
      expect(log).not.toContain(needle);
    }
    for (const id of h.candidateIds) expect(log).not.toContain(id);
  });
});
