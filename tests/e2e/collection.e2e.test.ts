/**
 * 征集 through the console: the secretariat publishes the collection notice, sets up a
 * collection point and enters proposals that came by hotline and through the point's QR code;
 * items of last year's reserve are carried in; a citizen then finds the notice and the
 * districts on the portal's form, and sends a proposal that appears in the review queue.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves console-collection.png, console-carry.png and portal-track.png there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';
import { adminClient, defaultCycle, type TestApp } from '../helpers/app.ts';

const UI = 30_000;
const CYCLE = '2028年度宿迁市民生实事项目';
const PREVIOUS = '2027年度宿迁市民生实事项目';

let h: Harness;
let app: App;
let base: string;
let browser: Browser;
let cycleId: string;

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });

async function confirmDialog(p: Page, button: string | RegExp) {
  const dlg = p.getByRole('alertdialog');
  await dlg.getByRole('button', { name: button }).click();
  await poll(() => dlg.count()).toBe(0);
}

/** Beijing wall time of an instant, as a datetime-local input takes it. */
const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

beforeAll(async () => {
  h = await startHarness();
  ({ app, base, browser } = h);
  const admin = await adminClient({ app } as unknown as TestApp);
  // last year's cycle, with two proposals in its 储备库
  const previous = (await admin.post('/api/cycles', { ...defaultCycle, name: PREVIOUS, year: 2027 })).body.id;
  const reserved: string[] = [];
  for (const title of ['城东农贸市场改造', '滨河步道照明']) {
    const p = await admin.post(`/api/cycles/${previous}/proposals`, { channel: 'letter', title, content: `${title}，群众来信反映多年。`, area: '其他' });
    reserved.push(p.body.id);
  }
  const act = await admin.post(`/api/cycles/${previous}/proposals/actions`, { action: 'reserve', proposalIds: reserved });
  if (act.status !== 200) throw new Error(JSON.stringify(act.body));
  cycleId = (await admin.post('/api/cycles', { ...defaultCycle, name: CYCLE, year: 2028 })).body.id;

});

afterAll(async () => {
  await h?.close();
});

async function page(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 1400 } });
  ctx.setDefaultTimeout(UI);
  return ctx.newPage();
}

describe('征集 in the console', () => {
  it('publishes the notice, adds a collection point, enters proposals; the portal shows it', async () => {
    const con = await page();
    await con.goto(`${base}/console/login`);
    await con.getByLabel('用户名').fill('admin');
    await con.getByLabel(/密码/).fill('correct horse battery');
    await con.getByRole('button', { name: '登录' }).click();
    await con.waitForURL(`${base}/console`);

    // from the cycle page
    await con.goto(`${base}/console/cycles/${cycleId}`);
    await con.getByTestId('cycle-collection').click();
    await con.waitForURL(`${base}/console/cycles/${cycleId}/collection`);
    await poll(() => con.getByTestId('collection-state').textContent()).toBe('尚未发布');
    // a fresh notice is written for this cycle and runs 30 days
    expect(await con.getByTestId('notice-title').inputValue()).toBe(`关于征集${CYCLE}的公告`);
    expect(await con.getByTestId('notice-body').inputValue()).toContain(CYCLE);
    await poll(() => con.getByTestId('notice-window').textContent()).toContain('征集期 30 天');

    // open since an hour ago, for 20 days: allowed, but the console warns
    const opens = Date.now() - 3_600_000;
    await con.getByTestId('notice-opens').fill(beijing(opens));
    await con.getByTestId('notice-closes').fill(beijing(opens + 20 * 86_400_000));
    await poll(() => con.getByTestId('notice-window').textContent()).toContain('少于 30 天');
    // closing before opening is refused here, before any request
    await con.getByTestId('notice-closes').fill(beijing(opens - 86_400_000));
    await con.getByTestId('notice-save').click();
    await poll(() => con.getByRole('alert').textContent()).toContain('截止时间必须晚于开始时间');
    await con.getByTestId('notice-closes').fill(beijing(opens + 45 * 86_400_000));
    await con.getByTestId('notice-districts').fill('宿城区\n宿豫区、沭阳县');
    await con.getByTestId('notice-save').click();
    await poll(() => con.getByTestId('collection-state').textContent()).toBe('征集中');
    expect(await con.getByTestId('notice-save').textContent()).toContain('保存修改');

    // a collection point
    await con.getByTestId('point-name').fill('幸福街道代表联络站');
    await con.getByTestId('point-address').fill('宿城区幸福路18号');
    await con.getByTestId('point-add').click();
    const points = con.getByTestId('points-panel');
    await poll(() => points.getByText('幸福街道代表联络站').count()).toBe(1);

    // a hotline proposal: nothing missing may go through
    const form = con.getByTestId('entry-panel');
    await form.getByTestId('entry-submit').click();
    await poll(() => form.getByRole('alert').textContent()).toContain('建议标题');
    await form.getByTestId('entry-note').fill('12345-20270701-0001');
    await form.getByTestId('entry-title').fill('幸福路口增设红绿灯');
    await form.getByTestId('entry-content').fill('幸福路与人民路交叉口车流量大，建议增设红绿灯。');
    await form.getByTestId('entry-area').selectOption('交通出行');
    await form.getByLabel('区县/街道').selectOption('宿豫区');
    await form.getByTestId('entry-submit').click();
    await poll(() => form.getByTestId('entered').textContent()).toMatch(/已录入第 \d+ 号建议“幸福路口增设红绿灯”，查询码 [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(await form.getByTestId('entry-title').inputValue()).toBe('');

    // one that came through the point's QR code counts for the point, which can no longer be deleted
    await form.getByTestId('entry-channel').selectOption('qr');
    await form.getByTestId('entry-point').selectOption({ label: '幸福街道代表联络站' });
    await form.getByTestId('entry-title').fill('社区食堂');
    await form.getByTestId('entry-content').fill('在幸福街道开办社区老年食堂。');
    await form.getByTestId('entry-area').selectOption('老有所养');
    await form.getByTestId('entry-submit').click();
    await poll(() => form.getByTestId('entered').textContent()).toMatch(/已录入第 \d+ 号建议“社区食堂”/);
    await poll(() => points.locator('li', { hasText: '幸福街道代表联络站' }).locator('.count').textContent()).toBe('1');
    expect(await points.locator('li', { hasText: '幸福街道代表联络站' }).getByRole('button', { name: '删除' }).isDisabled()).toBe(true);

    await con.evaluate('window.scrollTo(0, 0)');
    if (process.env.E2E_SCREENSHOTS) await con.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-collection.png') });
    await expectAccessible(con, 'console: collection settings');

    // last year's reserve: pick one of the two and carry it in
    const carry = con.getByTestId('carry-panel');
    await poll(async () => (await carry.getByTestId('carry-source').locator('option:checked').textContent()) ?? '').toBe(PREVIOUS);
    await poll(() => carry.getByRole('checkbox', { name: /城东农贸市场改造/ }).count()).toBe(1);
    await carry.getByRole('checkbox', { name: /城东农贸市场改造/ }).check();
    if (process.env.E2E_SCREENSHOTS) await carry.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-carry.png') });
    await carry.getByTestId('carry-go').click();
    await confirmDialog(con, /转入本年度/);
    await poll(() => carry.getByTestId('carry-done').textContent()).toContain('已转入 1 项');
    // what was carried leaves the reserve list; the other stays
    await poll(() => carry.getByRole('checkbox', { name: /城东农贸市场改造/ }).count()).toBe(0);
    await poll(() => carry.getByRole('checkbox', { name: /滨河步道照明/ }).count()).toBe(1);

    // the queue has all three, with their channels
    await con.getByRole('link', { name: '建议审查' }).first().click();
    await poll(() => con.getByRole('row', { name: /幸福路口增设红绿灯/ }).textContent()).toContain('热线');
    await poll(() => con.getByRole('row', { name: /社区食堂/ }).textContent()).toContain('幸福街道代表联络站');
    await poll(() => con.getByRole('row', { name: /城东农贸市场改造/ }).textContent()).toContain('上年储备');
    await expectAccessible(con, 'console: proposal queue');

    // a citizen sees the notice and the districts
    const citizen = await page();
    await citizen.goto(`${base}/portal/cycles/${cycleId}/propose`);
    await poll(() => citizen.getByText(`关于征集${CYCLE}的公告`).count()).toBeGreaterThan(0);
    const districts = await citizen.getByLabel('区县/街道').locator('option').allTextContents();
    expect(districts).toEqual(expect.arrayContaining(['宿城区', '宿豫区', '沭阳县']));
    await expectAccessible(citizen, 'portal: propose form');
    // … and sends one
    const pf = citizen.getByTestId('propose-form');
    await pf.getByLabel(/建议标题/).fill('公园增设公共厕所');
    await pf.getByLabel(/建议内容/).fill('古黄河公园人流量大，只有一处公厕。');
    await pf.getByLabel(/所属领域/).selectOption('文化体育');
    // the estimated cost: a number input (it once stopped the form dead at 正在提交…)
    await pf.getByLabel(/估算费用/).fill('30');
    await pf.getByLabel('区县/街道').selectOption('宿城区');
    await citizen.getByTestId('propose-submit').click();
    await poll(() => citizen.getByTestId('tracking-code').textContent()).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expectAccessible(citizen, 'portal: proposal received, tracking code');
    const code = (await citizen.getByTestId('tracking-code').textContent())!.trim();
    await citizen.goto(`${base}/portal/track/${code}`);
    await poll(() => citizen.getByText('公园增设公共厕所').count()).toBeGreaterThan(0);
    if (process.env.E2E_SCREENSHOTS) await citizen.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'portal-track.png') });
    await expectAccessible(citizen, 'portal: a proposal’s progress');
    await citizen.goto(`${base}/portal`);
    await poll(() => citizen.getByText(CYCLE).count()).toBeGreaterThan(0);
    await expectAccessible(citizen, 'portal: home');
    await con.reload();
    await poll(() => con.getByRole('row', { name: /公园增设公共厕所/ }).textContent()).toContain('网页');
  });
});
