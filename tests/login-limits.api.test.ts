// Hole 7 of the outside security test: the per-address login budget is one budget for every
// way of logging in, large enough for a 3,000-seat hall behind one NAT address; each staff
// account and each login code backs off on its own after 5 failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockMs } from '../server/src/modules/auth/login-throttle.ts';
import { adminClient, Client, createTestApp, defaultCycle, rosterCsv, userClient, type TestApp } from './helpers/app.ts';
import { fixList, withPg } from './helpers/world.ts';

const PASSWORD = 'a long enough password';

describe('the per-address budget', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('lets 3,000 tablets behind one address log in within a minute with the default setting', async () => {
    // '' = unset: the default budget, not the test helper's.
    t = await createTestApp({ LOGIN_RATE_PER_MINUTE: '' });
    const admin = await adminClient(t);
    const cycle = await admin.post('/api/cycles', defaultCycle);
    for (let i = 1; i <= 4; i++) await admin.post(`/api/cycles/${cycle.body.id}/candidates`, { name: `项目${i}`, department: '市教育局', investmentWan: 100 });
    expect((await fixList(admin, cycle.body.id)).status).toBe(200);
    const session = await admin.post('/api/sessions', { cycleId: cycle.body.id, name: '市十届人大三次会议' });
    const sessionId = session.body.id as string;
    const csv = rosterCsv(3000, ['第一代表团', '第二代表团', '第三代表团', '第四代表团']);
    expect((await admin.post(`/api/sessions/${sessionId}/roster`, { fileName: 'r.csv', contentBase64: Buffer.from(csv).toString('base64') })).status).toBe(200);
    const codes = (await admin.post(`/api/sessions/${sessionId}/codes`, {})).body as { code: string }[];
    expect(codes).toHaveLength(3000);
    const statuses = new Map<number, number>();
    for (let i = 0; i < codes.length; i += 100) {
      const batch = await Promise.all(codes.slice(i, i + 100).map((c) => t.app.inject({ method: 'POST', url: '/api/auth/deputy-login', remoteAddress: '10.0.0.1', headers: { 'x-piaojue-csrf': '1' }, payload: { code: c.code } })));
      for (const r of batch) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 3000 });
  }, 120_000);
});

describe('the per-address budget is shared by staff and deputy logins', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('counts staff passwords and deputy codes against one budget', async () => {
    t = await createTestApp({ LOGIN_RATE_PER_MINUTE: '4' });
    const from = (url: string, payload: object) => t.app.inject({ method: 'POST', url, remoteAddress: '10.0.0.2', headers: { 'x-piaojue-csrf': '1' }, payload });
    const staff = [await from('/api/auth/login', { username: 'nobody', password: PASSWORD }), await from('/api/auth/login', { username: 'nobody2', password: PASSWORD })];
    const deputy = [await from('/api/auth/deputy-login', { code: 'AAAAA-AAAAA' }), await from('/api/auth/deputy-login', { code: 'BBBBB-BBBBB' })];
    expect([...staff, ...deputy].map((r) => r.statusCode)).toEqual([401, 401, 401, 401]);
    const over = await from('/api/auth/deputy-login', { code: 'CCCCC-CCCCC' });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('RATE_LIMITED');
    expect((await from('/api/auth/login', { username: 'nobody3', password: PASSWORD })).statusCode).toBe(429);
    // Another address has its own budget.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.3', headers: { 'x-piaojue-csrf': '1' }, payload: { username: 'nobody', password: PASSWORD } });
    expect(elsewhere.statusCode).toBe(401);
  });
});

describe('the back-off per account and per code', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminClient(t);
    await userClient(t, admin, 'clerk', ['staff']);
    await userClient(t, admin, 'other', ['staff']);
  });
  afterAll(async () => {
    await t?.close();
  });
  const login = (username: string, password: string) => new Client(t.app).post('/api/auth/login', { username, password });
  const unlock = (key: string) => withPg(t.url, (c) => c.query(`update login_failures set locked_until = now() - interval '1 second' where key = $1`, [key]));

  it('locks an account after 5 failed passwords, even against the right one, then doubles the wait', async () => {
    for (let i = 0; i < 5; i++) expect((await login('clerk', 'wrong password ' + i)).body.error.code).toBe('BAD_CREDENTIALS');
    const locked = await login('clerk', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    expect(locked.body.error.details.retryAfterSeconds).toBeGreaterThan(25);
    expect(locked.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(30);
    // Only this account: another logs in as usual.
    expect((await login('other', PASSWORD)).status).toBe(200);

    await unlock('user:clerk');
    expect((await login('clerk', 'wrong again')).body.error.code).toBe('BAD_CREDENTIALS');
    const longer = await login('clerk', PASSWORD);
    expect(longer.body.error.code).toBe('LOGIN_LOCKED');
    expect(longer.body.error.details.retryAfterSeconds).toBeGreaterThan(55);

    // A success clears the run.
    await unlock('user:clerk');
    expect((await login('clerk', PASSWORD)).status).toBe(200);
    expect((await login('clerk', 'wrong once more')).body.error.code).toBe('BAD_CREDENTIALS');
    expect((await login('clerk', PASSWORD)).status).toBe(200);
    expect([0, 4, 5, 6, 7, 20].map(lockMs)).toEqual([0, 0, 30_000, 60_000, 120_000, 3_600_000]);
  });

  it('locks an unknown user name the same way (no way to tell which names exist)', async () => {
    for (let i = 0; i < 5; i++) expect((await login('ghost', 'wrong password')).body.error.code).toBe('BAD_CREDENTIALS');
    expect((await login('ghost', 'wrong password')).body.error.code).toBe('LOGIN_LOCKED');
  });

  it('locks a login code after 5 failures and keeps no code in the failure table', async () => {
    const tablet = new Client(t.app);
    for (let i = 0; i < 5; i++) expect((await tablet.post('/api/auth/deputy-login', { code: 'ZZZZZ-ZZZZZ' })).body.error.code).toBe('BAD_LOGIN_CODE');
    const locked = await tablet.post('/api/auth/deputy-login', { code: 'zzzzzzzzzz' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    const keys = await withPg(t.url, async (c) => (await c.query(`select key from login_failures`)).rows.map((r) => r.key as string));
    expect(keys.some((k) => k.toUpperCase().includes('ZZZZZ'))).toBe(false);
  });

  it('forgets a run after an hour without a failure, and prunes runs that are over', async () => {
    const tablet = new Client(t.app);
    for (const code of ['YYYYY-YYYYY', 'XXXXX-XXXXX']) await tablet.post('/api/auth/deputy-login', { code });
    const rows = () => withPg(t.url, async (c) => (await c.query(`select key, failures, locked_until from login_failures order by key`)).rows);
    const before = await rows();
    // Everything an hour old; only the locked code and account above are still locked.
    await withPg(t.url, (c) => c.query(`update login_failures set last_failed_at = now() - interval '61 minutes'`));
    await t.app.services.auth.pruneLoginFailures();
    const after = await rows();
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((r) => r.locked_until !== null && r.locked_until > new Date())).toBe(true);
    // A locked run, once its hour without failures is past, starts again at one.
    await withPg(t.url, (c) => c.query(`update login_failures set locked_until = null`));
    expect((await tablet.post('/api/auth/deputy-login', { code: 'ZZZZZ-ZZZZZ' })).body.error.code).toBe('BAD_LOGIN_CODE');
    expect((await tablet.post('/api/auth/deputy-login', { code: 'ZZZZZ-ZZZZZ' })).body.error.code).toBe('BAD_LOGIN_CODE');
    expect((await rows()).filter((r) => r.key.startsWith('code:')).map((r) => r.failures)).toEqual([2]);
  });
});
