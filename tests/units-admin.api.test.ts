import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, defaultCycle, type TestApp, createTestApp } from './helpers/app.ts';
import { expectErrorBody, snapshot, staffPair } from './helpers/world.ts';

// The console's 人大与年度 and the users page's 所属人大 (docs/PROCEDURE.md: one installation
// may host a city and its counties and townships). An administrator of one congress manages
// that congress's accounts only and moves nothing between congresses.
let t: TestApp;
let admin: Client, staff: Client;
let townAdmin: Client;
const PASSWORD = 'a long enough password';
const CITY = { level: 'city', name: '宿迁市人大' } as const;
const TOWN = { level: 'township', name: '洋河镇人大' } as const;
const ids: Record<string, string> = {};

async function login(username: string): Promise<Client> {
  const c = new Client(t.app);
  const r = await c.post('/api/auth/login', { username, password: PASSWORD });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return c;
}

async function user(by: Client, username: string, body: Record<string, unknown> = {}) {
  const r = await by.post('/api/users', { username, displayName: username, password: PASSWORD, roles: ['staff'], ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { id: string; unit: unknown };
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  const city = await staff.post('/api/cycles', { ...defaultCycle, name: '2099年度宿迁市民生实事项目', year: 2099 });
  ids.cityCycle = city.body.id;
  expect((await admin.req('PUT', `/api/cycles/${ids.cityCycle}/unit`, { unitName: CITY.name })).status).toBe(200);
  ids.cityStaff = (await user(admin, 'shi', { unit: CITY })).id;
  ids.townAdmin = (await user(admin, 'zhenadmin', { roles: ['admin', 'staff'], unit: TOWN })).id;
  townAdmin = await login('zhenadmin');
  const own = await townAdmin.post('/api/cycles', { ...defaultCycle, level: 'township', name: '2099年度洋河镇民生实事项目', year: 2099 });
  expect(own.status, JSON.stringify(own.body)).toBe(200);
  ids.townCycle = own.body.id;
  const me = (await admin.get('/api/auth/me')).body;
  ids.admin = me.user.id;
  ids.staff = (await admin.get('/api/users')).body.find((u: { username: string }) => u.username === 'staff1').id;
});
afterAll(async () => {
  await t?.close();
});

describe('accounts and cycles carry their congress', () => {
  it('users, the login and cycles say which congress they belong to', async () => {
    const list = (await admin.get('/api/users')).body as { username: string; unit: unknown }[];
    expect(Object.fromEntries(list.map((u) => [u.username, u.unit]))).toEqual({ admin: null, staff1: null, shi: CITY, zhenadmin: TOWN });
    expect((await townAdmin.get('/api/auth/me')).body.user.unit).toEqual(TOWN);
    expect((await staff.get(`/api/cycles/${ids.cityCycle}`)).body.unitName).toBe(CITY.name);
    // a cycle made by a congress's account is that congress's
    expect((await townAdmin.get(`/api/cycles/${ids.townCycle}`)).body.unitName).toBe(TOWN.name);
  });

  it('the whole installation’s administrator sees every congress with its counts, and every cycle', async () => {
    const r = await admin.get('/api/units');
    expect(r.status).toBe(200);
    expect(r.body.own).toBeNull();
    expect(r.body.units).toEqual([
      { ...CITY, accounts: 1, cycles: 1 },
      { ...TOWN, accounts: 1, cycles: 1 },
    ]);
    expect(r.body.cycles.map((c: { id: string }) => c.id).sort()).toEqual([ids.cityCycle, ids.townCycle].sort());
    expect((await staff.get('/api/units')).status).toBe(403);
  });
});

describe('an administrator of one congress', () => {
  it('makes accounts of its own congress only', async () => {
    const before = await snapshot(t.url);
    for (const unit of [CITY, null, { level: 'township', name: '仓集镇人大' }]) {
      const r = await townAdmin.post('/api/users', { username: 'escape', displayName: 'escape', password: PASSWORD, roles: ['staff'], unit });
      expect(r.status, JSON.stringify(unit)).toBe(403);
      expectErrorBody(r.body, 'FORBIDDEN');
    }
    expect(await snapshot(t.url)).toEqual(before);
    expect((await user(townAdmin, 'zhenclerk')).unit).toEqual(TOWN);
    expect((await user(townAdmin, 'zhenclerk2', { unit: TOWN })).unit).toEqual(TOWN);
  });

  it('sees only its congress’s accounts, cycles and congress', async () => {
    const users = (await townAdmin.get('/api/users')).body as { id: string; username: string }[];
    expect(users.map((u) => u.username).sort()).toEqual(['zhenadmin', 'zhenclerk', 'zhenclerk2']);
    const statuses = (await townAdmin.get('/api/users/status')).body as { id: string }[];
    expect(statuses.map((s) => s.id).sort()).toEqual(users.map((u) => u.id).sort());
    const units = (await townAdmin.get('/api/units')).body;
    expect(units.own).toEqual(TOWN);
    expect(units.units).toEqual([{ ...TOWN, accounts: 3, cycles: 1 }]);
    expect(units.cycles.map((c: { id: string }) => c.id)).toEqual([ids.townCycle]);
  });

  it('reaches no account of another congress or of the installation, and moves nothing between congresses', async () => {
    const before = await snapshot(t.url);
    const attempts: [string, string, unknown, number][] = [];
    for (const target of [ids.admin, ids.staff, ids.cityStaff]) {
      attempts.push(
        ['PUT', `/api/users/${target}/roles`, { roles: ['staff'] }, 404],
        ['PUT', `/api/users/${target}/disabled`, { disabled: true }, 404],
        ['POST', `/api/users/${target}/password`, { password: 'another long password' }, 404],
        ['POST', `/api/users/${target}/end-sessions`, {}, 404],
        ['PUT', `/api/users/${target}/unit`, { unit: TOWN }, 403],
      );
    }
    attempts.push(
      // out of its own congress into the whole installation, or into the city's
      ['PUT', `/api/users/${ids.townAdmin}/unit`, { unit: null }, 403],
      ['PUT', `/api/users/${ids.townAdmin}/unit`, { unit: CITY }, 403],
      // the city's cycle does not exist for it; its own cycle it cannot hand over
      ['PUT', `/api/cycles/${ids.cityCycle}/unit`, { unitName: TOWN.name }, 404],
      ['PUT', `/api/cycles/${ids.cityCycle}/unit`, { unitName: null }, 404],
      ['PUT', `/api/cycles/${ids.townCycle}/unit`, { unitName: CITY.name }, 403],
      ['PUT', `/api/cycles/${ids.townCycle}/unit`, { unitName: null }, 403],
    );
    for (const [method, url, body, status] of attempts) {
      const r = await townAdmin.req(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(status);
      expectErrorBody(r.body, status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
    }
    expect(await snapshot(t.url)).toEqual(before);
    // the city's account is still logged in and still sees the city's cycle
    expect((await staff.get(`/api/cycles/${ids.cityCycle}`)).status).toBe(200);
  });

  it('still manages its own congress’s accounts', async () => {
    const clerk = (await townAdmin.get('/api/users')).body.find((u: { username: string }) => u.username === 'zhenclerk');
    const r = await townAdmin.req('PUT', `/api/users/${clerk.id}/roles`, { roles: ['staff', 'presidium'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});

describe('the whole installation’s administrator', () => {
  it('moves an account to another congress: its logins end, and it then sees that congress only', async () => {
    const clerk = await login('zhenclerk2');
    expect((await clerk.get('/api/cycles')).body.map((c: { id: string }) => c.id)).toEqual([ids.townCycle]);
    const id = (await admin.get('/api/users')).body.find((u: { username: string }) => u.username === 'zhenclerk2').id;
    const r = await admin.req('PUT', `/api/users/${id}/unit`, { unit: { level: 'city', name: ` ${CITY.name} ` } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.openSessions).toBe(0);
    expect((await clerk.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    const again = await login('zhenclerk2');
    expect((await again.get('/api/auth/me')).body.user.unit).toEqual(CITY);
    expect((await again.get('/api/cycles')).body.map((c: { id: string }) => c.id)).toEqual([ids.cityCycle]);
    // the same congress again changes nothing and ends no login
    expect((await admin.req('PUT', `/api/users/${id}/unit`, { unit: CITY })).body.openSessions).toBe(1);
  });

  it('cannot move its own account, and a congress needs a level and a name', async () => {
    const self = await admin.req('PUT', `/api/users/${ids.admin}/unit`, { unit: TOWN });
    expect(self.status).toBe(409);
    expectErrorBody(self.body, 'SELF_CHANGE');
    expect((await admin.req('PUT', `/api/users/${ids.staff}/unit`, { unit: { level: 'township', name: '' } })).status).toBe(400);
    const blank = await admin.req('PUT', `/api/users/${ids.staff}/unit`, { unit: { level: 'township', name: '   ' } });
    expect(blank.status).toBe(400);
    expectErrorBody(blank.body, 'VALIDATION');
    expect((await admin.post('/api/users', { username: 'blank', displayName: 'blank', password: PASSWORD, roles: ['staff'], unit: { level: 'city', name: ' ' } })).status).toBe(400);
    expect((await admin.req('PUT', `/api/users/${ids.staff}/unit`, { unit: { level: 'province', name: '某省人大' } })).status).toBe(400);
    expect((await admin.req('PUT', `/api/users/${ids.cityCycle}/unit`, { unit: null })).status).toBe(404);
  });

  it('moves a cycle to another congress of its level, and the counts follow', async () => {
    expect((await admin.req('PUT', `/api/cycles/${ids.townCycle}/unit`, { unitName: '仓集镇人大' })).status).toBe(200);
    const units = (await admin.get('/api/units')).body.units;
    expect(units).toContainEqual({ level: 'township', name: '仓集镇人大', accounts: 0, cycles: 1 });
    expect(units).toContainEqual({ ...TOWN, accounts: 2, cycles: 0 });
    // the township's administrator no longer sees it
    expect((await townAdmin.get(`/api/cycles/${ids.townCycle}`)).status).toBe(404);
    expect((await townAdmin.get('/api/units')).body.cycles).toEqual([]);
  });
});
