import { tally, type BallotBody, type CreateCycleBody, type FreezeShortlistBody, type PollRules, type Shortlist } from '@piaojue/shared';
import { cryptoReady } from '@piaojue/shared/crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { adminClient, adoptRules, Client, createTestApp, defaultCycle, key, rosterCsv, userClient, type Answer, type TestApp } from './app.ts';
import { castEncrypted, runCeremony, type Ceremony, type TabletBallot } from './encrypted.ts';

export { castEncrypted, decryptAs, encryptFor, tabletContext, type Ceremony, type GuardianTablet, type TabletBallot } from './encrypted.ts';

/** The administrator and one staff user holding both 'staff' and 'presidium', made once per app. */
export async function staffPair(t: TestApp): Promise<{ admin: Client; staff: Client }> {
  const admin = await adminClient(t);
  const staff = await userClient(t, admin, 'staff1', ['staff', 'presidium']);
  return { admin, staff };
}

export interface Hall {
  cycleId: string;
  sessionId: string;
  candidateIds: string[];
  deputies: { id: string; code: string; client: Client }[];
  /** hall(…, { encrypted: true }): the session's key ceremony and its 监票人's secret shares, for tests to decrypt with. */
  ceremony?: Ceremony;
}

export type Scenario = Hall & { admin: Client; staff: Client };

/** The decision the fixtures fix their lists by (the body, the day, the meeting). */
export const LIST_DECISION: FreezeShortlistBody = { organ: 'director_meeting', decidedOn: '2026-12-01', reference: '第12次主任会议' };

/** Fixes a cycle's candidate list through the checked route (the cycle's 差额 range applies). */
export function fixList(staff: Client, cycleId: string, decision: FreezeShortlistBody = LIST_DECISION): Promise<Answer<Shortlist>> {
  return staff.send<Shortlist, FreezeShortlistBody>('POST', `/api/cycles/${cycleId}/shortlist/freeze`, decision);
}

/**
 * Reusable any number of times within one app: a cycle with its own rules and `candidates`
 * projects (fixed unless `freeze: false`), a session, a roster of `deputies`, codes, every
 * deputy logged in, check-in open and the first `present` deputies checked in on their tablet.
 * Its cycle's ballots are plain unless `encrypted`: then the first `guardians` deputies (3 by
 * default) are the 监票人 and run the key ceremony on their tablets, threshold `threshold`.
 */
export async function hall(
  t: TestApp,
  staff: Client,
  opts: {
    cycle?: Partial<CreateCycleBody>; candidates?: number; deputies?: number; present?: number; freeze?: boolean; adopt?: boolean;
    encrypted?: boolean; guardians?: number; threshold?: number; sessionName?: string;
  } = {},
): Promise<Hall> {
  const cycle = await staff.post('/api/cycles', { ...defaultCycle, ...opts.cycle, ballotMode: opts.encrypted ? 'encrypted' : (opts.cycle?.ballotMode ?? 'plain') });
  if (cycle.status !== 200) throw new Error(`cycle: ${JSON.stringify(cycle.body)}`);
  const cycleId = cycle.body.id as string;
  const candidateIds: string[] = [];
  for (let i = 1; i <= (opts.candidates ?? 5); i++) {
    const c = await staff.post(`/api/cycles/${cycleId}/candidates`, { name: `项目${i}`, department: '市民政局', investmentWan: 100 * i });
    if (c.status !== 200) throw new Error(`candidate: ${JSON.stringify(c.body)}`);
    candidateIds.push(c.body.id);
  }
  if (opts.freeze ?? true) {
    const frozen = await fixList(staff, cycleId);
    if (frozen.status !== 200) throw new Error(`freeze: ${JSON.stringify(frozen.body)}`);
  }
  const session = await staff.post('/api/sessions', { cycleId, name: opts.sessionName ?? '市十届人大三次会议' });
  if (session.status !== 200) throw new Error(`session: ${JSON.stringify(session.body)}`);
  const sessionId = session.body.id as string;
  const n = opts.deputies ?? 10;
  const imp = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(n)).toString('base64') });
  if (imp.status !== 200) throw new Error(`roster: ${JSON.stringify(imp.body)}`);
  const codes = await staff.post(`/api/sessions/${sessionId}/codes`, {});
  if (codes.status !== 200) throw new Error(`codes: ${JSON.stringify(codes.body)}`);
  const opened = await staff.post(`/api/sessions/${sessionId}/checkin/open`);
  if (opened.status !== 200) throw new Error(`checkin/open: ${JSON.stringify(opened.body)}`);
  const deputies: Hall['deputies'] = [];
  for (const [i, c] of (codes.body as { deputyId: string; code: string }[]).entries()) {
    const client = new Client(t.app);
    const login = await client.post('/api/auth/deputy-login', { code: c.code });
    if (login.status !== 200) throw new Error(`deputy login: ${JSON.stringify(login.body)}`);
    if (i < (opts.present ?? n)) {
      const ci = await client.post('/api/deputy/checkin');
      if (ci.status !== 200) throw new Error(`checkin: ${JSON.stringify(ci.body)}`);
    }
    deputies.push({ id: c.deputyId, code: c.code, client });
  }
  const guardians = deputies.slice(0, opts.encrypted ? (opts.guardians ?? 3) : 2);
  if ((opts.freeze ?? true) && (opts.adopt ?? true)) await adoptRules(staff, sessionId, guardians.map((d) => d.id));
  const ceremony = opts.encrypted ? await runCeremony(staff, sessionId, guardians, opts.threshold) : undefined;
  return { cycleId, sessionId, candidateIds, deputies, ...(ceremony && { ceremony }) };
}

/**
 * The app of a file of key-ceremony or encrypted-poll tests: the crypto core ready (the simulated
 * tablets use it), a new app, its administrator and staff user. In beforeAll; close t in afterAll.
 */
export async function cryptoApp(): Promise<{ t: TestApp; admin: Client; staff: Client }> {
  await cryptoReady();
  const t = await createTestApp();
  return { t, ...(await staffPair(t)) };
}

/**
 * An encrypted poll of the hall (hall(…, { encrypted: true })): opened, these ballots cast by the
 * first deputies' tablets, closed; it waits for the 监票人 ('decrypting'). Returns the poll id.
 */
export async function closedEncryptedPoll(staff: Client, h: Hall, ballots: readonly TabletBallot[]): Promise<string> {
  const pollId = await openPoll(staff, h.sessionId);
  for (const [i, b] of ballots.entries()) await castEncrypted(h.deputies[i]!.client, pollId, b);
  const closed = await staff.post(`/api/polls/${pollId}/close`);
  expect(closed.body.status, JSON.stringify(closed.body)).toBe('decrypting');
  return pollId;
}

/**
 * The plain tally of the same ballot bodies by the same rules, over the hall's candidates as
 * hall() names them, every deputy seated and `issued` of them handed a ballot, `invalid` refused.
 */
export function plainTally(h: Hall, rules: PollRules, bodies: BallotBody[], issued = h.deputies.length, invalid = 0) {
  return tally({
    rules,
    candidates: h.candidateIds.map((id, i) => ({ id, name: `项目${i + 1}` })),
    ballots: bodies,
    invalid,
    seated: h.deputies.length,
    present: issued,
    issued,
  });
}

/** A new app's first hall: its administrator and staff user (staffPair), then hall(). */
export async function scenario(t: TestApp, opts: Parameters<typeof hall>[2] = {}): Promise<Scenario> {
  const pair = await staffPair(t);
  return { ...pair, ...(await hall(t, pair.staff, opts)) };
}

/** Creates a poll in the session and opens it; returns the poll id. */
export async function openPoll(staff: Client, sessionId: string, body: Record<string, unknown> = {}): Promise<string> {
  const poll = await staff.post(`/api/sessions/${sessionId}/polls`, {});
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  const open = await staff.post(`/api/polls/${poll.body.id}/open`, body);
  expect(open.status, JSON.stringify(open.body)).toBe(200);
  return poll.body.id as string;
}

/** Casts one ballot and expects it accepted; returns the receipt. */
export async function castOk(client: Client, pollId: string, ballot: unknown, idempotencyKey = key()): Promise<string> {
  const r = await client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey, ballot });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.duplicate).toBe(false);
  return r.body.receipt as string;
}

/** Runs one function with a direct PostgreSQL connection (as the test superuser). */
export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Every base table of the public schema with a digest of its whole content, except
 * login_failures: a refused login is counted there on purpose (the back-off, tests/login-limits).
 */
export async function snapshot(url: string): Promise<Record<string, { rows: number; digest: string }>> {
  return withPg(url, async (c) => {
    const { rows: tables } = await c.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'login_failures' order by table_name`,
    );
    const out: Record<string, { rows: number; digest: string }> = {};
    for (const { table_name } of tables) {
      const { rows } = await c.query<{ n: string; d: string | null }>(
        `select count(*)::text as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from "${table_name}" x`,
      );
      out[table_name] = { rows: Number(rows[0]!.n), digest: rows[0]!.d ?? '' };
    }
    return out;
  });
}

/** The standard error body: a code, a bilingual message, and a Chinese message in CJK. */
export function expectErrorBody(body: unknown, code?: string) {
  const b = body as { error?: { code?: unknown; message?: unknown; messageZh?: unknown; messageEn?: unknown } };
  expect(b, JSON.stringify(body)).toBeTypeOf('object');
  expect(b.error, JSON.stringify(body)).toBeTypeOf('object');
  expect(b.error!.code).toBeTypeOf('string');
  if (code) expect(b.error!.code, JSON.stringify(body)).toBe(code);
  expect(b.error!.message).toBeTypeOf('string');
  expect(b.error!.messageEn).toBeTypeOf('string');
  expect((b.error!.messageEn as string).length).toBeGreaterThan(0);
  expect(b.error!.messageZh).toMatch(/[\u4e00-\u9fff]/);
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = { candidateId: string; for: number; against: number; abstain: number; rank: number; status: string; passesThreshold: boolean; score: number };

/** The result row of one candidate. */
export function rowOf(result: { rows: Row[] }, candidateId: string): Row {
  const r = result.rows.find((x) => x.candidateId === candidateId);
  if (!r) throw new Error(`no result row for ${candidateId}`);
  return r;
}
