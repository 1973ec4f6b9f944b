// Duplicate suggestions and Chinese search on the demo data the project ships
// (scripts/proposals-demo-data.ts): 1,200 proposals in topic clusters with 20 known
// near-duplicate pairs, imported the way staff import offline collections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProposals, demoProposalsCsv, type DemoSet } from '../scripts/proposals-demo-data.ts';
import { adminClient, createTestApp, defaultCycle, userClient, type Client, type TestApp } from './helpers/app.ts';

let t: TestApp;
let staff: Client;
let cycleId: string;
let set: DemoSet;
/** Demo index → proposal id. */
let ids: string[];

beforeAll(async () => {
  t = await createTestApp();
  const admin = await adminClient(t);
  staff = await userClient(t, admin, 'clerk', ['staff']);
  cycleId = (await staff.post('/api/cycles', { ...defaultCycle, chooseN: 10 })).body.id;
  const opens = new Date(Date.now() - 50 * 86_400_000);
  await staff.req('PUT', `/api/cycles/${cycleId}/collection`, {
    title: '征集公告',
    body: '',
    opensAt: opens.toISOString(),
    closesAt: new Date(opens.getTime() + 45 * 86_400_000).toISOString(),
  });
  set = demoProposals(1200, 20270701);
  const imported = await staff.post(`/api/cycles/${cycleId}/proposals/import`, {
    fileName: '2027年征集汇总.csv',
    contentBase64: Buffer.from(demoProposalsCsv(set.proposals, opens)).toString('base64'),
    channel: 'hotline',
  });
  expect(imported.status, JSON.stringify(imported.body).slice(0, 2000)).toBe(200);
  ids = imported.body.proposals.map((p: { id: string }) => p.id);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the demo data', () => {
  it('is at least 1,000 proposals in clusters, the same for the same seed', () => {
    expect(set.proposals).toHaveLength(1200);
    expect(ids).toHaveLength(1200);
    expect(set.pairs).toHaveLength(20);
    expect(set.proposals.filter((p) => p.topic === 'elevator').length).toBeGreaterThan(100);
    expect(JSON.stringify(demoProposals(1200, 20270701))).toBe(JSON.stringify(set));
    expect(JSON.stringify(demoProposals(1200, 7))).not.toBe(JSON.stringify(set));
  });
});

describe('duplicate suggestions', () => {
  it('rank each known near-duplicate first, in both directions', async () => {
    const misses: string[] = [];
    for (const { a, b } of set.pairs) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const r = await staff.get(`/api/proposals/${ids[x]}/similar?limit=5`);
        expect(r.status).toBe(200);
        if (r.body[0]?.proposal.id !== ids[y]) misses.push(`${set.proposals[x]!.title} → ${r.body[0]?.proposal.title}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('explain themselves: flagged ones share the topic, same-place matches come first, and a cluster merges in one go', async () => {
    const lift = set.proposals.findIndex((p) => p.topic === 'elevator');
    const r = await staff.get(`/api/proposals/${ids[lift]}/similar?limit=30`);
    expect(r.body).toHaveLength(30);
    const topicOf = (s: { proposal: { id: string } }) => set.proposals[ids.indexOf(s.proposal.id)]!.topic;
    const flagged = r.body.filter((s: { duplicate: boolean }) => s.duplicate);
    expect(new Set(flagged.map(topicOf))).toEqual(new Set(flagged.length ? ['elevator'] : []));
    const rankOf = { same: 0, unknown: 1, other: 2 } as const;
    const places = r.body.map((s: { place: keyof typeof rankOf }) => rankOf[s.place]);
    expect(places.indexOf(2) === -1 || places.slice(places.indexOf(2)).every((x: number) => x === 2)).toBe(true);
    for (const s of r.body) {
      expect(s.topic).toBeGreaterThanOrEqual(0);
      expect(s.topic).toBeLessThanOrEqual(1);
      if (s.duplicate) expect(s.sharedTopics.length).toBeGreaterThan(0);
    }

    const cluster = [ids[lift]!, ...r.body.filter((s: { place: string; proposal: { id: string } }) => topicOf(s) === 'elevator' && s.place !== 'other').map((s: { proposal: { id: string } }) => s.proposal.id)];
    const merged = await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: cluster, newCandidate: { name: '既有住宅加装电梯', category: '住有所居' } });
    expect(merged.body.linked).toBe(cluster.length);
    const shortlist = await staff.get(`/api/cycles/${cycleId}/shortlist`);
    expect(shortlist.body.candidates.map((c: { name: string; sourceCount: number }) => [c.name, c.sourceCount])).toEqual([['既有住宅加装电梯', cluster.length]]);
  });
});

describe('search over the demo data', () => {
  // An independent oracle: the same normalisation, applied in JavaScript to the fixture.
  const oracle = (q: string) =>
    set.proposals.filter((p) => [p.title, p.content, p.reason, p.location].join('\n').normalize('NFKC').toLowerCase().includes(q)).length;
  const total = async (q: string) => (await staff.get(`/api/cycles/${cycleId}/proposals?limit=1&q=${encodeURIComponent(q)}`)).body.total as number;

  it('finds one-, two- and longer Chinese substrings, exactly', async () => {
    const expected: [string, number][] = [
      ['灯', 191],
      ['电梯', 170],
      ['路灯', 130],
      ['接送', 89],
      ['菜市场', 57],
      ['加装电梯', 160],
      ['学校门口', 63],
      ['湖滨新区', 161],
      ['led节能灯', 46],
    ];
    for (const [q, n] of expected) {
      expect(oracle(q), q).toBe(n);
      expect(await total(q), q).toBe(n);
    }
  });

  it('pages through every match of a two-character query once', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const r: { body: { items: { id: string; title: string; content: string }[]; nextCursor: string | null } } = await staff.get(
        `/api/cycles/${cycleId}/proposals?limit=50&q=${encodeURIComponent('路灯')}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const item of r.body.items) seen.add(item.id);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(130);
  });
});
