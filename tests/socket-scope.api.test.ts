// A socket reads a topic other than the public hall only while its login may read it: the check at
// subscribe is not enough when what decided it changes later. An account's roles, congress or
// disabling end its logins (and so close its sockets); a cycle moved to another congress takes
// its sessions' staff and 主席团 topics, and the provisional hall result, from the old
// congress's open sockets at once (docs/PROCEDURE.md §3, "The 主席团's decisions").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Poll } from '@piaojue/shared';
import { accountClient, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { INJECTED_ORIGIN, wsClient, type TestSocket } from './helpers/socket.ts';
import { castOk, hall, openPoll, staffPair, type Hall } from './helpers/world.ts';

const CITY = { level: 'city', name: '宿迁市人大' };
// Unique, so that finding it in a socket's messages means the pending decision reached it.
const MEETING = '主席团第九次会议（迁出后）';

let t: TestApp;
let admin: Client, staff: Client, p2: Client;
let h: Hall;
let pollId: string;

const me = async (c: Client) => (await c.get('/api/auth/me')).body.user.id as string;

/** An account of one congress, logged in after the congress is set. */
const congressUser = (username: string, roles: string[], unit = CITY) => accountClient(t, admin, username, roles, unit);

/** A socket of this server's pages, subscribed to the session's three topics, each answered with its snapshot. */
async function following(c: Client): Promise<TestSocket> {
  const s = wsClient(t.app, c.cookie, { origin: INJECTED_ORIGIN });
  await s.opened;
  for (const kind of ['hall', 'staff', 'presidium']) {
    s.send({ type: 'subscribe', topic: `${kind}:${h.sessionId}` });
    const first = await s.waitFor((m) => (m.type === 'snapshot' || m.type === 'error') && m.topic === `${kind}:${h.sessionId}`);
    expect(first.type, JSON.stringify(first)).toBe('snapshot');
  }
  return s;
}

const closed = (s: TestSocket) =>
  new Promise<number>((resolve) => {
    if (s.ws.readyState === s.ws.CLOSED) return resolve(-1);
    s.ws.once('close', (code) => resolve(code));
  });

/** What a socket received on a topic at or after `since`. */
const after = (s: TestSocket, topic: string, since: number) => s.messages.filter((x) => x.at >= since && x.m.topic === topic).map((x) => x.m);

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  p2 = await userClient(t, admin, 'presidium2', ['presidium']);
  h = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, certifyK: 2 } });
  expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: CITY.name })).status).toBe(200);
  // A counted poll awaiting the 主席团: its result is provisional (screens and staff see it, the public does not).
  pollId = await openPoll(staff, h.sessionId);
  for (const d of h.deputies) await castOk(d.client, pollId, { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } });
  expect((await staff.post<Poll>(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
});
afterAll(async () => {
  await t?.close();
});

describe('a change of who may read closes what the socket reads', () => {
  it('a cycle moved to another congress: the old congress’s sockets lose its staff and 主席团 topics and the provisional result', async () => {
    const shi = await congressUser('shi', ['staff', 'presidium']);
    const mine = await following(shi.c);
    // An account of the whole installation reads every congress's sessions: it keeps them.
    const whole = await following(staff);
    expect(after(mine, `hall:${h.sessionId}`, 0)[0].data.state.poll.result).not.toBeNull();

    const since = Date.now();
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: '淮安市人大' })).status).toBe(200);
    // The old congress's account reads the session as any other congress's would now.
    expect((await shi.c.get(`/api/sessions/${h.sessionId}`)).status).toBe(404);
    for (const kind of ['staff', 'presidium']) {
      const refused = await mine.waitFor((m) => m.type === 'error' && m.topic === `${kind}:${h.sessionId}`, 5_000, since);
      expect(refused.code).toBe('FORBIDDEN');
    }
    // Its hall topic is the public's now: the result waits for certification.
    const hallNow = await mine.waitFor((m) => (m.type === 'snapshot' || m.type === 'event') && m.topic === `hall:${h.sessionId}`, 10_000, since);
    expect((hallNow.data ?? hallNow.event).state.poll.result).toBeNull();

    // The 主席团 records a decision and the secretariat closes check-in, after the move.
    const [staffId, p2Id] = [await me(staff), await me(p2)];
    const recorded = await staff.post<Poll>(`/api/polls/${pollId}/presidium-decisions`, { kind: 'certify', meeting: MEETING, decidedOn: '2027-01-15', signerIds: [staffId, p2Id] });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect((await staff.post(`/api/sessions/${h.sessionId}/checkin/close`)).status).toBe(200);
    // The installation's account sees both ...
    await whole.waitFor((m) => m.type === 'event' && m.topic === `presidium:${h.sessionId}` && JSON.stringify(m).includes(MEETING), 10_000, since);
    await whole.waitFor((m) => m.type === 'event' && m.topic === `hall:${h.sessionId}` && m.event.state?.checkinOpen === false, 10_000, since);
    await whole.waitFor((m) => m.type === 'event' && m.topic === `staff:${h.sessionId}`, 10_000, since);
    await mine.waitFor((m) => m.type === 'event' && m.topic === `hall:${h.sessionId}` && m.event.state?.checkinOpen === false, 10_000, since);
    // ... the old congress's socket only the public hall, without the result.
    expect(after(mine, `staff:${h.sessionId}`, since).map((m) => m.type)).toEqual(['error']);
    expect(after(mine, `presidium:${h.sessionId}`, since).map((m) => m.type)).toEqual(['error']);
    expect(mine.messages.filter((x) => x.at >= since).some((x) => JSON.stringify(x.m).includes(MEETING))).toBe(false);
    for (const m of after(mine, `hall:${h.sessionId}`, since)) expect((m.data ?? m.event).state.poll.result).toBeNull();
    // Subscribing again is refused as for any other congress's session.
    mine.send({ type: 'subscribe', topic: `presidium:${h.sessionId}` });
    const again = Date.now();
    expect((await mine.waitFor((m) => m.type === 'error' && m.topic === `presidium:${h.sessionId}`, 10_000, again)).code).toBe('FORBIDDEN');

    // Moved back: the account subscribes again and reads it (its login never ended).
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: CITY.name })).status).toBe(200);
    mine.send({ type: 'subscribe', topic: `staff:${h.sessionId}` });
    expect((await mine.waitFor((m) => m.type === 'snapshot' && m.topic === `staff:${h.sessionId}`)).data.kind).toBe('staff');
    mine.close();
    whole.close();
  });

  it('an account that loses the 主席团 role, moves congress or is disabled: its logins end and its sockets close', async () => {
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: CITY.name })).status).toBe(200);
    const changes: [string, (id: string) => Promise<{ status: number }>][] = [
      ['roles', (id) => admin.req('PUT', `/api/users/${id}/roles`, { roles: ['department'] })],
      ['unit', (id) => admin.req('PUT', `/api/users/${id}/unit`, { unit: { level: 'city', name: '淮安市人大' } })],
      ['disabled', (id) => admin.req('PUT', `/api/users/${id}/disabled`, { disabled: true })],
    ];
    for (const [what, change] of changes) {
      const member = await congressUser(`zhuxi-${what}`, ['presidium']);
      const s = await following(member.c);
      const ended = closed(s);
      const r = await change(member.id);
      expect(r.status, what).toBe(200);
      expect(await ended, what).toBe(4401);
      expect((await member.c.get('/api/auth/me')).body.kind, what).toBe('anonymous');
    }
  });
});

describe('the sessions topic: the console follows the sessions of its own congress', () => {
  it('a session created later reaches the open consoles of its congress, and only theirs; a moved cycle takes its sessions along', async () => {
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: CITY.name })).status).toBe(200);
    const listOf = async (c: Client | undefined, headers: Record<string, string> = { origin: INJECTED_ORIGIN }) => {
      const s = wsClient(t.app, c?.cookie, headers);
      await s.opened;
      s.send({ type: 'subscribe', topic: 'sessions' });
      return { s, first: await s.waitFor((m) => (m.type === 'snapshot' || m.type === 'error') && m.topic === 'sessions') };
    };
    const city = await listOf((await congressUser('shi-list', ['presidium'])).c);
    const town = await listOf((await congressUser('zhen-list', ['staff'], { level: 'township', name: '洋河镇人大' })).c);
    const whole = await listOf(staff);
    expect(city.first.data).toEqual({ kind: 'sessions', state: { sessionIds: [h.sessionId] } });
    expect(town.first.data.state.sessionIds).toEqual([]);
    expect(whole.first.data.state.sessionIds).toContain(h.sessionId);
    // Not for a deputy, the public or another site's page.
    expect((await listOf(h.deputies[0]!.client)).first).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect((await listOf(undefined)).first).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect((await listOf(staff, { origin: 'https://evil.example' })).first).toMatchObject({ type: 'error', code: 'CSRF' });

    const since = Date.now();
    const made = await staff.post('/api/sessions', { cycleId: h.cycleId, name: '市十届人大四次会议' });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const heard = await city.s.waitFor((m) => m.type === 'event' && m.topic === 'sessions', 10_000, since);
    expect(heard.event.state.sessionIds.sort()).toEqual([h.sessionId, made.body.id].sort());
    expect((await whole.s.waitFor((m) => m.type === 'event' && m.topic === 'sessions', 10_000, since)).event.state.sessionIds).toContain(made.body.id);
    // Another congress's new session is no news to the township: nothing is sent to it.
    await new Promise((r) => setTimeout(r, 300));
    expect(after(town.s, 'sessions', since)).toEqual([]);

    // The cycle leaves the city's congress (none: only the installation's accounts see it), then comes back: the list follows.
    const moved = Date.now();
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: null })).status).toBe(200);
    expect((await city.s.waitFor((m) => m.type === 'event' && m.topic === 'sessions', 10_000, moved)).event.state.sessionIds).toEqual([]);
    expect((await admin.req('PUT', `/api/cycles/${h.cycleId}/unit`, { unitName: CITY.name })).status).toBe(200);
    const back = await city.s.waitFor((m) => m.type === 'event' && m.topic === 'sessions' && m.event.state.sessionIds.length === 2, 10_000, moved);
    expect(back.seq).toBe(heard.seq + 2);
    expect(after(town.s, 'sessions', since)).toEqual([]);
    for (const x of [city, town, whole]) x.s.close();
  });
});
