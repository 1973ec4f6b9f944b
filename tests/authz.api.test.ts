import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowed } from '../server/src/auth/guard.ts';
import { Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { wsClient } from './helpers/socket.ts';
import { hall, staffPair } from './helpers/world.ts';

/**
 * The authorization matrix: every registered /api route × every kind of caller. The table of
 * outcomes is pinned in __snapshots__/authz-matrix.txt, so any route added or any change of who
 * may call it shows up as a failing test until the new table is reviewed and accepted (vitest -u).
 */
let t: TestApp;
const callers = new Map<string, Client>();
let sessionId: string;
const PRINCIPALS = ['anonymous', 'deputy', 'otherDeputy', 'staff', 'presidium', 'scrutineer', 'department', 'admin'] as const;
const FAKE_ID = '00000000-0000-4000-8000-000000000000';
// These end the caller's own session; they are checked last, on throwaway logins.
const SESSION_ENDING = new Set(['POST /api/auth/logout', 'POST /api/auth/logout-all']);

beforeAll(async () => {
  t = await createTestApp();
  const { admin, staff } = await staffPair(t);
  const h = await hall(t, staff, { deputies: 3, candidates: 4 });
  const other = await hall(t, staff, { deputies: 2, candidates: 4 });
  sessionId = h.sessionId;
  callers.set('anonymous', new Client(t.app));
  callers.set('deputy', h.deputies[0]!.client);
  callers.set('otherDeputy', other.deputies[0]!.client);
  callers.set('staff', await userClient(t, admin, 'clerk', ['staff']));
  callers.set('presidium', await userClient(t, admin, 'presidium1', ['presidium']));
  callers.set('scrutineer', await userClient(t, admin, 'scrutineer1', ['scrutineer']));
  const dept = await admin.post('/api/users', { username: 'dept', displayName: '市教育局', password: 'a long enough password', roles: ['department'], department: '市教育局' });
  expect(dept.status).toBe(200);
  const d = new Client(t.app);
  await d.post('/api/auth/login', { username: 'dept', password: 'a long enough password' });
  callers.set('department', d);
  callers.set('admin', admin);
});
afterAll(async () => {
  await t?.close();
});

const urlOf = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, FAKE_ID);

async function outcome(c: Client, method: string, url: string): Promise<'allow' | 'deny'> {
  const res = await c.req(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
  if (res.status === 401) return 'deny';
  if (res.status === 403 && ['FORBIDDEN', 'CSRF'].includes(res.body?.error?.code)) return 'deny';
  return 'allow';
}

describe('authorization matrix', () => {
  it('every route declares roles; a route without them cannot even be registered', async () => {
    const routes = t.app.routeRoles;
    expect(routes.length).toBeGreaterThan(80);
    for (const r of routes) expect(r.roles.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
    // fastify is the server package's dependency: resolve it from there.
    const fromServer = createRequire(new URL('../server/package.json', import.meta.url));
    const Fastify = (await import(fromServer.resolve('fastify'))).default;
    const { guardPlugin } = await import('../server/src/auth/guard.ts');
    const bare = Fastify();
    await bare.register((await import(fromServer.resolve('@fastify/cookie'))).default);
    await bare.register(guardPlugin, { auth: t.app.services.auth });
    await expect(
      bare.register(async (a: { get(url: string, h: () => Promise<string>): void }) => {
        a.get('/api/forgotten', async () => 'x');
      }).ready(),
    ).rejects.toThrow(/declares no roles/);
  });

  it('every route × every caller gets the pinned allow/deny, and never more than its declared roles', async () => {
    const lines: string[] = [];
    const routes = [...t.app.routeRoles].filter((r) => r.url !== '/api/ws' && !SESSION_ENDING.has(`${r.method} ${r.url}`));
    routes.sort((a, b) => (a.url + a.method < b.url + b.method ? -1 : 1));
    for (const r of routes) {
      const cells: string[] = [];
      for (const p of PRINCIPALS) {
        const got = await outcome(callers.get(p)!, r.method, urlOf(r.url));
        const declared = p === 'anonymous' ? r.roles.includes('public') : callerAllowed(p, r.roles);
        // The guard is the floor: whatever the declared roles refuse must be refused.
        if (!declared) expect(got, `${p} ${r.method} ${r.url}`).toBe('deny');
        cells.push(`${p}:${got}`);
      }
      lines.push(`${r.method.padEnd(6)} ${r.url.padEnd(58)} ${cells.join(' ')}`);
    }
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot('./__snapshots__/authz-matrix.txt');
  });

  it('dual control: staff ask, only a presidium member or scrutineer other than the asker approves, and only while a poll is open', async () => {
    const staff = callers.get('staff')!;
    const deputyId = (await staff.get(`/api/sessions/${sessionId}/deputies`)).body[1].id as string;
    const ask = () => staff.post(`/api/sessions/${sessionId}/confirmations`, { action: 'issue_code', deputyId, reason: '登录码遗失' });
    expect((await ask()).body.error.code).toBe('POLL_STATE');
    const poll = await staff.post(`/api/sessions/${sessionId}/polls`, {});
    expect((await staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
    const request = await ask();
    expect(request.status).toBe(200);
    for (const who of ['anonymous', 'deputy', 'otherDeputy', 'staff', 'department', 'admin'] as const) {
      expect([401, 403], who).toContain((await callers.get(who)!.post(`/api/confirmations/${request.body.id}/approve`, {})).status);
    }
    // The deputy cannot ask on their own behalf, nor can the presidium ask (the asker is staff).
    for (const who of ['deputy', 'presidium', 'scrutineer'] as const) {
      expect([401, 403], who).toContain((await callers.get(who)!.post(`/api/sessions/${sessionId}/confirmations`, { action: 'checkin', deputyId, reason: '代签到' })).status);
    }
    expect((await callers.get('scrutineer')!.post(`/api/confirmations/${request.body.id}/approve`, {})).body.status).toBe('approved');
    expect((await staff.post(`/api/sessions/${sessionId}/codes`, { deputyIds: [deputyId], confirmationId: request.body.id })).status).toBe(200);
    expect((await staff.post(`/api/polls/${poll.body.id}/cancel`, { reason: '测试结束' })).status).toBe(200);
  });

  it('logout ends only the caller’s own session', async () => {
    const a = new Client(t.app);
    expect((await a.post('/api/auth/logout')).status).toBe(200);
    const staff = callers.get('staff')!;
    expect((await staff.get('/api/cycles')).status).toBe(200);
  });

  it('websocket topics: the hall is public, the staff topic only for staff roles, the presidium topic for staff and presidium', async () => {
    const result: string[] = [];
    for (const p of PRINCIPALS) {
      for (const topic of [`hall:${sessionId}`, `staff:${sessionId}`, `presidium:${sessionId}`]) {
        const ws = wsClient(t.app, callers.get(p)!.cookie);
        await ws.waitFor((m) => m.type === 'hello', 5000);
        ws.send({ type: 'subscribe', topic });
        const m = await ws.waitFor((x) => x.type === 'snapshot' || x.type === 'error', 5000);
        const answer = m.type === 'snapshot' ? 'allow' : m.code === 'FORBIDDEN' ? 'deny' : `other:${m.code}`;
        ws.close();
        result.push(`${p} ${topic.split(':')[0]} ${answer}`);
      }
    }
    const expected = PRINCIPALS.flatMap((p) => [
      `${p} hall allow`,
      `${p} staff ${['staff', 'presidium', 'scrutineer', 'admin'].includes(p) ? 'allow' : 'deny'}`,
      `${p} presidium ${['staff', 'presidium', 'admin'].includes(p) ? 'allow' : 'deny'}`,
    ]);
    expect(result).toEqual(expected);
  });
});

function callerAllowed(p: string, roles: readonly string[]): boolean {
  if (p === 'deputy' || p === 'otherDeputy') return allowed({ kind: 'deputy', deputy: { id: FAKE_ID, name: '', delegation: '', seat: '', sessionId: FAKE_ID } }, roles as never);
  return allowed({ kind: 'user', user: { id: FAKE_ID, username: p, displayName: p, roles: [p as never], unit: null } }, roles as never);
}
