import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedKind } from '../server/src/modules/units/unit-scope.ts';
import { accountClient, Client, createTestApp, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, snapshot, staffPair, type Hall } from './helpers/world.ts';
import { INJECTED_ORIGIN, wsClient } from './helpers/socket.ts';

// Accounts belong to a congress (level + unit): a township's staff cannot see or change the
// city's cycle on any route (docs/PROCEDURE.md: one installation may host several levels).
let t: TestApp;
let admin: Client, staff: Client;
let city: Hall;
let townStaff: Client, otherTown: Client;
/** One id of each kind, all of the city's cycle. */
const ids: Record<string, string> = {};

const scopedUser = async (username: string, unit: { level: string; name: string }): Promise<Client> =>
  (await accountClient(t, admin, username, ['staff', 'presidium', 'scrutineer', 'department'], unit, { department: '市民政局' })).c;

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  city = await hall(t, staff, { candidates: 3, deputies: 4, cycle: { chooseN: 2, year: 2099, name: '2099年度宿迁市民生实事项目' } });
  expect((await admin.req('PUT', `/api/cycles/${city.cycleId}/unit`, { unitName: '宿迁市人大' })).status).toBe(200);
  const [a, b] = city.candidateIds as [string, string];
  const vote = await openPoll(staff, city.sessionId);
  for (const d of city.deputies) await castOk(d.client, vote, { type: 'approve', marks: { [a]: 'for', [b]: 'for' } });
  await staff.post(`/api/polls/${vote}/close`);
  await staff.post(`/api/polls/${vote}/certify`);
  const init = await staff.post(`/api/cycles/${city.cycleId}/tracking/init`);
  const project = init.body.projects[0].id as string;
  const ms = await staff.post(`/api/tracking/projects/${project}/milestones`, { title: '开工', dueDate: '2099-03-31' });
  await staff.req('PUT', `/api/tracking/projects/${project}/plan`, { department: '市民政局', targets: 't', fundingWan: 1, fundingSource: 's', measures: 'm', deadline: '2099-12-31' });
  await staff.post(`/api/tracking/projects/${project}/plan/publish`);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
  const rep = await staff.post(`/api/tracking/projects/${project}/reports`, { percent: 10, text: '开工', attachments: [{ fileName: 'a.png', contentType: 'image/png', contentBase64: png.toString('base64') }] });
  const rating = await staff.post(`/api/sessions/${city.sessionId}/rating-polls`, { title: '测评', candidateIds: [a] });
  await staff.post(`/api/polls/${rating.body.id}/open`, {});
  for (const d of city.deputies) await castOk(d.client, rating.body.id, { type: 'rating', marks: { [a]: 'unsatisfied' } });
  await staff.post(`/api/polls/${rating.body.id}/close`);
  await staff.post(`/api/polls/${rating.body.id}/certify`);
  const rect = await staff.post(`/api/tracking/projects/${project}/rectifications`, { ratingPollId: rating.body.id, problems: '问题', deadline: '2099-06-30' });
  const sup = await staff.post(`/api/cycles/${city.cycleId}/supervision`, { kind: 'inspection', heldOn: '2099-05-01', title: '视察', participants: [{ name: '张三', level: 'city' }], opinions: [{ body: '意见', department: '市民政局' }] });
  const prop = await staff.post(`/api/cycles/${city.cycleId}/proposals`, { title: '建议', content: '内容', area: '其他', channel: 'hotline' });
  const point = await staff.post(`/api/cycles/${city.cycleId}/collection-points`, { name: '某某联络站' });
  Object.assign(ids, {
    cycle: city.cycleId,
    session: city.sessionId,
    poll: vote,
    candidate: a,
    project,
    milestone: ms.body.id,
    attachment: rep.body.attachments[0].id,
    rectification: rect.body.id,
    opinion: sup.body.opinions[0].id,
    proposal: prop.body.id,
    point: point.body.id,
    deputy: city.deputies[0]!.id,
  });
  for (const [k, v] of Object.entries(ids)) expect(v, k).toBeTruthy();
  townStaff = await scopedUser('zhen', { level: 'township', name: '洋河镇人大' });
  otherTown = await scopedUser('zhen2', { level: 'township', name: '仓集镇人大' });
});
afterAll(async () => {
  await t?.close();
});

describe('accounts scoped to a congress', () => {
  it('a township account reaches none of the city cycle’s things, on any route, and changes nothing', async () => {
    const before = await snapshot(t.url);
    // every route with an id that an account of these roles may call (deputy-only ones refuse it by role)
    const ROLES = ['staff', 'presidium', 'scrutineer', 'department'];
    const routes = t.app.routeRoles.filter((r) => scopedKind(r.url) !== null && r.roles.some((x) => ROLES.includes(x)));
    expect(routes.length).toBeGreaterThan(60);
    const seen = new Set<string>();
    for (const r of routes) {
      const kind = scopedKind(r.url)!;
      seen.add(kind);
      const url = r.url.replace(':id', ids[kind]!);
      const res = await townStaff.req(r.method, url, r.method === 'GET' ? undefined : {});
      expect([res.status, res.body?.error?.code], `${r.method} ${r.url}`).toEqual([404, 'NOT_FOUND']);
    }
    expect([...seen].sort()).toEqual(Object.keys(ids).sort());
    // ids in a body count too
    const session = await townStaff.post('/api/sessions', { cycleId: city.cycleId, name: '不应建立的会议' });
    expect(session.status).toBe(404);
    expect(await snapshot(t.url)).toEqual(before);
  });

  it('a unit’s own lists (/mine) hold its congress’s projects and opinions only, whatever the unit is called', async () => {
    // The township account reports for a unit named 市民政局, as the city's does: another congress's unit.
    expect((await townStaff.get('/api/tracking/mine')).body).toEqual({ department: '市民政局', projects: [] });
    expect((await townStaff.get('/api/supervision/opinions/mine')).body).toEqual({ department: '市民政局', opinions: [] });
    const cityUnit = await scopedUser('shimz', { level: 'city', name: '宿迁市人大' });
    // both of the city's chosen projects are 市民政局's
    const mine = (await cityUnit.get('/api/tracking/mine')).body.projects.map((p: { id: string }) => p.id);
    expect(mine).toHaveLength(2);
    expect(mine).toContain(ids.project);
    expect((await cityUnit.get('/api/supervision/opinions/mine')).body.opinions.map((o: { opinion: { id: string } }) => o.opinion.id)).toEqual([ids.opinion]);
  });

  it('the same account’s own cycles work, and lists show only its congress', async () => {
    const refused = await townStaff.post('/api/cycles', { level: 'city', name: '越级年度', year: 2099, chooseN: 1, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
    expect(refused.status).toBe(403);
    const own = await townStaff.post('/api/cycles', { level: 'township', name: '2099年度洋河镇民生实事项目', year: 2099, chooseN: 1, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect((await townStaff.get(`/api/cycles/${own.body.id}`)).status).toBe(200);
    const cand = await townStaff.post(`/api/cycles/${own.body.id}/candidates`, { name: '镇区道路改造' });
    expect(cand.status, JSON.stringify(cand.body)).toBe(200);
    const sess = await townStaff.post('/api/sessions', { cycleId: own.body.id, name: '洋河镇第十八届人民代表大会第五次会议' });
    expect(sess.status).toBe(200);

    expect((await townStaff.get('/api/cycles')).body.map((c: { id: string }) => c.id)).toEqual([own.body.id]);
    expect((await townStaff.get('/api/sessions')).body.map((s: { id: string }) => s.id)).toEqual([sess.body.id]);
    // another township sees neither, the installation's staff see both
    expect((await otherTown.get('/api/cycles')).body).toEqual([]);
    expect((await otherTown.get(`/api/cycles/${own.body.id}`)).status).toBe(404);
    expect((await otherTown.req('PATCH', `/api/candidates/${cand.body.id}`, { name: '改名' })).status).toBe(404);
    const all = (await staff.get('/api/cycles')).body.map((c: { id: string }) => c.id);
    expect(all).toEqual(expect.arrayContaining([own.body.id, city.cycleId]));
    // the public still sees every congress's published pages
    expect((await new Client(t.app).get(`/api/public/cycles/${city.cycleId}/results`)).status).toBe(200);
  });

  it('only the administrator sets units, and a unit needs both level and name', async () => {
    const users = (await admin.get('/api/users')).body as { id: string; username: string }[];
    const zhen = users.find((u) => u.username === 'zhen')!;
    expect((await staff.req('PUT', `/api/users/${zhen.id}/unit`, { unit: null })).status).toBe(403);
    expect((await admin.req('PUT', `/api/users/${zhen.id}/unit`, { unit: { level: 'township' } })).status).toBe(400);
    expect((await admin.req('PUT', `/api/users/${city.sessionId}/unit`, { unit: null })).status).toBe(404);
  });
});

describe('the live topics', () => {
  it('a township account reads neither the city session’s staff topic nor its provisional hall result', async () => {
    const own = wsClient(t.app, staff.cookie, { origin: INJECTED_ORIGIN });
    const other = wsClient(t.app, townStaff.cookie, { origin: INJECTED_ORIGIN });
    await Promise.all([own.opened, other.opened]);
    own.send({ type: 'subscribe', topic: `staff:${city.sessionId}` });
    other.send({ type: 'subscribe', topic: `staff:${city.sessionId}` });
    expect((await own.waitFor((m) => m.type === 'snapshot')).data.kind).toBe('staff');
    expect((await other.waitFor((m) => m.type === 'error')).code).toBe('FORBIDDEN');
    own.close();
    other.close();
    // over HTTP the hall is public, and the other congress's account reads it as the public does
    expect(await t.app.services.sessions.seesProvisional({ kind: 'anonymous' }, city.sessionId, undefined)).toBe(false);
    const zhen = (await townStaff.get('/api/auth/me')).body;
    expect(await t.app.services.sessions.seesProvisional({ kind: 'user', user: zhen.user }, city.sessionId, undefined)).toBe(false);
  });
});

describe('routing a proposal to another level', () => {
  it('delivers it into that level’s queue, linked back, and the sender still cannot read that queue', async () => {
    const own = (await townStaff.get('/api/cycles')).body[0];
    const fresh = await townStaff.post('/api/cycles', { level: 'township', name: '2100年度洋河镇民生实事项目', year: 2100, chooseN: 1, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
    const cycleId = fresh.body.id ?? own.id;
    const p = await townStaff.post(`/api/cycles/${cycleId}/proposals`, { title: '修建跨县公路', content: '连接两县的公路年久失修', area: '交通出行', channel: 'hotline' });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    const sameLevel = await townStaff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'route', proposalIds: [p.body.id], routedTo: '仓集镇', routedToCycleId: own.id });
    expect(sameLevel.status).toBe(400);
    const frozen = await townStaff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'route', proposalIds: [p.body.id], routedTo: '宿迁市人大', routedToCycleId: city.cycleId });
    expect(frozen.body.error.code).toBe('LIST_FROZEN');
    const next = await staff.post('/api/cycles', { level: 'city', name: '2100年度宿迁市民生实事项目', year: 2100, chooseN: 1, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
    const cityNext = next.body.id as string;
    // the receiving cycles on offer: the other levels' open ones, of any congress; not its own level's, not a fixed list
    const offered = (await townStaff.get(`/api/cycles/${cycleId}/routing-targets`)).body as { id: string; level: string; name: string }[];
    expect(offered.map((c) => c.id)).toContain(cityNext);
    expect(offered.map((c) => c.id)).not.toContain(city.cycleId);
    expect(offered.every((c) => c.level !== 'township')).toBe(true);
    expect((await townStaff.get(`/api/cycles/${city.cycleId}/routing-targets`)).status).toBe(404);
    expect((await new Client(t.app).get(`/api/cycles/${cycleId}/routing-targets`)).status).toBe(401);
    const routed = await townStaff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'route', proposalIds: [p.body.id], routedTo: '宿迁市人大', routedToCycleId: cityNext });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    expect(routed.body.changed).toBe(1);
    const queue = await staff.get(`/api/cycles/${cityNext}/proposals`);
    const delivered = (queue.body.items ?? queue.body).find((x: { title: string }) => x.title === '修建跨县公路');
    expect(delivered).toBeTruthy();
    expect(delivered.channel).toBe('carried');
    // routing again does not deliver twice
    await townStaff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'route', proposalIds: [p.body.id], routedTo: '宿迁市人大（重报）', routedToCycleId: cityNext });
    const again = await staff.get(`/api/cycles/${cityNext}/proposals`);
    expect((again.body.items ?? again.body).filter((x: { title: string }) => x.title === '修建跨县公路')).toHaveLength(1);
    expect((await townStaff.get(`/api/cycles/${cityNext}/proposals`)).status).toBe(404);
  });
});
