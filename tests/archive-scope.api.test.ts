/**
 * The cycle archive carries its cycle's audit entries and no others (docs/OPERATIONS.md, "The
 * archive's audit entries"): one installation serves several congresses, and the audit log is one
 * chain over all of them, but an archive goes to the staff, 主席团 and 监票人 of its own congress.
 * Nor does it carry a 主席团 decision still awaiting signatures (it stays with the 主席团 and
 * staff). `pnpm archive:verify` still proves each entry matches its hash, and
 * `pnpm audit:verify <archive>` compares the entries with the chain on the server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poll } from '@piaojue/shared';
import { entryHash } from '../server/src/modules/audit/audit.service.ts';
import { verifyArchive } from '../server/src/modules/results/archive.ts';
import type { CycleArchive } from '../server/src/modules/results/archive.service.ts';
import { accountClient, adoptRules, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, fixList, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
// Unique, so that finding one anywhere in the archive means it leaked.
const PENDING = '主席团第九次会议（待签）';
const TOWN_MEETING = '某镇主席团会议（另一人大）';
const SETTLED = '主席团第八次会议';

let t: TestApp;
let admin: Client, staff: Client, p2: Client;
let ids: { staff: string; p2: string };
let city: Hall, town: Hall;
let deleted: string;
let polls: { pending: string; certified: string; town: string };
let pendingId: string;
let cityTeller: Client, townStaff: Client;
let dir: string;

const me = async (c: Client) => (await c.get('/api/auth/me')).body.user.id as string;

const congressUser = async (username: string, roles: string[], unit: { level: string; name: string }): Promise<Client> => (await accountClient(t, admin, username, roles, unit)).c;

/** A poll of the hall's session, every deputy voting for its first project, closed. */
async function countedPoll(h: Hall): Promise<string> {
  const pollId = await openPoll(staff, h.sessionId);
  for (const d of h.deputies) await castOk(d.client, pollId, { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } });
  expect((await staff.post<Poll>(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
  return pollId;
}

async function decide(pollId: string, meeting: string): Promise<string> {
  const r = await staff.post<Poll>(`/api/polls/${pollId}/presidium-decisions`, { kind: 'certify', meeting, decidedOn: '2098-01-15', signerIds: [ids.staff, ids.p2] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.certification.pending![0]!.id;
}
const sign = (pollId: string, decisionId: string) => p2.post<Poll>(`/api/polls/${pollId}/presidium-decisions/${decisionId}/signatures`, { answer: 'sign' });

async function download(c: Client, cycleId: string): Promise<CycleArchive> {
  const r = await c.get(`/api/cycles/${cycleId}/archive`);
  expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
  return r.body as CycleArchive;
}

async function cli(script: 'archive-verify' | 'audit-verify', name: string, content: unknown): Promise<{ code: number; out: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...rest } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, file], { cwd: root, env: { ...rest, DATABASE_URL: t.url }, timeout: 120_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

beforeAll(async () => {
  t = await createTestApp();
  dir = fs.mkdtempSync(path.join(tmpdir(), 'archive-scope-'));
  ({ admin, staff } = await staffPair(t));
  p2 = await userClient(t, admin, 'presidium2', ['presidium']);
  ids = { staff: await me(staff), p2: await me(p2) };

  // The city's cycle, a project deleted from its list before the list is fixed.
  city = await hall(t, staff, { candidates: 4, deputies: 3, freeze: false, cycle: { chooseN: 1, certifyK: 2, year: 2098, name: '2098年度宿迁市民生实事项目' } });
  expect((await admin.req('PUT', `/api/cycles/${city.cycleId}/unit`, { unitName: '宿迁市人大' })).status).toBe(200);
  deleted = city.candidateIds.pop()!;
  expect((await staff.req('DELETE', `/api/candidates/${deleted}`)).status).toBeLessThan(300);
  expect((await fixList(staff, city.cycleId)).status).toBe(200);
  await adoptRules(staff, city.sessionId, [city.deputies[0]!.id, city.deputies[1]!.id]);
  // A township's cycle in the same installation, whose entries fall between the city's in the chain.
  town = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { level: 'township', chooseN: 1, certifyK: 2, year: 2098, name: '2098年度某镇民生实事项目' }, sessionName: '某镇人大会议' });
  expect((await admin.req('PUT', `/api/cycles/${town.cycleId}/unit`, { unitName: '某镇人大' })).status).toBe(200);
  cityTeller = await congressUser('shi-jianpiao', ['scrutineer'], { level: 'city', name: '宿迁市人大' });
  townStaff = await congressUser('zhen-staff', ['staff'], { level: 'township', name: '某镇人大' });

  // The city's first poll is certified by a decision both members signed; the township's awaits
  // its signatures, and so does the city's second.
  const certified = await countedPoll(city);
  const townPoll = await countedPoll(town);
  const settled = await decide(certified, SETTLED);
  await decide(townPoll, TOWN_MEETING);
  expect((await sign(certified, settled)).body.status).toBe('certified');
  const pending = await countedPoll(city);
  pendingId = await decide(pending, PENDING);
  polls = { pending, certified, town: townPoll };
}, 120_000);
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the archive carries its own cycle’s audit entries', () => {
  it('a city 监票人 downloads the city’s archive: nothing of the township, of accounts, or of a decision awaiting signatures', async () => {
    const a = await download(cityTeller, city.cycleId);
    const { chain, entries } = a.audit;
    const total = Number((await withPg(t.url, (c) => c.query(`select count(*)::int as n from audit_log`))).rows[0].n);
    // The chain ran on past the download (its own cycle.exported entry); the archive names its length then.
    expect(chain.length).toBe(total - 1);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(chain.length);

    // Every entry is about the city's cycle, its session, its deputies, polls or projects.
    const own = new Set([
      `cycle:${city.cycleId}`,
      `session:${city.sessionId}`,
      ...city.deputies.map((d) => `deputy:${d.id}`),
      `poll:${polls.certified}`,
      `poll:${polls.pending}`,
      ...[...city.candidateIds, deleted].map((id) => `candidate:${id}`),
    ]);
    expect(entries.filter((e) => !own.has(e.subject)).map((e) => `${e.seq} ${e.action} ${e.subject}`)).toEqual([]);
    const text = JSON.stringify(entries);
    for (const leak of [town.cycleId, town.sessionId, polls.town, ...town.candidateIds, ...town.deputies.map((d) => d.id), TOWN_MEETING, '某镇', PENDING, pendingId]) {
      expect(text, leak).not.toContain(leak);
    }
    expect(entries.filter((e) => e.subject.startsWith('user:'))).toEqual([]);

    // What the record needs is there: the cycle's making, the deleted project, both polls, and the
    // settled decision with the certification it brought.
    const actions = (subject: string) => entries.filter((e) => e.subject === subject).map((e) => e.action);
    expect(actions(`cycle:${city.cycleId}`)).toEqual(expect.arrayContaining(['cycle.created', 'cycle.unit_set']));
    expect(actions(`candidate:${deleted}`)).toEqual(['candidate.created', 'candidate.deleted']);
    expect(actions(`poll:${polls.certified}`)).toEqual(expect.arrayContaining(['poll.created', 'poll.opened', 'poll.closed', 'presidium.decision_recorded', 'presidium.decision_signed', 'poll.certification_signed']));
    expect(text).toContain(SETTLED);
    expect(actions(`poll:${polls.pending}`)).toEqual(['poll.created', 'poll.opened', 'poll.closed']);

    // It verifies on its own, seq by seq.
    const checks = verifyArchive(a);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.find((c) => c.name === 'audit entries')!.detail).toContain(`${entries.length} entries of this cycle each match their hash, of a chain of ${chain.length}`);
  });

  it('another congress’s accounts cannot download it; its own archive holds its own entries', async () => {
    expect((await townStaff.get(`/api/cycles/${city.cycleId}/archive`)).status).toBe(404);
    expect((await cityTeller.get(`/api/cycles/${town.cycleId}/archive`)).status).toBe(404);
    const a = await download(townStaff, town.cycleId);
    const text = JSON.stringify(a.audit);
    for (const leak of [city.cycleId, city.sessionId, polls.certified, polls.pending, SETTLED, PENDING]) expect(text, leak).not.toContain(leak);
    // its own decision still awaits a signature: left out too
    expect(text).not.toContain(TOWN_MEETING);
    expect(verifyArchive(a).filter((c) => !c.ok)).toEqual([]);
  });

  it('once the decision settles, its entries are part of the record', async () => {
    expect((await sign(polls.pending, pendingId)).body.status).toBe('certified');
    const a = await download(staff, city.cycleId);
    const mine = a.audit.entries.filter((e) => e.subject === `poll:${polls.pending}`).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(['presidium.decision_recorded', 'presidium.decision_signed', 'poll.certification_signed']));
    expect(JSON.stringify(a.audit.entries)).toContain(PENDING);
    expect(verifyArchive(a).filter((c) => !c.ok)).toEqual([]);
  });
});

describe('archive:verify and audit:verify on the cycle’s entries', () => {
  let a: CycleArchive;
  beforeAll(async () => {
    a = await download(staff, city.cycleId);
  });
  const clone = (): CycleArchive => structuredClone(a);
  const check = (x: CycleArchive) => verifyArchive(x).find((c) => c.name === 'audit entries')!;

  it('passes on a fresh archive, offline and against the server’s chain', async () => {
    const offline = await cli('archive-verify', 'fresh.json', a);
    expect(offline.code, offline.out).toBe(0);
    expect(offline.out).toContain('✓ audit entries');
    const server = await cli('audit-verify', 'fresh.json', a);
    expect(server.code, server.out).toBe(0);
    expect(server.out).toContain(`the archive's ${a.audit.entries.length} audit entries match the chain`);
  }, 120_000);

  it('fails on one altered entry, offline and against the chain', async () => {
    const altered = clone();
    const e = altered.audit.entries.find((x) => x.action === 'poll.closed')!;
    (e.details as Record<string, unknown>).awaitingPaper = 'altered';
    expect(check(altered)).toMatchObject({ ok: false, detail: `broken at ${e.seq}: content does not match its hash (entry altered)` });
    const offline = await cli('archive-verify', 'altered.json', altered);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain(`✗ audit entries: broken at ${e.seq}`);
    const server = await cli('audit-verify', 'altered.json', altered);
    expect(server.code).toBe(1);
    expect(server.out).toContain(`entry ${e.seq}: content does not match its hash`);
    // rehashed to fit its new content, it no longer is the chain's entry
    const rehashed = structuredClone(altered);
    const r = rehashed.audit.entries.find((x) => x.seq === e.seq)!;
    r.hash = entryHash(r.prev_hash, { seq: Number(r.seq), at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, subject: r.subject, details: r.details });
    const onServer = await cli('audit-verify', 'rehashed.json', rehashed);
    expect(onServer.code).toBe(1);
    expect(onServer.out).toContain(`entry ${e.seq} differs from the chain's`);
  }, 120_000);

  it('fails on entries out of order, an entry beyond the chain, a relinked or a changed head', () => {
    const swapped = clone();
    const [x, y] = swapped.audit.entries;
    swapped.audit.entries[0] = y!;
    swapped.audit.entries[1] = x!;
    expect(check(swapped).ok).toBe(false);

    const beyond = clone();
    beyond.audit.chain.length = Number(beyond.audit.entries[0]!.seq) - 1;
    expect(check(beyond)).toMatchObject({ ok: false, detail: expect.stringContaining('outside the chain') });

    // two neighbours in the chain: the later one's prev_hash must be the earlier one's hash
    const relinked = clone();
    const i = relinked.audit.entries.findIndex((e, j) => j > 0 && Number(e.seq) === Number(relinked.audit.entries[j - 1]!.seq) + 1);
    expect(i).toBeGreaterThan(0);
    relinked.audit.entries[i]!.prev_hash = 'f'.repeat(64);
    expect(check(relinked)).toMatchObject({ ok: false, detail: expect.stringContaining(`broken at ${relinked.audit.entries[i]!.seq}`) });

    const first = clone();
    first.audit.entries[0]!.seq = 1;
    expect(check(first).ok).toBe(false);
  });

  it('an archive kept before format 5 (the whole chain) still verifies, and an altered entry in it still fails', { timeout: 120_000 }, async () => {
    const rows = (await withPg(t.url, (c) => c.query(`select * from audit_log where seq <= $1 order by seq`, [a.audit.chain.length]))).rows;
    const old = { ...structuredClone(a), format: 'piaojue-cycle-archive/4', audit: JSON.parse(JSON.stringify(rows)) } as unknown as CycleArchive;
    expect(verifyArchive(old).find((c) => c.name === 'audit chain')).toEqual({ name: 'audit chain', ok: true, detail: `${a.audit.chain.length} entries intact` });
    const server = await cli('audit-verify', 'format4.json', old);
    expect(server.code, server.out).toBe(0);
    (old.audit as unknown as { actor: string }[])[4]!.actor = 'user:someone-else';
    expect(verifyArchive(old).find((c) => c.name === 'audit chain')).toMatchObject({ ok: false, detail: expect.stringContaining('broken at 5') });
  });

  it('an entry dropped from the file passes offline (the limitation) but not against the chain', async () => {
    const dropped = clone();
    const at = dropped.audit.entries.findIndex((e) => e.action === 'poll.certification_signed');
    const [gone] = dropped.audit.entries.splice(at, 1);
    expect(check(dropped).ok).toBe(true);
    const server = await cli('audit-verify', 'dropped.json', dropped);
    expect(server.code).toBe(1);
    expect(server.out).toContain(`the cycle's entries ${gone!.seq} are not in the archive`);
  }, 120_000);
});
