/**
 * The public 公告 page of a certified encrypted poll links its bulletin (下载公开核验数据), and what
 * the link downloads verifies; a plain poll's page has no such link.
 * With E2E_SCREENSHOTS=<dir> it saves announcement-bulletin.png (a citizen's laptop, 1280x800).
 */
import path from 'node:path';
import { cryptoReady, verifyBulletin } from '@piaojue/shared/crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { castEncrypted, castOk, decryptAs, hall, openPoll, staffPair } from '../helpers/world.ts';
import { expectAccessible } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';

const shots = process.env.E2E_SCREENSHOTS;
let h: Harness;
let base: string;
let browser: Browser;
let encrypted: string;
let plain: string;

beforeAll(async () => {
  await cryptoReady();
  h = await startHarness();
  ({ base, browser } = h);
  const t = { app: h.app } as unknown as TestApp;
  const { staff } = await staffPair(t);
  const w = await hall(t, staff, { encrypted: true, candidates: 3, deputies: 5, cycle: { chooseN: 1, ballotType: 'choose' } });
  encrypted = await openPoll(staff, w.sessionId);
  for (const [i, d] of w.deputies.entries()) await castEncrypted(d.client, encrypted, { type: 'choose', selected: [w.candidateIds[i % 2]!] });
  expect((await staff.post(`/api/polls/${encrypted}/close`)).status).toBe(200);
  for (const g of w.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, encrypted)).status).toBe(200);
  expect((await staff.post(`/api/polls/${encrypted}/certify`)).status).toBe(200);

  const p = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, ballotType: 'choose', year: 2098 } });
  plain = await openPoll(staff, p.sessionId);
  for (const d of p.deputies) await castOk(d.client, plain, { type: 'choose', selected: [p.candidateIds[0]] });
  expect((await staff.post(`/api/polls/${plain}/close`)).status).toBe(200);
  expect((await staff.post(`/api/polls/${plain}/certify`)).status).toBe(200);
}, 180_000);
afterAll(async () => {
  await h?.close();
});

describe('the 公告 page', () => {
  it('links an encrypted poll\'s verification data, which verifies', async () => {
    const citizen = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } })).newPage();
    await citizen.goto(`${base}/results/polls/${encrypted}/announcement`);
    const link = citizen.getByTestId('announcement-bulletin');
    await link.waitFor();
    expect(await link.textContent()).toContain('下载公开核验数据');
    // what the link downloads, fetched as anyone would (no login)
    const download = await fetch(`${base}${await link.getAttribute('href')}`);
    expect(download.status).toBe(200);
    const report = verifyBulletin(await download.json());
    expect(report.failures).toEqual([]);
    expect(report.chosen).toEqual(['项目1']);
    await expectAccessible(citizen, 'public announcement of an encrypted poll');
    if (shots) await citizen.screenshot({ path: path.join(shots, 'announcement-bulletin.png') });
    await citizen.context().close();
  });

  it('has no such link for a plain poll', async () => {
    const citizen = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } })).newPage();
    await citizen.goto(`${base}/results/polls/${plain}/announcement`);
    await citizen.getByTestId('announcement-csv').waitFor();
    expect(await citizen.getByTestId('announcement-bulletin').count()).toBe(0);
    await citizen.context().close();
  });
});
