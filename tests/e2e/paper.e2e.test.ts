/**
 * Paper ballots in the browser (docs/PROCEDURE.md, "Paper ballots"): a mixed session, two
 * deputies on paper and the rest on tablets. The first 计票人 enters the count on the console
 * screen; the second enters it with one deliberate difference, sees it listed, and corrects
 * it; the 总监票人 confirms on the tablet; the 公告 shows the combined figures and both parts.
 * The cycle archive downloaded from the console passes `pnpm archive:verify`, and a copy with
 * one paper figure edited fails it, naming the figure. Then a whole poll on paper, run the same
 * way with no deputy voting on a tablet (one app and one browser for both).
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves console-paper-difference.png (1440x900) and
 * paper-ballot-a4.png (the printed 表决票, A4 at 96 dpi) there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperFiguresOf, type BallotBody, type PaperFigures } from '@piaojue/shared';
import { adoptRules, userClient, type Client, type TestApp } from '../helpers/app.ts';
import { castOk, hall, openPoll, staffPair, type Hall } from '../helpers/world.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let base: string;
let browser: Browser;
let t: TestApp;
let staff: Client;
let teller1: Client;
let teller2: Client;
let tellerIds: string[];
let w: Hall;
let pollId: string;

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shot = (p: Page, name: string) => (process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name), fullPage: name.endsWith('a4.png') }) : undefined);
const approve = (...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(w.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'abstain'])) });

async function page(width = 1440, height = 900): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width, height } });
  ctx.setDefaultTimeout(UI);
  return ctx.newPage();
}

/** The confirmation dialog every irreversible console action asks. */
async function confirmDialog(p: Page, button: string | RegExp = '确认') {
  const dlg = p.getByRole('alertdialog');
  await dlg.getByRole('button', { name: button }).click();
  await poll(() => dlg.count()).toBe(0);
}

async function login(p: Page, username: string) {
  await p.goto(`${base}/console/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel(/密码/).fill('a long enough password');
  await p.getByRole('button', { name: '登录' }).click();
  await p.waitForURL(`${base}/console`);
}

beforeAll(async () => {
  h = await startHarness();
  ({ base, browser } = h);
  t = { app: h.app } as unknown as TestApp;
  let admin: Client;
  ({ admin, staff } = await staffPair(t));
  teller1 = await userClient(t, admin, 'jipiao1', ['staff']);
  teller2 = await userClient(t, admin, 'jipiao2', ['staff']);
  const ids = (tellerIds = await Promise.all([teller1, teller2].map(async (c) => (await c.get('/api/auth/me')).body.user.id as string)));
  w = await hall(t, staff, { candidates: 5, deputies: 8, cycle: { chooseN: 3, year: 2098, name: '2098年度宿迁市民生实事项目' }, adopt: false });
  const list = await staff.req('PUT', `/api/sessions/${w.sessionId}/scrutiny`, {
    scrutineers: [
      { deputyId: w.deputies[0]!.id, chief: true },
      { deputyId: w.deputies[1]!.id, chief: false },
    ],
    counterIds: ids,
  });
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  // the plenary adopts the 票决办法 with this list (docs/PROCEDURE.md §3)
  await adoptRules(staff, w.sessionId);
  pollId = await openPoll(staff, w.sessionId);
  // two tablets fail: their deputies vote on paper
  for (const d of w.deputies.slice(6)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
  const tablets = [approve(0, 1, 2), approve(0, 1), approve(0, 3), approve(1, 2), approve(0), approve(0, 1, 4)];
  for (const [i, b] of tablets.entries()) await castOk(w.deputies[i]!.client, pollId, b);
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
});

afterAll(async () => {
  await h?.close();
});

describe('a mixed session: two deputies on paper', () => {
  it('prints the 表决票 for the poll: its name, the candidates in list order, the instructions and the check code, no deputy', async () => {
    const p = await page(900, 1200);
    await login(p, 'jipiao1');
    await p.goto(`${base}/console/polls/${pollId}/paper-ballot`);
    const sheet = p.getByTestId('paper-ballot');
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    expect(text).toContain('表 决 票');
    expect(text).toContain('赞成的项目不得多于3个');
    const rows = await p.getByTestId('paper-ballot-table').locator('tbody tr').allTextContents();
    expect(rows.map((r) => r.match(/项目\d/)?.[0])).toEqual(['项目1', '项目2', '项目3', '项目4', '项目5']);
    expect(await p.getByTestId('paper-ballot-code').textContent()).toMatch(/校验码\s+[0-9A-F]{4}-[0-9A-F]{4}/);
    for (const d of w.deputies) expect(text).not.toContain(`代表${w.deputies.indexOf(d) + 1},`);
    await shot(p, 'paper-ballot-a4.png');
    await p.context().close();
  });

  it('the first teller enters the count on the console, the second with one difference, resolved on the screen', async () => {
    const paperBallots = [approve(2, 3, 4), approve(3, 4)];
    const p = await page();
    await login(p, 'jipiao1');
    await p.goto(`${base}/console/sessions/${w.sessionId}`);
    const form = p.getByTestId('paper-form');
    await form.waitFor();
    // the live check holds the submission until the figures add up
    await p.getByTestId('paper-returned').fill('2');
    await p.getByTestId('paper-valid').fill('2');
    await p.getByTestId('paper-invalid').fill('0');
    await poll(() => p.getByTestId('paper-problems').count()).toBeGreaterThan(0);
    expect(await p.getByTestId('paper-submit').isDisabled()).toBe(true);
    const good = paperFiguresOf({ ballotType: 'approve', choose: 3, candidateIds: w.candidateIds, allowAbstain: true }, paperBallots, { issued: 2 });
    for (const [i, c] of good.candidates.entries()) for (const [k, v] of Object.entries(c.counts)) await p.getByTestId(`paper-${i}-${k}`).fill(String(v));
    await poll(() => p.getByTestId('paper-problems').count()).toBe(0);
    await p.getByTestId('paper-submit').click();
    await poll(() => p.getByTestId('paper-panel').textContent()).toContain('等待另一名计票人独立录入');

    // the second teller misreads one 赞成 of 项目3 as 弃权
    const slip = structuredClone(good);
    slip.candidates[2]!.counts = { for: 0, against: 0, abstain: 2 };
    const p2 = await page();
    await login(p2, 'jipiao2');
    expect((await teller2.post(`/api/polls/${pollId}/paper/entries`, { figures: slip })).status).toBe(200);
    await p2.goto(`${base}/console/sessions/${w.sessionId}`);
    const diff = p2.getByTestId('paper-differences');
    await diff.waitFor();
    expect(await diff.locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/项目3 · 赞成\s*1\s*0/), expect.stringMatching(/项目3 · 弃权\s*1\s*2/)]);
    await p2.getByTestId('paper-form').scrollIntoViewIfNeeded();
    await p2.getByTestId('paper-differ').scrollIntoViewIfNeeded();
    await shot(p2, 'console-paper-difference.png');

    // recounted: the second teller corrects the two cells on the screen
    await p2.getByTestId('paper-2-for').fill('1');
    await p2.getByTestId('paper-2-abstain').fill('1');
    await p2.getByTestId('paper-submit').click();
    await poll(() => p2.getByTestId('paper-panel').textContent()).toContain('两份录入一致，等待总监票人在平板上确认');
    await p.context().close();
    await p2.context().close();
  });

  it('the 总监票人 confirms on the tablet, and the 公告 shows the combined figures and both parts', async () => {
    const tablet = await page(1280, 800);
    await tablet.goto(`${base}/t/login?code=${w.deputies[0]!.code}`);
    await tablet.getByRole('button', { name: '登 录' }).click();
    const card = tablet.getByTestId('paper-confirm');
    await card.waitFor();
    expect(await tablet.getByTestId('paper-confirm-summary').textContent()).toContain('发出 2 张，收回 2 张，有效 2 张，无效 0 张');
    await tablet.getByTestId('paper-confirm-btn').click();
    await poll(async () => (await staff.get(`/api/polls/${pollId}`)).body.status).toBe('closed');
    const result = (await staff.get(`/api/polls/${pollId}`)).body.result;
    expect(result.record).toMatchObject({ issued: 8, returned: 8, valid: 8 });
    // 项目1 and 项目2 on tablets alone; 项目3, 4 and 5 tie at 3 only with the paper ballots counted
    expect(result.chosen).toEqual([w.candidateIds[0], w.candidateIds[1]]);
    expect(result.tie.candidateIds).toEqual(w.candidateIds.slice(2));

    expect((await staff.post(`/api/polls/${pollId}/certify`)).body.status).toBe('certified');
    const doc = await page();
    await doc.goto(`${base}/results/polls/${pollId}/announcement`);
    const record = doc.getByTestId('announcement-record');
    await record.waitFor();
    const text = (await record.textContent()) ?? '';
    expect(text).toContain('发出8张，收回8张，有效8张，无效0张');
    expect(text).toContain('其中电子表决发出6张，收回6张，有效6张，无效0张');
    expect(text).toContain('其中纸质表决票发出2张，收回2张，有效2张，无效0张');
    await tablet.context().close();
    await doc.context().close();
  });

  it('the cycle archive downloaded from the console passes archive:verify; with one paper figure edited it fails, naming the figure', async () => {
    const p = await page();
    await login(p, 'staff1');
    await p.goto(`${base}/console/cycles/${w.cycleId}`);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('cycle-archive').click()]);
    const dir = mkdtempSync(path.join(tmpdir(), 'paper-e2e-archive-'));
    const file = path.join(dir, 'archive.json');
    await download.saveAs(file);
    await p.context().close();
    const verify = (f: string) => spawnSync('pnpm', ['--silent', 'archive:verify', f], { encoding: 'utf8' });
    const passed = verify(file);
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain(`✓ poll ${pollId} paper figures = audit`);
    expect(passed.stdout).toContain(`✓ poll ${pollId} recount: 6 ballots and 2 paper ballots recounted, result identical`);

    // one 赞成 moved from 弃权 on 项目3's paper count: the arithmetic still adds up
    const archive = JSON.parse(readFileSync(file, 'utf8')) as { polls: { poll: { id: string }; paper: { count: { figures: PaperFigures } } | null }[] };
    const figures = archive.polls.find((x) => x.poll.id === pollId)!.paper!.count.figures;
    const c3 = figures.candidates.find((c) => c.candidateId === w.candidateIds[2])!;
    c3.counts = { ...c3.counts, for: c3.counts.for! + 1, abstain: c3.counts.abstain! - 1 };
    const edited = path.join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(archive));
    const failed = verify(edited);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(`✗ poll ${pollId} paper entries: the entries differ from the confirmed figures: entry 1 candidates[项目3].for 1, confirmed 2`);
    expect(failed.stdout).toContain(`✗ poll ${pollId} paper figures = audit`);
    expect(failed.stdout).toContain('rows[项目3].for stored 3, recounted 4');
    rmSync(dir, { recursive: true });
  });
});

describe('a whole poll on paper: no deputy votes on a tablet', () => {
  it('staff put the draft on paper and run it from the console; the 计票人 reconcile, the 总监票人 confirms, the 公告 shows the paper count', async () => {
    const v = await hall(t, staff, { candidates: 4, deputies: 6, present: 0, cycle: { chooseN: 2, year: 2099, name: '2099年度宿迁市民生实事项目' }, adopt: false });
    // signed in on paper by staff: no deputy uses a tablet for anything but the 总监票人's confirmation
    for (const d of v.deputies) expect((await staff.post(`/api/deputies/${d.id}/checkin`, { present: true })).status).toBe(200);
    const list = await staff.req('PUT', `/api/sessions/${v.sessionId}/scrutiny`, {
      scrutineers: [
        { deputyId: v.deputies[0]!.id, chief: true },
        { deputyId: v.deputies[1]!.id, chief: false },
      ],
      counterIds: tellerIds,
    });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    await adoptRules(staff, v.sessionId);
    const id = (await staff.post(`/api/sessions/${v.sessionId}/polls`, {})).body.id as string;
    const vote = (...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(v.candidateIds.map((c, i) => [c, forIdx.includes(i) ? 'for' : 'abstain'])) });

    const con = await page();
    await login(con, 'staff1');
    await con.goto(`${base}/console/sessions/${v.sessionId}`);
    await con.getByTestId('paper-whole').check();
    // the 主席团 issued two 公告 of this session outside the system: staff enter this one's number
    expect(await con.getByTestId('notice-number-value').textContent()).toContain('下一个为第1号');
    await con.getByTestId('notice-number-input').fill('3');
    await con.getByTestId('notice-number-enter').click();
    await poll(() => con.getByTestId('notice-number-value').textContent()).toContain('已录入第3号');
    await shot(con, 'console-notice-number.png');
    await poll(() => con.getByTestId('paper-panel').textContent()).toContain('整场纸质');
    await con.getByRole('button', { name: /开始投票/ }).click();
    await confirmDialog(con);
    await poll(async () => (await staff.get(`/api/polls/${id}`)).body.status).toBe('open');
    // every ballot issued is a paper one, so no tablet can cast
    expect((await staff.get(`/api/polls/${id}/paper`)).body.deputies).toHaveLength(6);
    const refused = await v.deputies[2]!.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: crypto.randomUUID(), ballot: vote(0) });
    expect(refused.body.error?.code).toBe('PAPER_BALLOT_ISSUED');
    await con.getByRole('button', { name: /结束投票/ }).click();
    await confirmDialog(con, '结束投票');
    await poll(async () => (await staff.get(`/api/polls/${id}`)).body.status).toBe('counting');

    // six paper ballots: 项目1 and 项目2 on four, 项目3 on two; one ballot too many 赞成 (invalid)
    const form = { ballotType: 'approve' as const, choose: 2, candidateIds: v.candidateIds, allowAbstain: true };
    const good = paperFiguresOf(form, [vote(0, 1), vote(0, 1), vote(0, 2), vote(1, 2), vote(0, 1)], { issued: 6, invalidReasons: { too_many: 1 } });
    const p1 = await page();
    await login(p1, 'jipiao1');
    await p1.goto(`${base}/console/sessions/${v.sessionId}`);
    await p1.getByTestId('paper-form').waitFor();
    for (const k of ['returned', 'valid', 'invalid'] as const) await p1.getByTestId(`paper-${k}`).fill(String(good[k]));
    await p1.getByTestId('paper-reason-too_many').fill('1');
    for (const [i, c] of good.candidates.entries()) for (const [k, n] of Object.entries(c.counts)) await p1.getByTestId(`paper-${i}-${k}`).fill(String(n));
    await poll(() => p1.getByTestId('paper-problems').count()).toBe(0);
    await p1.getByTestId('paper-submit').click();
    await poll(() => p1.getByTestId('paper-panel').textContent()).toContain('等待另一名计票人独立录入');
    // the second 计票人 reads one invalid ballot as valid; the first sees the difference listed
    const slip = structuredClone(good);
    slip.valid = 6;
    slip.invalid = 0;
    slip.invalidReasons = { ...slip.invalidReasons, too_many: 0 };
    slip.candidates[3]!.counts = { ...slip.candidates[3]!.counts, abstain: 6 };
    for (const c of slip.candidates.slice(0, 3)) c.counts = { ...c.counts, abstain: c.counts.abstain! + 1 };
    expect((await teller2.post(`/api/polls/${id}/paper/entries`, { figures: slip })).status).toBe(200);
    await poll(() => p1.getByTestId('paper-differences').locator('tbody tr').count()).toBeGreaterThan(0);
    expect((await teller2.req('PUT', `/api/polls/${id}/paper/entries/mine`, { figures: good })).status).toBe(200);
    await poll(() => p1.getByTestId('paper-panel').textContent()).toContain('两份录入一致，等待总监票人在平板上确认');

    // the 总监票人 signs in on a screen in the counting room and confirms
    const chief = await page();
    await chief.goto(`${base}/t/login?code=${v.deputies[0]!.code}`);
    await chief.getByRole('button', { name: '登 录' }).click();
    await chief.getByTestId('paper-confirm').waitFor();
    expect(await chief.getByTestId('paper-confirm-summary').textContent()).toContain('发出 6 张，收回 6 张，有效 5 张，无效 1 张');
    await chief.getByTestId('paper-confirm-btn').click();
    await poll(async () => (await staff.get(`/api/polls/${id}`)).body.status).toBe('closed');
    const result = (await staff.get(`/api/polls/${id}`)).body.result;
    expect(result.record).toMatchObject({ issued: 6, returned: 6, valid: 5, invalid: 1 });
    expect(result.paper.electronic).toMatchObject({ issued: 0, returned: 0 });
    expect(result.chosen).toEqual([v.candidateIds[0], v.candidateIds[1]]);

    await con.getByTestId('poll-certify').click();
    await confirmDialog(con);
    await poll(async () => (await staff.get(`/api/polls/${id}`)).body.status).toBe('certified');
    const doc = await page();
    await doc.goto(`${base}/results/polls/${id}/announcement`);
    const record = doc.getByTestId('announcement-record');
    await record.waitFor();
    const text = (await record.textContent()) ?? '';
    expect(text).toContain('发出6张，收回6张，有效5张，无效1张');
    expect(text).toContain('全部采用纸质表决票，无效票中');
    expect(text).not.toContain('其中电子表决');
    // the number entered, given at certification
    expect(await doc.getByTestId('announcement-number').textContent()).toBe('（第3号）');
    await poll(() => con.getByTestId('notice-number-value').textContent()).toContain('第3号（主席团确认结果时编定');
    for (const x of [con, p1, chief, doc]) await x.context().close();
  });
});
