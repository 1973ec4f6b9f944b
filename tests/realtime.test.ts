import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, key, secondInstance, type TestApp } from './helpers/app.ts';
import { scenario, type Scenario } from './helpers/world.ts';
import { INJECTED_ORIGIN, turnoutOf, wsClient as connect } from './helpers/socket.ts';

let t: TestApp;
let s: Scenario;
let second: Awaited<ReturnType<typeof secondInstance>>;

beforeAll(async () => {
  t = await createTestApp();
  s = await scenario(t, { candidates: 4, deputies: 6, cycle: { chooseN: 2 } });
  // A second instance on the same database, as behind a load balancer.
  second = await secondInstance(t);
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

describe('websocket hub', () => {
  it('sends a snapshot, then turnout events with consecutive sequence numbers, across instances', async () => {
    // The hall display shows its key; a member of the public reads the same topic without it.
    const { key: displayKey } = (await s.staff.get(`/api/sessions/${s.sessionId}/display-link`)).body;
    const display = connect(second.app);
    const citizen = connect(t.app);
    await Promise.all([display.opened, citizen.opened]);
    await display.waitFor((m) => m.type === 'hello');
    display.send({ type: 'subscribe', topic: `hall:${s.sessionId}`, displayKey });
    citizen.send({ type: 'subscribe', topic: `hall:${s.sessionId}` });
    const snap = await display.waitFor((m) => m.type === 'snapshot');
    expect(snap.data.kind).toBe('hall');
    expect(snap.data.state.attendance).toMatchObject({ seated: 6, present: 6, quorumMet: true });
    expect(snap.data.state.poll).toBeNull();

    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    await s.staff.post(`/api/polls/${poll.body.id}/open`, {});
    const opened = await display.waitFor((m) => m.type === 'event' && m.event.kind === 'hall' && m.event.state.poll?.status === 'open');
    expect(opened.event.state.poll.turnout).toEqual({ pollId: poll.body.id, issued: 6, voted: 0 });
    // No per-candidate numbers while open.
    expect(opened.event.state.poll.result).toBeNull();

    const [a] = s.candidateIds;
    const cast = await s.deputies[0]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [a!]: 'for' } } });
    expect(cast.status).toBe(200);
    const moved = await display.waitFor((m) => turnoutOf(m)?.voted === 1);
    expect(turnoutOf(moved)).toEqual({ pollId: poll.body.id, issued: 6, voted: 1 });
    expect(JSON.stringify(moved)).not.toContain(a);

    await s.staff.post(`/api/polls/${poll.body.id}/close`);
    const closed = await display.waitFor((m) => m.type === 'event' && m.event.kind === 'hall' && m.event.state.poll?.status === 'closed');
    expect(closed.event.state.poll.result.record.returned).toBe(1);
    // The public sees the poll closed, and no result until the presidium certifies it.
    const publicClosed = await citizen.waitFor((m) => m.type === 'event' && m.event.kind === 'hall' && m.event.state.poll?.status === 'closed');
    expect(publicClosed.event.state.poll.result).toBeNull();
    await s.staff.post(`/api/polls/${poll.body.id}/certify`, {});
    const certified = await citizen.waitFor((m) => m.type === 'event' && m.event.kind === 'hall' && m.event.state.poll?.status === 'certified');
    expect(certified.event.state.poll.result.record.returned).toBe(1);
    citizen.close();

    const seqs = display.messages.filter((x) => x.m.topic === `hall:${s.sessionId}`).map((x) => x.m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    display.close();
  });

  it('refuses the staff topic to anonymous clients and deputies, and gives it to staff', async () => {
    const anon = connect(t.app);
    await anon.opened;
    anon.send({ type: 'subscribe', topic: `staff:${s.sessionId}` });
    expect((await anon.waitFor((m) => m.type === 'error')).code).toBe('FORBIDDEN');
    anon.close();

    const deputy = connect(t.app, s.deputies[1]!.client.cookie);
    await deputy.opened;
    deputy.send({ type: 'subscribe', topic: `staff:${s.sessionId}` });
    expect((await deputy.waitFor((m) => m.type === 'error')).code).toBe('FORBIDDEN');
    deputy.close();

    const staff = connect(t.app, s.staff.cookie);
    await staff.opened;
    staff.send({ type: 'subscribe', topic: `staff:${s.sessionId}` });
    const snap = await staff.waitFor((m) => m.type === 'snapshot');
    expect(snap.data.kind).toBe('staff');
    expect(snap.data.state.turnout.notVoted).toHaveLength(5);
    staff.close();
  });

  it('answers garbage with an error and keeps the connection', async () => {
    const c = connect(t.app);
    await c.opened;
    c.ws.send('not json');
    expect((await c.waitFor((m) => m.type === 'error')).code).toBe('BAD_REQUEST');
    c.send({ type: 'subscribe', topic: 'hall:not-a-uuid' });
    expect((await c.waitFor((m) => m.type === 'error' && m.topic === 'hall:not-a-uuid')).code).toBe('NOT_FOUND');
    c.send({ type: 'subscribe', topic: 'hall:00000000-0000-4000-8000-000000000000' });
    expect((await c.waitFor((m) => m.type === 'error' && m.topic?.endsWith('000000000000'))).code).toBe('NOT_FOUND');
    c.send({ type: 'ping', t: 42 });
    expect((await c.waitFor((m) => m.type === 'pong')).t).toBe(42);
    c.close();
  });

  it('two instances act as one: a login, a ballot retry and turnout all cross between them', async () => {
    const onB = (c: Client) => Object.assign(new Client(second.app), { cookie: c.cookie });
    const staffB = onB(s.staff);
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    expect((await staffB.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);

    // A tablet and a hall display, both on instance B.
    const tablet = connect(second.app, s.deputies[2]!.client.cookie);
    const display = connect(second.app);
    await Promise.all([tablet.opened, display.opened]);
    for (const c of [tablet, display]) c.send({ type: 'subscribe', topic: `hall:${s.sessionId}` });
    await Promise.all([tablet, display].map((c) => c.waitFor((m) => m.type === 'snapshot' && m.data.state.poll?.status === 'open')));

    // The deputy logged in through A; B knows the session from the database alone.
    const deputyB = onB(s.deputies[2]!.client);
    expect((await deputyB.get('/api/deputy/state')).body.deputy.id).toBe(s.deputies[2]!.id);

    const [a] = s.candidateIds;
    const ballot = { type: 'approve', marks: { [a!]: 'for' } };
    const k = key();
    const first = await s.deputies[2]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k, ballot });
    expect(first.status).toBe(200);
    // The tablet retries through B (say, the load balancer moved it): the same receipt, not a second ballot.
    const retry = await deputyB.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k, ballot });
    expect(retry.body).toEqual({ receipt: first.body.receipt, duplicate: true });
    const other = await deputyB.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot });
    expect(other.body.error.code).toBe('ALREADY_VOTED');

    // Cast through A, seen on B's sockets, by tablet and display alike.
    for (const c of [tablet, display]) {
      const moved = await c.waitFor((m) => turnoutOf(m)?.pollId === poll.body.id && turnoutOf(m)?.voted === 1);
      expect(turnoutOf(moved)).toEqual({ pollId: poll.body.id, issued: 6, voted: 1 });
    }

    // Logged out through B: refused on A at once, and the tablet's socket closes.
    const tabletClosed = new Promise<number>((resolve) => tablet.ws.once('close', resolve));
    expect((await deputyB.post('/api/auth/logout')).status).toBe(200);
    expect((await s.deputies[2]!.client.get('/api/deputy/state')).status).toBe(401);
    expect(await tabletClosed).toBe(4401);

    // Closed through B; A's count is the one in the database.
    const closed = await staffB.post(`/api/polls/${poll.body.id}/close`);
    expect(closed.body.result.record.returned).toBe(1);
    for (const c of [display]) {
      await c.waitFor((m) => m.type === 'event' && m.event.kind === 'hall' && m.event.state.poll?.id === poll.body.id && m.event.state.poll.status === 'closed');
      const seqs = c.messages.filter((x) => x.m.topic === `hall:${s.sessionId}`).map((x) => x.m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
      c.close();
    }
  });
  it('a tablet casting over its socket on B gets the receipt that a retry through A gets too', async () => {
    const poll = await s.staff.post(`/api/sessions/${s.sessionId}/polls`, {});
    expect((await s.staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
    const tablet = connect(second.app, s.deputies[3]!.client.cookie, { origin: INJECTED_ORIGIN });
    await tablet.opened;
    const k = key();
    const ballot = { type: 'approve', marks: { [s.candidateIds[1]!]: 'for' } };
    tablet.send({ type: 'cast', ref: 'b1', pollId: poll.body.id, idempotencyKey: k, ballot });
    const answer = await tablet.waitFor((m) => m.type === 'cast' && m.ref === 'b1');
    expect(answer).toMatchObject({ ok: true, duplicate: false });
    const retry = await s.deputies[3]!.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: k, ballot });
    expect(retry.body).toEqual({ receipt: answer.receipt, duplicate: true });
    const closed = await s.staff.post(`/api/polls/${poll.body.id}/close`);
    expect(closed.body.result.record.returned).toBe(1);
    tablet.close();
  });
});
