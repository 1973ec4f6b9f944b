import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingPresidiumDecisions, Poll, PresidiumMembers } from '@piaojue/shared';
import { accountClient, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { wsClient } from './helpers/socket.ts';
import { castOk, expectErrorBody, hall, openPoll, staffPair, type Hall } from './helpers/world.ts';

// Who sees the 主席团's decisions awaiting signatures, who may be named to sign them, and how a
// member's list follows them (docs/PROCEDURE.md §3, "The 主席团's decisions").
let t: TestApp;
let admin: Client, staff: Client, p2: Client, clerk: Client, teller: Client;
let ids: { staff: string; p2: string };

const me = async (c: Client) => (await c.get('/api/auth/me')).body.user.id as string;
// Unique, so that finding it anywhere in an answer means the pending decision leaked.
const MEETING = '主席团第七次会议（待签）';

/** An account of one congress (it logs in after the congress is set, as a moved account must). */
const congressUser = (username: string, roles: string[], unit: { level: string; name: string }) => accountClient(t, admin, username, roles, unit);

/** A counted poll (A 入选) of k = 2, three deputies. */
async function countedPoll(cycle: Record<string, unknown> = {}): Promise<{ h: Hall; pollId: string }> {
  const h = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, certifyK: 2, ...cycle } });
  const pollId = await openPoll(staff, h.sessionId);
  for (const d of h.deputies) await castOk(d.client, pollId, { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } });
  expect((await staff.post<Poll>(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
  return { h, pollId };
}

const record = (c: Client, pollId: string, signerIds: string[]) => c.post<Poll>(`/api/polls/${pollId}/presidium-decisions`, { kind: 'certify', meeting: MEETING, decidedOn: '2027-01-15', signerIds });
const sign = (c: Client, pollId: string, decisionId: string, answer: 'sign' | 'decline' = 'sign') =>
  c.post<Poll>(`/api/polls/${pollId}/presidium-decisions/${decisionId}/signatures`, { answer });

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  p2 = await userClient(t, admin, 'presidium2', ['presidium']);
  clerk = await userClient(t, admin, 'clerk', ['staff']);
  // An account holding only the scrutineer role: it reads the console's polls, not the 主席团's drafts.
  teller = await userClient(t, admin, 'teller', ['scrutineer']);
  ids = { staff: await me(staff), p2: await me(p2) };
});
afterAll(async () => {
  await t?.close();
});

describe('a decision awaiting signatures is the 主席团’s own', () => {
  it('its members and staff see it; a deputy, a scrutineer’s account, the hall and the public do not; once in effect it is shown', async () => {
    const { h, pollId } = await countedPoll();
    const recorded = await record(staff, pollId, [ids.staff, ids.p2]);
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    const d = recorded.body.certification.pending![0]!;
    expect(d).toMatchObject({ status: 'pending', meeting: MEETING });

    // Members and staff.
    for (const c of [p2, clerk]) {
      expect((await c.get<Poll>(`/api/polls/${pollId}`)).body.certification.pending?.map((x) => x.id)).toEqual([d.id]);
      const list = (await c.get<Poll[]>(`/api/sessions/${h.sessionId}/polls`)).body.find((p) => p.id === pollId)!;
      expect(list.certification.pending?.map((x) => x.id)).toEqual([d.id]);
    }

    // Everyone else, on every path that carries the poll or its session.
    const deputy = h.deputies[1]!.client;
    const seen: [string, Client, string][] = [
      ['deputy: the poll', deputy, `/api/polls/${pollId}`],
      ['deputy: the tablet state', deputy, '/api/deputy/state'],
      ['deputy: the hall', deputy, `/api/sessions/${h.sessionId}/hall`],
      ['scrutineer account: the poll', teller, `/api/polls/${pollId}`],
      ['scrutineer account: the session’s polls', teller, `/api/sessions/${h.sessionId}/polls`],
      ['scrutineer account: the provisional 公告', teller, `/api/polls/${pollId}/announcement`],
      ['public: the hall', new Client(t.app), `/api/sessions/${h.sessionId}/hall`],
      ['public: the bulletin', new Client(t.app), `/api/polls/${pollId}/bulletin`],
    ];
    for (const [what, c, url] of seen) {
      const r = await c.get(url);
      const text = JSON.stringify(r.body);
      expect(text, what).not.toContain(d.id);
      expect(text, what).not.toContain(MEETING);
    }
    const forDeputy = (await deputy.get<Poll>(`/api/polls/${pollId}`)).body;
    expect(forDeputy.status).toBe('closed');
    expect(forDeputy.certification.pending).toBeUndefined();

    // The websocket: the public hall topic, and the presidium topic refused to all but members and staff.
    const anon = wsClient(t.app);
    await anon.opened;
    anon.send({ type: 'subscribe', topic: `hall:${h.sessionId}` });
    expect(JSON.stringify(await anon.waitFor((m) => m.type === 'snapshot'))).not.toContain(d.id);
    anon.close();
    for (const [what, c] of [['anonymous', new Client(t.app)], ['deputy', deputy], ['scrutineer account', teller]] as const) {
      const ws = wsClient(t.app, c.cookie);
      await ws.opened;
      ws.send({ type: 'subscribe', topic: `presidium:${h.sessionId}` });
      const m = await ws.waitFor((x) => x.type === 'snapshot' || x.type === 'error');
      expect(m, what).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
      ws.close();
    }

    // In effect, it is part of the record anyone reading the poll sees.
    const done = await sign(p2, pollId, d.id);
    expect(done.body.status).toBe('certified');
    const after = (await deputy.get<Poll>(`/api/polls/${pollId}`)).body;
    expect(after.certification.decisions?.map((x) => x.id)).toEqual([d.id]);
    expect(after.certification.pending).toBeUndefined();
  });
});

describe('the members who may sign are those of the poll’s congress', () => {
  it('lists each congress its own members (and the installation’s), and refuses to name another congress’s', async () => {
    const city = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, certifyK: 2, year: 2098, name: '2098年度宿迁市民生实事项目' } });
    expect((await admin.req('PUT', `/api/cycles/${city.cycleId}/unit`, { unitName: '宿迁市人大' })).status).toBe(200);
    const town = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { level: 'township', chooseN: 1, certifyK: 2, year: 2098, name: '2098年度某镇民生实事项目' }, sessionName: '某镇人大会议' });
    expect((await admin.req('PUT', `/api/cycles/${town.cycleId}/unit`, { unitName: '某镇人大' })).status).toBe(200);
    const cityP = await congressUser('shi-zhuxituan', ['presidium'], { level: 'city', name: '宿迁市人大' });
    const townP = await congressUser('zhen-zhuxituan', ['presidium'], { level: 'township', name: '某镇人大' });
    const townClerk = await congressUser('zhen-clerk', ['staff'], { level: 'township', name: '某镇人大' });
    // staff1 and presidium2 have no congress: they work for the whole installation.
    const everywhere = [ids.staff, ids.p2];

    const names = async (c: Client, url: string) => {
      const r = await c.get<PresidiumMembers>(url);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.map((m) => m.userId).sort();
    };
    expect(await names(cityP.c, '/api/presidium/members')).toEqual([...everywhere, cityP.id].sort());
    expect(await names(townP.c, '/api/presidium/members')).toEqual([...everywhere, townP.id].sort());
    expect(await names(townClerk.c, '/api/presidium/members')).toEqual([...everywhere, townP.id].sort());
    expect(await names(staff, '/api/presidium/members')).toEqual(expect.arrayContaining([...everywhere, cityP.id, townP.id]));

    // By the poll: what the console offers when recording a decision on it.
    const cityPoll = await openPoll(staff, city.sessionId);
    const townPoll = await openPoll(staff, town.sessionId);
    expect(await names(staff, `/api/polls/${cityPoll}/presidium-members`)).toEqual([...everywhere, cityP.id].sort());
    expect(await names(staff, `/api/polls/${townPoll}/presidium-members`)).toEqual([...everywhere, townP.id].sort());
    expect(await names(townP.c, `/api/polls/${townPoll}/presidium-members`)).toEqual([...everywhere, townP.id].sort());
    expectErrorBody((await townP.c.get(`/api/polls/${cityPoll}/presidium-members`)).body, 'NOT_FOUND');
    expectErrorBody((await townClerk.c.get(`/api/polls/${cityPoll}/presidium-members`)).body, 'NOT_FOUND');
    expect((await city.deputies[0]!.client.get(`/api/polls/${cityPoll}/presidium-members`)).status).toBe(403);
    expect((await teller.get(`/api/polls/${cityPoll}/presidium-members`)).status).toBe(403);

    // Nor can the city's member name the township's to sign for the city's poll.
    for (const d of city.deputies) await castOk(d.client, cityPoll, { type: 'approve', marks: { [city.candidateIds[0]!]: 'for' } });
    expect((await staff.post<Poll>(`/api/polls/${cityPoll}/close`)).body.status).toBe('closed');
    const named = await record(cityP.c, cityPoll, [cityP.id, townP.id]);
    expect(named.status).toBe(400);
    expectErrorBody(named.body, 'SIGNER_NOT_PRESIDIUM');
    expect((named.body as unknown as { error: { details: unknown } }).error.details).toMatchObject({ signerIds: [townP.id] });
    expect((await record(cityP.c, cityPoll, [cityP.id, ids.p2])).status).toBe(200);
  });
});

describe('a member’s list of decisions awaiting signatures is live', () => {
  it('the presidium topic brings each recorded, signed, declined or withdrawn decision of its session', async () => {
    const { h, pollId } = await countedPoll({ certifyK: 3 });
    const p3 = await userClient(t, admin, 'presidium3', ['presidium']);
    const p3Id = await me(p3);
    const ws = wsClient(t.app, p2.cookie);
    await ws.opened;
    ws.send({ type: 'subscribe', topic: `presidium:${h.sessionId}` });
    const snap = await ws.waitFor((m) => m.type === 'snapshot');
    expect(snap.data).toEqual({ kind: 'presidium', state: { sessionId: h.sessionId, pending: [] } });
    /** The next list the topic sends, after the last one taken, whose decisions pass `pred`. */
    let taken = 0;
    const next = async (pred: (list: PendingPresidiumDecisions) => boolean): Promise<PendingPresidiumDecisions> => {
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        const i = ws.messages.findIndex((x, j) => j >= taken && x.m.type === 'event' && x.m.event.kind === 'presidium' && pred(x.m.event.state.pending));
        if (i >= 0) {
          taken = i + 1;
          return ws.messages[i]!.m.event.state.pending;
        }
      }
      throw new Error(`no such list; last messages ${JSON.stringify(ws.messages.slice(-3).map((x) => x.m)).slice(0, 1500)}`);
    };

    // Staff records one naming p2 and p3: it appears, signed by its recorder.
    const d = (await record(staff, pollId, [ids.staff, ids.p2, p3Id])).body.certification.pending![0]!;
    let list = await next((l) => l.length === 1);
    expect(list[0]).toMatchObject({ sessionId: h.sessionId, decision: { id: d.id, named: [{ answer: 'sign' }, { answer: null }, { answer: null }] } });
    // Another member signs: the list shows the signature.
    await sign(p3, pollId, d.id);
    list = await next((l) => l[0]?.decision.named[2]?.answer === 'sign');
    expect(list.map((x) => x.decision.id)).toEqual([d.id]);
    // The recorder withdraws it: gone.
    expect((await staff.post(`/api/polls/${pollId}/presidium-decisions/${d.id}/withdraw`)).status).toBe(200);
    await next((l) => l.length === 0);
    // A declined one is gone too, and one that takes effect.
    const e = (await record(p3, pollId, [p3Id, ids.p2, ids.staff])).body.certification.pending![0]!;
    await next((l) => l.length === 1 && l[0]!.decision.id === e.id);
    await sign(p2, pollId, e.id, 'decline');
    await next((l) => l.length === 0);
    const f = (await record(p3, pollId, [p3Id, ids.p2, ids.staff])).body.certification.pending![0]!;
    await next((l) => l.length === 1 && l[0]!.decision.id === f.id);
    await sign(p2, pollId, f.id);
    expect((await sign(staff, pollId, f.id)).body.status).toBe('certified');
    await next((l) => l.length === 0);
    // Each list went to the member's socket as an event of one topic, in sequence.
    const seqs = ws.messages.filter((x) => x.m.topic === `presidium:${h.sessionId}`).map((x) => x.m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    ws.close();
  });

  it('another congress’s member cannot follow the session’s topic', async () => {
    const { h } = await countedPoll();
    const townP = await congressUser('zhen-zhuxituan2', ['presidium'], { level: 'township', name: '某镇人大' });
    const ws = wsClient(t.app, townP.c.cookie);
    await ws.opened;
    ws.send({ type: 'subscribe', topic: `presidium:${h.sessionId}` });
    expect(await ws.waitFor((x) => x.type === 'snapshot' || x.type === 'error')).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    ws.close();
  });
});
