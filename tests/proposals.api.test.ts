import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, createTestApp, defaultCycle, userClient, type TestApp } from './helpers/app.ts';

let t: TestApp;
let admin: Client;
let staff: Client;
let presidium: Client;
let anon: Client;

const DAY = 86_400_000;
const CODE = /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/;

/** A citizen's phone: no cookie, its own address (rate limits are per address). */
async function cite(ip: string, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: ip,
    headers: { ...(method === 'POST' ? { 'x-piaojue-csrf': '1' } : {}), 'user-agent': 'Mozilla/5.0 (iPhone)', ...headers },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  let parsed: any = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body: parsed };
}

const proposal = (over: Record<string, unknown> = {}) => ({
  title: '幸福花园3号楼加装电梯',
  content: '幸福花园3号楼建于1995年，共六层，没有电梯，楼里住着很多七八十岁的老人。',
  reason: '方便老年人出行就医。',
  area: '住有所居',
  district: '宿城区',
  location: '宿城区幸福花园3号楼',
  proposerName: '王秀英',
  proposerPhone: '13812345678',
  ...over,
});

async function newCycle(over: Record<string, unknown> = {}): Promise<string> {
  const r = await staff.post('/api/cycles', { ...defaultCycle, maxExtraRatio: 1, ...over });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.id;
}

async function openNotice(cycleId: string, extra: Record<string, unknown> = {}) {
  const r = await staff.req('PUT', `/api/cycles/${cycleId}/collection`, {
    title: '关于征集2027年度民生实事项目建议的公告',
    body: '欢迎广大市民提出建议。',
    opensAt: new Date(Date.now() - DAY).toISOString(),
    closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    districts: ['宿城区', '宿豫区', '沭阳县'],
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function rowCount(table: 'proposals' | 'proposal_events' | 'proposal_grams', cycleId?: string): Promise<number> {
  const db = t.app.services.db;
  if (table === 'proposals') {
    const q = db.selectFrom('proposals').select((eb) => eb.fn.countAll<number>().as('n'));
    return Number((await (cycleId ? q.where('cycle_id', '=', cycleId) : q).executeTakeFirstOrThrow()).n);
  }
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return rows[0]!.n;
}

async function submit(cycleId: string, ip: string, over: Record<string, unknown> = {}) {
  const r = await cite(ip, 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal(over));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { trackingCode: string; duplicate: boolean; status: string };
}

async function idOf(cycleId: string, code: string): Promise<string> {
  const r = await staff.get(`/api/cycles/${cycleId}/proposals?q=${encodeURIComponent(code)}`);
  expect(r.body.items).toHaveLength(1);
  return r.body.items[0].id;
}

const track = async (code: string) => (await cite('10.9.9.9', 'GET', `/api/public/proposals/${encodeURIComponent(code)}`)).body;
const kinds = (p: { timeline: { kind: string }[] }) => p.timeline.map((e) => e.kind);

beforeAll(async () => {
  t = await createTestApp();
  admin = await adminClient(t);
  staff = await userClient(t, admin, 'clerk', ['staff']);
  presidium = await userClient(t, admin, 'zhuxi', ['presidium']);
  anon = new Client(t.app);
});
afterAll(async () => {
  await t?.close();
});

describe('the collection notice and its window', () => {
  it('accepts proposals only while the notice is open, with a clear reason otherwise', async () => {
    const cycleId = await newCycle();
    const none = await cite('10.0.0.1', 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal());
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('COLLECTION_NOT_PUBLISHED');

    const backwards = await staff.req('PUT', `/api/cycles/${cycleId}/collection`, {
      title: '公告',
      body: '',
      opensAt: '2026-08-01T00:00:00+08:00',
      closesAt: '2026-07-01T00:00:00+08:00',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual({ field: 'closesAt', reason: 'closesAt must be after opensAt' });

    const opensAt = new Date(Date.now() + 2 * DAY).toISOString();
    const upcoming = await openNotice(cycleId, { opensAt, closesAt: new Date(Date.now() + 40 * DAY).toISOString() });
    expect(upcoming.state).toBe('upcoming');
    expect(upcoming.areas).toEqual(['幼有所育', '学有所教', '劳有所得', '病有所医', '老有所养', '住有所居', '弱有所扶', '交通出行', '生态环境', '公共安全', '文化体育', '其他']);
    const early = await cite('10.0.0.1', 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal());
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('COLLECTION_NOT_OPEN');
    expect(early.body.error.messageZh).toBe('征集尚未开始，请在征集公告的开始日期后提交');
    expect(early.body.error.details.opensAt).toBe(new Date(opensAt).toISOString());

    await openNotice(cycleId, { opensAt: new Date(Date.now() - 40 * DAY).toISOString(), closesAt: new Date(Date.now() - 60_000).toISOString() });
    const late = await cite('10.0.0.1', 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal());
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('COLLECTION_CLOSED');
    const portal = await cite('10.0.0.1', 'GET', `/api/public/cycles/${cycleId}/collection`);
    expect(portal.body.notice.state).toBe('closed');
    expect(await rowCount('proposals', cycleId)).toBe(0);

    await openNotice(cycleId);
    const open = await cite('10.0.0.1', 'GET', `/api/public/cycles/${cycleId}/collection`);
    expect(open.status).toBe(200);
    expect(open.body.notice.state).toBe('open');
    expect(open.body.notice.districts).toEqual(['宿城区', '宿豫区', '沭阳县']);
    expect(open.body.limits).toEqual({ title: 100, content: 3000, reason: 3000 });
    const ok = await submit(cycleId, '10.0.0.1');
    expect(ok.trackingCode).toMatch(CODE);
    expect(ok.duplicate).toBe(false);
    expect(ok.status).toBe('received');
    expect(await rowCount('proposals', cycleId)).toBe(1);

    const list = await cite('10.0.0.1', 'GET', '/api/public/collections');
    expect(list.body.find((c: { cycle: { id: string } }) => c.cycle.id === cycleId).state).toBe('open');
  });
});

describe('submission validation', () => {
  it('refuses bad input with 4xx and stores nothing', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const other = await newCycle();
    const otherPoint = await staff.post(`/api/cycles/${other}/collection-points`, { name: '项王故里社区联络站' });
    const before = { proposals: await rowCount('proposals'), events: await rowCount('proposal_events'), grams: await rowCount('proposal_grams') };
    const url = `/api/public/cycles/${cycleId}/proposals`;
    const cases: [string, unknown, number, string][] = [
      ['no title', { ...proposal(), title: undefined }, 400, 'VALIDATION'],
      ['blank title', proposal({ title: ' \u3000 ' }), 400, 'VALIDATION'],
      ['title too long', proposal({ title: '电'.repeat(101) }), 400, 'VALIDATION'],
      ['blank content', proposal({ content: '\n\n' }), 400, 'VALIDATION'],
      ['content too long', proposal({ content: '梯'.repeat(3001) }), 400, 'VALIDATION'],
      ['unknown area', proposal({ area: '航天' }), 400, 'VALIDATION'],
      ['district not in the list', proposal({ district: '浦东新区' }), 400, 'VALIDATION'],
      ['bad phone', proposal({ proposerPhone: '请回电' }), 400, 'VALIDATION'],
      ['negative cost', proposal({ costWan: -5 }), 400, 'VALIDATION'],
      ['cost not a number', proposal({ costWan: '五十万' }), 400, 'VALIDATION'],
      ['a staff-only channel', proposal({ channel: 'hotline' }), 400, 'VALIDATION'],
      ['qr without its point', proposal({ channel: 'qr' }), 400, 'VALIDATION'],
      ['point of another cycle', proposal({ channel: 'qr', pointId: otherPoint.body.id }), 400, 'VALIDATION'],
      ['honeypot filled', proposal({ website: 'http://spam.example' }), 400, 'SUBMISSION_REFUSED'],
      ['oversized body', proposal({ content: '电'.repeat(20_000) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['not an object', '"just a string"', 400, 'VALIDATION'],
    ];
    for (const [i, [label, body, status, code]] of cases.entries()) {
      const r = await cite(`10.0.1.${i + 10}`, 'POST', url, body, typeof body === 'string' ? { 'content-type': 'application/json' } : {});
      expect(r.status, label).toBe(status);
      expect(r.body.error.code, label).toBe(code);
      expect(r.body.error.messageZh.length, label).toBeGreaterThan(0);
    }
    const bad = await cite('10.0.1.1', 'POST', url, proposal({ area: '航天' }));
    expect(bad.body.error.details).toEqual({ field: 'area', reason: 'area must be one of: 幼有所育, 学有所教, 劳有所得, 病有所医, 老有所养, 住有所居, 弱有所扶, 交通出行, 生态环境, 公共安全, 文化体育, 其他' });
    const honeypot = await cite('10.0.1.1', 'POST', url, proposal({ website: 'x' }));
    expect(honeypot.body.error.messageZh).toBe('提交未被接受，请刷新页面后重新填写');
    const noCsrf = await t.app.inject({ method: 'POST', url, remoteAddress: '10.0.1.1', payload: proposal() });
    expect(noCsrf.statusCode).toBe(403);
    const unknownCycle = await cite('10.0.1.1', 'POST', '/api/public/cycles/00000000-0000-4000-8000-000000000000/proposals', proposal());
    expect(unknownCycle.status).toBe(404);

    expect({ proposals: await rowCount('proposals'), events: await rowCount('proposal_events'), grams: await rowCount('proposal_grams') }).toEqual(before);
  });

  it('limits submissions per address and folds a double submission into the first code', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const first = await submit(cycleId, '10.0.2.1', { clientId: 'browser-a' });
    // A double tap: same text (whitespace and punctuation aside) from the same browser.
    const again = await submit(cycleId, '10.0.2.1', { clientId: 'browser-a', title: ' 幸福花园3号楼加装电梯。', content: proposal().content.replace('，', ', ') });
    expect(again).toEqual({ ...first, duplicate: true });
    // The same words from another phone are another citizen's proposal.
    const neighbour = await submit(cycleId, '10.0.2.2', { clientId: 'browser-b' });
    expect(neighbour.trackingCode).not.toBe(first.trackingCode);
    expect(await rowCount('proposals', cycleId)).toBe(2);

    for (let i = 3; i <= 10; i++) await submit(cycleId, '10.0.2.1', { clientId: 'browser-a', title: `建议${i}号楼加装电梯` });
    const limited = await cite('10.0.2.1', 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal({ title: '第十一条建议' }));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(await rowCount('proposals', cycleId)).toBe(10);
  });

  it('folds identical submissions sent at the same moment into one proposal, and not after the window', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const before = { events: await rowCount('proposal_events'), grams: await rowCount('proposal_grams') };
    // Six taps racing each other: one proposal, one code, five answers marked duplicate.
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(cycleId, '10.0.3.1', { clientId: 'browser-c' })));
    expect(new Set(answers.map((a) => a.trackingCode)).size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(await rowCount('proposals', cycleId)).toBe(1);
    const grams = (await rowCount('proposal_grams')) - before.grams;
    expect(grams).toBeGreaterThan(10);
    expect((await rowCount('proposal_events')) - before.events).toBe(1);

    // Eleven minutes later the same words are a new proposal, and the slot follows the new one.
    await sql`update proposal_submissions set at = at - interval '11 minutes'`.execute(t.app.services.db);
    const later = await submit(cycleId, '10.0.3.1', { clientId: 'browser-c' });
    expect(later.duplicate).toBe(false);
    expect(later.trackingCode).not.toBe(answers[0]!.trackingCode);
    expect(await submit(cycleId, '10.0.3.1', { clientId: 'browser-c' })).toEqual({ ...later, duplicate: true });
    expect(await rowCount('proposals', cycleId)).toBe(2);
    expect((await rowCount('proposal_grams')) - before.grams).toBe(2 * grams);
  });
});

describe('tracking and privacy', () => {
  it('shows the citizen the status and public history, never the name or phone', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const r = await submit(cycleId, '10.0.3.1');
    const raw = r.trackingCode.replace(/-/g, '').toLowerCase();
    const pub = await track(` ${raw.slice(0, 6)} ${raw.slice(6)} `);
    expect(pub.trackingCode).toBe(r.trackingCode);
    expect(pub.status).toBe('received');
    expect(kinds(pub)).toEqual(['received']);
    expect(pub.title).toBe('幸福花园3号楼加装电梯');
    const text = JSON.stringify(pub);
    expect(text).not.toContain('王秀英');
    expect(text).not.toContain('13812345678');
    expect(Object.keys(pub)).not.toContain('proposerName');

    const unknown = await cite('10.0.3.1', 'GET', '/api/public/proposals/ABCD-EFGH-JKMN');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('TRACKING_CODE_UNKNOWN');

    const id = await idOf(cycleId, r.trackingCode);
    const asStaff = await staff.get(`/api/proposals/${id}`);
    expect(asStaff.body).toMatchObject({ proposerName: '王秀英', proposerPhone: '13812345678', contactVisible: true, channel: 'web' });
    const asPresidium = await presidium.get(`/api/proposals/${id}`);
    expect(asPresidium.body).toMatchObject({ proposerName: null, proposerPhone: null, contactVisible: false });
    expect((await presidium.get(`/api/cycles/${cycleId}/proposals/export?format=csv&contact=true`)).status).toBe(403);
    expect((await anon.get(`/api/cycles/${cycleId}/proposals`)).status).toBe(401);
    expect((await anon.get(`/api/proposals/${id}`)).status).toBe(401);
    expect((await presidium.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'review', proposalIds: [id] })).status).toBe(403);
  });
});

describe('staff actions as the citizen sees them', () => {
  it('moves through review, rejection, reserve, routing and merging, each on the tracking page and in the audit log', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const { trackingCode } = await submit(cycleId, '10.0.4.1');
    const id = await idOf(cycleId, trackingCode);
    const act = (body: Record<string, unknown>) => staff.post(`/api/cycles/${cycleId}/proposals/actions`, { proposalIds: [id], ...body });

    expect((await act({ action: 'review' })).body).toEqual({ changed: 1, unchanged: 0 });
    expect((await act({ action: 'review' })).body).toEqual({ changed: 0, unchanged: 1 });
    let pub = await track(trackingCode);
    expect(pub.status).toBe('under_review');

    const noReason = await act({ action: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.field).toBe('reason');
    await act({ action: 'reject', reason: '该事项已列入省级计划，不重复安排' });
    pub = await track(trackingCode);
    expect(pub.status).toBe('rejected');
    expect(pub.decisionReason).toBe('该事项已列入省级计划，不重复安排');
    expect(pub.timeline.at(-1)).toMatchObject({ kind: 'rejected', reason: '该事项已列入省级计划，不重复安排' });

    await act({ action: 'reserve' });
    pub = await track(trackingCode);
    expect(pub.status).toBe('reserved');
    expect(pub.decisionReason).toBeNull();

    expect((await act({ action: 'route' })).status).toBe(400);
    await act({ action: 'route', routedTo: '宿城区人民政府' });
    pub = await track(trackingCode);
    expect(pub.status).toBe('routed');
    expect(pub.routedTo).toBe('宿城区人民政府');

    await act({ action: 'reopen' });
    expect((await track(trackingCode)).status).toBe('under_review');

    const accepted = await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [id], newCandidate: { name: '既有住宅加装电梯', category: '住有所居' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    pub = await track(trackingCode);
    expect(pub.status).toBe('accepted');
    expect(pub.candidate).toEqual({ id: accepted.body.candidate.id, name: '既有住宅加装电梯', listFrozen: false, listDecision: null, outcome: null });

    const busy = await act({ action: 'reject', reason: '不采纳' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('PROPOSAL_STATE');

    await staff.post(`/api/cycles/${cycleId}/proposals/unmerge`, { proposalIds: [id], reason: '需与其他建议统筹' });
    pub = await track(trackingCode);
    expect(pub.status).toBe('under_review');
    expect(pub.candidate).toBeNull();

    const other = await staff.post(`/api/cycles/${cycleId}/candidates`, { name: '老旧小区改造' });
    await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [id], candidateId: other.body.id });
    pub = await track(trackingCode);
    expect(pub.status).toBe('merged');
    expect(pub.candidate.name).toBe('老旧小区改造');
    expect(kinds(pub)).toEqual(['received', 'review_started', 'rejected', 'reserved', 'routed', 'reopened', 'accepted', 'unmerged', 'merged']);
    expect(pub.timeline.map((e: { candidateName?: string }) => e.candidateName ?? null)).toEqual([null, null, null, null, null, null, '既有住宅加装电梯', '既有住宅加装电梯', '老旧小区改造']);
    expect(JSON.stringify(pub.timeline)).not.toContain('clerk');

    const detail = await staff.get(`/api/proposals/${id}`);
    expect(detail.body.events.map((e: { actor: string }) => e.actor)).toEqual(['public', 'user:clerk', 'user:clerk', 'user:clerk', 'user:clerk', 'user:clerk', 'user:clerk', 'user:clerk', 'user:clerk']);

    const { rows } = await sql<{ action: string }>`select action from audit_log where action like 'proposal.%' and details::text like ${`%${id}%`} order by seq`.execute(t.app.services.db);
    expect(rows.map((r) => r.action)).toEqual(['proposal.review', 'proposal.reject', 'proposal.reserve', 'proposal.route', 'proposal.reopen', 'proposal.merged', 'proposal.unmerged', 'proposal.merged']);
  });
});

describe('merging keeps links both ways', () => {
  it('links proposals to candidates, refuses double merges, unmerges with history, guards the candidate', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const ids: string[] = [];
    for (const [i, ip] of ['10.0.5.1', '10.0.5.2', '10.0.5.3'].entries()) {
      ids.push(await idOf(cycleId, (await submit(cycleId, ip, { title: `金鹰小区${i + 1}号楼加装电梯` })).trackingCode));
    }
    const [p1, p2, p3] = ids as [string, string, string];
    const merge = (body: Record<string, unknown>) => staff.post(`/api/cycles/${cycleId}/proposals/merge`, body);

    const both = await merge({ proposalIds: [p1, p2], candidateId: '00000000-0000-4000-8000-000000000000', newCandidate: { name: 'x' } });
    expect(both.status).toBe(400);
    const c1 = await merge({ proposalIds: [p1, p2], newCandidate: { name: '金鹰小区加装电梯', department: '市住房和城乡建设局' } });
    expect(c1.body).toMatchObject({ linked: 2, unchanged: 0, candidate: { name: '金鹰小区加装电梯', department: '市住房和城乡建设局', position: 1 } });
    const cand1 = c1.body.candidate.id as string;
    const c2 = (await staff.post(`/api/cycles/${cycleId}/candidates`, { name: '电梯维保' })).body.id as string;

    expect((await merge({ proposalIds: [p1], candidateId: cand1 })).body).toMatchObject({ linked: 0, unchanged: 1 });
    const elsewhere = await merge({ proposalIds: [p2, p3], candidateId: c2 });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('PROPOSAL_MERGED_ELSEWHERE');
    expect(elsewhere.body.error.details.proposals.map((x: { id: string }) => x.id)).toEqual([p2]);
    expect((await staff.get(`/api/proposals/${p3}`)).body.status).toBe('received');

    const sources = await staff.get(`/api/candidates/${cand1}/proposals`);
    expect(sources.body.map((s: { proposal: { id: string } }) => s.proposal.id).sort()).toEqual([p1, p2].sort());
    const queue = await staff.get(`/api/cycles/${cycleId}/proposals?candidateId=${cand1}`);
    expect(queue.body.total).toBe(2);
    expect(queue.body.items[0].candidate).toEqual({ id: cand1, name: '金鹰小区加装电梯' });
    const shortlist = await staff.get(`/api/cycles/${cycleId}/shortlist`);
    expect(shortlist.body.candidates.map((c: { name: string; sourceCount: number }) => [c.name, c.sourceCount])).toEqual([
      ['金鹰小区加装电梯', 2],
      ['电梯维保', 0],
    ]);

    const loose = await staff.post(`/api/cycles/${cycleId}/proposals/unmerge`, { proposalIds: [p3] });
    expect(loose.status).toBe(409);
    expect(loose.body.error.code).toBe('PROPOSAL_NOT_MERGED');
    expect((await staff.post(`/api/cycles/${cycleId}/proposals/unmerge`, { proposalIds: [p2] })).body).toEqual({ changed: 1, unchanged: 0 });
    expect((await staff.get(`/api/candidates/${cand1}/proposals`)).body).toHaveLength(1);
    const history = await staff.get(`/api/candidates/${cand1}/proposals?includeUndone=true`);
    expect(history.body.map((s: { proposal: { id: string }; link: { undoneAt: string | null } }) => [s.proposal.id, s.link.undoneAt === null])).toEqual([
      [p1, true],
      [p2, false],
    ]);

    await merge({ proposalIds: [p2, p3], candidateId: c2 });
    const d2 = await staff.get(`/api/proposals/${p2}`);
    expect(d2.body.links.map((l: { candidateName: string; undoneAt: string | null; undoneBy: string | null }) => [l.candidateName, l.undoneAt === null, l.undoneBy])).toEqual([
      ['金鹰小区加装电梯', false, 'user:clerk'],
      ['电梯维保', true, null],
    ]);
    expect(d2.body.candidate).toEqual({ id: c2, name: '电梯维保' });

    const del = await staff.del(`/api/candidates/${c2}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('CANDIDATE_HAS_PROPOSALS');

    const otherCycle = await newCycle();
    const foreign = await staff.post(`/api/cycles/${otherCycle}/candidates`, { name: '别处的项目' });
    const cross = await merge({ proposalIds: [p3], candidateId: foreign.body.id });
    expect(cross.status).toBe(409);
    expect(cross.body.error.code).toBe('WRONG_CYCLE');
    const wrongCycle = await staff.post(`/api/cycles/${otherCycle}/proposals/actions`, { action: 'review', proposalIds: [p3] });
    expect(wrongCycle.body.error.code).toBe('WRONG_CYCLE');
  });
});

describe('the 差额 check and the freeze', () => {
  it('enforces the ratio, records the decision, hashes the list and then refuses every change', async () => {
    const cycleId = await newCycle({ chooseN: 3, minExtraRatio: 0.2, maxExtraRatio: 0.7 });
    await openNotice(cycleId);
    const a = await submit(cycleId, '10.0.6.1');
    const b = await submit(cycleId, '10.0.6.2', { title: '马陵路路灯不亮', area: '公共安全' });
    const loose = await submit(cycleId, '10.0.6.3', { title: '西湖路增设公厕', area: '生态环境' });
    const [ida, idb, idLoose] = [await idOf(cycleId, a.trackingCode), await idOf(cycleId, b.trackingCode), await idOf(cycleId, loose.trackingCode)];
    const cand = (await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [ida], newCandidate: { name: '既有住宅加装电梯' } })).body.candidate.id;
    await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [idb], newCandidate: { name: '城区路灯补短板' } });

    let list = await staff.get(`/api/cycles/${cycleId}/shortlist`);
    expect(list.body.check).toEqual({
      places: 3,
      candidates: 2,
      minExtraRatio: 0.2,
      maxExtraRatio: 0.7,
      minCandidates: 4,
      maxCandidates: 5,
      status: 'too_few',
      widened: false,
      ok: false,
      pendingProposals: 1,
      unsourcedCandidates: 0,
    });
    const decision = { organ: 'director_meeting', decidedOn: '2026-12-08', reference: '市人大常委会第三十二次主任会议' };
    const tooFew = await staff.post(`/api/cycles/${cycleId}/shortlist/freeze`, decision);
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.error.code).toBe('SHORTLIST_RATIO');
    expect(tooFew.body.error.details).toEqual({ candidates: 2, places: 3, minCandidates: 4, maxCandidates: 5 });
    for (const name of ['社区助餐点', '农贸市场改造', '公交线路优化', '口袋公园']) await staff.post(`/api/cycles/${cycleId}/candidates`, { name });
    list = await staff.get(`/api/cycles/${cycleId}/shortlist`);
    expect(list.body.check).toMatchObject({ candidates: 6, ok: false, unsourcedCandidates: 4 });
    expect((await staff.post(`/api/cycles/${cycleId}/shortlist/freeze`, decision)).body.error.code).toBe('SHORTLIST_RATIO');
    const last = list.body.candidates.at(-1).id;
    expect((await staff.del(`/api/candidates/${last}`)).status).toBe(200);

    const frozen = await staff.post(`/api/cycles/${cycleId}/shortlist/freeze`, decision);
    expect(frozen.status, JSON.stringify(frozen.body)).toBe(200);
    expect(frozen.body.check.ok).toBe(true);
    expect(frozen.body.frozen).toMatchObject({ decision: '市人大常委会第三十二次主任会议（2026-12-08）', organ: 'director_meeting', decidedOn: '2026-12-08', reference: '市人大常委会第三十二次主任会议' });
    expect(frozen.body.frozen.hash).toMatch(/^[0-9a-f]{64}$/);
    const cycle = await staff.get(`/api/cycles/${cycleId}`);
    expect(cycle.body.frozenHash).toBe(frozen.body.frozen.hash);
    expect(cycle.body.freezeDecision).toBe('市人大常委会第三十二次主任会议（2026-12-08）');

    // Immutable through every door.
    const refusals = [
      await staff.post(`/api/cycles/${cycleId}/shortlist/freeze`, decision),
      await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [idLoose], candidateId: cand }),
      await staff.post(`/api/cycles/${cycleId}/proposals/merge`, { proposalIds: [idLoose], newCandidate: { name: '新项目' } }),
      await staff.post(`/api/cycles/${cycleId}/proposals/unmerge`, { proposalIds: [ida] }),
      await staff.patch(`/api/candidates/${cand}`, { name: '改名' }),
      await staff.del(`/api/candidates/${cand}`),
      await staff.post(`/api/cycles/${cycleId}/candidates`, { name: '再加一个' }),
    ];
    expect(refusals.map((r) => [r.status, r.body.error?.code])).toEqual(Array(7).fill([409, 'LIST_FROZEN']));
    await expect(sql`update proposal_candidate_links set undone_at = now() where candidate_id = ${cand}`.execute(t.app.services.db)).rejects.toThrow(/frozen/);
    await expect(sql`insert into proposal_candidate_links (proposal_id, candidate_id, linked_by) values (${idLoose}, ${cand}, 'sql')`.execute(t.app.services.db)).rejects.toThrow(/frozen/);
    expect((await staff.get(`/api/cycles/${cycleId}/shortlist`)).body.candidates.map((c: { name: string }) => c.name)).toEqual(['既有住宅加装电梯', '城区路灯补短板', '社区助餐点', '农贸市场改造', '公交线路优化']);

    // The citizens whose proposals fed a candidate see it on the fixed list; the rest may still be triaged.
    const pub = await track(a.trackingCode);
    expect(pub.candidate).toEqual({ id: cand, name: '既有住宅加装电梯', listFrozen: true, listDecision: '市人大常委会第三十二次主任会议（2026-12-08）', outcome: null });
    expect((await staff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'reserve', proposalIds: [idLoose] })).body).toEqual({ changed: 1, unchanged: 0 });
    const closed = await cite('10.0.6.9', 'POST', `/api/public/cycles/${cycleId}/proposals`, proposal());
    expect(closed.body.error.code).toBe('COLLECTION_CLOSED');

    const publicList = await cite('10.0.6.9', 'GET', `/api/public/cycles/${cycleId}/shortlist`);
    expect(publicList.body.candidates.map((c: { name: string; sourceCount: number }) => [c.name, c.sourceCount])).toEqual([
      ['既有住宅加装电梯', 1],
      ['城区路灯补短板', 1],
      ['社区助餐点', 0],
      ['农贸市场改造', 0],
      ['公交线路优化', 0],
    ]);
    expect(publicList.body.hash).toBe(frozen.body.frozen.hash);
    const notYet = await cite('10.0.6.9', 'GET', `/api/public/cycles/${await newCycle()}/shortlist`);
    expect(notYet.body.error.code).toBe('LIST_NOT_FROZEN');
  });
});

describe('the review queue', () => {
  let cycleId: string;
  const entered: Record<string, { id: string; no: number; trackingCode: string }> = {};
  beforeAll(async () => {
    cycleId = await newCycle();
    await openNotice(cycleId);
    const rows: [string, string, string, string, string, string][] = [
      // key, title, content, area, district, received (UTC+8 day)
      ['lift1', '阳光新村加装电梯', '阳光新村5号楼六层无电梯，老人上下楼困难。', '住有所居', '宿城区', '2026-07-03'],
      ['lift2', '建议老楼装电梯', '我们小区都是老楼，希望政府补贴加装电梯。', '住有所居', '宿豫区', '2026-07-05'],
      ['light', '马陵路路灯不亮', '马陵路有8盏路灯坏了，晚上一片漆黑。', '公共安全', '宿城区', '2026-07-05'],
      ['market', '东大街菜市场改造', '菜市场地面破损，下雨积水，希望改造提升。', '劳有所得', '沭阳县', '2026-07-10'],
      ['led', '更换ＬＥＤ节能灯', '建议把老旧钠灯换成LED灯，100%覆盖主干道。', '公共安全', '宿豫区', '2026-07-12'],
      ['school', '实验小学门口拥堵', '上下学时段车辆乱停，孩子过马路危险。', '交通出行', '宿城区', '2026-07-20'],
    ];
    for (const [k, title, content, area, district, day] of rows) {
      const r = await staff.post(`/api/cycles/${cycleId}/proposals`, {
        title,
        content,
        area,
        district,
        channel: k === 'school' ? 'letter' : 'hotline',
        channelNote: k === 'school' ? '来信2026-031' : '12345工单',
        receivedAt: `${day}T09:30:00+08:00`,
        proposerName: '李建国',
        proposerPhone: '0527-84351234',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      entered[k] = { id: r.body.id, no: r.body.no, trackingCode: r.body.trackingCode };
    }
    await staff.post(`/api/cycles/${cycleId}/proposals/actions`, { action: 'review', proposalIds: [entered['lift1']!.id, entered['light']!.id] });
  });
  const titles = async (query: string) => {
    const r = await staff.get(`/api/cycles/${cycleId}/proposals${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { titles: r.body.items.map((i: { title: string }) => i.title), total: r.body.total, counts: r.body.statusCounts, next: r.body.nextCursor };
  };

  it('finds Chinese substrings of one, two and more characters, codes and numbers', async () => {
    expect((await titles('?q=电梯')).titles).toEqual(['建议老楼装电梯', '阳光新村加装电梯']);
    expect((await titles('?q=灯')).titles).toEqual(['更换ＬＥＤ节能灯', '马陵路路灯不亮']);
    expect((await titles(`?q=${encodeURIComponent('菜市场改造')}`)).titles).toEqual(['东大街菜市场改造']);
    expect((await titles(`?q=${encodeURIComponent('一片漆黑')}`)).titles).toEqual(['马陵路路灯不亮']);
    expect((await titles(`?q=${encodeURIComponent('led节能')}`)).titles).toEqual(['更换ＬＥＤ节能灯']);
    expect((await titles(`?q=${encodeURIComponent('100%')}`)).titles).toEqual(['更换ＬＥＤ节能灯']);
    expect((await titles(`?q=${encodeURIComponent('%')}`)).titles).toEqual(['更换ＬＥＤ节能灯']);
    expect((await titles(`?q=${encodeURIComponent('装 电梯')}`)).titles).toEqual([]);
    expect((await titles(`?q=${encodeURIComponent('量子')}`)).total).toBe(0);
    expect((await titles(`?q=${entered['market']!.trackingCode.toLowerCase()}`)).titles).toEqual(['东大街菜市场改造']);
    expect((await titles(`?q=%23${entered['school']!.no}`)).titles).toEqual(['实验小学门口拥堵']);
    // The proposer's contact is not searchable text.
    expect((await titles(`?q=${encodeURIComponent('李建国')}`)).total).toBe(0);
  });

  it('filters by status, area, district, channel and date, with counts per status', async () => {
    const all = await titles('');
    expect(all.total).toBe(6);
    expect(all.counts).toEqual({ received: 4, under_review: 2, accepted: 0, merged: 0, rejected: 0, reserved: 0, routed: 0 });
    expect((await titles('?status=under_review')).titles).toEqual(['马陵路路灯不亮', '阳光新村加装电梯']);
    const two = await titles('?status=under_review&status=received&area=公共安全');
    expect(two.titles).toEqual(['更换ＬＥＤ节能灯', '马陵路路灯不亮']);
    expect(two.counts.under_review).toBe(1);
    expect((await titles(`?district=${encodeURIComponent('宿城区')}`)).titles).toEqual(['实验小学门口拥堵', '马陵路路灯不亮', '阳光新村加装电梯']);
    expect((await titles('?channel=letter')).titles).toEqual(['实验小学门口拥堵']);
    expect((await titles('?from=2026-07-05&to=2026-07-10')).titles).toEqual(['东大街菜市场改造', '马陵路路灯不亮', '建议老楼装电梯']);
    expect((await titles('?from=2026-07-05&to=2026-07-10&q=电梯')).titles).toEqual(['建议老楼装电梯']);
    expect((await staff.get(`/api/cycles/${cycleId}/proposals?status=unknown`)).status).toBe(400);
  });

  it('pages with a cursor in both orders without skipping or repeating', async () => {
    const seen: string[] = [];
    let query = '?limit=4';
    const p1 = await titles(query);
    expect(p1.titles).toEqual(['实验小学门口拥堵', '更换ＬＥＤ节能灯', '东大街菜市场改造', '马陵路路灯不亮']);
    expect(p1.total).toBe(6);
    seen.push(...p1.titles);
    query = `?limit=4&cursor=${p1.next}`;
    const p2 = await titles(query);
    expect(p2.titles).toEqual(['建议老楼装电梯', '阳光新村加装电梯']);
    expect(p2.next).toBeNull();
    const oldest = await titles('?sort=oldest&limit=3');
    expect(oldest.titles).toEqual(['阳光新村加装电梯', '建议老楼装电梯', '马陵路路灯不亮']);
    expect((await titles(`?sort=oldest&limit=3&cursor=${oldest.next}`)).titles).toEqual(['东大街菜市场改造', '更换ＬＥＤ节能灯', '实验小学门口拥堵']);
    const wrongOrder = await staff.get(`/api/cycles/${cycleId}/proposals?sort=oldest&cursor=${p1.next}`);
    expect(wrongOrder.status).toBe(400);
    expect(wrongOrder.body.error.details.field).toBe('cursor');
    expect((await staff.get(`/api/cycles/${cycleId}/proposals?cursor=garbage`)).status).toBe(400);
  });

  it('lets staff correct a proposal and finds it by the new words', async () => {
    const id = entered['lift2']!.id;
    const r = await staff.patch(`/api/proposals/${id}`, { title: '建议翠竹苑老楼装电梯', area: '老有所养' });
    expect(r.body).toMatchObject({ title: '建议翠竹苑老楼装电梯', area: '老有所养' });
    expect((await titles(`?q=${encodeURIComponent('翠竹苑')}`)).titles).toEqual(['建议翠竹苑老楼装电梯']);
    // The postings are exactly the new text's bigrams: none of the old title's are left behind.
    const { rows } = await sql<{ grams: string[]; postings: string[] }>`
      select p.grams, array(select g.gram from proposal_grams g where g.proposal_id = p.id order by g.gram) as postings
      from proposals p where p.id = ${id}`.execute(t.app.services.db);
    expect([...rows[0]!.postings].sort()).toEqual([...rows[0]!.grams].sort());
    expect(rows[0]!.grams).toContain('翠竹');
    expect(rows[0]!.grams).not.toContain('议老');
    expect((await staff.patch(`/api/proposals/${id}`, { area: '航天' })).status).toBe(400);
    expect(r.body.events.at(-1)).toMatchObject({ kind: 'edited', public: false, detail: { fields: ['title', 'area'] } });
  });
});

describe('collection points and posters', () => {
  it('makes one QR poster per point, records the point on submissions, keeps used points', async () => {
    const cycleId = await newCycle();
    await openNotice(cycleId);
    const point = await staff.post(`/api/cycles/${cycleId}/collection-points`, { name: '项王故里社区代表联络站', address: '宿城区项王路1号' });
    expect(point.status).toBe(200);
    const dupe = await staff.post(`/api/cycles/${cycleId}/collection-points`, { name: '项王故里社区代表联络站' });
    expect(dupe.status).toBe(400);
    const spare = await staff.post(`/api/cycles/${cycleId}/collection-points`, { name: '西湖社区收集点' });

    const posters = await staff.get(`/api/cycles/${cycleId}/posters`);
    expect(posters.body.posters.map((p: { name: string; channel: string; url: string }) => [p.name, p.channel, p.url.replace(/^https?:\/\/[^/]+/, '')])).toEqual([
      ['关于征集2027年度民生实事项目建议的公告', 'web', `/portal/cycles/${cycleId}/propose?channel=web`],
      ['西湖社区收集点', 'qr', `/portal/cycles/${cycleId}/propose?channel=qr&point=${spare.body.id}`],
      ['项王故里社区代表联络站', 'qr', `/portal/cycles/${cycleId}/propose?channel=qr&point=${point.body.id}`],
    ]);

    const r = await submit(cycleId, '10.0.7.1', { channel: 'qr', pointId: point.body.id });
    const q = await staff.get(`/api/cycles/${cycleId}/proposals?pointId=${point.body.id}`);
    expect(q.body.items.map((i: { trackingCode: string; channel: string; pointName: string }) => [i.trackingCode, i.channel, i.pointName])).toEqual([[r.trackingCode, 'qr', '项王故里社区代表联络站']]);
    const points = await staff.get(`/api/cycles/${cycleId}/collection-points`);
    expect(points.body.map((p: { name: string; proposalCount: number }) => [p.name, p.proposalCount])).toEqual([
      ['西湖社区收集点', 0],
      ['项王故里社区代表联络站', 1],
    ]);
    const inUse = await staff.del(`/api/collection-points/${point.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('POINT_IN_USE');
    expect((await staff.del(`/api/collection-points/${spare.body.id}`)).status).toBe(200);
    expect((await staff.patch(`/api/collection-points/${point.body.id}`, { name: '项王故里联络站' })).body.name).toBe('项王故里联络站');
  });
});
