/**
 * The procedure around the vote (docs/PROCEDURE.md §3) in the browser: the 票决办法 printed on A4
 * as adopted with its 监票人 list, and a 监票人 confirming the count on their own tablet.
 * With E2E_SCREENSHOTS=<dir> it saves voting-rules-print.png and tablet-scrutineer.png there.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CANDIDATES, demoRosterCsv } from '../../scripts/demo-data.ts';
import { Client, defaultCycle, key, userClient, type TestApp } from '../helpers/app.ts';
import { fixList, staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
const SEATED = 12;
let h: Harness;
let staff: Client;
let sessionId: string;
let pollId: string;
const codes: { deputyId: string; code: string }[] = [];
const deputies: Client[] = [];
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shot = (p: Page, name: string, fullPage = false) => (process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name), fullPage }) : undefined);

beforeAll(async () => {
  h = await startHarness();
  const t = { app: h.app } as TestApp;
  const pair = await staffPair(t);
  staff = pair.staff;
  await userClient(t, pair.admin, 'jipiao', ['staff']);
  const cycle = await staff.post('/api/cycles', { ...defaultCycle, chooseN: 5, passThreshold: 'seated_majority', minBallots: 3, certifyK: 1, scrutineerConfirmations: null });
  for (const c of DEMO_CANDIDATES.slice(0, 7)) await staff.post(`/api/cycles/${cycle.body.id}/candidates`, c);
  expect((await fixList(staff, cycle.body.id)).status).toBe(200);
  sessionId = (await staff.post('/api/sessions', { cycleId: cycle.body.id, name: '宿迁市第六届人民代表大会第三次会议' })).body.id;
  await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(demoRosterCsv(SEATED)).toString('base64') });
  codes.push(...(await staff.post(`/api/sessions/${sessionId}/codes`, {})).body);
  await staff.post(`/api/sessions/${sessionId}/checkin/open`);
  for (const c of codes) {
    const d = new Client(h.app);
    await d.post('/api/auth/deputy-login', { code: c.code });
    await d.post('/api/deputy/checkin');
    deputies.push(d);
  }
  const teller = (await staff.get(`/api/sessions/${sessionId}/scrutiny/staff`)).body.find((u: { username: string }) => u.username === 'jipiao').userId;
  const list = await staff.req('PUT', `/api/sessions/${sessionId}/scrutiny`, {
    scrutineers: [2, 5, 9].map((i, n) => ({ deputyId: codes[i]!.deputyId, chief: n === 0 })),
    counterIds: [teller],
  });
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  expect((await staff.post(`/api/sessions/${sessionId}/voting-rules/drafts`, { note: '主席团第一次会议提出' })).status).toBe(200);
  await staff.patch(`/api/cycles/${cycle.body.id}`, { minBallots: 5 });
  const v2 = await staff.post(`/api/sessions/${sessionId}/voting-rules/drafts`, { note: '各代表团审议后修改：最低计票数改为5人' });
  const adopted = await staff.post(`/api/sessions/${sessionId}/voting-rules/adopt`, {
    version: v2.body.versions[0].version,
    body: '宿迁市第六届人民代表大会第三次会议',
    meeting: '第二次全体会议',
    adoptedOn: '2027-01-10',
    votes: { for: 11, against: 0, abstain: 1 },
  });
  expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

describe('the procedure in the browser', () => {
  it('the adopted 票决办法 prints on A4 with its 监票人 list', async () => {
    const ctx = await h.browser.newContext({ viewport: { width: 900, height: 1200 } });
    await ctx.request.post(`${h.base}/api/auth/login`, { data: { username: 'staff1', password: 'a long enough password' }, headers: { 'x-piaojue-csrf': '1' } });
    const page = await ctx.newPage();
    await page.goto(`${h.base}/console/sessions/${sessionId}/voting-rules/print`);
    const doc = page.getByTestId('voting-rules-doc');
    await doc.waitFor({ timeout: UI });
    await poll(() => page.getByTestId('voting-rules-adopted').textContent()).toContain('第二次全体会议通过，赞成11票，反对0票，弃权1票');
    const text = (await doc.textContent()) ?? '';
    expect(text.replace(/\n/g, '')).toContain('宿迁市第六届人民代表大会第三次会议民生实事项目票决办法');
    expect(text).toContain('候选项目7个，应选5个');
    expect(text).toContain('投票人数少于5人的');
    expect(text).toContain('总监票人');
    expect(text).not.toContain('草案');
    await expectAccessible(page, 'console: voting rules print');
    await shot(page, 'voting-rules-print.png', true);
    // As printed: one A4 sheet wide, no console chrome.
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await ctx.close();
  });

  it('a 监票人 confirms the count on the tablet; the others see their progress', async () => {
    pollId = (await staff.post(`/api/sessions/${sessionId}/polls`, {})).body.id;
    expect((await staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);
    const ids = (await staff.get(`/api/polls/${pollId}`)).body.candidates.map((c: { id: string }) => c.id) as string[];
    for (const [i, d] of deputies.entries()) {
      const marks = Object.fromEntries(ids.slice(0, 5).map((id, j) => [id, (i + j) % 4 === 0 ? 'against' : 'for']));
      expect((await d.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks } })).status).toBe(200);
    }
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
    expect((await deputies[5]!.post(`/api/polls/${pollId}/confirm`)).status).toBe(200);

    const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const tablet = await ctx.newPage();
    await tablet.goto(`${h.base}/t/login?code=${codes[2]!.code}`);
    await tablet.getByRole('button', { name: '登 录' }).click();
    const card = tablet.getByTestId('scrutineer-confirm');
    await card.waitFor({ timeout: UI });
    await poll(() => tablet.getByTestId('scrutineer-progress').textContent()).toContain('1 / 3');
    expect(await card.textContent()).toContain('总监票人确认计票结果');
    await expectAccessible(tablet, 'tablet: scrutineer confirms the count');
    await shot(tablet, 'tablet-scrutineer.png');
    await tablet.getByTestId('scrutineer-confirm-btn').click();
    await tablet.getByTestId('scrutineer-confirmed').waitFor({ timeout: UI });
    await poll(() => tablet.getByTestId('scrutineer-progress').textContent()).toContain('2 / 3');

    // A deputy who is no 监票人 sees no such screen.
    const other = await ctx.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
    const plain = await other.newPage();
    await plain.goto(`${h.base}/t/login?code=${codes[0]!.code}`);
    await plain.getByRole('button', { name: '登 录' }).click();
    await plain.getByTestId('deputy-done').waitFor({ timeout: UI });
    expect(await plain.getByTestId('scrutineer-confirm').count()).toBe(0);
    await other.close();
    await ctx.close();
  });
});
