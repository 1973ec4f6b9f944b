/**
 * A session with encrypted ballots in the browser (issue 18, docs/CRYPTO.md):
 * - the key ceremony on three 监票人 tablets, threshold 2: each tablet runs its rounds, all show
 *   the same fingerprint as the public key route; one prints its share backup once, and the same
 *   监票人 on a fresh tablet restores the share from it (a wrong text is refused);
 * - deputies vote: two on tablets (正在加密…, then the tracker as 回执/核验码), the rest through
 *   the API with ballots encrypted here as a tablet would;
 * - the poll closes to 解密: the hall shows 监票人解密中 k/t; two 监票人 press 解密 on their
 *   tablets (one of them the restored one); the hall shows the result, equal to the plain count;
 * - `pnpm verify:poll` passes on the published bulletin and fails on a tampered copy.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves tablet-ceremony.png, tablet-share-backup.png,
 * tablet-encrypted-done.png, tablet-decrypt.png, hall-decrypting.png and console-ceremony.png there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CANDIDATES } from '../../scripts/demo-data.ts';
import { adoptRules, Client, defaultCycle, key, rosterCsv, type TestApp } from '../helpers/app.ts';
import { fixList, staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';
import { encryptFor } from '../helpers/encrypted.ts';

const UI = 30_000;
const SEATED = 9;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shot = (p: Page, name: string, fullPage = false) =>
  process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name), fullPage }) : undefined;
const TABLET: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, hasTouch: true };

let h: Harness;
let base: string;
let browser: Browser;
let staff: Client;
let sessionId: string;
let pollId: string;
let candidates: { id: string; name: string }[];
let fingerprint: string;
let backup: string;
let printed: string;
let expected: { for: number; against: number }[];
const deputies: { id: string; code: string; client: Client }[] = [];
const pages = new Map<string, Page>();

async function open(name: string, opts: BrowserContextOptions): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  ctx.setDefaultTimeout(UI);
  const page = await ctx.newPage();
  if (process.env.E2E_DEBUG) {
    page.on('console', (m) => console.error(`[${name}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[${name}] pageerror: ${e.message}`));
  }
  pages.set(name, page);
  return page;
}

/** `pnpm verify:poll <file>` as a user runs it: its exit code and output. */
function verifyPoll(file: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['--silent', 'verify:poll', file], { cwd: path.resolve(import.meta.dirname, '../..') }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr });
    });
  });
}

/** A ballot encrypted in this process exactly as a tablet encrypts it. */
async function encrypted(client: Client, body: Parameters<typeof encryptFor>[2]) {
  return (await encryptFor(client, pollId, body)).packed;
}

async function tabletOf(name: string, i: number): Promise<Page> {
  const tablet = await open(name, TABLET);
  await tablet.goto(`${base}/t/login?code=${deputies[i]!.code}`);
  await tablet.getByRole('button', { name: '登 录' }).click();
  // home, done, or straight into the ballot of an open poll
  await tablet.getByTestId('checkin-status').or(tablet.getByTestId('deputy-done')).or(tablet.getByRole('radiogroup')).first().waitFor();
  return tablet;
}

beforeAll(async () => {
  h = await startHarness({ DB_POOL_SIZE: '10' });
  ({ base, browser } = h);
  const t = { app: h.app } as TestApp;
  staff = (await staffPair(t)).staff;
  const cycle = await staff.post('/api/cycles', { ...defaultCycle, ballotMode: 'encrypted', chooseN: 3, ballotType: 'approve', minBallots: 3, certifyK: 1 });
  expect(cycle.status, JSON.stringify(cycle.body)).toBe(200);
  for (const c of DEMO_CANDIDATES.slice(0, 5)) await staff.post(`/api/cycles/${cycle.body.id}/candidates`, c);
  expect((await fixList(staff, cycle.body.id)).status).toBe(200);
  sessionId = (await staff.post('/api/sessions', { cycleId: cycle.body.id, name: '宿迁市第六届人民代表大会第三次会议' })).body.id;
  await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(SEATED)).toString('base64') });
  const codes = (await staff.post(`/api/sessions/${sessionId}/codes`, {})).body as { deputyId: string; code: string }[];
  await staff.post(`/api/sessions/${sessionId}/checkin/open`);
  for (const c of codes) {
    const client = new Client(h.app);
    await client.post('/api/auth/deputy-login', { code: c.code });
    await client.post('/api/deputy/checkin');
    deputies.push({ id: c.deputyId, code: c.code, client });
  }
  // 监票人: deputies 1–3 (the first is the 总监票人)
  await adoptRules(staff, sessionId, deputies.slice(0, 3).map((d) => d.id));
});

// each step builds on the one before
let failed = false;
beforeEach((ctx) => {
  if (failed) ctx.skip();
  ctx.onTestFailed(async () => {
    failed = true;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-e2e-'));
    for (const [name, page] of pages) await page.screenshot({ path: path.join(dir, `${name}.png`) }).catch(() => undefined);
    console.error(`e2e screenshots: ${dir}`);
  });
});

afterAll(async () => {
  for (const p of pages.values()) await p.context().close().catch(() => undefined);
  await h?.close();
});

describe('encrypted ballots in the browser', () => {
  it('three 监票人 tablets generate the key (2 of 3) and show the fingerprint the public key route gives', async () => {
    const tablets = [await tabletOf('g1', 0), await tabletOf('g2', 1), await tabletOf('g3', 2)];
    const started = await staff.post(`/api/sessions/${sessionId}/ceremony`, { threshold: 2 });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    for (const tablet of tablets) await tablet.getByTestId('ceremony-done').waitFor();
    const key = await staff.get(`/api/sessions/${sessionId}/ceremony/key`);
    expect(key.status).toBe(200);
    fingerprint = key.body.fingerprint;
    for (const tablet of tablets) expect(await tablet.getByTestId('ceremony-fingerprint').textContent()).toBe(fingerprint);
    await expectAccessible(tablets[0]!, 'tablet: key ceremony done');
    await shot(tablets[0]!, 'tablet-ceremony.png');
    // the console's panel: complete, every 监票人 through the three rounds, the same fingerprint
    const console = await open('console', { viewport: { width: 1440, height: 900 } });
    await console.context().request.post(`${base}/api/auth/login`, { data: { username: 'staff1', password: 'a long enough password' }, headers: { 'x-piaojue-csrf': '1' } });
    await console.goto(`${base}/console/sessions/${sessionId}?tab=procedure`);
    const panel = console.getByTestId('ceremony-panel');
    await panel.scrollIntoViewIfNeeded();
    await poll(() => console.getByTestId('ceremony-status').textContent()).toBe('已完成');
    expect(await console.getByTestId('console-fingerprint').textContent()).toBe(fingerprint);
    expect(await panel.locator('td.tick').allTextContents()).toEqual(Array(9).fill('✓'));
    await expectAccessible(console, 'console: key ceremony complete');
    await shot(console, 'console-ceremony.png');
    // a deputy who is no 监票人 has no such screen
    const plain = await tabletOf('deputy4', 3);
    await plain.getByTestId('checkin-status').waitFor();
    expect(await plain.getByTestId('guardian-ceremony').count()).toBe(0);
  });

  it('the share backup prints once; the 监票人 restores it on a fresh tablet, and a wrong text is refused', async () => {
    const g1 = pages.get('g1')!;
    await g1.getByTestId('ceremony-print-backup').click();
    const sheet = g1.getByTestId('share-backup');
    await sheet.waitFor();
    backup = (await g1.getByTestId('backup-text').getAttribute('data-backup')) ?? '';
    expect(backup).toMatch(/^PJSHARE1\.[A-Za-z0-9_-]+\.1\.[A-Za-z0-9_-]{43}\.[0-9a-f]{8}$/);
    expect(await sheet.locator('svg').count()).toBe(1);
    // as printed: one part per line in groups of four, which is how a 监票人 types it back
    printed = (await g1.getByTestId('backup-text').innerText()).trim();
    expect(printed.replace(/\s+/g, '')).toBe(backup);
    expect(await sheet.textContent()).toContain(fingerprint);
    await shot(g1, 'tablet-share-backup.png', true);
    const pdf = await g1.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    // the share itself never went to the server
    const share = backup.split('.')[3]!;
    expect(JSON.stringify((await staff.get(`/api/sessions/${sessionId}/ceremony/transcript`)).body)).not.toContain(share);

    // offered once: back on the home screen, and after a reload, it is gone; the share stays
    await g1.goto(`${base}/t`);
    await g1.getByTestId('ceremony-backup-done').waitFor();
    await g1.goto(`${base}/t/share-backup`);
    await g1.getByTestId('backup-none').waitFor();
    await g1.goto(`${base}/t`);
    await g1.getByTestId('ceremony-done').waitFor();
    expect(await g1.getByTestId('ceremony-print-backup').count()).toBe(0);

    // 监票人 1's tablet is lost: a new one holds nothing until the backup is typed in
    await g1.context().close();
    pages.delete('g1');
    const fresh = await tabletOf('g1-new', 0);
    await fresh.getByTestId('ceremony-restore').waitFor();
    const input = fresh.getByTestId('ceremony-restore-input');
    await input.fill(backup.slice(0, -1) + (backup.endsWith('0') ? '1' : '0'));
    await fresh.getByTestId('ceremony-restore-btn').click();
    await poll(() => fresh.getByTestId('ceremony-restore').textContent()).toContain('备份无效');
    await input.fill(printed);
    await fresh.getByTestId('ceremony-restore-btn').click();
    await fresh.getByTestId('ceremony-backup-done').waitFor();
    expect(await fresh.getByTestId('ceremony-restore').count()).toBe(0);
  });

  it('deputies vote: on tablets the ballot is encrypted and the tracker shown as 回执/核验码; the rest through the API', async () => {
    const created = await staff.post(`/api/sessions/${sessionId}/polls`, {});
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.ballotMode).toBe('encrypted');
    pollId = created.body.id;
    candidates = created.body.candidates;
    expect((await staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);

    const ballots: Record<string, 'for' | 'against' | 'abstain'>[] = [];
    const onTablet = async (page: Page, marks: Record<number, '赞成' | '反对'>) => {
      for (const [i, m] of Object.entries(marks)) await page.getByRole('radiogroup', { name: candidates[Number(i)]!.name }).getByRole('radio', { name: m }).click();
      await page.getByRole('button', { name: /核对表决票/ }).click();
      await page.getByRole('button', { name: '确认投票' }).click();
      await page.getByTestId('deputy-done').waitFor();
      ballots.push(Object.fromEntries(candidates.map((c, i) => [c.id, marks[i] === '赞成' ? 'for' : marks[i] === '反对' ? 'against' : 'abstain'])));
    };
    const d4 = pages.get('deputy4')!;
    await onTablet(d4, { 0: '赞成', 1: '赞成', 3: '反对' });
    const d5 = await tabletOf('deputy5', 4);
    await onTablet(d5, { 1: '赞成', 2: '赞成', 4: '赞成' });

    const receipt = d4.getByTestId('receipt');
    expect(await receipt.getAttribute('aria-label')).toMatch(/^([0-9A-F]{4}-){4}[0-9A-F]{4}$/);
    expect(await d4.getByTestId('deputy-done').textContent()).toContain('回执/核验码');
    expect(await d4.getByTestId('tracker-note').textContent()).toContain('证明您的表决票已计入');
    expect(await d4.getByTestId('tracker-note').textContent()).toContain('不显示您的选择');
    await expectAccessible(d4, 'tablet: encrypted ballot cast');
    await shot(d4, 'tablet-encrypted-done.png');

    // the other seven through the API, encrypted as a tablet does
    for (const i of [0, 1, 2, 5, 6, 7, 8]) {
      const marks = Object.fromEntries(candidates.map((c, j): [string, 'for' | 'against' | 'abstain'] => [c.id, (i + j) % 3 === 0 ? 'for' : (i + j) % 3 === 1 && j < 3 ? 'against' : 'abstain']));
      // at most 3 赞成
      let n = 0;
      for (const id of Object.keys(marks)) if (marks[id] === 'for' && ++n > 3) marks[id] = 'abstain';
      const cast = await deputies[i]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: await encrypted(deputies[i]!.client, { type: 'approve', marks }) } });
      expect(cast.status, JSON.stringify(cast.body)).toBe(200);
      ballots.push(marks);
    }
    expected = candidates.map((c) => ({
      for: ballots.filter((b) => b[c.id] === 'for').length,
      against: ballots.filter((b) => b[c.id] === 'against').length,
    }));
    // the server stored ciphertext only: no ballot body anywhere in the poll's answers
    expect(JSON.stringify((await staff.get(`/api/polls/${pollId}`)).body)).not.toContain('"marks"');
  });

  it('the poll closes to 解密: the hall shows 监票人解密中 k/t, two 监票人 decrypt on their tablets, the hall shows the result', async () => {
    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe('decrypting');
    const displayKey = (await staff.get(`/api/sessions/${sessionId}/display-link`)).body.key as string;
    const hall = await open('hall', { viewport: { width: 1920, height: 1080 } });
    await hall.goto(`${base}/hall/${sessionId}?key=${displayKey}`);
    await hall.getByTestId('hall-decrypting').waitFor();
    await poll(async () => (await hall.getByTestId('hall-decrypt-progress').textContent())?.replace(/\s+/g, '')).toBe('0/2');
    expect(await hall.getByTestId('hall-fingerprint').textContent()).toContain(fingerprint);

    // the restored tablet of 监票人 1 decrypts first
    const g1 = pages.get('g1-new')!;
    await g1.getByTestId('guardian-decrypt').waitFor();
    await g1.getByTestId('decrypt-btn').click();
    await g1.getByTestId('decrypt-done').waitFor();
    await poll(async () => (await hall.getByTestId('hall-decrypt-progress').textContent())?.replace(/\s+/g, '')).toBe('1/2');
    await expectAccessible(hall, 'hall: scrutineers decrypting (1920×1080)');
    await shot(hall, 'hall-decrypting.png');

    const g2 = pages.get('g2')!;
    await poll(() => g2.getByTestId('decrypt-progress').textContent()).toContain('1/2');
    await expectAccessible(g2, 'tablet: 解密');
    await shot(g2, 'tablet-decrypt.png');
    await g2.getByTestId('decrypt-btn').click();

    await hall.getByTestId('hall-provisional').waitFor();
    const p = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(p.status).toBe('closed');
    for (const [i, c] of candidates.entries()) {
      const row = p.result.rows.find((r: { candidateId: string }) => r.candidateId === c.id);
      expect({ for: row.for, against: row.against }, c.name).toEqual(expected[i]);
    }
    expect(await hall.getByTestId('result-row').count()).toBe(candidates.length);
    // the third 监票人 is not needed: once the count is out, their tablet no longer asks
    await poll(() => pages.get('g3')!.getByTestId('decrypt-btn').count()).toBe(0);
  });

  it('the published bulletin passes pnpm verify:poll, holds each tablet’s tracker, and a tampered copy fails', async () => {
    expect((await staff.post(`/api/polls/${pollId}/certify`)).body.status).toBe('certified');
    // public once certified: fetched as anyone would
    const res = await fetch(`${base}/api/polls/${pollId}/bulletin`);
    expect(res.status).toBe(200);
    const bulletin = (await res.json()) as { ballots: { tracker: string; slots: [string, string][] }[] };
    expect(bulletin.ballots).toHaveLength(9);
    const mine = (await pages.get('deputy4')!.getByTestId('receipt').getAttribute('aria-label'))!.replace(/-/g, '').toLowerCase();
    expect(bulletin.ballots.some((b) => b.tracker.startsWith(mine))).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-bulletin-'));
    const good = path.join(dir, 'bulletin.json');
    fs.writeFileSync(good, JSON.stringify(bulletin));
    const verified = await verifyPoll(good);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain('复核通过');

    // one stored ciphertext swapped for another ballot's: its proofs and the sums no longer hold
    const tampered = structuredClone(bulletin);
    tampered.ballots[0]!.slots[0] = tampered.ballots[1]!.slots[0]!;
    const bad = path.join(dir, 'tampered.json');
    fs.writeFileSync(bad, JSON.stringify(tampered));
    const refused = await verifyPoll(bad);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toContain('BALLOT_PROOF');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
