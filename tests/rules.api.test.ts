/**
 * The procedural rules a poll must respect: quorum, a frozen list, one open poll per session,
 * the allowed lifecycle transitions, and the countdown.
 */
import type { CreateCycleBody, Cycle } from '@piaojue/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, createTestApp, defaultCycle, key, ok, refused, rosterCsv, type Client, type TestApp } from './helpers/app.ts';
import { castOk, fixList, hall, openPoll, staffPair, withPg } from './helpers/world.ts';

let t: TestApp;
let staff: Client;

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
});
afterAll(async () => {
  await t?.close();
});

async function paperCheckin(deputyId: string) {
  const r = await staff.post(`/api/deputies/${deputyId}/checkin`, { present: true });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('quorum (法定人数)', () => {
  it('more_than_half: 5 of 10 present cannot open, 6 of 10 can', async () => {
    const h = await hall(t, staff, { deputies: 10, present: 5, cycle: { quorumRule: 'more_than_half' } });
    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    expect(poll.status).toBe(200);
    const refused = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('QUORUM_NOT_MET');
    expect(refused.body.error.details).toMatchObject({ seated: 10, present: 5, quorumNeeded: 6, quorumMet: false });
    expect((await staff.get(`/api/polls/${poll.body.id}`)).body.status).toBe('draft');
    await withPg(t.url, async (c) => {
      expect(Number((await c.query('select count(*) from poll_roll where poll_id = $1', [poll.body.id])).rows[0].count)).toBe(0);
    });

    await paperCheckin(h.deputies[5]!.id);
    const opened = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.status).toBe('open');
    expect((await staff.get(`/api/polls/${poll.body.id}/turnout`)).body).toMatchObject({ issued: 6, voted: 0 });
  });

  it('two_thirds: 5 of 9 present cannot open, 6 of 9 can', async () => {
    const h = await hall(t, staff, { deputies: 9, present: 5, cycle: { quorumRule: 'two_thirds' } });
    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    const refused = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('QUORUM_NOT_MET');
    expect(refused.body.error.details).toMatchObject({ seated: 9, present: 5, quorumNeeded: 6, quorumMet: false });
    await paperCheckin(h.deputies[5]!.id);
    const opened = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  });
});

describe('a frozen list', () => {
  it('cannot change through the API', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 3, cycle: { chooseN: 3 } });
    const before = await staff.get(`/api/cycles/${h.cycleId}/candidates`);
    const cycleBefore = await staff.get(`/api/cycles/${h.cycleId}`);
    expect(cycleBefore.body.frozenAt).not.toBeNull();

    const attempts = [
      await staff.patch(`/api/candidates/${h.candidateIds[0]}`, { name: '改名的项目' }),
      await staff.post(`/api/cycles/${h.cycleId}/candidates`, { name: '新增项目' }),
      await staff.del(`/api/candidates/${h.candidateIds[1]}`),
      await staff.post(`/api/cycles/${h.cycleId}/candidates/reorder`, { ids: [...h.candidateIds].reverse() }),
      await staff.patch(`/api/cycles/${h.cycleId}`, { chooseN: 2 }),
      await fixList(staff, h.cycleId),
    ];
    for (const r of attempts) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.code).toBe('LIST_FROZEN');
    }
    // The other rules lock when the plenary adopts the 票决办法 (tests/voting-rules.api.test.ts).
    expect((await staff.patch(`/api/cycles/${h.cycleId}`, { tieRule: 'vacant', passThreshold: 'seated_majority' })).body.error.code).toBe('RULES_ADOPTED');
    expect((await staff.get(`/api/cycles/${h.cycleId}/candidates`)).body).toEqual(before.body);
    expect((await staff.get(`/api/cycles/${h.cycleId}`)).body).toEqual(cycleBefore.body);
  });

  it('cannot change by direct SQL either: the database trigger refuses it', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 3, cycle: { chooseN: 3 } });
    const before = await staff.get(`/api/cycles/${h.cycleId}/candidates`);
    await withPg(t.url, async (c) => {
      await expect(c.query(`update candidates set name = 'x' where id = $1`, [h.candidateIds[0]])).rejects.toThrow(/frozen/);
      await expect(c.query(`update candidates set position = position + 10 where cycle_id = $1`, [h.cycleId])).rejects.toThrow(/frozen/);
      await expect(c.query(`insert into candidates (cycle_id, position, name) values ($1, 99, '夹带项目')`, [h.cycleId])).rejects.toThrow(/frozen/);
      await expect(c.query(`delete from candidates where id = $1`, [h.candidateIds[1]])).rejects.toThrow(/frozen/);
      // moving a candidate out of a frozen cycle into an open one is a change too
      const open = await c.query(
        `insert into cycles (level, name, year, choose_n, ballot_type, pass_threshold, quorum_rule, tie_rule) values ('city','未冻结',2027,1,'approve','none','more_than_half','runoff') returning id`,
      );
      await expect(c.query(`update candidates set cycle_id = $1 where id = $2`, [open.rows[0].id, h.candidateIds[2]])).rejects.toThrow(/frozen/);
      await c.query('delete from cycles where id = $1', [open.rows[0].id]);
    });
    expect((await staff.get(`/api/cycles/${h.cycleId}/candidates`)).body).toEqual(before.body);
  });

  it('no poll opens on a list that differs from the frozen one, even if the cycle is un-frozen and re-frozen by SQL', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 3, cycle: { chooseN: 3 } });
    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    expect(poll.status).toBe(200);
    // Either the database refuses to lift the freeze, or the edit goes through and then opening
    // must notice that the list no longer matches its hash.
    const tampered = await withPg(t.url, async (c) => {
      try {
        await c.query('begin');
        await c.query('update cycles set frozen_at = null where id = $1', [h.cycleId]);
        await c.query(`update candidates set name = '被替换的项目' where id = $1`, [h.candidateIds[0]]);
        await c.query('update cycles set frozen_at = now() where id = $1', [h.cycleId]);
        await c.query('commit');
        return true;
      } catch {
        await c.query('rollback');
        return false;
      }
    });
    const open = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    if (tampered) {
      expect(open.status, `opened on an edited list: ${JSON.stringify(open.body?.candidates?.map((x: { name: string }) => x.name))}`).toBe(409);
    } else {
      expect(open.status).toBe(200);
      expect(open.body.candidates[0].name).toBe('项目1');
    }
  });
});

describe('freezing', () => {
  it('needs more candidates than places, and records a hash of the list', async () => {
    const { id } = ok(await staff.send<Cycle, CreateCycleBody>('POST', '/api/cycles', { ...defaultCycle, name: '差额测试', chooseN: 3 }));
    expect(refused(await fixList(staff, id), 409).code).toBe('LIST_EMPTY');
    for (let i = 1; i <= 3; i++) expect((await staff.post(`/api/cycles/${id}/candidates`, { name: `项目${i}` })).status).toBe(200);
    expect(refused(await fixList(staff, id), 409)).toMatchObject({ code: 'SHORTLIST_RATIO', details: { candidates: 3, places: 3, minCandidates: 4, maxCandidates: 9 } });
    expect(ok(await staff.read<Cycle>(`/api/cycles/${id}`))).toMatchObject({ frozenAt: null, frozenHash: null });

    // Not frozen yet: no poll can be made from it.
    const session = await staff.post('/api/sessions', { cycleId: id, name: '未冻结的会议' });
    expect(session.status).toBe(200);
    const early = await staff.post(`/api/sessions/${session.body.id}/polls`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('LIST_NOT_FROZEN');

    expect((await staff.post(`/api/cycles/${id}/candidates`, { name: '项目4' })).status).toBe(200);
    const fixed = ok(await fixList(staff, id));
    const frozen = ok(await staff.read<Cycle>(`/api/cycles/${id}`));
    expect(frozen.frozenAt).not.toBeNull();
    expect(frozen.frozenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(frozen.frozenHash).toBe(fixed.frozen?.hash);
    expect(frozen.freezeDecision).toBe('第12次主任会议（2026-12-01）');
    expect(frozen.candidateCount).toBe(4);

    // A poll carries the frozen list's hash (once the plenary has adopted the 票决办法).
    expect((await staff.post(`/api/sessions/${session.body.id}/roster`, { fileName: 'r.csv', contentBase64: Buffer.from(rosterCsv(2)).toString('base64') })).status).toBe(200);
    await adoptRules(staff, session.body.id, [(await staff.get(`/api/sessions/${session.body.id}/deputies`)).body[0].id]);
    const poll = await staff.post(`/api/sessions/${session.body.id}/polls`, {});
    expect(poll.status).toBe(200);
    expect(poll.body.listHash).toBe(frozen.frozenHash);
    expect(poll.body.candidates).toHaveLength(4);
  });
});

describe('one open poll per session', () => {
  it('refuses to open a second poll while one is open, also in the database', async () => {
    const h = await hall(t, staff, { deputies: 4 });
    const first = await openPoll(staff, h.sessionId);
    const second = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    expect(second.status).toBe(200);
    const refused = await staff.post(`/api/polls/${second.body.id}/open`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ANOTHER_POLL_OPEN');
    await withPg(t.url, async (c) => {
      await expect(c.query(`update polls set status = 'open' where id = $1`, [second.body.id])).rejects.toThrow(/polls_one_open|duplicate key/);
    });
    expect((await staff.post(`/api/polls/${first}/cancel`, { reason: '测试' })).status).toBe(200);
    expect((await staff.post(`/api/polls/${second.body.id}/open`, {})).status).toBe(200);
  });

  it('two opens at the same moment: one opens, the other is refused cleanly; two closes likewise', async () => {
    const h = await hall(t, staff, { deputies: 4 });
    const a = (await staff.post(`/api/sessions/${h.sessionId}/polls`, {})).body.id as string;
    const b = (await staff.post(`/api/sessions/${h.sessionId}/polls`, {})).body.id as string;
    const opens = await Promise.all([staff.post(`/api/polls/${a}/open`, {}), staff.post(`/api/polls/${b}/open`, {})]);
    expect(opens.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(opens.find((r) => r.status === 409)!.body.error.code).toBe('ANOTHER_POLL_OPEN');
    const opened = opens[0]!.status === 200 ? a : b;
    await withPg(t.url, async (c) => {
      expect(Number((await c.query(`select count(*) from polls where session_id = $1 and status = 'open'`, [h.sessionId])).rows[0].count)).toBe(1);
      // ballots were issued for the opened poll only
      expect(Number((await c.query('select count(*) from poll_roll where poll_id = $1', [opened === a ? b : a])).rows[0].count)).toBe(0);
    });
    await castOk(h.deputies[0]!.client, opened, { type: 'approve', marks: {} });
    const closes = await Promise.all([staff.post(`/api/polls/${opened}/close`), staff.post(`/api/polls/${opened}/close`)]);
    expect(closes.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(closes.find((r) => r.status === 409)!.body.error.code).toBe('POLL_STATE');
    await withPg(t.url, async (c) => {
      expect(Number((await c.query(`select count(*) from audit_log where action = 'poll.closed' and subject = $1`, [`poll:${opened}`])).rows[0].count)).toBe(1);
    });
  });
});

describe('poll lifecycle', () => {
  it('refuses transitions that are not allowed', async () => {
    const h = await hall(t, staff, { candidates: 3, deputies: 4, cycle: { chooseN: 1 } });
    const [A] = h.candidateIds;
    const d0 = h.deputies[0]!.client;
    const expectState = (r: { status: number; body: any }, what: string) => {
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(409);
      expect(r.body.error.code, what).toBe('POLL_STATE');
    };

    const draft = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    const id = draft.body.id as string;
    expectState(await staff.post(`/api/polls/${id}/close`), 'close a draft');
    expectState(await staff.post(`/api/polls/${id}/certify`), 'certify a draft');
    expectState(await staff.post(`/api/polls/${id}/runoff`), 'run-off of a draft');
    expectState(await d0.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [A!]: 'for' } } }), 'cast into a draft');
    expectState(await staff.get(`/api/polls/${id}/trackers`), 'trackers of a draft');

    expect((await staff.post(`/api/polls/${id}/open`, {})).status).toBe(200);
    expectState(await staff.post(`/api/polls/${id}/open`, {}), 'open an open poll');
    expectState(await staff.post(`/api/polls/${id}/certify`), 'certify an open poll');
    expectState(await staff.post(`/api/polls/${id}/reject`, { reason: '计票有误' }), 'reject an open poll');
    expectState(await staff.get(`/api/polls/${id}/trackers`), 'trackers of an open poll');
    const receipt = await d0.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [A!]: 'for' } } });
    expect(receipt.status).toBe(200);

    expect((await staff.post(`/api/polls/${id}/close`)).status).toBe(200);
    expectState(await staff.post(`/api/polls/${id}/open`, {}), 'open a closed poll');
    expectState(await staff.post(`/api/polls/${id}/close`), 'close a closed poll');
    expectState(await staff.post(`/api/polls/${id}/cancel`, { reason: '误操作' }), 'cancel a closed poll');
    expectState(
      await h.deputies[1]!.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [A!]: 'for' } } }),
      'cast into a closed poll',
    );
    await withPg(t.url, async (c) => {
      expect(Number((await c.query('select count(*) from poll_box where poll_id = $1', [id])).rows[0].count)).toBe(1);
      expect((await c.query('select voted from poll_roll where poll_id = $1 and deputy_id = $2', [id, h.deputies[1]!.id])).rows).toEqual([{ voted: false }]);
    });

    const certified = await staff.post(`/api/polls/${id}/certify`);
    expect(certified.status, JSON.stringify(certified.body)).toBe(200);
    expect(certified.body.status).toBe('certified');
    expectState(await staff.post(`/api/polls/${id}/certify`), 'certify a certified poll');
    expectState(await staff.post(`/api/polls/${id}/open`, {}), 'open a certified poll');
    expectState(await staff.post(`/api/polls/${id}/cancel`, { reason: '误操作' }), 'cancel a certified poll');

    const cancelledDraft = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    expect((await staff.post(`/api/polls/${cancelledDraft.body.id}/cancel`, { reason: '议程调整' })).status).toBe(200);
    expectState(await staff.post(`/api/polls/${cancelledDraft.body.id}/open`, {}), 'open a cancelled poll');
    expectState(await staff.post(`/api/polls/${cancelledDraft.body.id}/close`), 'close a cancelled poll');
  });
});

describe('countdown', () => {
  it('closes the poll by itself once closes_at has passed, and refuses later casts', async () => {
    const h = await hall(t, staff, { candidates: 3, deputies: 4, cycle: { chooseN: 1 } });
    const [A, B] = h.candidateIds;
    const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
    const id = poll.body.id as string;
    const open = await staff.post(`/api/polls/${id}/open`, { countdownSeconds: 10 });
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.countdownSeconds).toBe(10);
    expect(Date.parse(open.body.closesAt) - Date.parse(open.body.openedAt)).toBe(10_000);

    const k = key();
    expect((await h.deputies[0]!.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: k, ballot: { type: 'approve', marks: { [A!]: 'for' } } })).status).toBe(200);

    await withPg(t.url, (c) => c.query(`update polls set closes_at = now() - interval '1 second' where id = $1`, [id]));
    const late = await h.deputies[1]!.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [B!]: 'for' } } });
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.error.code).toBe('POLL_STATE');

    let status = 'open';
    const deadline = Date.now() + 3500;
    let last: any = null;
    while (Date.now() < deadline) {
      last = await staff.get(`/api/polls/${id}`);
      status = last.body.status;
      if (status === 'closed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('closed');
    expect(last.body.result.record).toEqual({ seated: 4, present: 4, issued: 4, returned: 1, valid: 1, invalid: 0, notVoted: 3, balanced: true });
    expect(last.body.result.chosen).toEqual([A]);

    // still refused after the close, and the earlier ballot's retry still gets its receipt
    const after = await h.deputies[2]!.client.post(`/api/polls/${id}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('POLL_STATE');
    await withPg(t.url, async (c) => {
      expect(Number((await c.query('select count(*) from poll_box where poll_id = $1', [id])).rows[0].count)).toBe(1);
      const closedBy = await c.query(`select actor from audit_log where action = 'poll.closed' and subject = $1`, [`poll:${id}`]);
      expect(closedBy.rows).toEqual([{ actor: 'system:countdown' }]);
    });
  });
});
