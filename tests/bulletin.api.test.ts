/**
 * Publishing an encrypted poll's bulletin (docs/CRYPTO.md §"Bulletin"): GET /api/polls/:id/bulletin
 * is public once the result is certified, readable by staff and the poll's 监票人 from the close
 * on, and never while the poll is open; `pnpm verify:poll` passes on what it serves and fails on a
 * tampered copy; the cycle archive carries every bulletin and `pnpm archive:verify` checks them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bindsList, cryptoReady, verifyBulletin, type BulletinJson } from '@piaojue/shared/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { verifyArchive } from '../server/src/modules/results/archive.ts';
import type { CycleArchive } from '../server/src/modules/results/archive.service.ts';
import { Client, createTestApp, type TestApp } from './helpers/app.ts';
import { castEncrypted, castOk, decryptAs, expectErrorBody, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
let dir: string;

async function cli(script: 'verify-poll' | 'archive-verify', name: string, content: unknown): Promise<{ code: number; out: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, file], { cwd: root, timeout: 120_000 });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

let t: TestApp;
let staff: Client;
let h: Hall;
let pollId: string;
const seen: Record<string, { status: number; body: any }> = {};
const get = async (client: Client) => {
  const r = await client.get(`/api/polls/${pollId}/bulletin`);
  return { status: r.status, body: r.body };
};

beforeAll(async () => {
  await cryptoReady();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-api-'));
  t = await createTestApp();
  ({ staff } = await staffPair(t));
  h = await hall(t, staff, { encrypted: true, deputies: 7, candidates: 4, cycle: { chooseN: 2, ballotType: 'approve' } });
  pollId = await openPoll(staff, h.sessionId);
  const [a, b, c, d] = h.candidateIds as [string, string, string, string];
  const bodies = [
    { type: 'approve', marks: { [a]: 'for', [b]: 'for', [c]: 'against' } },
    { type: 'approve', marks: { [a]: 'for', [d]: 'for' } },
    { type: 'approve', marks: { [b]: 'against', [c]: 'for' } },
    { type: 'approve', marks: { [a]: 'for' } },
    { type: 'approve', marks: {} },
  ] as const;
  for (const [i, body] of bodies.entries()) await castEncrypted(h.deputies[i]!.client, pollId, body);
  const anonymous = new Client(t.app);
  const guardian = h.ceremony!.guardians[0]!;
  const voter = h.deputies[6]!.client;
  seen.openAnon = await get(anonymous);
  seen.openStaff = await get(staff);
  expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
  seen.closedAnon = await get(anonymous);
  seen.closedStaff = await get(staff);
  seen.closedGuardian = await get(guardian.client);
  seen.closedVoter = await get(voter);
  for (const g of h.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, pollId)).status).toBe(200);
  seen.countedAnon = await get(anonymous);
  seen.countedStaff = await get(staff);
  expect((await staff.post(`/api/polls/${pollId}/certify`)).status).toBe(200);
  seen.certifiedAnon = await get(anonymous);
  seen.certifiedVoter = await get(voter);
}, 180_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/polls/:id/bulletin', () => {
  it('never while the poll is open, for anyone', () => {
    expect(seen.openAnon!.status).toBe(403);
    expectErrorBody(seen.openAnon!.body, 'BULLETIN_NOT_PUBLIC');
    expect(seen.openStaff!.status).toBe(409);
    expectErrorBody(seen.openStaff!.body, 'POLL_STATE');
  });

  it('after the close: staff and the poll\'s 监票人 (to check before they sign), not the public nor other deputies', () => {
    for (const who of ['closedStaff', 'closedGuardian'] as const) {
      expect(seen[who]!.status, who).toBe(200);
      expect(seen[who]!.body.decryption).toBeNull();
      expect(verifyBulletin(seen[who]!.body).failures).toEqual([]);
    }
    expect(seen.closedStaff!.body.ballots).toHaveLength(5);
    for (const who of ['closedAnon', 'closedVoter', 'countedAnon'] as const) {
      expect(seen[who]!.status, who).toBe(403);
      expectErrorBody(seen[who]!.body, 'BULLETIN_NOT_PUBLIC');
    }
  });

  it('once certified, public: it verifies, recounts to the published result, and names the chosen projects', async () => {
    for (const who of ['countedStaff', 'certifiedAnon', 'certifiedVoter'] as const) expect(seen[who]!.status, who).toBe(200);
    const bulletin = seen.certifiedAnon!.body as BulletinJson;
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(bulletin.result).toEqual(poll.result);
    const report = verifyBulletin(bulletin);
    expect(report.failures).toEqual([]);
    // 项目1 has three 赞成, 项目2 and 项目3 one each (and one 反对): 项目1 alone, then the tie for the second place
    expect(report.chosen).toEqual(poll.result.chosen.map((id: string) => poll.candidates.find((c: { id: string }) => c.id === id).name));
    expect(report.chosen![0]).toBe('项目1');
    expect(bulletin.rules.candidates.map((c) => c.id)).toEqual(h.candidateIds);
    // version 3: the proofs are bound to the list as the poll shows it, names and order
    expect(bulletin.version).toBe(3);
    expect(bindsList(bulletin.poll, poll.candidates)).toBe(true);
  });

  it('pnpm verify:poll passes on the served bulletin and fails, naming the failure, on tampered copies', async () => {
    const bulletin = seen.certifiedAnon!.body as BulletinJson;
    const ok = await cli('verify-poll', 'bulletin.json', bulletin);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('复核通过');

    const ballot = structuredClone(bulletin);
    ballot.ballots[0]!.slots[0] = bulletin.ballots[1]!.slots[0]!;
    const bad = await cli('verify-poll', 'ballot.json', ballot);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('BALLOT_PROOF $.ballots[0]');

    const result = structuredClone(bulletin);
    (result.result!.rows[0] as { for: number }).for += 1;
    const wrong = await cli('verify-poll', 'result.json', result);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('RESULT_MISMATCH $.result.rows[0]');
  }, 60_000);

  it('each download by a signed-in reader is in the audit chain (who, draft or not; no figure), an anonymous or refused one is not', async () => {
    const exported = async (subject: string, action: string) =>
      (await withPg(t.url, (c) => c.query(`select actor, details from audit_log where action = $1 and subject = $2 order by seq`, [action, subject]))).rows;
    const guardian = h.ceremony!.guardians[0]!;
    const staffActor = (await exported(`poll:${pollId}`, 'poll.exported'))[0]?.actor as string;
    expect(staffActor).toMatch(/^user:/);
    expect(await exported(`poll:${pollId}`, 'poll.exported')).toEqual([
      { actor: staffActor, details: { document: 'bulletin', format: 'json', draft: true } },
      { actor: `deputy:${guardian.deputyId}`, details: { document: 'bulletin', format: 'json', draft: true } },
      { actor: staffActor, details: { document: 'bulletin', format: 'json', draft: true } },
      { actor: `deputy:${h.deputies[6]!.id}`, details: { document: 'bulletin', format: 'json', draft: false } },
    ]);
    // several at once (the certified bulletin comes from the cache): every one answered and recorded
    const many = await Promise.all(Array.from({ length: 8 }, () => staff.get(`/api/polls/${pollId}/bulletin`)));
    expect(many.map((r) => r.status)).toEqual(many.map(() => 200));
    expect(await exported(`poll:${pollId}`, 'poll.exported')).toHaveLength(4 + 8);
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('a plain poll has none, an unknown poll is not found', async () => {
    const plain = await hall(t, staff, { deputies: 3, candidates: 3, cycle: { chooseN: 1, ballotType: 'choose' } });
    const id = await openPoll(staff, plain.sessionId);
    for (const d of plain.deputies) await castOk(d.client, id, { type: 'choose', selected: [plain.candidateIds[0]] });
    expect((await staff.post(`/api/polls/${id}/close`)).status).toBe(200);
    const none = await staff.get(`/api/polls/${id}/bulletin`);
    expect(none.status).toBe(404);
    expectErrorBody(none.body, 'NO_BULLETIN');
    const unknown = await new Client(t.app).get('/api/polls/00000000-0000-4000-8000-000000000000/bulletin');
    expect(unknown.status).toBe(404);
    expectErrorBody(unknown.body, 'NOT_FOUND');
  });
});

describe('the cycle archive', () => {
  let archive: CycleArchive;
  beforeAll(async () => {
    const r = await staff.get(`/api/cycles/${h.cycleId}/archive`);
    expect(r.status).toBe(200);
    archive = r.body;
  });

  it('carries the bulletin, and archive:verify runs the verifier on it', async () => {
    expect(archive.format).toBe('piaojue-cycle-archive/5');
    const entry = archive.polls.find((p) => p.poll.id === pollId)!;
    expect(entry.bulletin).toEqual(seen.certifiedAnon!.body);
    const checks = verifyArchive(archive);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining([`poll ${pollId} bulletin`, `poll ${pollId} bulletin = archive`]));
    const ok = await cli('archive-verify', 'archive.json', archive);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`✓ poll ${pollId} bulletin:`);
  }, 60_000);

  it('its download is in the audit chain (who; no content), after the chain the file carries', async () => {
    const rows = (await withPg(t.url, (c) => c.query(`select seq, actor, details from audit_log where action = 'cycle.exported' and subject = $1`, [`cycle:${h.cycleId}`]))).rows;
    expect(rows).toEqual([{ seq: expect.anything(), actor: expect.stringMatching(/^user:/), details: { document: 'archive', format: 'json' } }]);
    expect(Number(archive.audit.entries.at(-1)!.seq)).toBeLessThan(Number(rows[0].seq));
    expect(archive.audit.chain.length).toBeLessThan(Number(rows[0].seq));
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('fails, naming the poll and the failure, on a tampered bulletin, a swapped result or a missing one', async () => {
    const at = archive.polls.findIndex((p) => p.poll.id === pollId);
    const ciphertext = structuredClone(archive);
    const b = ciphertext.polls[at]!.bulletin!;
    b.ballots[2]!.slots[1] = b.ballots[3]!.slots[1]!;
    const bad = await cli('archive-verify', 'tampered.json', ciphertext);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`✗ poll ${pollId} bulletin: BALLOT_PROOF $.ballots[2]`);

    const result = structuredClone(archive);
    (result.polls[at]!.bulletin!.result as { chosen: string[] }).chosen = [];
    expect(verifyArchive(result).find((c) => c.name === `poll ${pollId} bulletin`)).toMatchObject({ ok: false, detail: expect.stringContaining('RESULT_MISMATCH $.result.chosen') });
    expect(verifyArchive(result).find((c) => c.name === `poll ${pollId} bulletin = archive`)).toMatchObject({ ok: false, detail: expect.stringContaining('result differs') });

    // the 1st and 2nd project's names swapped in the bulletin (rules and result): not the list its proofs bind, nor the archive's
    const renamed = structuredClone(archive);
    const rb = renamed.polls[at]!.bulletin!;
    const list = rb.rules.candidates;
    [list[0]!.name, list[1]!.name] = [list[1]!.name, list[0]!.name];
    for (const row of (rb.result as { rows: { candidateId: string; name: string }[] }).rows) row.name = rb.rules.candidates.find((c) => c.id === row.candidateId)!.name;
    expect(verifyArchive(renamed).find((c) => c.name === `poll ${pollId} bulletin`)).toMatchObject({ ok: false, detail: expect.stringContaining('CANDIDATE_LIST $.rules.candidates') });
    expect(verifyArchive(renamed).find((c) => c.name === `poll ${pollId} bulletin = archive`)).toMatchObject({ ok: false, detail: expect.stringContaining('candidate list differs') });

    // an archive written before bulletin version 3: refused by name, never passed unchecked
    const old = structuredClone(archive);
    const ob = old.polls[at]!.bulletin! as unknown as Record<string, any>;
    ob.version = 2;
    delete ob.poll.listDigest;
    const refusedOld = await cli('archive-verify', 'old.json', old);
    expect(refusedOld.code).toBe(1);
    expect(refusedOld.out).toContain(`✗ poll ${pollId} bulletin: VERSION $.version (`);
    expect(refusedOld.out).toContain("version 2's proofs do not bind the candidate list");

    const missing = structuredClone(archive);
    missing.polls[at]!.bulletin = null;
    expect(verifyArchive(missing).find((c) => c.name === `poll ${pollId} bulletin`)).toMatchObject({ ok: false });
  }, 60_000);
});
