/**
 * The administrator's users page: disable an account and enable it again through the console,
 * and see its open logins end. With E2E_SCREENSHOTS=<dir> it saves console-users.png there.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 */
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, userClient, type TestApp } from '../helpers/app.ts';
import { staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let clerk: Client;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  h = await startHarness();
  const t = { app: h.app } as TestApp;
  const { admin } = await staffPair(t);
  await userClient(t, admin, 'zhuxi', ['presidium']);
  clerk = await userClient(t, admin, 'clerk', ['staff']);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await h?.close();
});

describe('console users page', () => {
  it('disables an account (its logins end) and enables it again', async () => {
    const ctx = await h.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    ctx.setDefaultTimeout(UI);
    contexts.push(ctx);
    expect((await ctx.request.post(`${h.base}/api/auth/login`, { headers: { 'x-piaojue-csrf': '1' }, data: { username: 'admin', password: 'correct horse battery' } })).status()).toBe(200);
    const page = await ctx.newPage();
    await page.goto(`${h.base}/console/users`);
    const row = page.locator('tr[data-username="clerk"]');
    await row.getByText('在线登录 1 处').waitFor();
    // Not on one's own account.
    await expect.poll(() => page.locator('tr[data-username="admin"]').getByRole('button', { name: '停用' }).isDisabled()).toBe(true);

    await row.getByRole('button', { name: '停用' }).click();
    const dlg = page.getByRole('alertdialog');
    await dlg.getByText('其所有登录立即结束').waitFor();
    await dlg.getByRole('button', { name: '停用' }).click();
    await row.getByText('已停用').waitFor();
    await page.getByText('已停用 clerk，其登录已结束').waitFor();
    expect((await clerk.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-users.png') });
    await expectAccessible(page, 'console: users, one disabled');

    await row.getByRole('button', { name: '启用' }).click();
    await row.getByText('正常').waitFor();
  });
});
