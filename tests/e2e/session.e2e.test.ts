/**
 * A whole session through the browser, as people would run it: the secretariat sets up a
 * cycle, its candidates and a session in the console, issues login codes and opens check-in;
 * three deputies log in on their own tablets (one with the seat card's link), check in and
 * vote — one of them loses the network right as they cast and must not be told 已投票 until
 * the server has the ballot; the hall display follows turnout and shows the result the moment
 * the poll closes, provisional until a presidium member certifies it; then the public pages.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves seat-cards.png, hall-checkin.png and hall-voting.png there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

/** UI waits: generous for a loaded machine (the whole suite runs beside this file), still far below the test timeout. */
const UI = 30_000;

const CYCLE = '2027年度示范市民生实事项目';
const SESSION = '示范市第一届人民代表大会第三次会议';
const PROJECTS = [
  { name: '城区新建中小学3所', department: '市教育局', investment: '12000', deadline: '2027年12月' },
  { name: '社区养老服务中心提升', department: '市民政局', investment: '3500', deadline: '2027年10月' },
  { name: '老旧小区雨污分流改造', department: '市住建局', investment: '8600', deadline: '2027年11月' },
] as const;
const [A, B, C] = PROJECTS.map((p) => p.name) as [string, string, string];
const ROSTER = ['姓名,代表团,座位,电话', '张伟,城东区代表团,001,', '李娜,城西区代表团,002,', '王强,开发区代表团,003,'].join('\n');
const ADMIN = { username: 'admin', displayName: '秘书处管理员', password: 'e2e-admin-password' };
const PRESIDIUM = { username: 'zhuxi', displayName: '主席团成员甲', password: 'e2e-presidium-password' };

let h: Harness;
let app: App;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pages = new Map<string, Page>();

async function newPage(name: string, opts: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  ctx.setDefaultTimeout(UI);
  contexts.push(ctx);
  const page = await ctx.newPage();
  pages.set(name, page);
  return page;
}

/** Retries an assertion until it holds, as long as any UI wait (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });

/** The confirmation dialog every irreversible console action asks. */
async function confirmDialog(page: Page, button: string | RegExp = '确认') {
  const dlg = page.getByRole('alertdialog');
  await dlg.getByRole('button', { name: button }).click();
  await poll(() => dlg.count()).toBe(0);
}

async function text(l: Locator): Promise<string> {
  return ((await l.textContent()) ?? '').replace(/\s+/g, '');
}

async function turnout(hall: Page): Promise<string> {
  return text(hall.getByTestId('hall-turnout'));
}

async function mark(tablet: Page, project: string, choice: '赞成' | '反对' | '弃权') {
  await tablet.getByRole('radiogroup', { name: project }).getByRole('radio', { name: choice }).click();
}

const state = { sessionId: '', codes: new Map<string, string>(), receipt: '' };

beforeAll(async () => {
  h = await startHarness({ DB_POOL_SIZE: '10' });
  ({ app, base, browser } = h);
});

// every step builds on the one before: after a failure the rest would only time out
let failed = false;
beforeEach((ctx) => {
  if (failed) ctx.skip();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  failed = true;
  // what each screen showed when a step failed
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-e2e-'));
  for (const [name, page] of pages) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
  console.error(`e2e screenshots: ${dir}`);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await h?.close();
});

describe('a whole session through the browser', () => {
  it('the secretariat sets up the first account, the cycle and its candidate list', async () => {
    const con = await newPage('console', { viewport: { width: 1366, height: 900 } });
    const token = await app.services.auth.ensureSetupToken();
    await con.goto(`${base}/console/setup?token=${token}`);
    await con.getByLabel('用户名').waitFor();
    await expectAccessible(con, 'console: first-account setup');
    await con.getByLabel('用户名').fill(ADMIN.username);
    await con.getByLabel('姓名').fill(ADMIN.displayName);
    await con.getByLabel(/密码/).fill(ADMIN.password);
    await con.getByRole('button', { name: '创建管理员' }).click();
    await con.waitForURL(`${base}/console`);
    await con.getByRole('button', { name: /新建年度/ }).waitFor();
    await expectAccessible(con, 'console: dashboard');

    await con.getByRole('button', { name: /新建年度/ }).click();
    await con.getByLabel('名称', { exact: true }).fill(CYCLE);
    await con.getByLabel('年度', { exact: true }).fill('2027');
    await con.getByLabel('应选数量 N').fill('2');
    await con.getByLabel('主席团确认人数').fill('1');
    await con.getByLabel('监票人确认人数').fill('0');
    // three deputies vote in this test; the default minimum (5) would refuse to count them
    await con.getByTestId('rules-min-ballots').fill('3');
    // New cycles encrypt by default; this session's 监票人 hold no key (tests/e2e/encrypted.e2e.test.ts
    // runs the encrypted session), so it chooses plain, as a congress must do explicitly.
    expect(await con.getByTestId('rules-ballot-mode').inputValue()).toBe('encrypted');
    await con.getByTestId('rules-ballot-mode').selectOption('plain');
    await con.getByRole('button', { name: '保存' }).click();
    await con.waitForURL(/\/console\/cycles\/[0-9a-f-]{36}$/);
    await poll(() => con.getByRole('heading', { level: 1 }).textContent()).toContain(CYCLE);

    // with no candidates yet the list cannot be frozen, and the console says why
    await poll(() => con.getByTestId('freeze-out-of-range').count()).toBe(1);
    expect(await con.getByRole('button', { name: '确定候选项目' }).isDisabled()).toBe(true);
    await expectAccessible(con, 'console: cycle without candidates');
    for (const p of PROJECTS) {
      await con.getByRole('button', { name: /新增候选项目/ }).click();
      const form = con.getByTestId('candidate-form');
      await form.getByLabel(/项目名称/).fill(p.name);
      await form.getByLabel('责任单位').fill(p.department);
      await form.getByLabel(/总投资/).fill(p.investment);
      await form.getByLabel('完成时限').fill(p.deadline);
      if (p === PROJECTS[0]) await expectAccessible(con, 'console: candidate form');
      await form.getByRole('button', { name: '保存' }).click();
      await poll(() => form.count()).toBe(0);
      await poll(() => con.getByRole('row', { name: new RegExp(p.name) }).count()).toBe(1);
    }
    // 3 candidates for 2 places is within the 10%–50% 差额 the default rules ask
    await poll(() => con.getByText(/符合 10%–50% 的规定/).count()).toBe(1);
    expect(await con.getByTestId('freeze-out-of-range').count()).toBe(0);

    // the decision that fixes the list: the body (a city's 主任会议 by default), the date, the meeting
    expect(await con.getByLabel('决定机关').inputValue()).toBe('director_meeting');
    await con.getByLabel('会议日期').fill('2026-12-01');
    await con.getByLabel(/决定会议/).fill('示范市人大常委会第12次主任会议');
    await con.getByRole('button', { name: '确定候选项目' }).click();
    await con.getByRole('alertdialog').waitFor();
    await expectAccessible(con, 'console: confirmation dialog');
    await confirmDialog(con, '确定候选项目');
    await poll(() => con.getByText('候选项目已确定，不能修改。').count()).toBe(1);
    await poll(() => con.getByText('示范市人大常委会第12次主任会议（2026-12-01）').count()).toBe(1);
    await expectAccessible(con, 'console: cycle, list frozen');
  });

  it('creates the session, imports the roster, issues codes and opens check-in', async () => {
    const con = pages.get('console')!;
    await con.getByRole('navigation').getByRole('link', { name: '概览' }).click();
    await con.getByRole('button', { name: /新建会议/ }).click();
    await con.getByLabel('年度').selectOption({ label: CYCLE });
    await con.getByLabel('会议名称').fill(SESSION);
    await con.getByLabel('会场').fill('示范市会议中心');
    await con.getByRole('button', { name: '保存' }).click();
    await con.waitForURL(/\/console\/sessions\/[0-9a-f-]{36}/);
    state.sessionId = /sessions\/([0-9a-f-]{36})/.exec(con.url())![1]!;

    await con.getByRole('button', { name: '名单导入' }).click();
    await con.locator('input[type=file]').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(ROSTER, 'utf8') });
    await con.getByRole('button', { name: '导入', exact: true }).click();
    await poll(() => con.getByText('已导入 3 名代表').count()).toBe(1);
    await expectAccessible(con, 'console: session, roster imported');

    await con.getByRole('button', { name: '发放登录码' }).click();
    await confirmDialog(con);
    await con.waitForURL(/\/cards$/);
    const cards = con.getByTestId('seat-card');
    await poll(() => cards.count()).toBe(3);
    await expectAccessible(con, 'console: seat cards');
    if (process.env.E2E_SCREENSHOTS) await con.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'seat-cards.png') });
    for (const card of await cards.all()) {
      const seat = (await card.getAttribute('data-seat'))!;
      const code = await text(card.getByTestId('seat-card-code'));
      expect(code).toMatch(/^[A-Z0-9-]{6,}$/);
      state.codes.set(seat, code);
    }

    await con.getByRole('link', { name: /返回/ }).click();
    await con.getByRole('button', { name: '开始签到' }).click();
    await poll(() => con.getByText('签到进行中').count()).toBeGreaterThan(0);
    await expectAccessible(con, 'console: session, check-in open');
  });

  it('three deputies log in on their tablets and check in; the hall counts them', async () => {
    const hall = await newPage('hall', { viewport: { width: 1280, height: 720 } });
    // the hall display's own link carries its key: with it the hall shows the provisional result
    const { key: displayKey } = await app.services.sessions.displayLink(state.sessionId);
    await hall.goto(`${base}/hall/${state.sessionId}?key=${displayKey}`);
    await poll(() => text(hall.getByTestId('hall-present'))).toBe('0');
    if (process.env.E2E_SCREENSHOTS) await hall.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'hall-checkin.png') });
    await expectAccessible(hall, 'hall: check-in');

    const tablet = { viewport: { width: 1180, height: 820 }, hasTouch: true };
    // the first with the link from the seat card's QR code, the others by typing the code
    const t1 = await newPage('tablet1', tablet);
    await t1.goto(`${base}/t/login?code=${state.codes.get('001')}`);
    // the link only fills the form: the deputy presses 登 录
    await t1.getByRole('button', { name: '登 录' }).click();
    for (const [name, seat] of [['tablet2', '002'], ['tablet3', '003']] as const) {
      const t = await newPage(name, tablet);
      await t.goto(`${base}/t/login`);
      if (name === 'tablet2') {
        await t.getByLabel('登录码').waitFor();
        await expectAccessible(t, 'tablet: login');
      }
      await t.getByLabel('登录码').fill(state.codes.get(seat)!.toLowerCase());
      await t.getByRole('button', { name: '登 录' }).click();
    }
    for (const [i, name] of (['tablet1', 'tablet2', 'tablet3'] as const).entries()) {
      const t = pages.get(name)!;
      await t.getByTestId('checkin').waitFor();
      if (i === 0) await expectAccessible(t, 'tablet: before check-in');
      await t.getByTestId('checkin').click();
      await poll(() => t.getByTestId('checkin-status').textContent()).toContain('已签到');
      if (i === 0) await expectAccessible(t, 'tablet: checked in, waiting');
      await poll(() => text(hall.getByTestId('hall-present'))).toBe(String(i + 1));
    }
    // the login code never stays in the address bar
    expect(t1.url()).not.toContain('code=');
  });

  it('staff name the 监票人 and record the adoption of the 票决办法; no vote before that', async () => {
    const con = pages.get('console')!;
    await con.getByTestId('tab-procedure').click();
    const picks = con.getByTestId('scrutineer-pick');
    await poll(() => picks.count()).toBe(3);
    await picks.nth(0).check();
    await con.getByTestId('chief-pick').nth(0).check();
    await con.getByTestId('scrutiny-save').click();
    await con.getByTestId('scrutiny-saved').waitFor();
    await con.getByTestId('voting-rules-draft').click();
    await poll(() => text(con.getByTestId('voting-rules-status'))).toBe('草案');
    await con.getByLabel('通过的全体会议').fill('第二次全体会议');
    await con.getByLabel('通过日期').fill('2027-01-10');
    await con.getByTestId('voting-rules-adopt').click();
    await poll(() => text(con.getByTestId('voting-rules-status'))).toBe('已通过');
    await expectAccessible(con, 'console: voting rules adopted');
    await con.getByRole('button', { name: /^表决（/ }).click();
  });

  it('the poll opens; ballots arrive one by one, one of them across a network drop', async () => {
    const con = pages.get('console')!;
    const hall = pages.get('hall')!;
    await con.getByRole('button', { name: /新建表决/ }).click();
    await con.getByRole('button', { name: /开始投票/ }).click();
    await confirmDialog(con);
    await poll(() => turnout(hall)).toBe('0/3');
    await expectAccessible(hall, 'hall: voting');

    const [t1, t2, t3] = (['tablet1', 'tablet2', 'tablet3'] as const).map((n) => pages.get(n)!) as [Page, Page, Page];
    for (const t of [t1, t2, t3]) await t.getByRole('radiogroup', { name: A }).waitFor();
    await expectAccessible(t1, 'tablet: ballot, every row at 弃权');
    await expectAccessible(con, 'console: session, poll open');

    // 张伟: A for, B for, C against
    await mark(t1, A, '赞成');
    await mark(t1, B, '赞成');
    await mark(t1, C, '反对');
    await expectAccessible(t1, 'tablet: ballot marked (赞成, 反对)');
    await t1.getByRole('button', { name: /核对表决票/ }).click();
    await t1.getByRole('button', { name: '确认投票' }).waitFor();
    await expectAccessible(t1, 'tablet: ballot review');
    // The tablet casts over the websocket it holds: no HTTP request carries this ballot.
    const posts: string[] = [];
    t1.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/ballots')) posts.push(r.url());
    });
    await t1.getByRole('button', { name: '确认投票' }).click();
    await t1.getByTestId('deputy-done').waitFor();
    expect(await text(t1.getByTestId('receipt'))).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(posts).toEqual([]);
    await poll(() => turnout(hall)).toBe('1/3');
    if (process.env.E2E_SCREENSHOTS) await hall.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'hall-voting.png') });
    await expectAccessible(t1, 'tablet: done, receipt');
    await expectAccessible(hall, 'hall: turnout 1/3');

    // 李娜: A for, C for, B left unmarked (counts as abstain)
    await mark(t2, A, '赞成');
    await mark(t2, C, '赞成');
    // at most N = 2 approvals: the third 赞成 cannot be pressed
    expect(await t2.getByRole('radiogroup', { name: B }).getByRole('radio', { name: '赞成' }).isDisabled()).toBe(true);
    await expectAccessible(t2, 'tablet: ballot at N approvals, 赞成 disabled');
    await t2.getByRole('button', { name: /核对表决票/ }).click();
    await t2.getByRole('button', { name: '确认投票' }).waitFor();
    await expectAccessible(t2, 'tablet: review with an unmarked row (弃权)');
    await t2.getByRole('button', { name: /返回修改/ }).click();
    await t2.getByRole('button', { name: /核对表决票/ }).click();
    await t2.getByRole('button', { name: '确认投票' }).click();
    await t2.getByTestId('deputy-done').waitFor();
    await poll(() => turnout(hall)).toBe('2/3');

    // 王强: A for, B for, C against — the network drops as the ballot is cast. (Going offline
    // after the click would race the request, which on loopback usually wins.)
    await mark(t3, A, '赞成');
    await mark(t3, B, '赞成');
    await mark(t3, C, '反对');
    await t3.getByRole('button', { name: /核对表决票/ }).click();
    await t3.context().setOffline(true);
    await t3.getByRole('button', { name: '确认投票' }).click();
    await t3.getByTestId('deputy-sending').waitFor();
    await poll(() => t3.getByTestId('deputy-sending').textContent()).toContain('正在重试');
    expect(await t3.getByTestId('deputy-done').count()).toBe(0);
    expect(await t3.getByText('已投票').count()).toBe(0);
    expect(await turnout(hall)).toBe('2/3');
    await expectAccessible(t3, 'tablet: sending, network down');

    await t3.context().setOffline(false);
    await t3.getByTestId('deputy-done').waitFor({ timeout: 45_000 });
    await poll(() => t3.getByRole('heading', { name: '已投票' }).count()).toBe(1);
    state.receipt = await text(t3.getByTestId('receipt'));
    expect(state.receipt).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await poll(() => turnout(hall)).toBe('3/3');
  });

  it('closing shows the provisional result on the hall; receipts are published', async () => {
    const con = pages.get('console')!;
    const hall = pages.get('hall')!;
    await con.getByRole('button', { name: /结束投票/ }).click();
    await confirmDialog(con, '结束投票');

    const provisional = hall.getByTestId('hall-provisional');
    await provisional.waitFor();
    expect(await provisional.textContent()).toContain('结果待主席团确认');
    // A: 3 for; B: 2 for, 1 abstain; C: 1 for, 2 against — N = 2, so A and B are chosen
    const rows = hall.getByTestId('result-row');
    await poll(() => rows.count()).toBe(3);
    const row = async (i: number) => {
      const r = rows.nth(i);
      return [await text(r.getByTestId('result-name')), await text(r.getByTestId('result-votes')), await text(r.getByTestId('result-mark')), await r.getAttribute('data-status')];
    };
    expect(await row(0)).toEqual([A, '3', '入选', 'chosen']);
    expect(await row(1)).toEqual([B, '2', '入选', 'chosen']);
    expect(await row(2)).toEqual([C, '1', '未入选', 'not_chosen']);
    expect(await text(rows.nth(2))).toContain('反对2·弃权0');
    await expectAccessible(hall, 'hall: provisional result');

    // the same hall page opened without the display key (anyone on the internet) shows no result yet
    const outsider = await newPage('hall-public', { viewport: { width: 1280, height: 720 } });
    await outsider.goto(`${base}/hall/${state.sessionId}`);
    await outsider.getByTestId('hall-awaiting').waitFor();
    expect(await outsider.getByTestId('result-row').count()).toBe(0);
    await expectAccessible(outsider, 'hall: public view, awaiting certification');

    // the deputy who lost the network finds the receipt in the published list
    const t3 = pages.get('tablet3')!;
    await poll(() => t3.getByTestId('tracker-mine-ok').textContent()).toContain('您的回执码已在公布名单中');
    await t3.getByTestId('tracker-search').fill(state.receipt.replace(/-/g, '').toLowerCase());
    await t3.getByTestId('tracker-search-found').waitFor();
    await expectAccessible(t3, 'tablet: receipts published, search');

    // the console links the draft announcement
    await con.getByTestId('announcement-link').waitFor();
    expect(await con.getByTestId('trackers').textContent()).toContain('共 3 个回执码');
    await expectAccessible(con, 'console: session, poll closed');
  });

  it('a presidium member certifies; the hall says so', async () => {
    const con = pages.get('console')!;
    await con.getByRole('navigation').getByRole('link', { name: '用户管理' }).click();
    await con.getByLabel('用户名').fill(PRESIDIUM.username);
    await con.getByLabel('姓名').fill(PRESIDIUM.displayName);
    await con.getByLabel(/密码/).fill(PRESIDIUM.password);
    await con.getByLabel('秘书处工作人员').uncheck();
    await con.getByLabel('主席团成员').check();
    await con.getByRole('button', { name: '新建用户' }).click();
    await poll(() => con.getByText(`已创建用户 ${PRESIDIUM.displayName}`).count()).toBe(1);
    await expectAccessible(con, 'console: users');

    const pres = await newPage('presidium', { viewport: { width: 1366, height: 900 } });
    await pres.goto(`${base}/console/sessions/${state.sessionId}`);
    await pres.waitForURL(/\/console\/login/);
    await pres.getByLabel('用户名').waitFor();
    await expectAccessible(pres, 'console: login');
    await pres.getByLabel('用户名').fill(PRESIDIUM.username);
    await pres.getByLabel('密码').fill(PRESIDIUM.password);
    await pres.getByRole('button', { name: '登录' }).click();
    await pres.waitForURL(new RegExp(`/console/sessions/${state.sessionId}`));
    await pres.getByRole('button', { name: /主席团确认结果/ }).waitFor();
    await expectAccessible(pres, 'console: presidium, result to certify');
    await pres.getByRole('button', { name: /主席团确认结果/ }).click();
    await confirmDialog(pres);

    const hall = pages.get('hall')!;
    const stamp = hall.getByTestId('hall-certified');
    await stamp.waitFor();
    expect(await stamp.textContent()).toContain('主席团已确认');
    expect(await hall.getByTestId('hall-provisional').count()).toBe(0);
    await expectAccessible(hall, 'hall: certified result');
  });

  it('anyone can read the published result and the announcement', async () => {
    const pub = await newPage('public', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await pub.goto(base);
    await pub.getByTestId('landing-results').waitFor();
    await expectAccessible(pub, 'landing (phone)');
    await pub.getByTestId('landing-results').click();
    await pub.getByRole('link', { name: new RegExp(CYCLE) }).waitFor();
    await expectAccessible(pub, 'public results index (phone)');
    await pub.getByRole('link', { name: new RegExp(CYCLE) }).click();
    const card = pub.getByTestId('public-announcement');
    await card.waitFor();
    await expectAccessible(pub, 'public cycle results (phone)');
    const chosen = (await card.getByTestId('public-chosen').locator('li').allTextContents()).map((s) => s.replace(/\s+/g, ''));
    expect(chosen).toHaveLength(2);
    expect(chosen[0]).toContain(A);
    expect(chosen[0]).toContain('赞成3票');
    expect(chosen[1]).toContain(B);

    await card.getByTestId('public-announcement-link').click();
    const doc = pub.getByTestId('announcement-doc');
    await doc.waitFor();
    expect(await text(pub.getByTestId('announcement-issuer'))).toBe(`${SESSION}主席团公告`);
    expect(await text(pub.getByTestId('announcement-number'))).toBe('（第1号）');
    expect(await text(pub.getByTestId('announcement-projects'))).toContain(`一、${A}`);
    expect(await doc.getByText('特此公告。').count()).toBe(1);
    expect(await pub.getByTestId('announcement-draft').count()).toBe(0);
    expect(await text(pub.getByTestId('announcement-record'))).toContain('应到代表3名，实到代表3名');
    await expectAccessible(pub, 'public announcement (phone)');

    // the cycle's public progress page, before any project is tracked
    const cycle = (await app.services.cycles.list({ kind: 'anonymous' })).find((c) => c.name === CYCLE)!;
    await pub.goto(`${base}/progress/cycles/${cycle.id}`);
    await pub.getByRole('heading', { level: 1 }).waitFor();
    await expectAccessible(pub, 'public progress (phone)');
  });

  it('the console prepares a satisfaction rating of the chosen projects', async () => {
    const con = pages.get('console')!;
    await con.goto(`${base}/console/sessions/${state.sessionId}`);
    await con.getByTestId('open-rating-form').click();
    const form = con.getByTestId('rating-form');
    await poll(() => form.getByText('已默认勾选该年度经主席团确认的 2 个项目。').count()).toBe(1);
    expect(await form.getByTestId('rating-project-1').isChecked()).toBe(true);
    expect(await form.getByTestId('rating-project-2').isChecked()).toBe(true);
    expect(await form.getByTestId('rating-project-3').isChecked()).toBe(false);
    await expectAccessible(con, 'console: rating form');
    await form.getByTestId('rating-submit').click();
    await poll(() => form.count()).toBe(0);
    await poll(() => con.getByRole('button', { name: /实施情况满意度测评/ }).count()).toBe(1);
  });
});
