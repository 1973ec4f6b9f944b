// The administrator's hold on accounts (outside security test, item 8): disable a user, change
// roles, reset a password, end another user's logins — each audited, each ending the logins
// that held the old rights, and never leaving the system without an administrator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { staffPair, withPg } from './helpers/world.ts';

const PASSWORD = 'a long enough password';
let t: TestApp;
let admin: Client;
let staff: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  await userClient(t, admin, 'clerk', ['staff']);
  await userClient(t, admin, 'admin2', ['admin']);
  for (const u of (await admin.get('/api/users')).body as { id: string; username: string }[]) ids[u.username] = u.id;
});
afterAll(async () => {
  await t?.close();
});

async function loginAs(username: string, password = PASSWORD): Promise<Client> {
  const c = new Client(t.app);
  const r = await c.post('/api/auth/login', { username, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return c;
}
const audit = (action: string) =>
  withPg(t.url, async (c) => (await c.query(`select actor, subject, details from audit_log where action = $1 order by seq`, [action])).rows);
const status = async (username: string) => ((await admin.get('/api/users/status')).body as { id: string; disabled: boolean; openSessions: number }[]).find((u) => u.id === ids[username])!;

describe('account administration', () => {
  it('disables a user: their logins end at once, they cannot log in, and enabling lets them back', async () => {
    const clerk = await loginAs('clerk');
    expect((await clerk.get('/api/auth/me')).body.kind).toBe('user');
    expect((await status('clerk')).openSessions).toBeGreaterThanOrEqual(1);

    const off = await admin.req('PUT', `/api/users/${ids.clerk}/disabled`, { disabled: true });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toEqual({ id: ids.clerk, disabled: true, openSessions: 0 });
    expect((await clerk.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    const refused = await new Client(t.app).post('/api/auth/login', { username: 'clerk', password: PASSWORD });
    expect(refused.body.error.code).toBe('BAD_CREDENTIALS');

    expect((await admin.req('PUT', `/api/users/${ids.clerk}/disabled`, { disabled: false })).body.disabled).toBe(false);
    await loginAs('clerk');
    expect((await audit('user.disabled')).map((r) => [r.actor, r.subject])).toEqual([['user:admin', `user:${ids.clerk}`]]);
    expect(await audit('user.enabled')).toHaveLength(1);
  });

  it('changes roles: the new rights apply at once and the old logins end', async () => {
    const clerk = await loginAs('clerk');
    expect((await clerk.get('/api/cycles')).status).toBe(200);
    const r = await admin.req('PUT', `/api/users/${ids.clerk}/roles`, { roles: ['department'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await clerk.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    const again = await loginAs('clerk');
    expect((await again.get('/api/auth/me')).body.user.roles).toEqual(['department']);
    const [entry] = await audit('user.roles_changed');
    expect(entry.details).toMatchObject({ from: ['staff'], to: ['department'] });
  });

  it('resets a password: the old one stops working, so do its logins, and a lock-out is lifted', async () => {
    const old = await loginAs('clerk');
    for (let i = 0; i < 5; i++) await new Client(t.app).post('/api/auth/login', { username: 'clerk', password: 'wrong password' });
    expect((await new Client(t.app).post('/api/auth/login', { username: 'clerk', password: PASSWORD })).body.error.code).toBe('LOGIN_LOCKED');

    const weak = await admin.post(`/api/users/${ids.clerk}/password`, { password: 'short' });
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    const r = await admin.post(`/api/users/${ids.clerk}/password`, { password: 'a brand new password' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await old.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    expect((await new Client(t.app).post('/api/auth/login', { username: 'clerk', password: PASSWORD })).body.error.code).toBe('BAD_CREDENTIALS');
    await loginAs('clerk', 'a brand new password');
    const entries = await audit('user.password_reset');
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain('a brand new password');
  });

  it('ends another user’s logins on every device', async () => {
    const a = await loginAs('clerk', 'a brand new password');
    const b = await loginAs('clerk', 'a brand new password');
    const r = await admin.post(`/api/users/${ids.clerk}/end-sessions`);
    expect(r.status).toBe(200);
    expect(r.body.ended).toBeGreaterThanOrEqual(2);
    for (const c of [a, b]) expect((await c.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    expect((await audit('user.sessions_ended'))[0].details.sessionsEnded).toBe(r.body.ended);
  });

  it('refuses changes to one’s own account and to unknown users, and is for administrators only', async () => {
    for (const [method, url, body] of [
      ['PUT', `/api/users/${ids.admin}/disabled`, { disabled: true }],
      ['PUT', `/api/users/${ids.admin}/roles`, { roles: ['staff'] }],
      ['POST', `/api/users/${ids.admin}/end-sessions`, {}],
    ] as const) {
      const r = await admin.req(method, url, body);
      expect(r.body.error?.code, url).toBe('SELF_CHANGE');
    }
    expect((await admin.req('PUT', '/api/users/00000000-0000-4000-8000-000000000000/disabled', { disabled: true })).status).toBe(404);
    expect((await staff.req('PUT', `/api/users/${ids.clerk}/disabled`, { disabled: true })).status).toBe(403);
    expect((await admin.get('/api/auth/me')).body.kind).toBe('user');
  });

  it('never leaves the system without an administrator, even when two demote each other at once', async () => {
    const second = await loginAs('admin2');
    // Both requests as they were let in, while both were administrators.
    const inFlight: Record<string, Awaited<ReturnType<typeof t.app.services.auth.resolve>>> = {
      admin: await t.app.services.auth.resolve(admin.cookie),
      admin2: await t.app.services.auth.resolve(second.cookie),
    };
    const [x, y] = await Promise.all([
      admin.req('PUT', `/api/users/${ids.admin2}/roles`, { roles: ['staff'] }),
      second.req('PUT', `/api/users/${ids.admin}/roles`, { roles: ['staff'] }),
    ]);
    // One wins; the other finds no administrator left, or its login already ended.
    const codes = [x, y].map((r) => (r.status === 200 ? 'ok' : r.body.error.code)).sort();
    expect(codes[1]).toBe('ok');
    expect(['LAST_ADMIN', 'UNAUTHENTICATED', 'ok']).toContain(codes[0]);
    const admins = async () => withPg(t.url, async (c) => (await c.query(`select username from users where 'admin' = any(roles) and disabled_at is null`)).rows.map((r) => r.username));
    const left = await admins();
    expect(left).toHaveLength(1);
    // The loser's request, serialised behind the winner's, is refused.
    const loser = inFlight[left[0] === 'admin' ? 'admin2' : 'admin']!;
    if (loser.kind !== 'user') throw new Error('not a user');
    await expect(t.app.services.users.setRoles(loser, ids[left[0]!]!, ['staff'])).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    expect(await admins()).toEqual(left);
  });
});
