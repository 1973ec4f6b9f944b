/**
 * After the vote in the browser (docs/PROCEDURE.md §5): a project graded 不满意 appears in the
 * console's 整改 panel; staff open its 整改; the responsible unit reports it done on its own
 * page; staff start the 再次测评 from the rating form; once certified, the public project page
 * tells the whole story, from the poor grade to the re-rating.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves console-rectification.png, console-rating.png,
 * console-year-summary.png, console-report-cadence.png (1440x900) and
 * portal-project-rectification.png, public-results.png, progress-public.png (390x844) there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp } from '../helpers/app.ts';
import { castOk, hall, openPoll, staffPair, type Hall } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let base: string;
let browser: Browser;
let staff: Client, admin: Client;
let w: Hall;
let projectId: string;
let firstRating: string;

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shots = process.env.E2E_SCREENSHOTS;

async function page(width = 1440, height = 900): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width, height } });
  ctx.setDefaultTimeout(UI);
  return ctx.newPage();
}

async function login(p: Page, username: string, password: string) {
  await p.goto(`${base}/console/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel(/密码/).fill(password);
  await p.getByRole('button', { name: '登录' }).click();
  await p.waitForURL(`${base}/console`);
}

beforeAll(async () => {
  h = await startHarness();
  ({ base, browser } = h);
  const t = { app: h.app } as unknown as TestApp;
  ({ admin, staff } = await staffPair(t));
  const made = await admin.post('/api/users', { username: 'minzheng', displayName: '市民政局填报员', password: 'a long enough password', roles: ['department'], department: '市民政局' });
  expect(made.status).toBe(200);
  w = await hall(t, staff, { candidates: 3, deputies: 6, cycle: { chooseN: 2, year: 2099, name: '2099年度宿迁市民生实事项目' } });
  const [a, b] = w.candidateIds as [string, string];
  const vote = await openPoll(staff, w.sessionId);
  for (const d of w.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [a]: 'for', [b]: 'for' } });
  await staff.post(`/api/polls/${vote}/close`);
  expect((await staff.post(`/api/polls/${vote}/certify`)).body.status).toBe('certified');
  const init = await staff.post(`/api/cycles/${w.cycleId}/tracking/init`);
  projectId = init.body.projects.find((p: { candidateId: string }) => p.candidateId === a).id;
  await staff.req('PUT', `/api/tracking/projects/${projectId}/plan`, { department: '市民政局', targets: '新建社区助餐点20个', fundingWan: 1200, fundingSource: '市级财政', measures: '专班推进', deadline: '2099-12-31' });
  expect((await staff.post(`/api/tracking/projects/${projectId}/plan/publish`)).status).toBe(200);

  // The deputies rate project 1 不满意 (4 of 6), project 2 满意.
  const rating = await staff.post(`/api/sessions/${w.sessionId}/rating-polls`, { title: '2099年度宿迁市民生实事项目实施情况满意度测评', candidateIds: [a, b] });
  firstRating = rating.body.id;
  await staff.post(`/api/polls/${firstRating}/open`, {});
  for (const [i, d] of w.deputies.entries()) await castOk(d.client, firstRating, { type: 'rating', marks: { [a]: i < 4 ? 'unsatisfied' : 'basic', [b]: 'satisfied' } });
  await staff.post(`/api/polls/${firstRating}/close`);
  expect((await staff.post(`/api/polls/${firstRating}/certify`)).body.status).toBe('certified');
});

afterAll(async () => {
  await h?.close();
});

describe('不满意 → 整改 → 再次测评, in the browser', () => {
  it('staff open the 整改 from the console’s list of poorly graded projects', async () => {
    const con = await page();
    await login(con, 'admin', 'correct horse battery');
    await con.goto(`${base}/console/cycles/${w.cycleId}/tracking`);
    const due = con.getByTestId('rectification-due');
    await poll(() => due.count()).toBe(1);
    expect(await due.textContent()).toContain('不满意');
    // 基本满意 calls for 整改 only where the cycle says so; by default it does not.
    expect(await con.getByTestId('rectification-policy').locator('input').isChecked()).toBe(false);
    await due.getByTestId('rectification-open').click();
    await con.getByTestId('rectification-problems').fill('助餐点离小区远，老人反映用餐不便');
    await con.getByTestId('rectification-deadline').fill('2099-09-30');
    await con.getByTestId('rectification-submit').click();
    await poll(() => con.getByTestId('rectification-record').count()).toBe(1);
    expect(await con.getByTestId('rectification-due').count()).toBe(0);
    expect(await con.getByTestId('rectification-record').textContent()).toContain('整改中');
    if (shots) await con.screenshot({ path: path.join(shots, 'console-rectification.png'), fullPage: false });
    await expectAccessible(con, 'console: tracking, 整改 opened');
    await con.context().close();
  });

  it('the responsible unit reports the 整改 done on its own page', async () => {
    const unit = await page();
    await login(unit, 'minzheng', 'a long enough password');
    await unit.goto(`${base}/console/tracking/mine`);
    await unit.getByRole('button', { name: /项目1/ }).click();
    const form = unit.getByTestId('rectification-report-form');
    await form.getByTestId('rectification-report-text').fill('助餐点迁入小区，新增送餐上门服务');
    await form.getByTestId('rectification-report-done').check();
    await form.getByTestId('rectification-report-submit').click();
    await poll(() => unit.getByTestId('rectification-report').count()).toBe(1);
    expect(await unit.getByTestId('rectification').textContent()).toContain('已报告整改完成');
    await expectAccessible(unit, 'console: a unit’s own projects, 整改 reported');
    await unit.context().close();
  });

  it('staff start the 再次测评 from the rating form; the public page tells the story', async () => {
    const con = await page();
    await login(con, 'admin', 'correct horse battery');
    await con.goto(`${base}/console/sessions/${w.sessionId}`);
    await con.getByTestId('open-rating-form').click();
    const kind = con.getByTestId('rating-rerating');
    await poll(() => kind.locator('option').count()).toBe(2);
    await kind.selectOption({ index: 1 });
    expect(await con.getByTestId('rating-title').inputValue()).toBe('2099年度宿迁市民生实事项目整改情况再次测评');
    await poll(() => con.locator('[data-testid^=rating-project-]:checked').count()).toBe(1);
    expect(await con.getByTestId('rating-rule-text').textContent()).toContain('满意票超过全体代表半数的，为测评满意');
    if (shots) await con.screenshot({ path: path.join(shots, 'console-rating.png') });
    await expectAccessible(con, 'console: rating form with 再次测评');
    await con.getByTestId('rating-submit').click();
    await poll(async () => (await staff.get(`/api/sessions/${w.sessionId}/polls`)).body.filter?.((p: { reratingOf: string | null }) => p.reratingOf === firstRating).length ?? 0).toBe(1);
    await con.context().close();

    const re = (await staff.get(`/api/sessions/${w.sessionId}/polls`)).body.find((p: { reratingOf: string | null }) => p.reratingOf === firstRating);
    expect(re.candidates.map((c: { id: string }) => c.id)).toEqual([w.candidateIds[0]]);
    await staff.post(`/api/polls/${re.id}/open`, {});
    for (const d of w.deputies) await castOk(d.client, re.id, { type: 'rating', marks: { [w.candidateIds[0]!]: 'satisfied' } });
    await staff.post(`/api/polls/${re.id}/close`);
    expect((await staff.post(`/api/polls/${re.id}/certify`)).body.status).toBe('certified');

    const citizen = await page(390, 844);
    await citizen.goto(`${base}/progress/projects/${projectId}`);
    const story = citizen.getByTestId('rectification');
    await poll(() => story.count()).toBe(1);
    const text = (await story.textContent()) ?? '';
    expect(text).toContain('测评等次：不满意');
    expect(text).toContain('助餐点离小区远，老人反映用餐不便');
    expect(text).toContain('助餐点迁入小区，新增送餐上门服务');
    expect(await story.getByTestId('rectification-rerating').textContent()).toContain('满意');
    expect(await story.getByTestId('rectification-rerating').textContent()).not.toContain('不满意');
    if (shots) {
      await story.scrollIntoViewIfNeeded();
      await citizen.screenshot({ path: path.join(shots, 'portal-project-rectification.png') });
    }
    await expectAccessible(citizen, 'public project page with its 整改');
    if (shots) {
      // The year's published results and its progress, as a citizen's phone shows them.
      await citizen.goto(`${base}/results/cycles/${w.cycleId}`);
      await citizen.getByTestId('public-announcement').first().waitFor();
      await citizen.screenshot({ path: path.join(shots, 'public-results.png') });
      await citizen.goto(`${base}/progress/cycles/${w.cycleId}`);
      await citizen.getByText('项目1').first().waitFor();
      await citizen.screenshot({ path: path.join(shots, 'progress-public.png') });
    }
    await citizen.context().close();
  });

  it('the year summary prints the cycle’s figures', async () => {
    const con = await page();
    await login(con, 'admin', 'correct horse battery');
    await con.goto(`${base}/console/cycles/${w.cycleId}/year-summary`);
    const doc = con.getByTestId('year-summary');
    await poll(() => doc.count()).toBe(1);
    expect(await doc.textContent()).toContain('2099年度宿迁市民生实事项目共2个项目，计划投资');
    await con.getByTestId('completion-1').selectOption('completed');
    await poll(async () => (await doc.textContent())?.includes('完成1个') ?? false).toBe(true);
    const xlsx = await con.request.get(`${base}/api/cycles/${w.cycleId}/year-summary.xlsx`);
    expect(xlsx.status()).toBe(200);
    if (shots) await con.screenshot({ path: path.join(shots, 'console-year-summary.png') });
    await expectAccessible(con, 'console: year summary');
    await con.context().close();
  });

  it('staff set how often the unit reports; the unit sees the due dates it must meet', async () => {
    const con = await page();
    await login(con, 'admin', 'correct horse battery');
    await con.goto(`${base}/console/cycles/${w.cycleId}/tracking`);
    await con.getByTestId('tracking-table').getByText('项目1').click();
    const panel = con.getByTestId('report-cadence');
    await poll(() => panel.getByTestId('report-cadence-dues').locator('li').count()).toBe(4);
    expect(await panel.getByTestId('report-cadence-every').inputValue()).toBe('3');
    await panel.getByTestId('report-cadence-every').selectOption({ label: '每半年' });
    await panel.getByText('已改为每半年报告').waitFor();
    expect(await panel.getByTestId('report-cadence-dues').locator('li').allTextContents()).toEqual(['2099-06-30未到期', '2099-12-31未到期']);
    if (shots) {
      await panel.scrollIntoViewIfNeeded();
      await con.screenshot({ path: path.join(shots, 'console-report-cadence.png') });
    }
    await expectAccessible(con, 'console: tracking, report cadence');
    await con.context().close();

    const unit = await page();
    await login(unit, 'minzheng', 'a long enough password');
    await unit.goto(`${base}/console/tracking/mine`);
    await unit.getByRole('button', { name: /项目1/ }).click();
    const own = unit.getByTestId('report-cadence');
    await poll(() => own.getByTestId('report-cadence-dues').locator('li').count()).toBe(2);
    expect(await own.getByTestId('report-cadence-every').isDisabled()).toBe(true);
    await unit.context().close();
  });
});
