/**
 * 公告 numbers (docs/PROCEDURE.md, "The 公告 and its number"): given at certification, in its
 * transaction, from the session's counter or as staff entered them; unique per session, never
 * changed or freed; a returned (退回) or cancelled poll consumes none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, expectErrorBody, hall, openPoll, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

let t: TestApp;
let staff: Client;
let clerk: Client;

beforeAll(async () => {
  t = await createTestApp();
  const pair = await staffPair(t);
  staff = pair.staff;
  // staff without a seat on the presidium, as most of the secretariat
  clerk = await userClient(t, pair.admin, 'clerk', ['staff']);
});
afterAll(async () => {
  await t?.close();
});

const ballot = (w: Hall) => ({ type: 'approve', marks: { [w.candidateIds[0]!]: 'for' } });

/** A poll of the hall, voted by its deputies and closed: ready for the presidium. */
async function closedPoll(w: Hall): Promise<string> {
  const id = await openPoll(staff, w.sessionId);
  for (const d of w.deputies.slice(0, 3)) await castOk(d.client, id, ballot(w));
  const closed = await staff.post(`/api/polls/${id}/close`);
  expect(closed.body.status, JSON.stringify(closed.body)).toBe('closed');
  return id;
}

async function certify(id: string): Promise<void> {
  const r = await staff.post(`/api/polls/${id}/certify`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe('certified');
}

const numberOf = async (id: string): Promise<number | null> => {
  const a = await staff.get(`/api/polls/${id}/announcement`);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body.number;
};

describe('the session counter', () => {
  it('numbers certified polls in turn; a cancelled poll and a returned one take no number, the poll held again takes the next', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    const a = await closedPoll(w);
    // before certification the draft 公告 has no number yet
    expect(await numberOf(a)).toBeNull();
    await certify(a);
    expect(await numberOf(a)).toBe(1);

    // cancelled before it was held
    const b = (await staff.post(`/api/sessions/${w.sessionId}/polls`, {})).body.id as string;
    expect((await staff.post(`/api/polls/${b}/cancel`, { reason: '议程调整' })).body.status).toBe('cancelled');

    // returned by the presidium (退回), voided, and held again
    const c = await closedPoll(w);
    expect((await staff.post(`/api/polls/${c}/reject`, { reason: '收回票数需复核' })).body.status).toBe('rejected');
    expect(await numberOf(c)).toBeNull();
    expect((await staff.post(`/api/polls/${c}/cancel`, { reason: '主席团退回，重新表决' })).body.status).toBe('cancelled');
    const again = await closedPoll(w);
    await certify(again);
    expect(await numberOf(again)).toBe(2);

    const d = await closedPoll(w);
    await certify(d);
    expect(await numberOf(d)).toBe(3);

    const list = await staff.get(`/api/sessions/${w.sessionId}/notice-numbers`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ numbering: 'session', first: 1, next: 4 });
    expect(list.body.polls.map((p: { status: string; number: number | null }) => [p.status, p.number])).toEqual([
      ['certified', 1],
      ['cancelled', null],
      ['cancelled', null],
      ['certified', 2],
      ['certified', 3],
    ]);
    // the public 公告 and its files carry the number
    const pub = await new Client(t.app).get(`/api/polls/${again}/announcement`);
    expect(pub.body.number).toBe(2);
    const pdf = await t.app.inject({ method: 'GET', url: `/api/polls/${again}/export.csv` });
    expect(decodeURIComponent(String(pdf.headers['content-disposition']))).toContain('（第2号）');
    // another session counts on its own
    const other = await hall(t, staff, { deputies: 4 });
    const first = await closedPoll(other);
    await certify(first);
    expect(await numberOf(first)).toBe(1);
  });

  it('starts at the session’s first number, after the 公告 its 主席团 issued outside the system', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    const set = await clerk.req('PUT', `/api/sessions/${w.sessionId}/notice-numbers`, { numbering: 'session', first: 4 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.next).toBe(4);
    const a = await closedPoll(w);
    await certify(a);
    expect(await numberOf(a)).toBe(4);
  });

  it('never gives two concurrent certifications the same number', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await closedPoll(w));
    const answers = await Promise.all(ids.map((id) => staff.post(`/api/polls/${id}/certify`)));
    for (const r of answers) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const numbers = await Promise.all(ids.map(numberOf));
    expect([...numbers].sort((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('entered numbers', () => {
  it('staff enter a number before certification; it is given then, and the counter continues after it, around numbers entered', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    const a = await closedPoll(w);
    const entered = await clerk.req('PUT', `/api/polls/${a}/notice-number`, { number: 2 });
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    expect(entered.body.polls[0]).toMatchObject({ pollId: a, number: 2, entered: true, given: false });
    // the draft shows the entered number; staff may still correct it
    expect(await numberOf(a)).toBe(2);
    expect((await clerk.req('PUT', `/api/polls/${a}/notice-number`, { number: 3 })).status).toBe(200);
    await certify(a);
    expect(await numberOf(a)).toBe(3);
    // the counter never goes back below a number given: 4 next
    const b = await closedPoll(w);
    await certify(b);
    // 5 entered for a poll still to be certified: the counter goes around it
    const c = await closedPoll(w);
    expect((await clerk.req('PUT', `/api/polls/${c}/notice-number`, { number: 5 })).status).toBe(200);
    const d = await closedPoll(w);
    await certify(d);
    await certify(c);
    expect([await numberOf(b), await numberOf(d), await numberOf(c)]).toEqual([4, 6, 5]);
    expect((await staff.get(`/api/sessions/${w.sessionId}/notice-numbers`)).body.next).toBe(7);
  });

  it('with numbering by entry, a poll without a number cannot be certified; the number it was given never changes', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    expect((await clerk.req('PUT', `/api/sessions/${w.sessionId}/notice-numbers`, { numbering: 'entered', first: 1 })).status).toBe(200);
    const a = await closedPoll(w);
    const before = await snapshot(t.url);
    const refused = await staff.post(`/api/polls/${a}/certify`);
    expect(refused.status).toBe(409);
    expectErrorBody(refused.body, 'NOTICE_NUMBER_MISSING');
    // nothing half-done: no sign-off, no number, still closed
    expect(await snapshot(t.url)).toEqual(before);
    expect((await staff.get(`/api/polls/${a}`)).body.status).toBe('closed');

    expect((await clerk.req('PUT', `/api/polls/${a}/notice-number`, { number: 7 })).status).toBe(200);
    await certify(a);
    expect(await numberOf(a)).toBe(7);
    const late = await clerk.req('PUT', `/api/polls/${a}/notice-number`, { number: 8 });
    expect(late.status).toBe(409);
    expectErrorBody(late.body, 'POLL_STATE');

    await withPg(t.url, async (c) => {
      await expect(c.query(`update notice_numbers set number = 9 where poll_id = $1`, [a])).rejects.toThrow(/never changes/);
      await expect(c.query(`delete from notice_numbers where poll_id = $1`, [a])).rejects.toThrow(/never changes/);
      const b = await closedPoll(w);
      // a second poll cannot be given a number the session has given
      await expect(c.query(`insert into notice_numbers (poll_id, session_id, number, assigned_at) values ($1, $2, 7, now())`, [b, w.sessionId])).rejects.toThrow();
      // nor certified without a number of its own, even behind the server's back
      await expect(c.query(`update polls set status = 'certified', certified_at = now() where id = $1`, [b])).rejects.toThrow(/without a 公告 number/);
      expect((await c.query(`select status from polls where id = $1`, [b])).rows[0].status).toBe('closed');
    });
  });

  it('refuses a number the session has given or another poll holds, and bad input, changing nothing', async () => {
    const w = await hall(t, staff, { deputies: 4 });
    const a = await closedPoll(w);
    await certify(a);
    const b = await closedPoll(w);
    expect((await clerk.req('PUT', `/api/polls/${b}/notice-number`, { number: 5 })).status).toBe(200);
    const c = await closedPoll(w);
    const deputy = w.deputies[0]!.client;
    const before = await snapshot(t.url);
    for (const [who, url, body, status, code] of [
      [clerk, `/api/polls/${c}/notice-number`, { number: 1 }, 409, 'NOTICE_NUMBER_TAKEN'],
      [clerk, `/api/polls/${c}/notice-number`, { number: 5 }, 409, 'NOTICE_NUMBER_TAKEN'],
      [clerk, `/api/polls/${c}/notice-number`, { number: 0 }, 400, 'VALIDATION'],
      [clerk, `/api/polls/${c}/notice-number`, { number: 10000 }, 400, 'VALIDATION'],
      [clerk, `/api/polls/${c}/notice-number`, { number: 2.5 }, 400, 'VALIDATION'],
      [clerk, `/api/polls/${c}/notice-number`, {}, 400, 'VALIDATION'],
      [clerk, `/api/polls/${a}/notice-number`, { number: 9 }, 409, 'POLL_STATE'],
      [clerk, `/api/polls/00000000-0000-4000-8000-000000000000/notice-number`, { number: 9 }, 404, 'NOT_FOUND'],
      [clerk, `/api/sessions/${w.sessionId}/notice-numbers`, { numbering: 'manual', first: 1 }, 400, 'VALIDATION'],
      [clerk, `/api/sessions/${w.sessionId}/notice-numbers`, { numbering: 'session', first: 0 }, 400, 'VALIDATION'],
      [deputy, `/api/polls/${c}/notice-number`, { number: 9 }, 403, 'FORBIDDEN'],
      [new Client(t.app), `/api/polls/${c}/notice-number`, { number: 9 }, 401, 'UNAUTHENTICATED'],
    ] as const) {
      const r = await who.req('PUT', url, body);
      expect(r.status, `${url} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(status);
      expectErrorBody(r.body, code);
    }
    expect(await snapshot(t.url)).toEqual(before);

    // a cancelled poll's entered number is free again
    expect((await staff.post(`/api/polls/${b}/reject`, { reason: '复核' })).body.status).toBe('rejected');
    expect((await staff.post(`/api/polls/${b}/cancel`, { reason: '主席团退回，重新表决' })).body.status).toBe('cancelled');
    expect((await clerk.req('PUT', `/api/polls/${c}/notice-number`, { number: 5 })).status).toBe(200);
    await certify(c);
    expect(await numberOf(c)).toBe(5);
    const list = (await staff.get(`/api/sessions/${w.sessionId}/notice-numbers`)).body as { polls: { pollId: string; number: number | null }[] };
    expect(list.polls.find((p) => p.pollId === b)!.number).toBeNull();
  });
});
