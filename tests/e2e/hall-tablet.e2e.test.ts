/**
 * What a newcomer and a hall full of deputies ran into (issue 14), at the users' screen sizes:
 * - a deputy who arrives after the poll opened is told that checking in hands out a ballot, and it does;
 * - the review of a ballot opens at its top with the first choice in view, at both tablet orientations;
 * - the hall's result reads from the back row (names ≥ 40 px at 1080p, scaled at 4K, nothing cut
 *   off) and says the rule and the places left empty in words;
 * - a result the presidium returns is said so on the hall and the tablets, stays visible to staff,
 *   and the console offers 重新表决 and 作废;
 * - an empty proposal on the phone portal scrolls to and focuses its first missing field.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves the screens it checks there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CANDIDATES } from '../../scripts/demo-data.ts';
import { adminClient, adoptRules, Client, defaultCycle, key, rosterCsv, userClient, type TestApp } from '../helpers/app.ts';
import { fixList } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const SEATED = 30;
const TABLET = { hasTouch: true } as const;
const shot = (p: Page, name: string) => (process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name) }) : undefined);

let h: Harness;
let base: string;
let browser: Browser;
let staff: Client;
let sessionId: string;
let pollId: string;
let candidates: { id: string; name: string }[];
const codes: string[] = [];
const deputies: Client[] = [];
const pages = new Map<string, Page>();

async function open(name: string, opts: BrowserContextOptions): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  ctx.setDefaultTimeout(UI);
  const page = await ctx.newPage();
  pages.set(name, page);
  return page;
}

async function confirmDialog(page: Page, button: string | RegExp) {
  const dlg = page.getByRole('alertdialog');
  await dlg.getByRole('button', { name: button }).click();
  await poll(() => dlg.count()).toBe(0);
}

beforeAll(async () => {
  h = await startHarness({ DB_POOL_SIZE: '10' });
  ({ base, browser } = h);
  const t = { app: h.app } as TestApp;
  const admin = await adminClient(t);
  staff = await userClient(t, admin, 'staff1', ['staff', 'presidium']);
  // 15 projects for 10 places; more than half of all 30 seated deputies (16 votes) needed to be chosen
  const cycle = await staff.post('/api/cycles', { ...defaultCycle, chooseN: 10, passThreshold: 'seated_majority', tieRule: 'vacant' });
  for (const c of DEMO_CANDIDATES) await staff.post(`/api/cycles/${cycle.body.id}/candidates`, c);
  const frozen = await fixList(staff, cycle.body.id, { organ: 'director_meeting', decidedOn: '2026-12-08', reference: '市人大常委会第三十二次主任会议' });
  if (frozen.status !== 200) throw new Error(JSON.stringify(frozen.body));
  sessionId = (await staff.post('/api/sessions', { cycleId: cycle.body.id, name: '宿迁市第六届人民代表大会第三次会议' })).body.id;
  await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(SEATED)).toString('base64') });
  const issued = await staff.post(`/api/sessions/${sessionId}/codes`, {});
  await staff.post(`/api/sessions/${sessionId}/checkin/open`);
  await adoptRules(staff, sessionId, (issued.body as { deputyId: string }[]).slice(0, 2).map((c) => c.deputyId));
  // all but the last deputy are in the hall when the poll opens; the last one comes late, on a tablet
  for (const [i, c] of (issued.body as { code: string }[]).entries()) {
    codes.push(c.code);
    if (i === SEATED - 1) break;
    const d = new Client(h.app);
    await d.post('/api/auth/deputy-login', { code: c.code });
    await d.post('/api/deputy/checkin');
    deputies.push(d);
  }
  const created = await staff.post(`/api/sessions/${sessionId}/polls`, {});
  pollId = created.body.id;
  candidates = created.body.candidates;
  const opened = await staff.post(`/api/polls/${pollId}/open`, {});
  if (opened.status !== 200) throw new Error(JSON.stringify(opened.body));
});

// each step builds on the one before
let failed = false;
beforeEach((ctx) => {
  if (failed) ctx.skip();
  ctx.onTestFailed(async () => {
    failed = true;
    // what each screen showed when a step failed
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-e2e-'));
    for (const [name, page] of pages) await page.screenshot({ path: path.join(dir, `${name}.png`) }).catch(() => undefined);
    console.error(`e2e screenshots: ${dir}`);
  });
});

afterAll(async () => {
  for (const p of pages.values()) await p.context().close().catch(() => undefined);
  await h?.close();
});

/** The first line of the review's 赞成 group sits in the viewport, below the sticky header. */
async function firstChoiceInView(tablet: Page, first: string) {
  const line = tablet.getByTestId('review-group').and(tablet.locator('[data-group="for"]')).getByTestId('review-line').first();
  await line.waitFor();
  expect((await line.textContent())?.trim()).toBe(first);
  // the scroll to the top lands on the next frame
  await poll(() => tablet.evaluate<number>('window.scrollY')).toBe(0);
  const box = (await line.boundingBox())!;
  const header = (await tablet.locator('.b-head').boundingBox())!;
  const viewport = tablet.viewportSize()!;
  expect(box.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

describe('a late deputy, a returned result and a readable hall', () => {
  it('a deputy who comes after the poll opened is told that checking in hands out a ballot, and it does', async () => {
    const tablet = await open('tablet', { ...TABLET, viewport: { width: 1280, height: 800 } });
    await tablet.goto(`${base}/t/login?code=${codes[SEATED - 1]}`);
    await tablet.getByRole('button', { name: '登 录' }).click();
    const hint = tablet.getByTestId('checkin-hint');
    await poll(() => hint.textContent()).toContain('签到后即可领取本次表决票');
    expect(await tablet.getByText('未领取').count()).toBe(0);
    await shot(tablet, 'tablet-late-checkin.png');
    await expectAccessible(tablet, 'tablet: late deputy, before check-in');
    await tablet.getByTestId('checkin').click();
    await tablet.getByRole('radiogroup', { name: candidates[0]!.name }).waitFor();
  });

  it('the review opens at its top with the first choice in view, in landscape and in portrait', async () => {
    const tablet = pages.get('tablet')!;
    // the ten lower projects: the list is scrolled far down when 下一步 is tapped
    const mine = candidates.slice(5);
    for (const c of mine) await tablet.getByRole('radiogroup', { name: c.name }).getByRole('radio', { name: '赞成' }).click();
    await shot(tablet, 'tablet-ballot.png');
    await expectAccessible(tablet, 'tablet: 15-project ballot, five marked');
    expect(await tablet.evaluate<number>('window.scrollY')).toBeGreaterThan(200);
    await tablet.getByRole('button', { name: /核对表决票/ }).click();
    await firstChoiceInView(tablet, mine[0]!.name);

    await tablet.getByRole('button', { name: /返回修改/ }).click();
    await tablet.setViewportSize({ width: 800, height: 1280 });
    await tablet.getByRole('radiogroup', { name: mine.at(-1)!.name }).scrollIntoViewIfNeeded();
    await tablet.getByRole('button', { name: /核对表决票/ }).click();
    await firstChoiceInView(tablet, mine[0]!.name);
    await expectAccessible(tablet, 'tablet: review (portrait)');
    await tablet.getByRole('button', { name: '确认投票' }).click();
    await tablet.getByTestId('deputy-done').waitFor();
    await tablet.setViewportSize({ width: 1280, height: 800 });
    await shot(tablet, 'tablet-done.png');
    await expectAccessible(tablet, 'tablet: done');
  });

  it('the hall shows which projects were chosen, large enough for the back row, and the places left empty in words', async () => {
    // 29 more ballots: projects 1–5 get 20 votes for; 6 and 7 get 14 (+1 from the tablet = 15,
    // exactly half of 30: not more than half, so not chosen); the rest fewer. 5 places stay empty.
    const ids = candidates.map((c) => c.id);
    for (const [i, d] of deputies.entries()) {
      const marks: Record<string, string> = {};
      if (i < 20) for (const id of ids.slice(0, 5)) marks[id] = 'for';
      if (i >= 15) for (const id of ids.slice(5, 7)) marks[id] = 'for';
      if (i >= 20) for (const id of ids.slice(7, 11)) marks[id] = 'for';
      if (i >= 25) marks[ids[0]!] = 'against';
      const cast = await d.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks } });
      expect(cast.status).toBe(200);
    }
    // the hall display's link carries its key, without which only a certified result shows
    const displayKey = (await staff.get(`/api/sessions/${sessionId}/display-link`)).body.key as string;
    const hall = await open('hall', { viewport: { width: 1920, height: 1080 } });
    await hall.goto(`${base}/hall/${sessionId}?key=${displayKey}`);
    await poll(async () => (await hall.getByTestId('hall-turnout').textContent())?.replace(/\s+/g, '')).toBe('30/30');
    expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);

    const rows = hall.getByTestId('result-row');
    await poll(() => rows.count()).toBe(15);
    expect(await hall.locator('[data-testid="result-row"][data-status="chosen"]').count()).toBe(5);
    await poll(() => hall.getByTestId('hall-rule').textContent()).toContain('赞成票须超过 15 票');
    expect(await hall.getByTestId('hall-vacancies').textContent()).toContain('空缺 5 个名额');
    expect(await hall.getByTestId('hall-vacancies').textContent()).toContain('未超过 15 票');
    await shot(hall, 'hall-result-provisional.png');
    await expectAccessible(hall, 'hall: provisional result with vacancies (1920×1080)');
    await checkReadable(hall, 40);

    const hall4k = await open('hall4k', { viewport: { width: 3840, height: 2160 } });
    await hall4k.goto(`${base}/hall/${sessionId}?key=${displayKey}`);
    await poll(() => hall4k.getByTestId('result-row').count()).toBe(15);
    await shot(hall4k, 'hall-result-4k.png');
    await expectAccessible(hall4k, 'hall: result (3840×2160)');
    await checkReadable(hall4k, 80);
  });

  it('a returned result: the hall and the tablet say so; the console keeps it and offers 重新表决 and 作废', async () => {
    const rejected = await staff.post(`/api/polls/${pollId}/reject`, { reason: '计票程序需复核' });
    expect(rejected.status).toBe(200);

    const hall = pages.get('hall')!;
    await hall.getByTestId('hall-returned').waitFor();
    expect(await hall.getByTestId('hall-returned').textContent()).toContain('主席团已退回本次表决结果');
    expect(await hall.getByTestId('result-row').count()).toBe(0);
    expect(await hall.getByTestId('hall-checkin').count()).toBe(0);
    await shot(hall, 'hall-returned.png');
    await expectAccessible(hall, 'hall: result returned');

    const tablet = pages.get('tablet')!;
    await tablet.getByTestId('deputy-returned').waitFor();
    expect(await tablet.getByTestId('deputy-returned').textContent()).toContain('主席团已退回本次表决结果');
    await shot(tablet, 'tablet-returned.png');
    await expectAccessible(tablet, 'tablet: result returned');

    const con = await open('console', { viewport: { width: 1440, height: 900 } });
    await con.goto(`${base}/console/sessions/${sessionId}`);
    await con.waitForURL(/\/console\/login/);
    await con.getByLabel('用户名').fill('staff1');
    await con.getByLabel('密码').fill('a long enough password');
    await con.getByRole('button', { name: '登录' }).click();
    const notice = con.getByTestId('poll-returned');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('计票程序需复核');
    // the returned result stays in view for staff
    await poll(() => con.getByTestId('result-row').count()).toBe(15);
    expect(await con.getByTestId('poll-void').isVisible()).toBe(true);
    await shot(con, 'console-returned.png');
    await expectAccessible(con, 'console: returned result, 重新表决 and 作废');

    await con.getByTestId('poll-revote').click();
    await confirmDialog(con, '重新表决');
    await poll(async () => (await staff.get(`/api/sessions/${sessionId}/polls`)).body.map((p: { status: string }) => p.status).sort()).toEqual(['cancelled', 'draft']);
    const polls = (await staff.get(`/api/sessions/${sessionId}/polls`)).body as { status: string; title: string; candidates: unknown[] }[];
    expect(polls[0]!.title).toBe(polls[1]!.title);
    expect(polls.map((p) => p.candidates.length)).toEqual([15, 15]);
    await poll(() => con.getByTestId('poll-returned').count()).toBe(0);
    // the hall no longer shows the returned poll: it waits for the new one
    await poll(() => hall.getByTestId('hall-returned').count()).toBe(0);
  });

  it('the new poll runs to a certified result; the public list links each year to its progress', async () => {
    const con = pages.get('console')!;
    const draft = ((await staff.get(`/api/sessions/${sessionId}/polls`)).body as { id: string; status: string }[]).find((p) => p.status === 'draft')!;
    expect((await staff.post(`/api/polls/${draft.id}/open`, { countdownSeconds: 900 })).status).toBe(200);
    await poll(() => con.getByRole('button', { name: /结束投票/ }).count()).toBe(1);
    for (const d of deputies.slice(0, 20)) await d.post(`/api/polls/${draft.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: Object.fromEntries(candidates.slice(0, 10).map((c) => [c.id, 'for'])) } });
    await poll(async () => (await con.locator('.top-stats').textContent())?.replace(/\s+/g, '')).toContain('20/30');
    await shot(con, 'console-session.png');
    expect((await staff.post(`/api/polls/${draft.id}/close`)).status).toBe(200);
    expect((await staff.post(`/api/polls/${draft.id}/certify`)).body.status).toBe('certified');
    const hall = pages.get('hall')!;
    await hall.getByTestId('hall-certified').waitFor();
    await poll(() => hall.locator('[data-testid="result-row"][data-status="chosen"]').count()).toBe(10);
    await checkReadable(hall, 40);
    await shot(hall, 'hall-result-certified.png');

    const pub = await open('public', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await pub.goto(`${base}/results`);
    // only the year with a certified result is listed, and it links to its progress
    await poll(() => pub.getByTestId('public-cycle').count()).toBe(1);
    await shot(pub, 'public-results-list.png');
    await pub.getByTestId('public-cycle-progress').click();
    await pub.waitForURL(/\/progress\/cycles\//);
    await poll(() => pub.getByText('建立监督台账').count()).toBe(1);
    await shot(pub, 'progress-empty.png');
  });

  it('an empty proposal on the phone scrolls to its first missing field and focuses it', async () => {
    const cycle = await staff.post('/api/cycles', { ...defaultCycle, name: '2028年度宿迁市民生实事项目', year: 2028 });
    const day = 86_400_000;
    const notice = await staff.req('PUT', `/api/cycles/${cycle.body.id}/collection`, {
      title: '关于征集2028年度宿迁市民生实事项目建议的公告',
      body: '现面向社会公开征集2028年度民生实事项目建议。一事一建议，请写明建议内容、实施地点和理由。',
      opensAt: new Date(Date.now() - day).toISOString(),
      closesAt: new Date(Date.now() + 14 * day).toISOString(),
    });
    expect(notice.status).toBe(200);
    const phone = await open('portal', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(`${base}/portal/cycles/${cycle.body.id}/propose`);
    await phone.getByTestId('propose-form').waitFor();
    await shot(phone, 'portal-propose.png');
    await expectAccessible(phone, 'portal: propose form (phone)');
    await phone.getByTestId('propose-submit').click();
    await poll(() => phone.evaluate<string | null>("document.activeElement && document.activeElement.getAttribute('name')")).toBe('title');
    const box = (await phone.locator('input[name="title"]').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    await expectAccessible(phone, 'portal: propose form with missing fields (phone)');
  });
});

/** Every result row on screen, its project's name whole and at least `minPx` high (once the hall has fitted the list to the screen). */
async function checkReadable(hall: Page, minPx: number) {
  const problems = async () => {
    const names = await hall.getByTestId('result-name').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent ?? '', px: parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize), bottom: r.bottom, right: r.right, cut: el.scrollWidth > el.clientWidth + 1 };
      }),
    );
    const viewport = hall.viewportSize()!;
    const out: string[] = [];
    if (names.map((n) => n.text).sort().join() !== candidates.map((c) => c.name).sort().join()) out.push(`names: ${names.map((n) => n.text).join()}`);
    for (const n of names) {
      if (n.px < minPx) out.push(`${n.text}: ${n.px}px`);
      if (n.cut) out.push(`${n.text}: cut off`);
      if (n.bottom > viewport.height || n.right > viewport.width) out.push(`${n.text}: off screen`);
    }
    return out;
  };
  await poll(problems).toEqual([]);
}
