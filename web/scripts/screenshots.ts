/**
 * Screenshots of the apps against a running demo (`pnpm demo`), driving a whole vote:
 * check-in → open → ballots → close → certify; then the 公告, the public results page on a
 * phone, the console's satisfaction-rating form, and the seat-card sheet.
 *
 *   npx tsx web/scripts/screenshots.ts --base http://127.0.0.1:3000 \
 *     --admin-pass <from demo output> --presidium-pass <from demo output> --codes <codes.csv>
 *
 * Writes small PNGs into docs/screenshots/. Needs Chromium (/usr/bin/chromium or CHROMIUM).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const BASE = args.get('base') ?? 'http://127.0.0.1:3000';
const ADMIN_PASS = args.get('admin-pass') ?? '';
const PRESIDIUM_PASS = args.get('presidium-pass') ?? '';
const CODES = args.get('codes') ?? '';
const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots');
if (!ADMIN_PASS || !PRESIDIUM_PASS || !CODES) {
  console.error('usage: --base URL --admin-pass P --presidium-pass P --codes codes.csv');
  process.exit(2);
}
fs.mkdirSync(OUT, { recursive: true });

/** A tiny cookie-keeping API client. */
class Client {
  cookie = '';
  async call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(BASE + p, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-piaojue-csrf': '1' } : {}), cookie: this.cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie();
    if (set.length) this.cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

interface Poll {
  id: string;
  status: string;
  chooseN: number;
  candidates: { id: string }[];
  certification: { certifyK: number; scrutineerConfirmations: number };
}

const codes = fs
  .readFileSync(CODES, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',')[3]!.replace(/-/g, ''));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shot(page: Page, name: string) {
  await sleep(700);
  await page.screenshot({ path: path.join(OUT, name) });
  console.log('saved', name);
}

async function loginContext(ctx: BrowserContext, username: string, password: string) {
  const r = await ctx.request.post(`${BASE}/api/auth/login`, { data: { username, password }, headers: { 'x-piaojue-csrf': '1' } });
  if (!r.ok()) throw new Error(`login ${username}: ${r.status()}`);
}

const admin = new Client();
await admin.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASS });
const sessions = await admin.call<{ id: string; cycleId: string; checkinOpen: boolean }[]>('GET', '/api/sessions');
const session = sessions[0]!;
const sid = session.id;
const deputies = await admin.call<{ id: string; name: string }[]>('GET', `/api/sessions/${sid}/deputies`);
if (!session.checkinOpen) await admin.call('POST', `/api/sessions/${sid}/checkin/open`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// check in 41 of 50 deputies from their "tablets" (the first deputy is ours, below)
const voters: Client[] = [];
for (const code of codes.slice(1, 41)) {
  const c = new Client();
  await c.call('POST', '/api/auth/deputy-login', { code });
  await c.call('POST', '/api/deputy/checkin');
  voters.push(c);
}

const hallCtx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
const hall = await hallCtx.newPage();
await hall.goto(`${BASE}/hall/${sid}`);
await hall.waitForSelector('.h-checkin');
await shot(hall, 'hall-checkin.png');

// our tablet: log in with the seat-card link, check in
const tabletCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
const tablet = await tabletCtx.newPage();
await tablet.goto(`${BASE}/t/login?code=${codes[0]}`);
await tablet.waitForSelector('.who');
await tablet.click('.checkin-btn');
await tablet.waitForSelector('.chip-ok');

// open a poll with a countdown
const poll = await admin.call<Poll>('POST', `/api/sessions/${sid}/polls`, {});
await admin.call('POST', `/api/polls/${poll.id}/open`, { countdownSeconds: 900 });
const ids = poll.candidates.map((c) => c.id);

// most deputies vote
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
for (const [i, v] of voters.entries()) {
  if (i >= 30) break;
  const marks: Record<string, string> = {};
  const order = [...ids].sort((a, b) => ids.indexOf(a) * 0.6 + rand() * 8 - (ids.indexOf(b) * 0.6 + rand() * 8));
  order.slice(0, poll.chooseN).forEach((id) => (marks[id] = 'for'));
  order.slice(poll.chooseN, poll.chooseN + 1).forEach((id) => (marks[id] = 'against'));
  await v.call('POST', `/api/polls/${poll.id}/ballots`, { idempotencyKey: `demo-key-${i}-${poll.id.slice(0, 8)}`, ballot: { type: 'approve', marks } });
}

// the tablet fills its ballot
await tablet.waitForSelector('.ballot .seg');
const rows = tablet.locator('.b-item');
for (let i = 0; i < 7; i++) await rows.nth(i).locator('.seg button').first().click();
await rows.nth(8).locator('.seg button').nth(1).click();
await rows.nth(2).locator('.a-name').click();
await tablet.evaluate(() => window.scrollTo(0, 0));
await shot(tablet, 'tablet-ballot.png');

await hall.waitForSelector('.h-voting');
await shot(hall, 'hall-voting.png');

const consoleCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await loginContext(consoleCtx, 'admin', ADMIN_PASS);
const con = await consoleCtx.newPage();
await con.goto(`${BASE}/console/sessions/${sid}`);
await con.waitForSelector('.live');
await shot(con, 'console-session.png');

await tablet.click('.b-foot .next');
await tablet.waitForSelector('.review');
await tablet.click('.b-foot .cast');
await tablet.waitForSelector('.done .check', { timeout: 30_000 });
await shot(tablet, 'tablet-done.png');

await admin.call('POST', `/api/polls/${poll.id}/close`);
await hall.waitForSelector('.h-result .h-prov');
await sleep(800);
await shot(hall, 'hall-result-provisional.png');
if (process.env.HALL_4K) {
  // the display must look the same at 4K: check by eye, not saved into docs
  await hall.setViewportSize({ width: 3840, height: 2160 });
  await sleep(800);
  await hall.screenshot({ path: process.env.HALL_4K });
  await hall.setViewportSize({ width: 1280, height: 720 });
}

// certification: the 监票人 (deputies 2–4 in the demo, voters 0–2 here) confirm the count on
// their tablets, then k presidium members certify
const closed = await admin.call<Poll>('GET', `/api/polls/${poll.id}`);
for (const v of voters.slice(0, closed.certification.scrutineerConfirmations)) await v.call('POST', `/api/polls/${poll.id}/confirm`);
const presidium = [{ username: 'zhuxituan', password: PRESIDIUM_PASS }];
for (let i = 1; i < closed.certification.certifyK; i++) {
  const username = `zhuxituan${i + 1}`;
  await admin.call('POST', '/api/users', { username, displayName: `主席团成员${i + 1}`, password: 'presidium-pass-1', roles: ['presidium'] }).catch(() => undefined);
  presidium.push({ username, password: 'presidium-pass-1' });
}
for (const p of presidium) {
  const c = new Client();
  await c.call('POST', '/api/auth/login', p);
  await c.call('POST', `/api/polls/${poll.id}/certify`);
}
await hall.waitForSelector('.h-stamp', { timeout: 15_000 });
await sleep(800);
await shot(hall, 'hall-result-certified.png');

// the 公告 as it prints, the public results page on a phone, the rating form in the console
const ann = await consoleCtx.newPage();
await ann.setViewportSize({ width: 1000, height: 1300 });
await ann.goto(`${BASE}/results/polls/${poll.id}/announcement`);
await ann.waitForSelector('[data-testid=announcement-doc]');
await shot(ann, 'announcement-print.png');
await ann.pdf({ path: '/tmp/announcement.pdf', format: 'A4', printBackground: true }).catch(() => undefined);

const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const phone = await phoneCtx.newPage();
await phone.goto(`${BASE}/results/cycles/${session.cycleId}`);
await phone.waitForSelector('[data-testid=public-chosen]');
await shot(phone, 'public-results.png');

await con.goto(`${BASE}/console/sessions/${sid}`);
await con.getByTestId('open-rating-form').click();
await con.waitForSelector('[data-testid=rating-form] .ok-note');
await shot(con, 'console-rating.png');
await con.keyboard.press('Escape');

// seat cards: revoke eight codes, then issue them again from the console
for (const d of deputies.slice(-8)) await admin.call('POST', `/api/deputies/${d.id}/revoke-code`);
await con.goto(`${BASE}/console/sessions/${sid}?tab=deputies`);
await con.getByRole('button', { name: /发放登录码/ }).click();
await con.locator('.dlg .btn-primary, .dlg .btn-danger').last().click();
await con.waitForSelector('.sheet .card');
await con.setViewportSize({ width: 1000, height: 1200 });
await sleep(500);
const sheet = con.locator('.sheet').first();
await sheet.screenshot({ path: path.join(OUT, 'seat-cards.png') });
console.log('saved seat-cards.png');
await con.pdf?.({ path: '/tmp/seat-cards.pdf', format: 'A4', printBackground: true }).catch(() => undefined);

await browser.close();
