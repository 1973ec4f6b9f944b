/**
 * A department's progress report with an attachment it asks to publish: the public site shows
 * the attachment only once staff tick 公开 in the console (outside security test, item 8).
 * With E2E_SCREENSHOTS=<dir> it saves console-report-review.png there.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 */
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp } from '../helpers/app.ts';
import { castOk, hall, openPoll, staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
let h: Harness;
let cycleId: string;
let projectId: string;
let attachmentId: string;
const contexts: BrowserContext[] = [];
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });

beforeAll(async () => {
  h = await startHarness();
  const t = { app: h.app } as TestApp;
  const { admin, staff } = await staffPair(t);
  expect((await admin.post('/api/users', { username: 'minzheng', displayName: '市民政局填报员', password: 'a long enough password', roles: ['department'], department: '市民政局' })).status).toBe(200);
  const w = await hall(t, staff, { candidates: 3, deputies: 4, cycle: { chooseN: 2, year: 2099, name: '2099年度宿迁市民生实事项目' } });
  cycleId = w.cycleId;
  const [a, b] = w.candidateIds as [string, string];
  const vote = await openPoll(staff, w.sessionId);
  for (const d of w.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [a]: 'for', [b]: 'for' } });
  await staff.post(`/api/polls/${vote}/close`);
  expect((await staff.post(`/api/polls/${vote}/certify`)).body.status).toBe('certified');
  const init = await staff.post(`/api/cycles/${cycleId}/tracking/init`);
  projectId = init.body.projects.find((p: { candidateId: string }) => p.candidateId === a).id;
  await staff.req('PUT', `/api/tracking/projects/${projectId}/plan`, { department: '市民政局', targets: '新建社区助餐点20个', fundingWan: 1200, fundingSource: '市级财政', measures: '专班推进', deadline: '2099-12-31' });
  expect((await staff.post(`/api/tracking/projects/${projectId}/plan/publish`)).status).toBe(200);
  const unit = new Client(h.app);
  expect((await unit.post('/api/auth/login', { username: 'minzheng', password: 'a long enough password' })).status).toBe(200);
  const report = await unit.post(`/api/tracking/projects/${projectId}/reports`, {
    percent: 30,
    text: '已建成助餐点6个',
    attachments: [{ fileName: '现场照片.png', contentType: 'image/png', contentBase64: PNG.toString('base64'), public: true }],
  });
  expect(report.status, JSON.stringify(report.body)).toBe(200);
  attachmentId = report.body.attachments[0].id;
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await h?.close();
});

describe('review of a department’s public attachment', () => {
  it('stays off the public site until staff tick 公开', async () => {
    const publicFile = () => h.app.inject({ method: 'GET', url: `/api/public/attachments/${attachmentId}` }).then((r) => r.statusCode);
    expect(await publicFile()).toBe(404);

    const ctx = await h.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    ctx.setDefaultTimeout(UI);
    contexts.push(ctx);
    expect((await ctx.request.post(`${h.base}/api/auth/login`, { headers: { 'x-piaojue-csrf': '1' }, data: { username: 'staff1', password: 'a long enough password' } })).status()).toBe(200);
    const con = await ctx.newPage();
    await con.goto(`${h.base}/console/cycles/${cycleId}/tracking`);
    await con.getByRole('row').filter({ hasText: '项目1' }).first().click();
    const waiting = con.getByText('申请公开，待审核');
    await waiting.waitFor();
    await waiting.scrollIntoViewIfNeeded();
    if (process.env.E2E_SCREENSHOTS) await con.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-report-review.png') });
    await expectAccessible(con, 'console: tracking, a report waiting for review');
    await con.getByRole('checkbox', { name: '公开' }).check();
    await poll(() => waiting.count()).toBe(0);
    await poll(publicFile).toBe(200);
  });
});
