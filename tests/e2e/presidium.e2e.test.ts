/**
 * The 主席团 as a body in the browser (docs/PROCEDURE.md §3, "The 主席团's decisions"): a vote
 * ties at the cut-off under the rule "主席团决定"; a member records the 主席团 meeting's decision
 * on the console (meeting, date, the tied project it chooses, the members who signed), the form
 * checking the draft by the server's rule; the 主席团 then certifies, and the 公告 lists the
 * project with the sentence saying the 主席团 decided the tie.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * With E2E_SCREENSHOTS=<dir> it saves console-presidium-decision.png and
 * announcement-tie-decided.png (1440x900) there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, Client, type TestApp } from '../helpers/app.ts';
import { castOk, fixList, hall, openPoll, staffPair } from '../helpers/world.ts';
import { startHarness, type Harness } from './harness.ts';

const UI = 30_000;
const PASSWORD = 'a long enough password';
let h: Harness;
let base: string;
let browser: Browser;
let staff: Client;
let pollId: string;
let projects: string[];
const members: Record<string, string> = {};

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI, interval: 100 });
const shot = (p: Page, name: string) => (process.env.E2E_SCREENSHOTS ? p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, name) }) : undefined);

async function page(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
  ctx.setDefaultTimeout(UI);
  return ctx.newPage();
}

beforeAll(async () => {
  h = await startHarness();
  ({ base, browser } = h);
  const t = { app: h.app } as unknown as TestApp;
  let admin: Client;
  ({ admin, staff } = await staffPair(t));
  for (const [username, displayName] of [
    ['zhuxituan1', '王建国'],
    ['zhuxituan2', '李秀英'],
    ['zhuxituan3', '陈志强'],
  ] as const) {
    const made = await admin.post('/api/users', { username, displayName, password: PASSWORD, roles: ['presidium'] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    members[username] = made.body.id;
  }
  const w = await hall(t, staff, {
    candidates: 0,
    deputies: 5,
    freeze: false,
    cycle: { chooseN: 2, tieRule: 'presidium', certifyK: 2, year: 2097, name: '2097年度宿迁市民生实事项目' },
  });
  projects = [];
  for (const [name, department, investmentWan] of [
    ['城区老旧小区加装电梯', '市住房城乡建设局', 3200],
    ['社区嵌入式托育服务点建设', '市卫生健康委', 1800],
    ['农村公路提档升级', '市交通运输局', 5600],
    ['公办幼儿园扩容增位', '市教育局', 4100],
  ] as const) {
    const c = await staff.post(`/api/cycles/${w.cycleId}/candidates`, { name, department, investmentWan });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    projects.push(c.body.id);
  }
  expect((await fixList(staff, w.cycleId)).status).toBe(200);
  await adoptRules(staff, w.sessionId, [w.deputies[0]!.id, w.deputies[1]!.id]);
  pollId = await openPoll(staff, w.sessionId);
  const [A, B, C, D] = projects as [string, string, string, string];
  // A 3 赞成 → 入选; B and C 2 each → tied for the one place left.
  const ballots = [{ [A]: 'for', [B]: 'for' }, { [A]: 'for', [C]: 'for' }, { [A]: 'for', [B]: 'for' }, { [C]: 'for', [D]: 'for' }, { [D]: 'against' }];
  for (const [i, marks] of ballots.entries()) await castOk(w.deputies[i]!.client, pollId, { type: 'approve', marks });
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.result.tie).toMatchObject({ places: 1, resolution: 'presidium' });
  // the 监票人 confirm the count on their tablets
  for (const d of w.deputies.slice(0, 2)) expect((await d.client.post(`/api/polls/${pollId}/confirm`)).status).toBe(200);
  members.sessionId = w.sessionId;
});

afterAll(async () => {
  await h?.close();
});

describe('a tie the 主席团 decides, on the console', () => {
  it('records the decision with meeting, date and signers; the form follows the server’s rule', async () => {
    const p = await page();
    await p.goto(`${base}/console/login`);
    await p.getByLabel('用户名').fill('zhuxituan1');
    await p.getByLabel(/密码/).fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.waitForURL(`${base}/console`);
    await p.goto(`${base}/console/sessions/${members.sessionId}`);
    const form = p.getByTestId('presidium-form');
    await form.waitFor();
    // A tie is open: the form decides it, and the certify button waits for the decision.
    expect(await form.getByTestId('presidium-kind-tie').isChecked()).toBe(true);
    expect(await form.getByTestId('presidium-kind-certify').count()).toBe(0);
    const check = form.getByTestId('presidium-check');
    await form.getByTestId('presidium-meeting').fill('主席团第三次会议');
    await form.getByTestId('presidium-date').fill('2097-01-16');
    await poll(() => check.textContent()).toContain('请选定入选项目');
    await form.getByTestId(`presidium-chosen-${projects[1]}`).check();
    await form.getByTestId(`presidium-chosen-${projects[2]}`).check();
    await poll(() => check.textContent()).toContain('所选项目多于剩余名额');
    expect(await form.getByTestId('presidium-submit').isDisabled()).toBe(true);
    await form.getByTestId(`presidium-chosen-${projects[1]}`).uncheck();
    await poll(() => check.textContent()).toContain('签署成员不足：需至少 2 名，已选 1 名');
    await form.getByTestId('presidium-signer-zhuxituan2').check();
    await poll(() => check.textContent()).toContain('符合要求');
    await form.getByTestId('presidium-signer-zhuxituan2').scrollIntoViewIfNeeded();
    await shot(p, 'console-presidium-decision.png');
    await form.getByTestId('presidium-submit').click();
    const recorded = p.getByTestId('presidium-decision-tie');
    await recorded.waitFor();
    const text = await recorded.textContent();
    expect(text).toContain('主席团第三次会议');
    expect(text).toContain('2097年1月16日');
    expect(text).toContain('农村公路提档升级');
    expect(text).toContain('王建国、李秀英');
    // Now the form offers certifying.
    await poll(() => p.getByTestId('presidium-kind-certify').count()).toBe(1);
    await p.context().close();
  });

  it('the 主席团 certifies; the 公告 lists the decided project and says the 主席团 decided the tie', async () => {
    const member = new Client(h.app);
    expect((await member.post('/api/auth/login', { username: 'zhuxituan3', password: PASSWORD })).status).toBe(200);
    const certified = await member.post(`/api/polls/${pollId}/presidium-decisions`, {
      kind: 'certify',
      meeting: '主席团第四次会议',
      decidedOn: '2097-01-16',
      signerIds: [members.zhuxituan3, members.zhuxituan2],
    });
    expect(certified.status, JSON.stringify(certified.body)).toBe(200);
    expect(certified.body.status).toBe('certified');
    const p = await page();
    await p.goto(`${base}/results/polls/${pollId}/announcement`);
    const doc = p.getByTestId('announcement-doc');
    await doc.waitFor();
    await poll(() => doc.textContent()).toContain('经大会主席团第三次会议决定，农村公路提档升级入选');
    const all = (await doc.textContent()) ?? '';
    expect(all).toContain('农村公路提档升级（经大会主席团决定）');
    expect(all).toContain('主席团第三次会议（2097年1月16日）决定得票相同的并列项目中农村公路提档升级入选；签署：王建国、李秀英');
    expect(all).not.toContain('草稿');
    await p.getByText('经大会主席团第三次会议决定').scrollIntoViewIfNeeded();
    await shot(p, 'announcement-tie-decided.png');
    await p.context().close();
  });
});
