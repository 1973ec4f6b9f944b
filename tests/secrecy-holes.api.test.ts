/**
 * The holes an outside security test found (issue 12), each tried again as the attacker did:
 * the archive of an open poll, a receipt that proves a vote, staff voting for an absent deputy,
 * a count of too few ballots, the uncertified result on the public API, and a changed ballot
 * answered as a duplicate. Each of these passed on the code before the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, key, userClient, type TestApp } from './helpers/app.ts';
import { castOk, expectErrorBody, hall, openPoll, staffPair, withPg } from './helpers/world.ts';

let t: TestApp;
let admin: Client;
let staff: Client;
let clerk: Client;
let presidium: Client;
let scrutineer: Client;

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  clerk = await userClient(t, admin, 'clerk', ['staff']);
  presidium = await userClient(t, admin, 'zhuxituan', ['presidium']);
  scrutineer = await userClient(t, admin, 'jianpiao', ['scrutineer']);
});
afterAll(async () => {
  await t?.close();
});

const approve = (marks: Record<string, 'for' | 'against'>) => ({ type: 'approve', marks });

describe('1 · the cycle archive never carries the ballots of an open or cancelled poll', () => {
  it('while a poll is open its box and receipts are empty in the archive, for every console role', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 6, cycle: { chooseN: 2 } });
    const pollId = await openPoll(staff, h.sessionId);
    for (const d of h.deputies.slice(0, 3)) await castOk(d.client, pollId, approve({ [h.candidateIds[0]!]: 'for' }));
    for (const who of [staff, presidium, scrutineer]) {
      const a = await who.get(`/api/cycles/${h.cycleId}/archive`);
      expect(a.status).toBe(200);
      const entry = a.body.polls.find((p: any) => p.poll.id === pollId);
      expect(entry.box).toEqual([]);
      expect(entry.trackers).toEqual([]);
      expect(JSON.stringify(a.body)).not.toContain('"marks"');
    }
  });

  it('a cancelled open poll has no ballots left anywhere, in the archive or the database', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 6, cycle: { chooseN: 2 } });
    const pollId = await openPoll(staff, h.sessionId);
    for (const d of h.deputies.slice(0, 4)) await castOk(d.client, pollId, approve({ [h.candidateIds[1]!]: 'for' }));
    expect((await staff.post(`/api/polls/${pollId}/cancel`, { reason: '设备故障' })).status).toBe(200);
    const a = await staff.get(`/api/cycles/${h.cycleId}/archive`);
    expect(a.body.polls.find((p: any) => p.poll.id === pollId)).toMatchObject({ box: [], trackers: [] });
    await withPg(t.url, async (c) => {
      expect((await c.query('select count(*)::int as n from poll_box where poll_id = $1', [pollId])).rows[0].n).toBe(0);
      expect((await c.query('select count(*)::int as n from poll_trackers where poll_id = $1', [pollId])).rows[0].n).toBe(0);
      // who voted stays on the roll, as on paper
      expect((await c.query('select count(*)::int as n from poll_roll where poll_id = $1 and voted', [pollId])).rows[0].n).toBe(4);
    });
  });
});

describe('2 · a receipt proves inclusion, never a choice', () => {
  it('the archive pairs no receipt with a ballot: ballots sorted by content, receipts a separate sorted list', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 6, cycle: { chooseN: 2 } });
    const pollId = await openPoll(staff, h.sessionId);
    const receipts: string[] = [];
    for (const [i, d] of h.deputies.entries()) receipts.push(await castOk(d.client, pollId, approve({ [h.candidateIds[i % 4]!]: 'for' })));
    expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
    const a = await scrutineer.get(`/api/cycles/${h.cycleId}/archive`);
    const entry = a.body.polls.find((p: any) => p.poll.id === pollId);
    expect(entry.box).toHaveLength(6);
    for (const b of entry.box) expect(Object.keys(b).sort()).toEqual(['body', 'valid']);
    expect(entry.trackers).toEqual([...receipts].sort());
    const bodies = entry.box.map((b: any) => JSON.stringify(b.body));
    // sorted by content: the order says nothing about who voted first
    expect(bodies).toEqual([...bodies].sort());
    // and no receipt appears anywhere near a ballot
    for (const b of entry.box) for (const r of receipts) expect(JSON.stringify(b)).not.toContain(r);
  });
});

describe('3 · staff cannot vote for an absent deputy while a poll is open', () => {
  it('a new code or a check-in on a deputy’s behalf needs a second person, and the hall counts both', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 8, present: 6, cycle: { chooseN: 2 } });
    const absent = h.deputies[7]!;
    const late = h.deputies[6]!;
    const pollId = await openPoll(staff, h.sessionId);

    // The attack as found: check the absent deputy in, issue a new code, log in with it, vote.
    const checkin = await clerk.post(`/api/deputies/${absent.id}/checkin`, { present: true });
    expect(checkin.status).toBe(409);
    expectErrorBody(checkin.body, 'CONFIRMATION_REQUIRED');
    const codes = await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [absent.id] });
    expect(codes.status).toBe(409);
    expectErrorBody(codes.body, 'CONFIRMATION_REQUIRED');
    // nor in bulk
    expectErrorBody((await clerk.post(`/api/sessions/${h.sessionId}/codes`, {})).body, 'CONFIRMATION_REQUIRED');

    // Asking: staff only, with a reason.
    const bad = await clerk.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'issue_code', deputyId: absent.id, reason: '' });
    expect(bad.status).toBe(400);
    expect((await presidium.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'issue_code', deputyId: absent.id, reason: '平板故障' })).status).toBe(403);
    const ask = await clerk.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'issue_code', deputyId: absent.id, reason: '代表登录码遗失' });
    expect(ask.status).toBe(200);
    expect(ask.body).toMatchObject({ status: 'pending', action: 'issue_code', deputyId: absent.id, pollId });

    // A pending request is not an approval; staff cannot approve; nobody approves their own.
    expectErrorBody((await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [absent.id], confirmationId: ask.body.id })).body, 'CONFIRMATION_STATE');
    expect((await clerk.post(`/api/confirmations/${ask.body.id}/approve`, {})).status).toBe(403);
    const own = await staff.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'checkin', deputyId: absent.id, reason: '纸质签到' });
    expectErrorBody((await staff.post(`/api/confirmations/${own.body.id}/approve`, {})).body, 'SELF_CONFIRMATION');

    const ok = await presidium.post(`/api/confirmations/${ask.body.id}/approve`, { note: '已核实' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', decidedBy: 'zhuxituan' });
    expectErrorBody((await scrutineer.post(`/api/confirmations/${ask.body.id}/approve`, {})).body, 'CONFIRMATION_STATE');

    // The approval fits only its own action and deputy, and is used once.
    expectErrorBody((await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [late.id], confirmationId: ask.body.id })).body, 'CONFIRMATION_STATE');
    expectErrorBody((await clerk.post(`/api/deputies/${absent.id}/checkin`, { present: true, confirmationId: ask.body.id })).body, 'CONFIRMATION_STATE');
    const issued = await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [absent.id], confirmationId: ask.body.id });
    expect(issued.status).toBe(200);
    expectErrorBody((await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [absent.id], confirmationId: ask.body.id })).body, 'CONFIRMATION_STATE');

    // A check-in on the late deputy's behalf, approved by a scrutineer.
    const ask2 = await clerk.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'checkin', deputyId: late.id, reason: '代表持纸质签到卡到场' });
    expect((await scrutineer.post(`/api/confirmations/${ask2.body.id}/approve`, {})).status).toBe(200);
    const ci = await clerk.post(`/api/deputies/${late.id}/checkin`, { present: true, confirmationId: ask2.body.id });
    expect(ci.status).toBe(200);
    expect(ci.body.checkedInAt).not.toBeNull();

    // A declined request stays declined.
    const ask3 = await clerk.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'checkin', deputyId: absent.id, reason: '代签' });
    expect((await presidium.post(`/api/confirmations/${ask3.body.id}/decline`, { note: '本人未到场' })).body.status).toBe('declined');
    expectErrorBody((await clerk.post(`/api/deputies/${absent.id}/checkin`, { present: true, confirmationId: ask3.body.id })).body, 'CONFIRMATION_STATE');

    // The room sees it: 补发表决码 1, 代为签到 1.
    const hallState = await new Client(t.app).get(`/api/sessions/${h.sessionId}/hall`);
    expect(hallState.body.poll.interventions).toEqual({ codesReissued: 1, proxyCheckins: 1 });
    // Every step is in the audit log.
    await withPg(t.url, async (c) => {
      const actions = (await c.query(`select action from audit_log where subject like 'confirmation:%' order by seq`)).rows.map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['confirmation.requested', 'confirmation.approved', 'confirmation.used', 'confirmation.declined']));
    });
    const list = await scrutineer.get(`/api/sessions/${h.sessionId}/confirmations`);
    expect(list.body.map((x: any) => x.status).sort()).toEqual(['declined', 'pending', 'used', 'used']);
  });

  it('before any poll opens, codes and check-ins need no second person', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 4, present: 3, cycle: { chooseN: 2 } });
    expect((await clerk.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [h.deputies[3]!.id] })).status).toBe(200);
    expect((await clerk.post(`/api/deputies/${h.deputies[3]!.id}/checkin`, { present: true })).status).toBe(200);
    // and there is nothing to ask for
    expectErrorBody((await clerk.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'checkin', deputyId: h.deputies[3]!.id, reason: '测试' })).body, 'POLL_STATE');
  });
});

describe('4 · no count of too few ballots, and only certified results go public', () => {
  it('a poll with fewer ballots than the minimum cannot be closed, only cancelled, and its ballots are gone', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 8, cycle: { chooseN: 2, minBallots: 5 } });
    const pollId = await openPoll(staff, h.sessionId);
    await castOk(h.deputies[0]!.client, pollId, approve({ [h.candidateIds[2]!]: 'for' }));
    const r = await staff.post(`/api/polls/${pollId}/close`);
    expect(r.status).toBe(409);
    expectErrorBody(r.body, 'TOO_FEW_BALLOTS');
    expect(r.body.error.details).toMatchObject({ voted: 1, minimum: 5 });
    const p = await staff.get(`/api/polls/${pollId}`);
    expect(p.body.status).toBe('open');
    expect(p.body.result).toBeNull();
    expect(p.body.certification.minBallots).toBe(5);
    expect((await staff.post(`/api/polls/${pollId}/cancel`, { reason: '投票人数不足' })).body.status).toBe('cancelled');
    await withPg(t.url, async (c) => {
      expect((await c.query('select count(*)::int as n from poll_box where poll_id = $1', [pollId])).rows[0].n).toBe(0);
    });
  });

  it('the countdown ending below the minimum cancels the poll instead of counting it', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 8, cycle: { chooseN: 2, minBallots: 5 } });
    const pollId = await openPoll(staff, h.sessionId, { countdownSeconds: 10 });
    await castOk(h.deputies[0]!.client, pollId, approve({ [h.candidateIds[2]!]: 'for' }));
    await withPg(t.url, (c) => c.query(`update polls set closes_at = now() - interval '1 second' where id = $1`, [pollId]));
    await t.app.services.polls.closeDue();
    const p = await staff.get(`/api/polls/${pollId}`);
    expect(p.body.status).toBe('cancelled');
    expect(p.body.result).toBeNull();
  });

  it('at the minimum it counts; the public hall API shows the result only once certified, the hall display with its key at once', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 6, cycle: { chooseN: 2, minBallots: 5 } });
    const pollId = await openPoll(staff, h.sessionId);
    for (const d of h.deputies.slice(0, 5)) await castOk(d.client, pollId, approve({ [h.candidateIds[0]!]: 'for' }));
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('closed');

    const anonymous = new Client(t.app);
    const publicView = await anonymous.get(`/api/sessions/${h.sessionId}/hall`);
    expect(publicView.body.poll.status).toBe('closed');
    expect(publicView.body.poll.result).toBeNull();
    const wrongKey = await anonymous.req('GET', `/api/sessions/${h.sessionId}/hall`, undefined, { 'x-piaojue-display-key': 'guess' });
    expect(wrongKey.body.poll.result).toBeNull();

    // Only staff get the display link; with its key the hall display shows the provisional result.
    expect((await anonymous.get(`/api/sessions/${h.sessionId}/display-link`)).status).toBe(401);
    const link = await staff.get(`/api/sessions/${h.sessionId}/display-link`);
    expect(link.body.url).toContain(`/hall/${h.sessionId}?key=${link.body.key}`);
    const display = await anonymous.req('GET', `/api/sessions/${h.sessionId}/hall`, undefined, { 'x-piaojue-display-key': link.body.key });
    expect(display.body.poll.result.record.returned).toBe(5);
    // a deputy of the session sees it on the tablet too
    expect((await h.deputies[0]!.client.get(`/api/sessions/${h.sessionId}/hall`)).body.poll.result).not.toBeNull();

    expect((await staff.post(`/api/polls/${pollId}/certify`, {})).status).toBe(200);
    const certified = await anonymous.get(`/api/sessions/${h.sessionId}/hall`);
    expect(certified.body.poll.status).toBe('certified');
    expect(certified.body.poll.result.record.returned).toBe(5);
  });
});

describe('8 · a changed ballot under the same idempotency key is refused, not called a duplicate', () => {
  it('the same key and ballot is a duplicate; the same key with another ballot is BALLOT_CHANGED', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 3, cycle: { chooseN: 2 } });
    const pollId = await openPoll(staff, h.sessionId);
    const d = h.deputies[0]!;
    const k = key();
    const first = await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot: approve({ [h.candidateIds[0]!]: 'for' }) });
    expect(first.status).toBe(200);
    const again = await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot: approve({ [h.candidateIds[0]!]: 'for' }) });
    expect(again.body).toEqual({ receipt: first.body.receipt, duplicate: true });
    const changed = await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: k, ballot: approve({ [h.candidateIds[1]!]: 'for' }) });
    expect(changed.status).toBe(409);
    expectErrorBody(changed.body, 'BALLOT_CHANGED');
    const other = await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: approve({ [h.candidateIds[1]!]: 'for' }) });
    expectErrorBody(other.body, 'ALREADY_VOTED');
  });
});
