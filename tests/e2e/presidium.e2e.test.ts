/**
 * The 主席团 as a body in the browser (docs/PROCEDURE.md §3, "The 主席团's decisions"): a vote
 * ties at the cut-off under the rule "主席团决定"; a member records the 主席团 meeting's decision
 * on the console (meeting, date, the tied project it chooses, the members asked to sign), the
 * form checking the draft by the server's rule; it is pending until the other member signs it on
 * their own account, from the list of decisions awaiting signatures on their console; the count
 * sheet keeps the tie as counted with the decision beside it; the 主席团 then certifies (an open
 * console's list follows the decision as it is recorded and takes effect), and the
 * 公告 lists the project with the sentence saying the 主席团 decided the tie.
 *
 * Needs the built web client (`pnpm --filter @piaojue/web build`) and Chromium.
 * A console left open on the first screen follows a session the secretariat creates afterwards
 * (the sessions topic): it is listed, and a decision awaiting signatures there shows, without a reload.
 *
 * With E2E_SCREENSHOTS=<dir> it saves console-presidium-decision.png,
 * console-presidium-pending.png, console-presidium-pending-live.png,
 * console-presidium-new-session.png and announcement-tie-decided.png (1440x900), and
 * count-sheet-tie-decided.png (A4 at 96 dpi, full page) there.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, Client, type TestApp } from '../helpers/app.ts';
import type { Poll } from '@piaojue/shared';
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

async function consoleAs(username: string): Promise<Page> {
  const p = await page();
  await p.goto(`${base}/console/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel(/密码/).fill(PASSWORD);
  await p.getByRole('button', { name: '登录' }).click();
  await p.waitForURL(`${base}/console`);
  return p;
}

/** The confirmation dialog the console asks before a signature. */
async function confirmDialog(p: Page, button: string) {
  const dlg = p.getByRole('alertdialog');
  await dlg.getByRole('button', { name: button }).click();
  await poll(() => dlg.count()).toBe(0);
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
  it('records the decision with meeting, date and the members asked to sign; the form follows the server’s rule', async () => {
    const p = await consoleAs('zhuxituan1');
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
    // Recorded and signed by 王建国; pending until 李秀英 signs on her own account.
    const pending = p.getByTestId('presidium-pending-tie');
    await pending.waitFor();
    const text = await pending.textContent();
    expect(text).toContain('主席团第三次会议');
    expect(text).toContain('2097年1月16日');
    expect(text).toContain('农村公路提档升级');
    expect(text).toContain('已签署 1/2');
    expect(await p.getByTestId('presidium-decision-tie').count()).toBe(0);
    // 王建国 signed by recording it: he can withdraw it, not sign it again.
    expect(await pending.getByTestId('presidium-sign').count()).toBe(0);
    expect(await pending.getByTestId('presidium-withdraw').count()).toBe(1);
    // Certifying waits for the tie decision to take effect; a second tie decision waits for this one.
    expect(await form.getByTestId('presidium-kind-certify').count()).toBe(0);
    await form.getByTestId('presidium-meeting').fill('主席团第三次会议');
    await form.getByTestId(`presidium-chosen-${projects[1]}`).check();
    await form.getByTestId('presidium-signer-zhuxituan2').check();
    await poll(() => check.textContent()).toContain('同类决定已有一项待签署');
    await p.context().close();
  });

  it('the other member signs it on their own console, and it takes effect with that signature', async () => {
    // 王建国 keeps the poll open on his console: the signature shows there without a reload.
    const recorder = await consoleAs('zhuxituan1');
    await recorder.goto(`${base}/console/sessions/${members.sessionId}`);
    await recorder.getByTestId('presidium-pending-tie').waitFor();
    const p = await consoleAs('zhuxituan2');
    const list = p.getByTestId('presidium-pending');
    const card = list.getByTestId('presidium-pending-tie');
    await card.waitFor();
    expect(await list.textContent()).toContain('2097年度宿迁市民生实事项目');
    expect(await card.getByTestId('presidium-withdraw').count()).toBe(0);
    await shot(p, 'console-presidium-pending.png');
    await card.getByTestId('presidium-sign').click();
    await confirmDialog(p, '签署');
    await poll(() => list.getByTestId('presidium-pending-tie').count()).toBe(0);
    await poll(() => list.textContent()).toContain('没有待签署的决定');
    await recorder.getByTestId('presidium-decision-tie').waitFor();
    expect(await recorder.getByTestId('presidium-pending-tie').count()).toBe(0);
    await recorder.context().close();
    await p.goto(`${base}/console/sessions/${members.sessionId}`);
    const decided = p.getByTestId('presidium-decision-tie');
    await decided.waitFor();
    const text = await decided.textContent();
    expect(text).toContain('农村公路提档升级');
    expect(text).toContain('王建国、李秀英');
    // Now the form offers certifying.
    await poll(() => p.getByTestId('presidium-kind-certify').count()).toBe(1);
    await p.context().close();
  });

  it('the count sheet keeps the tie as counted and names the decision beside it', async () => {
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
    const rows = (await p.getByTestId('count-sheet-rows').locator('tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ''));
    expect(rows).toEqual(['1城区老旧小区加装电梯302入选', '2社区嵌入式托育服务点建设203票数相同主席团决定未入选', '2农村公路提档升级203票数相同主席团决定入选', '4公办幼儿园扩容增位113未入选']);
    const text = ((await sheet.textContent()) ?? '').replace(/\s+/g, '');
    expect(text).toContain('入选项目1个：城区老旧小区加装电梯；待定名额1个。');
    expect(text).toContain('主席团决定：社区嵌入式托育服务点建设、农村公路提档升级得票相同，经大会主席团第三次会议（2097年1月16日）决定，农村公路提档升级入选；入选项目共2个：城区老旧小区加装电梯、农村公路提档升级。');
    if (process.env.E2E_SCREENSHOTS) await p.screenshot({ path: path.join(process.env.E2E_SCREENSHOTS, 'count-sheet-tie-decided.png'), fullPage: true });
    await ctx.close();
  });

  it('the 主席团 certifies; the 公告 lists the decided project and says the 主席团 decided the tie', async () => {
    // 李秀英's console is open: the certification recorded and signed by others shows on it, and
    // leaves it, without a reload (the presidium topic of the session).
    const open = await consoleAs('zhuxituan2');
    await open.getByRole('link', { name: /市十届人大三次会议/ }).first().waitFor();
    await open.waitForTimeout(500);
    expect(await open.getByTestId('presidium-pending').count()).toBe(0);
    const member = new Client(h.app);
    expect((await member.post('/api/auth/login', { username: 'zhuxituan3', password: PASSWORD })).status).toBe(200);
    const certified = await member.post(`/api/polls/${pollId}/presidium-decisions`, {
      kind: 'certify',
      meeting: '主席团第四次会议',
      decidedOn: '2097-01-16',
      signerIds: [members.zhuxituan3, members.zhuxituan2],
    });
    expect(certified.status, JSON.stringify(certified.body)).toBe(200);
    expect(certified.body.status).toBe('closed');
    const second = new Client(h.app);
    expect((await second.post('/api/auth/login', { username: 'zhuxituan2', password: PASSWORD })).status).toBe(200);
    const decisionId = certified.body.certification.pending[0].id as string;
    const live = open.getByTestId('presidium-pending-certify');
    await live.waitFor();
    expect(await live.textContent()).toContain('主席团第四次会议');
    await shot(open, 'console-presidium-pending-live.png');
    const signed = await second.post(`/api/polls/${pollId}/presidium-decisions/${decisionId}/signatures`, { answer: 'sign' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.status).toBe('certified');
    await poll(() => live.count()).toBe(0);
    await open.context().close();
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

  it('a session the secretariat creates after the console opened appears on it, with its decisions awaiting signatures', async () => {
    const open = await consoleAs('zhuxituan2');
    await open.getByRole('link', { name: /市十届人大三次会议/ }).first().waitFor();
    expect(await open.getByRole('link', { name: /市十届人大四次会议/ }).count()).toBe(0);
    const w = await hall({ app: h.app } as unknown as TestApp, staff, {
      candidates: 2,
      deputies: 3,
      sessionName: '市十届人大四次会议',
      cycle: { chooseN: 1, certifyK: 2, year: 2098, name: '2098年度宿迁市民生实事项目' },
    });
    // Listed without a reload.
    await open.getByRole('link', { name: /市十届人大四次会议/ }).waitFor();
    const vote = await openPoll(staff, w.sessionId);
    for (const d of w.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [w.candidateIds[0]!]: 'for' } });
    expect((await staff.post<Poll>(`/api/polls/${vote}/close`)).body.status).toBe('closed');
    const member = new Client(h.app);
    expect((await member.post('/api/auth/login', { username: 'zhuxituan3', password: PASSWORD })).status).toBe(200);
    const recorded = await member.post<Poll>(`/api/polls/${vote}/presidium-decisions`, {
      kind: 'certify',
      meeting: '主席团第五次会议',
      decidedOn: '2098-01-16',
      signerIds: [members.zhuxituan3, members.zhuxituan2],
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    // The new session's decision awaiting signatures shows on the console opened before the session existed.
    const list = open.getByTestId('presidium-pending');
    const card = list.getByTestId('presidium-pending-certify');
    await card.waitFor();
    expect(await list.textContent()).toContain('市十届人大四次会议');
    expect(await card.textContent()).toContain('主席团第五次会议');
    await shot(open, 'console-presidium-new-session.png');
    await open.context().close();
  });
});
