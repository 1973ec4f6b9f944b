// Duplicate detection through the API: 相似建议 with 可能重复 and its reason, 疑似重复组 over the
// queue and merging one, the lexicon staff keep, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, createTestApp, defaultCycle, userClient, type TestApp } from './helpers/app.ts';

let t: TestApp;
let staff: Client;
let presidium: Client;
let cycleId: string;
const ids: Record<string, string> = {};

const P = {
  lift1: { title: '春江苑老旧小区加装电梯', content: '春江苑建于上世纪九十年代，都是六层住宅，没有电梯，老人上下楼困难。', district: '宿城区' },
  lift2: { title: '请给春江苑老楼安装电梯', content: '我家住春江苑五楼，母亲腿脚不好，每次爬楼都要歇好几回。', district: '宿城区' },
  liftWest: { title: '春江西苑老旧小区加装电梯', content: '春江西苑建于上世纪九十年代，都是六层住宅，没有电梯，老人上下楼困难。', district: '宿城区' },
  river1: { title: '柳湾村旁边的河很臭', content: '柳湾村旁边那条河一到夏天就发臭，水是黑的。', district: '泗阳县' },
  river2: { title: '柳湾河道黑臭水体治理', content: '建议对柳湾河道开展黑臭水体综合治理，清淤疏浚。', district: '泗阳县' },
  light: { title: '春江苑路灯不亮', content: '春江苑的路灯坏了好几个月，晚上一片漆黑。', district: '宿城区' },
};

beforeAll(async () => {
  t = await createTestApp();
  const admin = await adminClient(t);
  staff = await userClient(t, admin, 'clerk', ['staff']);
  presidium = await userClient(t, admin, 'chair', ['presidium']);
  cycleId = (await staff.post('/api/cycles', { ...defaultCycle, chooseN: 10 })).body.id;
  for (const [k, p] of Object.entries(P)) {
    const r = await staff.post(`/api/cycles/${cycleId}/proposals`, { ...p, reason: '', area: '住有所居', location: '', channel: 'hotline' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ids[k] = r.body.id ?? r.body.proposal?.id;
  }
  expect(Object.values(ids).every(Boolean)).toBe(true);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('similar proposals', () => {
  it('put the reworded duplicate first, flagged, with the place and the request in words', async () => {
    const r = await staff.get(`/api/proposals/${ids.lift1}/similar?limit=10`);
    expect(r.status).toBe(200);
    expect(r.body[0]).toMatchObject({ proposal: { id: ids.lift2 }, place: 'same', samePlaces: ['春江苑'], duplicate: true });
    expect(r.body[0].sharedTopics.join('')).toContain('电梯');
    expect(r.body[0]).not.toHaveProperty('score');
  });

  it('list the same sentence at 春江西苑 as another place, unflagged, below every 春江苑 match', async () => {
    const r = await staff.get(`/api/proposals/${ids.lift1}/similar?limit=10`);
    const order = r.body.map((s: { proposal: { id: string } }) => s.proposal.id);
    const west = r.body.find((s: { proposal: { id: string } }) => s.proposal.id === ids.liftWest);
    expect(west).toMatchObject({ place: 'other', duplicate: false, samePlaces: [] });
    expect(order.indexOf(ids.liftWest)).toBeGreaterThan(order.indexOf(ids.light));
  });

  it('see an edit at once: a proposal moved to another place is no longer the same place', async () => {
    const patched = await staff.req('PATCH', `/api/proposals/${ids.lift2}`, { title: '请给枫林花园老楼安装电梯', content: '我家住枫林花园五楼，母亲腿脚不好。' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const r = await staff.get(`/api/proposals/${ids.lift1}/similar?limit=10`);
    expect(r.body.find((s: { proposal: { id: string } }) => s.proposal.id === ids.lift2)).toMatchObject({ place: 'other', duplicate: false });
    await staff.req('PATCH', `/api/proposals/${ids.lift2}`, { title: P.lift2.title, content: P.lift2.content });
    expect((await staff.get(`/api/proposals/${ids.lift1}/similar`)).body[0]).toMatchObject({ proposal: { id: ids.lift2 }, duplicate: true });
  });

  it('are for reviewers only, and 404 for an unknown proposal', async () => {
    expect((await presidium.get(`/api/proposals/${ids.lift1}/similar`)).status).toBe(200);
    expect((await new Client(t.app).get(`/api/proposals/${ids.lift1}/similar`)).status).toBe(401);
    expect((await staff.get('/api/proposals/00000000-0000-4000-8000-000000000000/similar')).body.error.code).toBe('NOT_FOUND');
  });
});

describe('疑似重复组', () => {
  it('cluster the open queue by same place and same request, and merge in one action with the trace kept', async () => {
    const r = await staff.get(`/api/cycles/${cycleId}/proposals/duplicate-groups`);
    expect(r.status).toBe(200);
    expect(r.body.scanned).toBe(6);
    const groups = r.body.groups.map((g: { proposals: { id: string }[] }) => g.proposals.map((p) => p.id).sort());
    expect(groups).toEqual(expect.arrayContaining([[ids.lift1, ids.lift2].sort(), [ids.river1, ids.river2].sort()]));
    expect(groups.flat()).not.toContain(ids.liftWest);
    const lift = r.body.groups.find((g: { proposals: { id: string }[] }) => g.proposals.some((p) => p.id === ids.lift1));
    expect(lift.places).toEqual(['春江苑']);
    expect(lift.suggestedName).toContain('春江苑');

    const merged = await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: lift.proposals.map((p: { id: string }) => p.id), newCandidate: { name: lift.suggestedName, category: '住有所居' } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.linked).toBe(2);
    const detail = await staff.get(`/api/proposals/${ids.lift2}`);
    expect(detail.body.events.map((e: { kind: string }) => e.kind)).toContain('accepted');
    const after = await staff.get(`/api/cycles/${cycleId}/proposals/duplicate-groups`);
    expect(after.body.scanned).toBe(4);
    expect(after.body.groups.flatMap((g: { proposals: { id: string }[] }) => g.proposals.map((p) => p.id))).not.toContain(ids.lift1);
  });

  it('are refused to citizens, and 404 for an unknown cycle', async () => {
    expect((await new Client(t.app).get(`/api/cycles/${cycleId}/proposals/duplicate-groups`)).status).toBe(401);
    expect((await staff.get('/api/cycles/00000000-0000-4000-8000-000000000000/proposals/duplicate-groups')).body.error.code).toBe('NOT_FOUND');
  });

  it('know the cycle’s districts as places at once: 春江 in the notice, 春江西苑 is still its own place', async () => {
    const opens = new Date(Date.now() - 86_400_000);
    const notice = await staff.req('PUT', `/api/cycles/${cycleId}/collection`, {
      title: '征集公告', body: '', opensAt: opens.toISOString(), closesAt: new Date(opens.getTime() + 40 * 86_400_000).toISOString(), districts: ['宿城区', '泗阳县', '春江'],
    });
    expect(notice.status, JSON.stringify(notice.body)).toBe(200);
    const town = await staff.post(`/api/cycles/${cycleId}/proposals`, { title: '春江道路照明太差', content: '春江的路灯晚上不亮。', reason: '', area: '交通出行', district: '宿城区', location: '', channel: 'hotline' });
    expect(town.status, JSON.stringify(town.body)).toBe(200);
    const west = await staff.post(`/api/cycles/${cycleId}/proposals`, { title: '春江西苑路灯不亮', content: '春江西苑的路灯坏了。', reason: '', area: '交通出行', district: '宿城区', location: '', channel: 'hotline' });
    const r = await staff.get(`/api/proposals/${west.body.id}/similar`);
    expect(r.body.find((s: { proposal: { id: string } }) => s.proposal.id === town.body.id)).toMatchObject({ duplicate: false, samePlaces: [] });
    expect(r.body.find((s: { proposal: { id: string } }) => s.proposal.id === ids.light)).toMatchObject({ place: 'other', duplicate: false });
  });
});

describe('the lexicon', () => {
  it('is seeded from the repository and grows with staff entries that change matching at once', async () => {
    const list = await staff.get('/api/similarity/lexicon');
    expect(list.status).toBe(200);
    expect(list.body.filter((e: { kind: string }) => e.kind === 'synonym').length).toBeGreaterThan(100);
    expect(list.body.find((e: { value: string }) => e.value.startsWith('加装 安装 增设'))).toMatchObject({ origin: 'seed' });

    const a = await staff.post(`/api/cycles/${cycleId}/proposals`, { title: '洋北村想要个口袋书屋', content: '孩子放假没地方看书。', reason: '', area: '学有所教', district: '宿城区', location: '', channel: 'hotline' });
    const b = await staff.post(`/api/cycles/${cycleId}/proposals`, { title: '洋北村建设共享阅读角', content: '给村里的孩子一个读书的地方。', reason: '', area: '学有所教', district: '宿城区', location: '', channel: 'hotline' });
    const before = (await staff.get(`/api/proposals/${a.body.id}/similar`)).body.find((s: { proposal: { id: string } }) => s.proposal.id === b.body.id);
    const added = await staff.post('/api/similarity/lexicon', { kind: 'synonym', value: '口袋书屋 阅读角 共享阅读角' });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ kind: 'synonym', value: '口袋书屋 阅读角 共享阅读角', origin: 'staff' });
    expect(added.body.createdBy).toBeTruthy();
    const after = (await staff.get(`/api/proposals/${a.body.id}/similar`)).body.find((s: { proposal: { id: string } }) => s.proposal.id === b.body.id);
    expect(after.topic).toBeGreaterThan(before?.topic ?? 0);
    expect(after.sharedTopics.join('')).toContain('口袋书屋');

    expect((await staff.post('/api/similarity/lexicon', { kind: 'synonym', value: '口袋书屋  阅读角 共享阅读角' })).body.error.code).toBe('LEXICON_ENTRY_EXISTS');
    const one = await staff.post('/api/similarity/lexicon', { kind: 'synonym', value: '孤词' });
    expect(one.status).toBe(400);
    expect(one.body.error.messageZh).toContain('至少需要两个词');
    expect((await staff.post('/api/similarity/lexicon', { kind: 'synonym', value: ' ， ' })).status).toBe(400);

    expect((await staff.req('DELETE', `/api/similarity/lexicon/${added.body.id}`)).status).toBe(200);
    expect((await staff.req('DELETE', `/api/similarity/lexicon/${added.body.id}`)).body.error.code).toBe('NOT_FOUND');
    const gone = (await staff.get(`/api/proposals/${a.body.id}/similar`)).body.find((s: { proposal: { id: string } }) => s.proposal.id === b.body.id);
    expect(gone?.topic ?? 0).toBe(before?.topic ?? 0);
  });

  it('is edited by staff only', async () => {
    expect((await presidium.get('/api/similarity/lexicon')).status).toBe(403);
    expect((await presidium.post('/api/similarity/lexicon', { kind: 'place', value: '春江苑' })).status).toBe(403);
  });
});
