/**
 * 所属人大 in the console: the installation's administrator puts an account and a cycle into a
 * township congress, and that account then sees the township's cycle only; a city proposal is
 * routed into the township's queue. With E2E_SCREENSHOTS=<dir> it saves console-users-unit.png,
 * console-units.png and console-proposals-route.png there.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, defaultCycle, userClient, type TestApp } from '../helpers/app.ts';
import { staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let clerk: Client;
let staffClient: Client;
const ids: Record<string, string> = {};
const contexts: BrowserContext[] = [];

async function consolePage(username: string, password: string): Promise<Page> {
  const ctx = await h.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(UI);
  contexts.push(ctx);
  expect((await ctx.request.post(`${h.base}/api/auth/login`, { headers: { 'x-piaojue-csrf': '1' }, data: { username, password } })).status()).toBe(200);
  return ctx.newPage();
}

beforeAll(async () => {
  h = await startHarness();
  const t = { app: h.app } as TestApp;
  const { admin, staff } = await staffPair(t);
  clerk = await userClient(t, admin, 'clerk', ['staff']);
  staffClient = staff;
  const city = await staff.post('/api/cycles', { ...defaultCycle, name: '2027年度宿迁市民生实事项目' });
  ids.city = city.body.id;
  expect((await admin.req('PUT', `/api/cycles/${city.body.id}/unit`, { unitName: '宿迁市人大' })).status).toBe(200);
  ids.town = (await staff.post('/api/cycles', { ...defaultCycle, level: 'township', name: '2027年度洋河镇民生实事项目' })).body.id;
  const p = await staff.post(`/api/cycles/${city.body.id}/proposals`, { title: '洋河镇中心小学门前增设红绿灯', content: '上下学时段车流大，学生过马路危险。', area: '其他', channel: 'hotline' });
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  await staff.post('/api/cycles', { ...defaultCycle, level: 'county', name: '2027年度沭阳县民生实事项目' });
  await admin.post('/api/users', { username: 'shirenda', displayName: '市人大办公室', password: 'a long enough password', roles: ['staff', 'presidium'], unit: { level: 'city', name: '宿迁市人大' } });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await h?.close();
});

describe('console 所属人大', () => {
  it('puts an account into a new township congress (its logins end)', async () => {
    const page = await consolePage('admin', 'correct horse battery');
    await page.goto(`${h.base}/console/users`);
    const row = page.locator('tr[data-username="clerk"]');
    await row.getByText('全系统').waitFor();
    await page.locator('tr[data-username="shirenda"]').getByText('宿迁市人大').waitFor();
    // Not one's own.
    await expect.poll(() => page.locator('tr[data-username="admin"]').getByRole('button', { name: '所属人大' }).isDisabled()).toBe(true);

    await row.getByRole('button', { name: '所属人大' }).click();
    await row.getByTestId('unit-pick').selectOption({ label: '新的人大…' });
    await row.getByLabel('层级').selectOption({ label: '乡镇级' });
    await row.getByTestId('unit-name').fill('洋河镇人大');
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-users-unit.png') });
    await expectAccessible(page, 'console: users, changing an account’s congress');
    await row.getByRole('button', { name: '保存' }).click();
    const dlg = page.getByRole('alertdialog');
    await dlg.getByText('其所有登录将结束').waitFor();
    await dlg.getByRole('button', { name: '保存' }).click();
    await page.getByText('已将 clerk 归入乡镇级 · 洋河镇人大，其登录已结束').waitFor();
    await row.getByText('洋河镇人大').waitFor();
    expect((await clerk.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
  });

  it('puts the township’s cycle into that congress; the township’s account then sees it alone', async () => {
    const page = await consolePage('admin', 'correct horse battery');
    await page.goto(`${h.base}/console/units`);
    const row = page.locator('tr[data-cycle="2027年度洋河镇民生实事项目"]');
    await row.getByText('未设置').waitFor();
    await row.getByRole('button', { name: '更改' }).click();
    // Only congresses of the cycle's level are offered.
    const options = await row.getByTestId('unit-pick').locator('option').allTextContents();
    expect(options).toEqual(['不属于任何人大（仅全系统账号可见）', '乡镇级 · 洋河镇人大', '新的人大…']);
    await row.getByTestId('unit-pick').selectOption({ label: '乡镇级 · 洋河镇人大' });
    await row.getByRole('button', { name: '保存' }).click();
    await page.getByText('已将“2027年度洋河镇民生实事项目”归入乡镇级 · 洋河镇人大').waitFor();
    await page.getByTestId('units').getByText('洋河镇人大').waitFor();
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-units.png'), fullPage: true });
    await expectAccessible(page, 'console: congresses and cycles');

    const township = await consolePage('clerk', 'a long enough password');
    await township.goto(`${h.base}/console`);
    await township.getByText('2027年度洋河镇民生实事项目').waitFor();
    await township.getByText('洋河镇人大 · clerk').waitFor();
    expect(await township.getByText('2027年度宿迁市民生实事项目').count()).toBe(0);
  });

  it('routes a city proposal into the township’s queue, picking the township’s cycle', async () => {
    const page = await consolePage('admin', 'correct horse battery');
    await page.goto(`${h.base}/console/cycles/${ids.city}/proposals`);
    await page.getByRole('checkbox', { name: /洋河镇中心小学门前增设红绿灯/ }).check();
    await page.getByTestId('proposal-actions').getByRole('button', { name: '转交其他层级' }).click();
    const form = page.getByTestId('route-form');
    await expect.poll(() => form.getByTestId('route-cycle').locator('option').count()).toBe(3);
    await form.getByTestId('route-cycle').selectOption({ label: '乡镇级 · 洋河镇人大 · 2027年度洋河镇民生实事项目' });
    expect(await form.getByTestId('route-to').inputValue()).toBe('洋河镇人大');
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-proposals-route.png') });
    await expectAccessible(page, 'console: proposals, routing to another level');
    await form.getByTestId('route-submit').click();
    await page.getByText('已处理 1 条').waitFor();
    const queue = (await staffClient.get(`/api/cycles/${ids.town}/proposals`)).body;
    const delivered = (queue.items ?? queue).find((x: { title: string }) => x.title === '洋河镇中心小学门前增设红绿灯');
    expect(delivered?.channel).toBe('carried');
  });
});
