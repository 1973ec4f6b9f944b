/**
 * 疑似重复组 in the console: staff open the queue, see a proposal's similar list with 可能重复
 * and its reason, go to the groups view, and merge one group into a new candidate project in
 * one action; the same request at another place (春江西苑) stays out of every group.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * Staff also add a synonym group in the 查重词表 and remove it again.
 * With E2E_SCREENSHOTS=<dir> it saves console-duplicates.png and console-lexicon.png (1440x900) there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { adminClient, defaultCycle, type Client, type TestApp } from '../helpers/app.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
let h: Harness;
let app: App;
let base: string;
let browser: Browser;
let admin: Client;
let cycleId: string;
const ids: Record<string, string> = {};

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });

const PROPOSALS: Record<string, { title: string; content: string; district: string; area: string }> = {
  lift1: { title: '春江苑老旧小区加装电梯', content: '春江苑建于上世纪九十年代，都是六层住宅，没有电梯，老人上下楼困难。', district: '宿城区', area: '住有所居' },
  lift2: { title: '请给春江苑老楼安装电梯', content: '我家住春江苑五楼，母亲腿脚不好，每次爬楼都要歇好几回。', district: '宿城区', area: '住有所居' },
  lift3: { title: '春江苑装电梯', content: '老人上楼难，盼装电梯。', district: '宿城区', area: '住有所居' },
  liftWest: { title: '春江西苑老旧小区加装电梯', content: '春江西苑建于上世纪九十年代，都是六层住宅，没有电梯，老人上下楼困难。', district: '宿城区', area: '住有所居' },
  river1: { title: '柳湾村旁边的河很臭', content: '柳湾村旁边那条河一到夏天就发臭，水是黑的，蚊子特别多。', district: '泗阳县', area: '生态环境' },
  river2: { title: '柳湾河道黑臭水体治理', content: '建议对柳湾河道开展黑臭水体综合治理，清淤疏浚，截断污水直排。', district: '泗阳县', area: '生态环境' },
  clinic: { title: '徐洼村建卫生室', content: '徐洼村老人多，看病要跑到镇上。', district: '泗洪县', area: '病有所医' },
};

beforeAll(async () => {
  h = await startHarness();
  ({ app, base, browser } = h);
  admin = await adminClient({ app } as unknown as TestApp);
  cycleId = (await admin.post('/api/cycles', { ...defaultCycle, name: '2028年度宿迁市民生实事项目', year: 2028 })).body.id;
  for (const [k, p] of Object.entries(PROPOSALS)) {
    const r = await admin.post(`/api/cycles/${cycleId}/proposals`, { ...p, channel: 'hotline' });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    ids[k] = r.body.id;
  }
});

afterAll(async () => {
  await h?.close();
});

async function page(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(UI);
  return ctx.newPage();
}

describe('疑似重复组 in the console', () => {
  it('shows 可能重复 with its reason, and merges one group in one action', async () => {
    const con = await page();
    await con.goto(`${base}/console/login`);
    await con.getByLabel('用户名').fill('admin');
    await con.getByLabel(/密码/).fill('correct horse battery');
    await con.getByRole('button', { name: '登录' }).click();
    await con.waitForURL(`${base}/console`);

    // the groups view, from the queue
    await con.goto(`${base}/console/cycles/${cycleId}/proposals`);
    await con.getByTestId('queue-duplicates').click();
    await con.waitForURL(`${base}/console/cycles/${cycleId}/duplicates`);
    await poll(() => con.getByTestId('dup-group').count()).toBe(2);
    const groups = con.getByTestId('dup-group');
    const lift = groups.filter({ hasText: '春江苑老旧小区加装电梯' });
    await expect(lift.textContent()).resolves.toContain('同一地点：春江苑');
    expect(await lift.textContent()).toContain('同一诉求：');
    expect(await lift.locator('li').count()).toBe(3);
    expect(await con.locator('main, body').first().textContent()).not.toContain('春江西苑老旧小区加装电梯');
    expect(await lift.getByTestId('dup-name').inputValue()).toContain('春江苑');
    if (process.env.E2E_SCREENSHOTS) await con.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-duplicates.png') });
    await expectAccessible(con, 'console: duplicate groups');

    await lift.getByTestId('dup-name').fill('春江苑老旧小区加装电梯');
    await lift.getByTestId('dup-merge').click();
    await poll(() => con.getByTestId('dup-merged').textContent()).toContain('春江苑老旧小区加装电梯');
    await poll(() => con.getByTestId('dup-group').count()).toBe(1);
    await expectAccessible(con, 'console: duplicate groups, one merged');

    // the merge is recorded as any merge: links, events, one candidate with three sources
    const shortlist = await admin.get(`/api/cycles/${cycleId}/shortlist`);
    expect(shortlist.body.candidates.map((c: { name: string; sourceCount: number }) => [c.name, c.sourceCount])).toEqual([['春江苑老旧小区加装电梯', 3]]);
    for (const k of ['lift1', 'lift2', 'lift3']) {
      const d = await admin.get(`/api/proposals/${ids[k]}`);
      expect(d.body.status).toBe('accepted');
      expect(d.body.events.map((e: { kind: string }) => e.kind)).toContain('accepted');
    }
    expect((await admin.get(`/api/proposals/${ids.liftWest}`)).body.status).toBe('received');
  });

  it('shows the flag and the worded reason in a proposal’s similar list', async () => {
    const con = await page();
    await con.goto(`${base}/console/login`);
    await con.getByLabel('用户名').fill('admin');
    await con.getByLabel(/密码/).fill('correct horse battery');
    await con.getByRole('button', { name: '登录' }).click();
    await con.waitForURL(`${base}/console`);
    await con.goto(`${base}/console/cycles/${cycleId}/proposals`);
    await con.getByText('柳湾村旁边的河很臭').first().click();
    const list = con.getByTestId('similar-list');
    await poll(() => list.locator('li').count()).toBeGreaterThan(0);
    const first = list.locator('li').first();
    expect(await first.textContent()).toContain('柳湾河道黑臭水体治理');
    expect(await first.getByTestId('dup-flag').textContent()).toBe('可能重复');
    expect(await first.getByTestId('dup-reason').textContent()).toMatch(/同一地点：柳湾村；同一诉求：.*(黑臭|河道)/);
    await expectAccessible(con, 'console: proposal with its similar list');

    // the lexicon, from the groups view
    await con.goto(`${base}/console/cycles/${cycleId}/duplicates`);
    await con.getByTestId('dup-lexicon-link').click();
    await con.waitForURL(`${base}/console/similarity-lexicon`);
    await poll(() => con.getByTestId('lexicon-list').locator('li').count()).toBeGreaterThan(100);
    await con.getByTestId('lexicon-value').fill('口袋书屋 阅读角 共享阅读角');
    await con.getByTestId('lexicon-add').click();
    const added = con.getByTestId('lexicon-list').locator('li').filter({ hasText: '口袋书屋 阅读角 共享阅读角' });
    await poll(() => added.count()).toBe(1);
    expect(await added.textContent()).toContain('工作人员添加');
    await expectAccessible(con, 'console: duplicate lexicon');
    if (process.env.E2E_SCREENSHOTS) await con.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'console-lexicon.png') });
    const entries = await admin.get('/api/similarity/lexicon');
    expect(entries.body.some((e: { value: string; origin: string }) => e.value === '口袋书屋 阅读角 共享阅读角' && e.origin === 'staff')).toBe(true);
    await added.getByRole('button', { name: '删除' }).click();
    await poll(() => added.count()).toBe(0);
  });
});
