// Casting over the websocket a tablet already holds: the same checks and the same answers as
// POST /api/polls/:id/ballots, the session read again for every cast, and only from our pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, key, type TestApp } from './helpers/app.ts';
import { scenario, type Scenario } from './helpers/world.ts';
import { INJECTED_ORIGIN, turnoutOf, wsClient as connect, type TestSocket } from './helpers/socket.ts';

let t: TestApp;
let s: Scenario;
let pollId: string;
let refs = 0;

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 4, deputies: 8, cycle: { chooseN: 2 } });
  const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
  pollId = poll.body.id;
  expect((await s.staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

async function tablet(i: number | null, headers: Record<string, string> = { origin: '' }): Promise<TestSocket> {
  const h = headers.origin === '' ? { origin: INJECTED_ORIGIN } : headers;
  const c = connect(t.app, i === null ? undefined : s.deputies[i]!.client.cookie, h);
  await c.opened;
  await c.waitFor((m) => m.type === 'hello');
  return c;
}

/** Sends a cast and waits for the answer with the same ref. */
async function cast(c: TestSocket, body: Record<string, unknown>): Promise<any> {
  const ref = `r${++refs}`;
  c.send({ type: 'cast', ref, pollId, ...body });
  return c.waitFor((m) => m.type === 'cast' && m.ref === ref);
}

const voted = async () => (await s.staff.get(`/api/polls/${pollId}/turnout`)).body.voted as number;
const approve = (ids: string[]) => ({ type: 'approve', marks: Object.fromEntries(ids.map((id) => [id, 'for'])) });

describe('casting over the websocket', () => {
  it('gives a receipt, moves the turnout, and answers a retry (socket or HTTP) with the same receipt', async () => {
    const c = await tablet(0);
    c.send({ type: 'subscribe', topic: `hall:${s.sessionId}` });
    await c.waitFor((m) => m.type === 'snapshot');
    const k = key();
    const ballot = approve([s.candidateIds[0]!]);
    const first = await cast(c, { idempotencyKey: k, ballot });
    expect(first).toMatchObject({ type: 'cast', ok: true, duplicate: false });
    expect(first.receipt).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    const moved = await c.waitFor((m) => turnoutOf(m)?.voted === 1);
    expect(JSON.stringify(moved)).not.toContain(s.candidateIds[0]!);

    const again = await cast(c, { idempotencyKey: k, ballot });
    expect(again).toMatchObject({ ok: true, receipt: first.receipt, duplicate: true });
    const overHttp = await s.deputies[0]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot });
    expect(overHttp.body).toEqual({ receipt: first.receipt, duplicate: true });

    const second = await cast(c, { idempotencyKey: key(), ballot });
    expect(second).toMatchObject({ ok: false, status: 409, error: { code: 'ALREADY_VOTED' } });
    expect(second.error.messageZh.length).toBeGreaterThan(0);
    expect(second.error.messageEn.length).toBeGreaterThan(0);
    expect(await voted()).toBe(1);
    c.close();
  });

  it('refuses an invalid ballot with the validator’s reason, and records nothing', async () => {
    const c = await tablet(1);
    const before = await voted();
    const tooMany = await cast(c, { idempotencyKey: key(), ballot: approve(s.candidateIds.slice(0, 3)) });
    expect(tooMany).toMatchObject({ ok: false, status: 400, error: { code: 'INVALID_BALLOT', details: { reason: 'TOO_MANY_APPROVALS' } } });
    expect(tooMany.error.messageZh).toContain('2');
    const unknown = await cast(c, { idempotencyKey: key(), ballot: approve(['00000000-0000-4000-8000-000000000000']) });
    expect(unknown.error).toMatchObject({ code: 'INVALID_BALLOT', details: { reason: 'UNKNOWN_CANDIDATE' } });
    const nul = await cast(c, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [s.candidateIds[0]!]: 'for\u0000' } } });
    expect(nul).toMatchObject({ ok: false, status: 400, error: { code: 'VALIDATION' } });
    expect(await voted()).toBe(before);
    // The same deputy can still vote afterwards.
    expect((await cast(c, { idempotencyKey: key(), ballot: approve([s.candidateIds[1]!]) })).ok).toBe(true);
    c.close();
  });

  it('answers a malformed cast: with its ref as VALIDATION, without one as an error message', async () => {
    const c = await tablet(2);
    const badKey = await cast(c, { idempotencyKey: 'short', ballot: approve([]) });
    expect(badKey).toMatchObject({ ok: false, status: 400, error: { code: 'VALIDATION' } });
    c.send({ type: 'cast', ref: 'x1', pollId: 'not-a-uuid', idempotencyKey: key(), ballot: approve([]) });
    expect((await c.waitFor((m) => m.type === 'cast' && m.ref === 'x1')).error.code).toBe('VALIDATION');
    c.send({ type: 'cast', pollId, idempotencyKey: key(), ballot: approve([]) });
    expect((await c.waitFor((m) => m.type === 'error')).code).toBe('BAD_REQUEST');
    // and the socket still works
    expect((await cast(c, { idempotencyKey: key(), ballot: approve([]) })).ok).toBe(true);
    c.close();
  });

  it('refuses anyone but a deputy: no login, a staff login, a logged-out deputy', async () => {
    const anon = await tablet(null);
    expect(await cast(anon, { idempotencyKey: key(), ballot: approve([]) })).toMatchObject({ ok: false, status: 401, error: { code: 'UNAUTHENTICATED' } });
    anon.close();

    const staff = connect(t.app, s.staff.cookie, { origin: INJECTED_ORIGIN });
    await staff.opened;
    expect(await cast(staff, { idempotencyKey: key(), ballot: approve([]) })).toMatchObject({ ok: false, status: 403, error: { code: 'FORBIDDEN' } });
    staff.close();

    // The socket was opened while logged in; the logout acts on the very next cast, whether the
    // cast overtakes the socket's closing (tests/socket-auth.api.test.ts) or not.
    const c = await tablet(3);
    const ended = new Promise<number>((resolve) => c.ws.once('close', resolve));
    const before = await voted();
    expect((await s.deputies[3]!.client.post('/api/auth/logout')).status).toBe(200);
    const ref = `r${++refs}`;
    c.send({ type: 'cast', ref, pollId, idempotencyKey: key(), ballot: approve([]) });
    const answer = await Promise.race([c.waitFor((m) => m.type === 'cast' && m.ref === ref), ended]);
    if (typeof answer === 'object') expect(answer).toMatchObject({ ok: false, status: 401, error: { code: 'UNAUTHENTICATED' } });
    expect(await ended).toBe(4401);
    expect(await voted()).toBe(before);
  });

  it('refuses a socket opened by another site’s page (cross-site websocket hijacking)', async () => {
    const before = await voted();
    const evil = await tablet(4, { origin: 'https://evil.example' });
    // It may still read the public hall topic …
    evil.send({ type: 'subscribe', topic: `hall:${s.sessionId}` });
    await evil.waitFor((m) => m.type === 'snapshot');
    // … but not act.
    expect(await cast(evil, { idempotencyKey: key(), ballot: approve([]) })).toMatchObject({ ok: false, status: 403, error: { code: 'CSRF' } });
    expect(await voted()).toBe(before);
    evil.close();
    // Without an Origin header (not a browser) the deputy may cast.
    const native = await tablet(4, {});
    expect((await cast(native, { idempotencyKey: key(), ballot: approve([]) })).ok).toBe(true);
    native.close();
  });

  it('refuses a cast once the poll is closed', async () => {
    const c = await tablet(5);
    await s.staff.post(`/api/polls/${pollId}/close`);
    expect(await cast(c, { idempotencyKey: key(), ballot: approve([]) })).toMatchObject({ ok: false, status: 409, error: { code: 'POLL_STATE' } });
    c.close();
  });
});
