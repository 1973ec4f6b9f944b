// Hole 5 of the outside security test: websocket topics other than the public hall are read only
// from our own pages and with the login as it is at each subscribe, and a socket closes when the
// login it was opened with ends — on whichever server instance holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../server/src/app.ts';
import { Client, createTestApp, secondInstance, userClient, type TestApp } from './helpers/app.ts';
import { INJECTED_ORIGIN, wsClient as connect, type TestSocket } from './helpers/socket.ts';
import { scenario, type Scenario, withPg } from './helpers/world.ts';

let t: TestApp;
let s: Scenario;
/** A second server instance on the same database, as behind a load balancer. */
let other: Awaited<ReturnType<typeof secondInstance>>;

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 3, deputies: 4, cycle: { chooseN: 2 } });
  other = await secondInstance(t);
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

async function open(app: App, cookie: string | undefined, headers: Record<string, string>): Promise<TestSocket> {
  const c = connect(app, cookie, headers);
  await c.opened;
  await c.waitFor((m) => m.type === 'hello');
  return c;
}

/** The first answer to a subscribe of the staff topic: a snapshot or an error. */
async function subscribeStaff(c: TestSocket): Promise<any> {
  const since = Date.now();
  c.send({ type: 'subscribe', topic: `staff:${s.sessionId}` });
  return c.waitFor((m) => (m.type === 'snapshot' || m.type === 'error') && m.topic === `staff:${s.sessionId}`, 10_000, since);
}

const closed = (c: TestSocket) =>
  new Promise<number>((resolve) => {
    if (c.ws.readyState === c.ws.CLOSED) return resolve(-1);
    c.ws.once('close', (code) => resolve(code));
  });

/** Logs a fresh browser in as a staff member (its own login, its own cookie). */
async function staffLogin(username: string): Promise<Client> {
  const c = new Client(t.app);
  expect((await c.post('/api/auth/login', { username, password: 'a long enough password' })).status).toBe(200);
  return c;
}

describe('websocket topics and logins', () => {
  it('gives the staff topic only to a page of this server (or a client without Origin), never to another origin', async () => {
    for (const evil of ['https://evil.example', `${INJECTED_ORIGIN}:8081`, 'null']) {
      const c = await open(t.app, s.staff.cookie, { origin: evil });
      const answer = await subscribeStaff(c);
      expect(answer, evil).toMatchObject({ type: 'error', code: 'CSRF' });
      expect(c.messages.some((x) => x.m.type === 'snapshot')).toBe(false);
      // The public hall topic stays readable from anywhere.
      c.send({ type: 'subscribe', topic: `hall:${s.sessionId}` });
      expect((await c.waitFor((m) => m.type === 'snapshot' && m.topic === `hall:${s.sessionId}`)).data.kind).toBe('hall');
      c.close();
    }
    for (const headers of [{ origin: INJECTED_ORIGIN }, {}] as Record<string, string>[]) {
      const c = await open(t.app, s.staff.cookie, headers);
      expect(await subscribeStaff(c)).toMatchObject({ type: 'snapshot', data: { kind: 'staff' } });
      c.close();
    }
  });

  it('checks the login again on every subscribe (a role taken away counts at once)', async () => {
    const clerk = await userClient(t, s.admin, 'clerk', ['staff']);
    const c = await open(t.app, clerk.cookie, { origin: INJECTED_ORIGIN });
    expect((await subscribeStaff(c)).type).toBe('snapshot');
    await withPg(t.url, (pg) => pg.query(`update users set roles = '{department}' where username = 'clerk'`));
    expect(await subscribeStaff(c)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    await withPg(t.url, (pg) => pg.query(`update users set roles = '{staff}' where username = 'clerk'`));
    expect((await subscribeStaff(c)).type).toBe('snapshot');
    c.close();
  });

  it('closes the sockets of a login that logs out over HTTP, on this instance and on another', async () => {
    const a = await staffLogin('staff1');
    const b = await staffLogin('staff1');
    const here = await open(t.app, a.cookie, { origin: INJECTED_ORIGIN });
    const there = await open(other.app, a.cookie, {});
    const bystander = await open(t.app, b.cookie, { origin: INJECTED_ORIGIN });
    const anon = await open(t.app, undefined, { origin: INJECTED_ORIGIN });
    expect((await subscribeStaff(here)).type).toBe('snapshot');
    const [hereClosed, thereClosed] = [closed(here), closed(there)];
    expect((await a.post('/api/auth/logout')).status).toBe(200);
    expect(await hereClosed).toBe(4401);
    expect(await thereClosed).toBe(4401);
    // Another login of the same user, and sockets without a login, stay.
    expect((await subscribeStaff(bystander)).type).toBe('snapshot');
    anon.send({ type: 'ping', t: 1 });
    expect((await anon.waitFor((m) => m.type === 'pong')).t).toBe(1);
    bystander.close();
    anon.close();
  });

  it('closes every socket of the user on log out everywhere', async () => {
    const a = await staffLogin('staff1');
    const b = await staffLogin('staff1');
    const one = await open(t.app, a.cookie, { origin: INJECTED_ORIGIN });
    const two = await open(other.app, b.cookie, { origin: INJECTED_ORIGIN });
    const [oneClosed, twoClosed] = [closed(one), closed(two)];
    expect((await a.post('/api/auth/logout-all')).status).toBe(200);
    expect(await oneClosed).toBe(4401);
    expect(await twoClosed).toBe(4401);
  });

  it('after a lost LISTEN connection, re-checks every socket’s login (ended-login notices may be lost)', async () => {
    const a = await staffLogin('staff1');
    const c = await open(t.app, a.cookie, { origin: INJECTED_ORIGIN });
    const anon = await open(t.app, undefined, { origin: INJECTED_ORIGIN });
    const ended = closed(c);
    // The notice is lost: the session goes without its trigger.
    await withPg(t.url, async (pg) => {
      await pg.query('begin');
      await pg.query('alter table auth_sessions disable trigger auth_sessions_ended');
      await pg.query(`delete from auth_sessions where token_hash = encode(sha256($1::bytea), 'hex')`, [a.cookie]);
      await pg.query('alter table auth_sessions enable trigger auth_sessions_ended');
      await pg.query('commit');
    });
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    t.app.services.hub.refreshAll();
    expect(await ended).toBe(4401);
    anon.send({ type: 'ping', t: 2 });
    expect((await anon.waitFor((m) => m.type === 'pong')).t).toBe(2);
    anon.close();
  });

  it('closes a deputy’s sockets when staff revoke or reissue the code', async () => {
    // s.staff's login ended with log out everywhere above.
    const staff = await staffLogin('staff1');
    const revoked = s.deputies[0]!;
    const tablet = await open(t.app, revoked.client.cookie, { origin: INJECTED_ORIGIN });
    const remote = await open(other.app, revoked.client.cookie, { origin: INJECTED_ORIGIN });
    const [c1, c2] = [closed(tablet), closed(remote)];
    expect((await staff.post(`/api/deputies/${revoked.id}/revoke-code`)).status).toBe(200);
    expect(await c1).toBe(4401);
    expect(await c2).toBe(4401);

    const reissued = s.deputies[1]!;
    const tablet2 = await open(t.app, reissued.client.cookie, { origin: INJECTED_ORIGIN });
    const c3 = closed(tablet2);
    expect((await staff.post(`/api/sessions/${s.sessionId}/codes`, { deputyIds: [reissued.id] })).status).toBe(200);
    expect(await c3).toBe(4401);
  });
});
