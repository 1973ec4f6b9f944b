import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChiefScrutineer, isCounter, isScrutineer } from '../server/src/modules/procedure/scrutiny.service.ts';
import { adoptRules, createTestApp, key, rosterCsv, userClient, type Client, type TestApp } from './helpers/app.ts';
import { expectErrorBody, hall, snapshot, staffPair, type Hall } from './helpers/world.ts';

/** 监票人, 总监票人 and 计票人 (docs/PROCEDURE.md §3), and the 监票人's confirmation on the tablet. */
let t: TestApp;
let admin: Client, staff: Client, presidium: Client, teller: Client, presidiumTeller: Client;
let tellerId: string, presidiumTellerId: string, presidiumId: string;

const list = (h: Hall, ids: number[], chief: number, counterIds: string[] = []) => ({
  scrutineers: ids.map((i) => ({ deputyId: h.deputies[i]!.id, chief: i === chief })),
  counterIds,
});

async function userId(c: Client): Promise<string> {
  return (await c.get('/api/auth/me')).body.user.id as string;
}

async function closedPoll(h: Hall, voters = 6): Promise<string> {
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  expect((await staff.post(`/api/polls/${poll.body.id}/open`, {})).status).toBe(200);
  for (const d of h.deputies.slice(0, voters)) {
    const r = await d.client.post(`/api/polls/${poll.body.id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  expect((await staff.post(`/api/polls/${poll.body.id}/close`)).body.status).toBe('closed');
  return poll.body.id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  presidium = await userClient(t, admin, 'zhuxituan1', ['presidium']);
  teller = await userClient(t, admin, 'jipiao1', ['staff']);
  presidiumTeller = await userClient(t, admin, 'jipiao2', ['staff', 'presidium']);
  [tellerId, presidiumTellerId, presidiumId] = await Promise.all([userId(teller), userId(presidiumTeller), userId(presidium)]);
});
afterAll(async () => {
  await t?.close();
});

describe('the list', () => {
  it('refuses a list without exactly one 总监票人, a repeated deputy, a stranger, or a 计票人 who is not staff — and saves nothing', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false });
    const other = await hall(t, staff, { deputies: 2, adopt: false });
    const before = await snapshot(t.url);
    const put = (body: unknown) => staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, body);
    const cases: [unknown, number, string][] = [
      [list(h, [0, 1], -1), 400, 'SCRUTINEER_CHIEF'],
      [{ scrutineers: [{ deputyId: h.deputies[0]!.id, chief: true }, { deputyId: h.deputies[1]!.id, chief: true }], counterIds: [] }, 400, 'SCRUTINEER_CHIEF'],
      [{ scrutineers: [{ deputyId: h.deputies[0]!.id, chief: true }, { deputyId: h.deputies[0]!.id, chief: false }], counterIds: [] }, 400, 'SCRUTINEER_REPEATED'],
      [{ scrutineers: [{ deputyId: h.deputies[0]!.id, chief: true }, { deputyId: other.deputies[0]!.id, chief: false }], counterIds: [] }, 400, 'SCRUTINEER_NOT_DEPUTY'],
      [list(h, [0, 1], 0, [presidiumId]), 400, 'COUNTER_NOT_STAFF'],
      [{ scrutineers: [], counterIds: [] }, 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const r = await put(body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expectErrorBody(r.body, code);
    }
    // Only staff set it; a deputy or a presidium member cannot.
    expect((await h.deputies[0]!.client.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0], 0))).status).toBe(403);
    expect((await presidium.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0], 0))).status).toBe(403);
    expect(await snapshot(t.url)).toEqual(before);
  });

  it('names 监票人 among the deputies and 计票人 among staff; other modules ask through the service', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false });
    const r = await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [2, 0, 1], 0, [tellerId]));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.scrutineers.map((s: { name: string; chief: boolean }) => `${s.name}${s.chief ? '*' : ''}`)).toEqual(['代表3', '代表1*', '代表2']);
    expect(r.body.counters.map((c: { username: string }) => c.username)).toEqual(['jipiao1']);
    expect(r.body.locked).toBe(false);
    expect((await presidium.get(`/api/sessions/${h.sessionId}/scrutiny`)).body).toEqual(r.body);

    const db = t.app.services.db;
    expect(await isScrutineer(db, h.sessionId, h.deputies[2]!.id)).toBe(true);
    expect(await isChiefScrutineer(db, h.sessionId, h.deputies[2]!.id)).toBe(false);
    expect(await isChiefScrutineer(db, h.sessionId, h.deputies[0]!.id)).toBe(true);
    expect(await isScrutineer(db, h.sessionId, h.deputies[4]!.id)).toBe(false);
    expect(await isCounter(db, h.sessionId, tellerId)).toBe(true);
    expect(await isCounter(db, h.sessionId, presidiumId)).toBe(false);

    expect((await h.deputies[0]!.client.get('/api/deputy/scrutiny')).body).toEqual({ role: 'chief' });
    expect((await h.deputies[1]!.client.get('/api/deputy/scrutiny')).body).toEqual({ role: 'scrutineer' });
    expect((await h.deputies[4]!.client.get('/api/deputy/scrutiny')).body).toEqual({ role: null });
  });

  it('a new roster forgets the old list; once a poll has opened the list is part of the record', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0, 1], 0))).status).toBe(200);
    const csv = Buffer.from(rosterCsv(6)).toString('base64');
    expect((await staff.post(`/api/sessions/${h.sessionId}/roster`, { fileName: 'r.csv', contentBase64: csv })).status).toBe(200);
    expect((await staff.get(`/api/sessions/${h.sessionId}/scrutiny`)).body.scrutineers).toEqual([]);

    const g = await hall(t, staff, { deputies: 6, adopt: false });
    expect((await staff.req('PUT', `/api/sessions/${g.sessionId}/scrutiny`, list(g, [0, 1], 0))).status).toBe(200);
    await adoptRules(staff, g.sessionId);
    await closedPoll(g);
    const late = await staff.req('PUT', `/api/sessions/${g.sessionId}/scrutiny`, list(g, [2, 3], 2));
    expectErrorBody(late.body, 'SCRUTINY_LOCKED');
    expect((await staff.get(`/api/sessions/${g.sessionId}/scrutiny`)).body).toMatchObject({ locked: true, scrutineers: [{ name: '代表1' }, { name: '代表2' }] });
  });
});

describe('the 监票人 confirm on their tablets', () => {
  it('by default every 监票人 present, at least 2, must confirm before the 主席团 certifies', async () => {
    const h = await hall(t, staff, { deputies: 8, present: 7, adopt: false, cycle: { scrutineerConfirmations: null } });
    // 代表8 is a 监票人 but absent: the poll needs the three present.
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0, 1, 2, 7], 0, [tellerId]))).status).toBe(200);
    await adoptRules(staff, h.sessionId);
    const id = await closedPoll(h);
    expect((await staff.get(`/api/polls/${id}`)).body.certification.scrutineerConfirmations).toBe(3);
    for (const i of [0, 1]) expect((await h.deputies[i]!.client.post(`/api/polls/${id}/confirm`)).status).toBe(200);
    const early = await presidium.post(`/api/polls/${id}/certify`);
    expectErrorBody(early.body, 'CONFIRMATIONS_MISSING');
    expect(early.body.error.details).toEqual({ needed: 3, have: 2 });
    // The absent 监票人 cannot stand in for a present one.
    expectErrorBody((await h.deputies[7]!.client.post(`/api/polls/${id}/confirm`)).body, 'NOT_CHECKED_IN');
    const third = await h.deputies[2]!.client.post(`/api/polls/${id}/confirm`);
    expect(third.status).toBe(200);
    expect(third.body.certification.signoffs.map((s: { displayName: string; deputyId: string | null; userId: string | null }) => [s.displayName, s.deputyId !== null, s.userId])).toEqual([
      ['代表1', true, null],
      ['代表2', true, null],
      ['代表3', true, null],
    ]);
    const ok = await presidium.post(`/api/polls/${id}/certify`);
    expect(ok.body.status, JSON.stringify(ok.body)).toBe('certified');
  });

  it('needs at least 2 even when only one 监票人 is present', async () => {
    const h = await hall(t, staff, { deputies: 6, present: 5, adopt: false, cycle: { scrutineerConfirmations: null } });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0, 5], 0))).status).toBe(200);
    await adoptRules(staff, h.sessionId);
    const id = await closedPoll(h, 5);
    expect((await staff.get(`/api/polls/${id}`)).body.certification.scrutineerConfirmations).toBe(2);
  });

  it('refuses role-crossing: a deputy who is no 监票人, staff, a 监票人 of another session, a second confirmation, a count still open', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false, cycle: { scrutineerConfirmations: 1 } });
    const other = await hall(t, staff, { deputies: 6, adopt: false });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0, 1], 0))).status).toBe(200);
    await adoptRules(staff, h.sessionId);
    expect((await staff.req('PUT', `/api/sessions/${other.sessionId}/scrutiny`, list(other, [0, 1], 0))).status).toBe(200);

    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expectErrorBody((await h.deputies[0]!.client.post(`/api/polls/${poll.body.id}/confirm`)).body, 'POLL_STATE');
    await staff.post(`/api/polls/${poll.body.id}/cancel`, { reason: '测试' });

    const id = await closedPoll(h);
    const before = await snapshot(t.url);
    expectErrorBody((await h.deputies[3]!.client.post(`/api/polls/${id}/confirm`)).body, 'NOT_SCRUTINEER');
    expectErrorBody((await other.deputies[0]!.client.post(`/api/polls/${id}/confirm`)).body, 'NOT_FOUND');
    for (const c of [staff, presidium, admin]) expectErrorBody((await c.post(`/api/polls/${id}/confirm`)).body, 'FORBIDDEN');
    expect(await snapshot(t.url)).toEqual(before);
    expect((await h.deputies[1]!.client.post(`/api/polls/${id}/confirm`)).status).toBe(200);
    expectErrorBody((await h.deputies[1]!.client.post(`/api/polls/${id}/confirm`)).body, 'ALREADY_SIGNED');
  });

  it('a 计票人 of the session cannot certify or return its result, even holding the presidium role', async () => {
    const h = await hall(t, staff, { deputies: 6, adopt: false, cycle: { scrutineerConfirmations: 1 } });
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list(h, [0, 1], 0, [presidiumTellerId]))).status).toBe(200);
    await adoptRules(staff, h.sessionId);
    const id = await closedPoll(h);
    expect((await h.deputies[0]!.client.post(`/api/polls/${id}/confirm`)).status).toBe(200);
    const before = await snapshot(t.url);
    expectErrorBody((await presidiumTeller.post(`/api/polls/${id}/certify`)).body, 'COUNTER_CANNOT_SIGN');
    expectErrorBody((await presidiumTeller.post(`/api/polls/${id}/reject`, { reason: '有误' })).body, 'COUNTER_CANNOT_SIGN');
    expect(await snapshot(t.url)).toEqual(before);
    expect((await presidium.post(`/api/polls/${id}/certify`)).body.status).toBe('certified');
  });
});
