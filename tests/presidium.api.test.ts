import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Announcement, Poll, ProjectTrail, TrackingInitResult } from '@piaojue/shared';
import { Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { castOk, expectErrorBody, hall, openPoll, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

// The 主席团 as a body (docs/PROCEDURE.md §3, "The 主席团's decisions").
let t: TestApp;
let admin: Client, staff: Client, p2: Client, p3: Client, staffOnly: Client;
let ids: { staff: string; p2: string; p3: string; staffOnly: string };

const me = async (c: Client) => (await c.get('/api/auth/me')).body.user.id as string;
const MEETING = { meeting: '主席团第三次会议', decidedOn: '2027-01-15' };

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  p2 = await userClient(t, admin, 'presidium2', ['presidium']);
  p3 = await userClient(t, admin, 'presidium3', ['presidium']);
  staffOnly = await userClient(t, admin, 'clerk', ['staff']);
  ids = { staff: await me(staff), p2: await me(p2), p3: await me(p3), staffOnly: await me(staffOnly) };
});
afterAll(async () => {
  await t?.close();
});

/**
 * Five deputies, two places, two of k = 2 presidium signatures needed:
 *   A 3 赞成 → 入选; B and C 2 each → tied for the one place left; D 1.
 */
async function tiedPoll(cycle: Record<string, unknown> = {}): Promise<{ h: Hall; pollId: string; A: string; B: string; C: string; D: string }> {
  const h = await hall(t, staff, { candidates: 4, deputies: 5, cycle: { chooseN: 2, tieRule: 'presidium', certifyK: 2, ...cycle } });
  const [A, B, C, D] = h.candidateIds as [string, string, string, string];
  const pollId = await openPoll(staff, h.sessionId);
  const ballots = [{ [A]: 'for', [B]: 'for' }, { [A]: 'for', [C]: 'for' }, { [A]: 'for', [B]: 'for' }, { [C]: 'for', [D]: 'for' }, {}];
  for (const [i, marks] of ballots.entries()) await castOk(h.deputies[i]!.client, pollId, { type: 'approve', marks });
  const closed = await staff.post<Poll>(`/api/polls/${pollId}/close`);
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  expect(closed.body.result!.tie).toEqual({ candidateIds: [B, C], places: 1, resolution: 'presidium' });
  expect(closed.body.certification).toMatchObject({ tieUndecided: true, rejectAlone: cycle.presidiumRejectAlone ?? false, decisions: [] });
  return { h, pollId, A, B, C, D };
}

const decide = (c: Client, pollId: string, body: Record<string, unknown>) => c.post<Poll>(`/api/polls/${pollId}/presidium-decisions`, { ...MEETING, ...body });

/** Refused with the code, a bilingual message, and nothing changed anywhere in the database. */
async function refused(attempt: Promise<{ status: number; body: unknown }>, status: number, code: string) {
  const before = await snapshot(t.url);
  const r = await attempt;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expectErrorBody(r.body, code);
  expect(await snapshot(t.url)).toEqual(before);
}

describe('a tie the 主席团 decides', () => {
  it('refuses every bad decision with a stable code and saves nothing', async () => {
    const { pollId, A, B, C, D } = await tiedPoll();
    const two = [ids.staff, ids.p2];
    // Not yet decided: no certification, by sign-off or by decision.
    await refused(staff.post(`/api/polls/${pollId}/certify`), 409, 'TIE_UNDECIDED');
    await refused(decide(staff, pollId, { kind: 'certify', signerIds: two }), 409, 'TIE_UNDECIDED');
    // The signers.
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.staffOnly], chosen: [C] }), 400, 'SIGNER_NOT_PRESIDIUM');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff], chosen: [C] }), 409, 'TOO_FEW_SIGNERS');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.staff], chosen: [C] }), 400, 'DUPLICATE_SIGNER');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.p2, ids.p3], chosen: [C] }), 403, 'NOT_A_SIGNER');
    // The projects.
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [A] }), 400, 'NOT_AMONG_TIED');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [D] }), 400, 'NOT_AMONG_TIED');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [B, C] }), 400, 'TOO_MANY_CHOSEN');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two }), 400, 'VALIDATION');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [C, C] }), 400, 'VALIDATION');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [C], meeting: '' }), 400, 'VALIDATION');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [C], decidedOn: '2027-13-40' }), 400, 'VALIDATION');
    await refused(decide(staff, pollId, { kind: 'reject', signerIds: two }), 400, 'VALIDATION');

    const ok = await decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [C] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('closed');
    expect(ok.body.certification.tieUndecided).toBe(false);
    expect(ok.body.certification.decisions).toMatchObject([
      { kind: 'tie', meeting: '主席团第三次会议', decidedOn: '2027-01-15', chosen: [{ candidateId: C, name: '项目3' }], signers: [{ displayName: 'staff1' }, { displayName: 'presidium2' }] },
    ]);
    // The count itself is unchanged: the decision is kept beside it.
    expect(ok.body.result!.chosen).toEqual([A]);
    // Decided once.
    await refused(decide(p2, pollId, { kind: 'tie', signerIds: [ids.p2, ids.p3], chosen: [B] }), 409, 'TIE_DECIDED');
    // The database keeps a decision as it was written.
    await withPg(t.url, async (c) => {
      await expect(c.query(`update presidium_decisions set chosen = $2 where poll_id = $1`, [pollId, JSON.stringify([B])])).rejects.toThrow(/fixed/);
      await expect(c.query(`delete from presidium_decision_signers`)).rejects.toThrow(/fixed/);
    });
  });

  it('refuses a tie decision where there is no tie for the 主席团, and any decision on an open poll', async () => {
    const h = await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, tieRule: 'presidium', certifyK: 2 } });
    const [A] = h.candidateIds as [string];
    const pollId = await openPoll(staff, h.sessionId);
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [A] }), 409, 'POLL_STATE');
    await refused(decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2] }), 409, 'POLL_STATE');
    for (const d of h.deputies) await castOk(d.client, pollId, { type: 'approve', marks: { [A]: 'for' } });
    expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [A] }), 409, 'NO_PRESIDIUM_TIE');
    // A tie for a run-off is not the 主席团's to decide either.
    const runoffTie = await hall(t, staff, { candidates: 3, deputies: 2, cycle: { chooseN: 1, tieRule: 'runoff', certifyK: 2 } });
    const [X, Y] = runoffTie.candidateIds as [string, string];
    const rid = await openPoll(staff, runoffTie.sessionId);
    await castOk(runoffTie.deputies[0]!.client, rid, { type: 'approve', marks: { [X]: 'for' } });
    await castOk(runoffTie.deputies[1]!.client, rid, { type: 'approve', marks: { [Y]: 'for' } });
    expect((await staff.post<Poll>(`/api/polls/${rid}/close`)).body.result!.tie).toMatchObject({ resolution: 'runoff' });
    await refused(decide(staff, rid, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [X] }), 409, 'NO_PRESIDIUM_TIE');
  });

  it('the decided project is 入选: certified, announced with the 主席团 line, tracked, on its public trail', async () => {
    const { h, pollId, A, B, C } = await tiedPoll();
    expect((await decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [C] })).status).toBe(200);
    const certified = await decide(p3, pollId, { kind: 'certify', meeting: '主席团第四次会议', signerIds: [ids.p3, ids.p2] });
    expect(certified.status, JSON.stringify(certified.body)).toBe(200);
    expect(certified.body.status).toBe('certified');
    expect(certified.body.certification.signoffs.filter((s) => s.role === 'presidium').map((s) => `${s.displayName}:${s.decision}`)).toEqual(['presidium3:certify', 'presidium2:certify']);
    // Certified twice: the poll is final.
    await refused(decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2] }), 409, 'POLL_STATE');

    const ann = await new Client(t.app).get<Announcement>(`/api/polls/${pollId}/announcement`);
    expect(ann.status, JSON.stringify(ann.body)).toBe(200);
    expect(ann.body.chosen.map((c) => [c.name, c.viaPresidium])).toEqual([
      ['项目1', false],
      ['项目3', true],
    ]);
    expect(ann.body.rows.map((r) => [r.name, r.status])).toEqual([
      ['项目1', 'chosen'],
      ['项目2', 'not_chosen'],
      ['项目3', 'chosen'],
      ['项目4', 'not_chosen'],
    ]);
    expect(ann.body.vacancies).toBe(0);
    expect(ann.body.paragraphs).toContain('项目2、项目3得票相同，经大会主席团第三次会议决定，项目3入选。');
    expect(ann.body.paragraphs.join('')).toContain('确定以下2个项目');
    expect(ann.body.paragraphs.join('')).not.toContain('由大会主席团决定。');
    expect(ann.body.presidiumDecisions).toEqual([
      { kind: 'tie', meeting: '主席团第三次会议', decidedOn: '2027-01-15', signers: ['staff1', 'presidium2'], chosen: ['项目3'] },
      { kind: 'certify', meeting: '主席团第四次会议', decidedOn: '2027-01-15', signers: ['presidium3', 'presidium2'], chosen: [] },
    ]);
    expect(ann.body.certifiedBy).toEqual(['presidium3', 'presidium2']);
    expect(ann.body.auditAnchor).not.toBeNull();

    // The hall shows the decided project 入选 once the result is public.
    const hallState = await new Client(t.app).get(`/api/sessions/${h.sessionId}/hall`);
    expect(hallState.status, JSON.stringify(hallState.body)).toBe(200);
    expect(hallState.body.poll.result.chosen).toEqual([A, C]);
    const init = await staff.post<TrackingInitResult>(`/api/cycles/${h.cycleId}/tracking/init`);
    expect(init.status, JSON.stringify(init.body)).toBe(200);
    expect(init.body.projects.map((p) => p.candidateId).sort()).toEqual([A, C].sort());
    const trail = await staff.get<ProjectTrail>(`/api/public/candidates/${C}/trail`);
    expect(trail.body).toMatchObject({ chosen: true, pollId });
    expect((await staff.get<ProjectTrail>(`/api/public/candidates/${B}/trail`)).body.chosen).toBe(false);
  });

  it('a decision fewer than the places leaves the rest empty', async () => {
    const h = await hall(t, staff, { candidates: 4, deputies: 2, cycle: { chooseN: 2, tieRule: 'presidium', certifyK: 2 } });
    const [A, B, C] = h.candidateIds as [string, string, string];
    const pollId = await openPoll(staff, h.sessionId);
    await castOk(h.deputies[0]!.client, pollId, { type: 'approve', marks: { [A]: 'for', [B]: 'for' } });
    await castOk(h.deputies[1]!.client, pollId, { type: 'approve', marks: { [C]: 'for' } });
    expect((await staff.post<Poll>(`/api/polls/${pollId}/close`)).body.result!.tie).toEqual({ candidateIds: [A, B, C], places: 2, resolution: 'presidium' });
    expect((await decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [B] })).status).toBe(200);
    expect((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2] })).body.status).toBe('certified');
    const ann = await staff.get<Announcement>(`/api/polls/${pollId}/announcement`);
    expect(ann.body.chosen.map((c) => c.name)).toEqual(['项目2']);
    expect(ann.body.vacancies).toBe(1);
    expect(ann.body.paragraphs).toContain('另有1个名额空缺。');
  });
});

describe('退回 by the 主席团', () => {
  it('one member cannot return a result alone by default, by decision or by sign-off; k members can', async () => {
    const { pollId } = await tiedPoll();
    await refused(decide(staff, pollId, { kind: 'reject', signerIds: [ids.staff], reason: '需复核' }), 409, 'TOO_FEW_SIGNERS');
    const alone = await p3.post<Poll>(`/api/polls/${pollId}/reject`, { reason: '需复核' });
    expect(alone.status).toBe(200);
    expect(alone.body.status).toBe('closed');
    // p3 returned on their own account: they cannot sign a certification of it too.
    await refused(decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p3] }), 409, 'ALREADY_SIGNED');
    const back = await decide(staff, pollId, { kind: 'reject', signerIds: [ids.staff, ids.p3], reason: '收回票数需复核' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.status).toBe('rejected');
    expect(back.body.certification.decisions!.map((d) => d.kind)).toEqual(['reject']);
    // p3's own return stands; staff1's comes from the decision.
    expect(back.body.certification.signoffs.filter((s) => s.decision === 'reject').map((s) => s.displayName)).toEqual(['presidium3', 'staff1']);
    await refused(decide(p2, pollId, { kind: 'reject', signerIds: [ids.p2, ids.p3], reason: 'x' }), 409, 'POLL_STATE');
    // A returned result is not public, and its announcement does not state the return.
    expect((await new Client(t.app).get(`/api/polls/${pollId}/announcement`)).status).toBe(401);
  });

  it('one member may return it alone when the cycle says so', async () => {
    const { pollId } = await tiedPoll({ presidiumRejectAlone: true });
    const cycle = await staff.get<Poll>(`/api/polls/${pollId}`);
    expect(cycle.body.certification.rejectAlone).toBe(true);
    const back = await decide(p2, pollId, { kind: 'reject', signerIds: [ids.p2], reason: '计票有误' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.status).toBe('rejected');
    const { pollId: other } = await tiedPoll({ presidiumRejectAlone: true });
    expect((await p3.post<Poll>(`/api/polls/${other}/reject`, { reason: '计票有误' })).body.status).toBe('rejected');
  });

  it('the setting is part of the 票决办法 and locks with it', async () => {
    const h = await hall(t, staff, { candidates: 3, deputies: 2, cycle: { chooseN: 1, certifyK: 2, presidiumRejectAlone: true } });
    const rules = await staff.get<{ adopted: { text?: string } | null; versions: { articles: string[] }[] }>(`/api/sessions/${h.sessionId}/voting-rules`);
    expect(JSON.stringify(rules.body)).toContain('主席团成员一人即可提出');
    await refused(staff.req('PATCH', `/api/cycles/${h.cycleId}`, { presidiumRejectAlone: false }), 409, 'RULES_ADOPTED');
  });
});

describe('role crossing', () => {
  it('a deputy, or staff without the presidium role, can neither record nor sign a decision', async () => {
    const { h, pollId, C } = await tiedPoll();
    await refused(decide(staffOnly, pollId, { kind: 'tie', signerIds: [ids.staffOnly, ids.staff], chosen: [C] }), 403, 'FORBIDDEN');
    await refused(decide(h.deputies[0]!.client, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [C] }), 403, 'FORBIDDEN');
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.staffOnly], chosen: [C] }), 400, 'SIGNER_NOT_PRESIDIUM');
    // A deputy's id is no account: not a signer either.
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, h.deputies[0]!.id], chosen: [C] }), 400, 'SIGNER_NOT_PRESIDIUM');
    // A disabled member no longer signs.
    const gone = await userClient(t, admin, 'presidium-retired', ['presidium']);
    const goneId = await me(gone);
    expect((await admin.req('PUT', `/api/users/${goneId}/disabled`, { disabled: true })).status).toBe(200);
    await refused(decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, goneId], chosen: [C] }), 400, 'SIGNER_NOT_PRESIDIUM');
    // The list the console picks signers from: active presidium members only, for staff and presidium.
    const members = await staffOnly.get<{ userId: string }[]>('/api/presidium/members');
    expect(members.status).toBe(200);
    expect(members.body.map((m) => m.userId).sort()).toEqual([ids.staff, ids.p2, ids.p3].sort());
    expect((await h.deputies[0]!.client.get('/api/presidium/members')).status).toBe(403);
  });

  it('the decision and its audit entry name accounts and projects, never a deputy or a ballot', async () => {
    const { h, pollId, C } = await tiedPoll();
    expect((await decide(staff, pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [C] })).status).toBe(200);
    const stored = await withPg(t.url, async (c) => {
      const d = await c.query(`select row_to_json(d)::text as j from presidium_decisions d where poll_id = $1`, [pollId]);
      const a = await c.query(`select details::text as j from audit_log where action = 'poll.tie_decided' and subject = $1`, [`poll:${pollId}`]);
      return d.rows.map((r) => r.j).join('') + a.rows.map((r) => r.j).join('');
    });
    expect(stored).toContain(C);
    for (const d of h.deputies) expect(stored).not.toContain(d.id);
    expect(stored).not.toMatch(/marks|ballot|tracker/);
  });
});
