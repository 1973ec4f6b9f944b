/**
 * Hole 6 of the outside security test (login CSRF): a seat card's link /t/login?code=… only
 * fills the login form. Nothing happens until the deputy presses 登 录, and when someone is
 * already logged in on the browser, the deputy is asked first. A link from another site can
 * therefore neither log a browser out nor swap its login.
 *
 * With E2E_SCREENSHOTS=<dir> it saves tablet-login-confirm(-portrait).png there.
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp } from '../helpers/app.ts';
import { scenario, type Scenario } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let s: Scenario;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  h = await startHarness();
  s = await scenario({ app: h.app } as TestApp, { candidates: 4, deputies: 4, present: 0 });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await h?.close();
});

async function tablet(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await h.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 }, hasTouch: true });
  ctx.setDefaultTimeout(UI);
  contexts.push(ctx);
  return { ctx, page: await ctx.newPage() };
}

/** Who the browser is logged in as, asked of the server with the browser's own cookie. */
const me = (ctx: BrowserContext) => ctx.request.get(`${h.base}/api/auth/me`).then((r) => r.json());
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const codeOf = (i: number) => s.deputies[i]!.code;

describe('login by link', () => {
  it('fills the form from the link and logs in only when the deputy presses 登 录', async () => {
    const { ctx, page } = await tablet();
    await page.goto(`${h.base}/t/login?code=${codeOf(0)}`);
    const input = page.getByLabel('登录码');
    await poll(() => input.inputValue()).toBe(codeOf(0));
    await poll(() => page.url()).not.toContain('code=');
    await page.getByText('已从座位卡读取登录码').waitFor();
    await expectAccessible(page, 'tablet: login filled from the seat card');
    // Give an automatic login every chance to happen: it must not.
    await page.waitForTimeout(500);
    expect(await me(ctx)).toEqual({ kind: 'anonymous' });
    await page.getByRole('button', { name: '登 录' }).click();
    await page.waitForURL((u) => u.pathname === '/t' || u.pathname === '/t/');
    expect((await me(ctx)).deputy.id).toBe(s.deputies[0]!.id);
  });

  it('asks first when staff are logged in on the browser, and keeps them on 取消', async () => {
    const { ctx, page } = await tablet();
    const login = await ctx.request.post(`${h.base}/api/auth/login`, { headers: { 'x-piaojue-csrf': '1' }, data: { username: 'staff1', password: 'a long enough password' } });
    expect(login.status()).toBe(200);
    await page.goto(`${h.base}/t/login?code=${codeOf(1)}`);
    await page.getByTestId('login-current').getByText('工作人员 staff1').waitFor();
    await page.waitForTimeout(500);
    expect((await me(ctx)).kind).toBe('user');

    await page.getByRole('button', { name: '登 录' }).click();
    const ask = page.getByRole('alertdialog');
    await ask.getByText('继续将退出该登录').waitFor();
    await expectAccessible(page, 'tablet: login, asks before ending a staff login');
    if (process.env.E2E_SCREENSHOTS) {
      await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'tablet-login-confirm.png') });
      await page.setViewportSize({ width: 800, height: 1280 });
      await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'tablet-login-confirm-portrait.png') });
    }
    expect((await me(ctx)).kind).toBe('user');
    await ask.getByRole('button', { name: /取消/ }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/console'));
    expect((await me(ctx)).kind).toBe('user');

    // The same link, this time confirmed: now the deputy is logged in instead.
    await page.goto(`${h.base}/t/login?code=${codeOf(1)}`);
    await page.getByRole('button', { name: '登 录' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: '退出并登录' }).click();
    await page.waitForURL((u) => u.pathname === '/t' || u.pathname === '/t/');
    expect((await me(ctx)).deputy.id).toBe(s.deputies[1]!.id);
  });

  it('asks first when another deputy is logged in on the tablet', async () => {
    const { ctx, page } = await tablet();
    expect((await ctx.request.post(`${h.base}/api/auth/deputy-login`, { headers: { 'x-piaojue-csrf': '1' }, data: { code: codeOf(2) } })).status()).toBe(200);
    await page.goto(`${h.base}/t/login?code=${codeOf(3)}`);
    await page.getByRole('button', { name: '登 录' }).click();
    await page.getByRole('alertdialog').waitFor();
    expect((await me(ctx)).deputy.id).toBe(s.deputies[2]!.id);
  });
});
