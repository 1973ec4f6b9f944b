/**
 * The 表决结果报告单 in the browser (docs/PROCEDURE.md §3, "The count sheet"): a mixed session,
 * two deputies on paper and the rest on tablets; after the 总监票人 confirms the paper count,
 * staff open the count sheet from the console, enter the 执行主席, and the A4 page shows the
 * combined figures, both parts, every project's result and the signature lines.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves count-sheet-a4.png (A4 at 96 dpi, full page) there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperFiguresOf, type BallotBody, type Mark } from '@piaojue/shared';
import { adoptRules, Client, defaultCycle, type TestApp } from '../helpers/app.ts';
import { castOk, fixList, openPoll, staffPair } from '../helpers/world.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
const PASSWORD = 'a long enough password';
const PROJECTS = [
  ['新建改扩建中小学幼儿园', '市教育局'],
  ['老旧小区改造及加装电梯', '市住房和城乡建设局'],
  ['社区嵌入式养老服务中心建设', '市民政局'],
  ['城乡公交一体化提升', '市交通运输局'],
  ['农村饮用水安全巩固提升', '市水利局'],
  ['城市智慧停车设施建设', '市城市管理局'],
] as const;
const DEPUTIES = ['王建国', '李秀英', '张伟', '刘洋', '陈静', '杨帆', '赵敏', '黄磊', '周婷', '吴刚'];
let h: Harness;
let base: string;
let browser: Browser;
let staff: Client;
let pollId: string;
let candidateIds: string[] = [];

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shot = (p: Page, name: string) => (process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name), fullPage: true }) : undefined);
/** 赞成 for the projects in `yes`, 反对 for those in `no`, the rest 弃权. */
const approve = (yes: number[], no: number[] = []): BallotBody => ({
  type: 'approve',
  marks: Object.fromEntries(candidateIds.map((id, i): [string, Mark] => [id, yes.includes(i) ? 'for' : no.includes(i) ? 'against' : 'abstain'])),
});

async function staffUser(admin: Client, t: TestApp, username: string, displayName: string): Promise<Client> {
  expect((await admin.post('/api/users', { username, displayName, password: PASSWORD, roles: ['staff'] })).status).toBe(200);
  const c = new Client(t.app);
  expect((await c.post('/api/auth/login', { username, password: PASSWORD })).status).toBe(200);
  return c;
}

beforeAll(async () => {
  h = await startHarness();
  ({ base, browser } = h);
  const t = { app: h.app } as unknown as TestApp;
  let admin: Client;
  ({ admin, staff } = await staffPair(t));
  const tellers = [await staffUser(admin, t, 'jipiao1', '张明'), await staffUser(admin, t, 'jipiao2', '孙丽')];
  const tellerIds = await Promise.all(tellers.map(async (c) => (await c.get('/api/auth/me')).body.user.id as string));

  const cycle = await staff.post('/api/cycles', { ...defaultCycle, name: '2027年度宿迁市民生实事项目', chooseN: 4, passThreshold: 'seated_majority', minBallots: 2, maxExtraRatio: 1 });
  expect(cycle.status, JSON.stringify(cycle.body)).toBe(200);
  for (const [name, department] of PROJECTS) candidateIds.push((await staff.post(`/api/cycles/${cycle.body.id}/candidates`, { name, department, investmentWan: 5000 })).body.id);
  expect((await fixList(staff, cycle.body.id)).status).toBe(200);
  const session = await staff.post('/api/sessions', { cycleId: cycle.body.id, name: '宿迁市第六届人民代表大会第三次会议' });
  const sessionId = session.body.id as string;
  const delegations = ['宿城区代表团', '宿豫区代表团', '沭阳县代表团'];
  const csv = ['姓名,代表团,座位', ...DEPUTIES.map((n, i) => `${n},${delegations[i % 3]},${String(i + 1).padStart(3, '0')}`)].join('\n');
  expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'r.csv', contentBase64: Buffer.from(csv).toString('base64') })).status).toBe(200);
  const codes = (await staff.post(`/api/sessions/${sessionId}/codes`, {})).body as { code: string; deputyId: string }[];
  const list = await staff.req('PUT', `/api/sessions/${sessionId}/scrutiny`, {
    scrutineers: [
      { deputyId: codes[0]!.deputyId, chief: true },
      { deputyId: codes[1]!.deputyId, chief: false },
    ],
    counterIds: tellerIds,
  });
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  await adoptRules(staff, sessionId);
  expect((await staff.post(`/api/sessions/${sessionId}/checkin/open`)).status).toBe(200);
  const deputies: Client[] = [];
  for (const c of codes) {
    const d = new Client(t.app);
    expect((await d.post('/api/auth/deputy-login', { code: c.code })).status).toBe(200);
    expect((await d.post('/api/deputy/checkin')).status).toBe(200);
    deputies.push(d);
  }

  pollId = await openPoll(staff, sessionId);
  // two tablets fail: 周婷 and 吴刚 vote on paper
  for (const c of codes.slice(8)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: c.deputyId })).status).toBe(200);
  const tablets = [approve([0, 1, 2, 4]), approve([0, 1, 2, 3]), approve([0, 1, 4, 5], [3]), approve([0, 2, 4], [5]), approve([0, 1, 2, 4]), approve([1, 2, 3, 4]), approve([0, 1, 3], [5]), approve([0, 2, 4, 5])];
  for (const [i, b] of tablets.entries()) await castOk(deputies[i]!, pollId, b);
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
  const figures = paperFiguresOf({ ballotType: 'approve', choose: 4, candidateIds, allowAbstain: true }, [approve([0, 1, 2, 4]), approve([0, 1, 3, 4])], { issued: 2 });
  for (const teller of tellers) expect((await teller.post(`/api/polls/${pollId}/paper/entries`, { figures })).status).toBe(200);
  const review = await deputies[0]!.get(`/api/polls/${pollId}/paper/review`);
  expect((await deputies[0]!.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: review.body.reconciled.figuresHash })).status).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

describe('the count sheet of a mixed session', () => {
  it('staff enter the 执行主席 and print the sheet: combined figures, both parts, results and signature lines', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 794, height: 1123 } });
    ctx.setDefaultTimeout(UI);
    const p = await ctx.newPage();
    await p.goto(`${base}/console/login`);
    await p.getByLabel('用户名').fill('staff1');
    await p.getByLabel(/密码/).fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.waitForURL(`${base}/console`);
    await p.goto(`${base}/console/polls/${pollId}/count-sheet`);
    const sheet = p.getByTestId('count-sheet');
    await sheet.waitFor();

    await p.getByTestId('count-sheet-chair-input').fill(' 陈立新 ');
    await p.getByTestId('count-sheet-chair-save').click();
    await poll(() => p.getByTestId('count-sheet-chair').textContent()).toContain('陈立新');
    expect((await staff.get(`/api/polls/${pollId}/count-sheet`)).body.presidingChair).toBe('陈立新');

    const text = ((await sheet.textContent()) ?? '').replace(/\s+/g, '');
    expect(text).toContain('宿迁市第六届人民代表大会第三次会议2027年度宿迁市民生实事项目票决表决结果报告单');
    expect(text).toContain('应到代表10名，实到代表10名，符合法定人数');
    const ballots = await p.getByTestId('count-sheet-ballots').locator('tbody tr').allTextContents();
    expect(ballots.map((r) => r.replace(/\s+/g, ''))).toEqual(['电子表决8880', '纸质表决票2220', '合计101010' + '0']);
    const rows = await p.getByTestId('count-sheet-rows').locator('tbody tr').allTextContents();
    // each part holds at least the minimum of 2 ballots (docs/PROCEDURE.md §3, "Minimum ballots"): per project, the totals and both parts
    expect(rows.map((r) => r.replace(/\s+/g, ''))).toEqual([
      `1${PROJECTS[0][0]}9017/0/12/0/0入选`,
      `2${PROJECTS[1][0]}8026/0/22/0/0入选`,
      `2${PROJECTS[4][0]}8026/0/22/0/0入选`,
      `4${PROJECTS[2][0]}7036/0/21/0/1入选`,
      `5${PROJECTS[3][0]}4153/1/41/0/1未入选`,
      `6${PROJECTS[5][0]}2262/2/40/0/2未入选`,
    ]);
    expect(text).toContain('电子表决（赞成/反对/弃权）纸质表决票（赞成/反对/弃权）');
    expect(text).not.toContain('为保护无记名投票，各项目得票只列合计');
    expect(text).toContain('须得赞成票6票以上');
    const signs = ((await p.getByTestId('count-sheet-signs').textContent()) ?? '').replace(/\s+/g, '');
    expect(signs).toMatch(/^总监票人王建国监票人李秀英计票人张明计票人孙丽执行主席陈立新\d{4}年\d+月\d+日$/);
    expect(await p.getByTestId('count-sheet-status').textContent()).toBe('（计票结果，待主席团确认）');
    // nothing of any deputy but the 监票人's names as signatories
    for (const n of DEPUTIES.slice(2)) expect(text).not.toContain(n);
    await shot(p, 'count-sheet-a4.png');
    // printed, six projects fit one A4 page with the signatures
    const printed = await getDocumentProxy(new Uint8Array(await p.pdf({ preferCSSPageSize: true, printBackground: true })));
    expect(printed.numPages).toBe(1);
    await ctx.close();
  });
});
