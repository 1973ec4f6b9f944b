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
const sign = (c: Client, pollId: string, decisionId: string, answer: 'sign' | 'decline' = 'sign') =>
  c.post<Poll>(`/api/polls/${pollId}/presidium-decisions/${decisionId}/signatures`, { answer });
const withdraw = (c: Client, pollId: string, decisionId: string) => c.post<Poll>(`/api/polls/${pollId}/presidium-decisions/${decisionId}/withdraw`);
/** The poll's pending decision of a kind. */
const pendingOf = (p: Poll, kind: string) => {
  const d = p.certification.pending?.find((x) => x.kind === kind);
  if (!d) throw new Error(`no pending ${kind} decision: ${JSON.stringify(p.certification)}`);
  return d;
};
/** A decision recorded by one member and signed by the others named, each on their own account. */
async function decideAndSign(recorder: Client, cosigners: Client[], pollId: string, body: Record<string, unknown>) {
  const recorded = await decide(recorder, pollId, body);
  expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
  const id = pendingOf(recorded.body, body.kind as string).id;
  let last = recorded;
  for (const c of cosigners) {
    last = await sign(c, pollId, id);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  return last;
}

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

    const recorded = await decide(staff, pollId, { kind: 'tie', signerIds: two, chosen: [C] });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    // Pending until presidium2 signs on their own account: the tie is still open.
    expect(recorded.body.certification).toMatchObject({ tieUndecided: true, decisions: [] });
    expect(pendingOf(recorded.body, 'tie')).toMatchObject({ status: 'pending', needed: 2, signers: [{ displayName: 'staff1' }] });
    const ok = await sign(p2, pollId, pendingOf(recorded.body, 'tie').id);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('closed');
    expect(ok.body.certification.pending).toEqual([]);
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
    await decideAndSign(staff, [p2], pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [C] });
    const certified = await decideAndSign(p3, [p2], pollId, { kind: 'certify', meeting: '主席团第四次会议', signerIds: [ids.p3, ids.p2] });
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
    await decideAndSign(staff, [p2], pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [B] });
    expect((await decideAndSign(staff, [p2], pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2] })).body.status).toBe('certified');
    const ann = await staff.get<Announcement>(`/api/polls/${pollId}/announcement`);
    expect(ann.body.chosen.map((c) => c.name)).toEqual(['项目2']);
    expect(ann.body.vacancies).toBe(1);
    expect(ann.body.paragraphs).toContain('另有1个名额空缺。');
    // the download says so under its table, as the 公告's 附件 does (vacanciesLine, shared)
    const csv = (await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/export.csv` })).rawPayload.toString('utf8');
    expect(csv.split('\r\n')[1 + ann.body.rows.length]).toBe('空缺名额：1个。');
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
    const back = await decideAndSign(staff, [p3], pollId, { kind: 'reject', signerIds: [ids.staff, ids.p3], reason: '收回票数需复核' });
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
    await decideAndSign(staff, [p2], pollId, { kind: 'tie', signerIds: [ids.staff, ids.p2], chosen: [C] });
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

describe('each member signs on their own account', () => {
  let p4: Client;
  let p4Id: string;
  beforeAll(async () => {
    p4 = await userClient(t, admin, 'presidium4', ['presidium']);
    p4Id = await me(p4);
  });
  const all = () => [ids.staff, ids.p2, ids.p3, p4Id];

  /** A counted poll with no tie (A 入选), k = 3 unless the cycle says otherwise; optionally one more poll of the same session. */
  async function countedPoll(cycle: Record<string, unknown> = {}, h?: Hall): Promise<{ h: Hall; pollId: string }> {
    h ??= await hall(t, staff, { candidates: 3, deputies: 3, cycle: { chooseN: 1, certifyK: 3, ...cycle } });
    const pollId = await openPoll(staff, h.sessionId);
    for (const d of h.deputies) await castOk(d.client, pollId, { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } });
    expect((await staff.post<Poll>(`/api/polls/${pollId}/close`)).body.status).toBe('closed');
    return { h, pollId };
  }
  const numberOf = async (pollId: string) => (await staff.get<Announcement>(`/api/polls/${pollId}/announcement`)).body.number;
  const presidiumSignoffs = (p: Poll) => p.certification.signoffs.filter((s) => s.role === 'presidium').map((s) => `${s.displayName}:${s.decision}`);
  const auditOf = (pollId: string) =>
    withPg(t.url, async (c) => (await c.query(`select action, actor, details from audit_log where subject = $1 order by seq`, [`poll:${pollId}`])).rows as { action: string; actor: string; details: Record<string, unknown> }[]);

  it('a certification takes effect exactly at the k-th signature, with its 公告 number, in that signature’s transaction', async () => {
    const { pollId } = await countedPoll();
    const r = await decide(staff, pollId, { kind: 'certify', signerIds: all() });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const d = pendingOf(r.body, 'certify');
    expect(d).toMatchObject({ status: 'pending', needed: 3, recordedById: ids.staff, settledAt: null, signers: [{ userId: ids.staff }] });
    expect(d.named.map((n) => [n.userId, n.answer])).toEqual([
      [ids.staff, 'sign'],
      [ids.p2, null],
      [ids.p3, null],
      [p4Id, null],
    ]);
    expect(r.body.status).toBe('closed');
    expect(r.body.certification.decisions).toEqual([]);
    expect(presidiumSignoffs(r.body)).toEqual([]);

    const second = await sign(p2, pollId, d.id);
    expect(second.body.status).toBe('closed');
    expect(presidiumSignoffs(second.body)).toEqual([]);
    expect(await numberOf(pollId)).toBeNull();

    const third = await sign(p3, pollId, d.id);
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body.status).toBe('certified');
    expect(third.body.certification.pending).toEqual([]);
    expect(third.body.certification.decisions).toMatchObject([{ kind: 'certify', status: 'effective', signers: [{ userId: ids.staff }, { userId: ids.p2 }, { userId: ids.p3 }] }]);
    expect(third.body.certification.decisions![0]!.settledAt).not.toBeNull();
    expect(presidiumSignoffs(third.body)).toEqual(['staff1:certify', 'presidium2:certify', 'presidium3:certify']);
    expect(await numberOf(pollId)).toBe(1);
    // The fourth named member comes too late, and changes nothing.
    await refused(sign(p4, pollId, d.id), 409, 'DECISION_NOT_PENDING');

    // Each signature is in the audit chain under its own account; the effect under the last signer's.
    const audit = await auditOf(pollId);
    const trail = audit.filter((a) => a.action.startsWith('presidium.') || a.action === 'poll.certification_signed' || a.action === 'poll.notice_numbered');
    expect(trail.map((a) => [a.action, a.actor])).toEqual([
      ['presidium.decision_recorded', 'user:staff1'],
      ['presidium.decision_signed', 'user:staff1'],
      ['presidium.decision_signed', 'user:presidium2'],
      ['presidium.decision_signed', 'user:presidium3'],
      ['poll.notice_numbered', 'user:presidium3'],
      ['poll.certification_signed', 'user:presidium3'],
    ]);
    expect(trail.at(-1)!.details).toMatchObject({ decision: d.id, signers: [ids.staff, ids.p2, ids.p3], certified: true });
  });

  it('a member answers once, for themself, only a decision naming them; staff and deputies cannot sign', async () => {
    const { h, pollId } = await countedPoll();
    const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2, ids.p3] })).body, 'certify');
    // The recorder signed by recording it.
    await refused(sign(staff, pollId, d.id), 409, 'ALREADY_ANSWERED');
    await refused(sign(staff, pollId, d.id, 'decline'), 409, 'ALREADY_ANSWERED');
    await refused(sign(p4, pollId, d.id), 403, 'NOT_NAMED_SIGNER');
    await refused(sign(staffOnly, pollId, d.id), 403, 'FORBIDDEN');
    await refused(sign(h.deputies[0]!.client, pollId, d.id), 403, 'FORBIDDEN');
    await refused(withdraw(staffOnly, pollId, d.id), 403, 'FORBIDDEN');
    await refused(p2.post(`/api/polls/${pollId}/presidium-decisions/${d.id}/signatures`, { answer: 'maybe' }), 400, 'VALIDATION');
    // A decision of another poll, or none, is not found through this poll.
    const other = await countedPoll();
    await refused(sign(p2, other.pollId, d.id), 404, 'NOT_FOUND');
    await refused(sign(p2, pollId, other.pollId), 404, 'NOT_FOUND');
    // A signature names no one but the account giving it: another member's id in the body is ignored.
    const mine = await p2.post<Poll>(`/api/polls/${pollId}/presidium-decisions/${d.id}/signatures`, { answer: 'sign', userId: ids.p3 });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(pendingOf(mine.body, 'certify').named.map((n) => [n.userId, n.answer])).toEqual([
      [ids.staff, 'sign'],
      [ids.p2, 'sign'],
      [ids.p3, null],
    ]);
    await refused(sign(p2, pollId, d.id), 409, 'ALREADY_ANSWERED');
    await refused(sign(p2, pollId, d.id, 'decline'), 409, 'ALREADY_ANSWERED');
  });

  it('the database refuses a second signature, a signature by a member not named, any edit or delete, and a signature on a settled decision', async () => {
    const { pollId } = await countedPoll();
    const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2, ids.p3] })).body, 'certify');
    const before = await snapshot(t.url);
    await withPg(t.url, async (c) => {
      const ins = (user: string) => c.query(`insert into presidium_decision_signatures (decision_id, user_id, answer) values ($1, $2, 'sign')`, [d.id, user]);
      await expect(ins(ids.staff)).rejects.toThrow(/duplicate key/);
      await expect(ins(p4Id)).rejects.toThrow(/foreign key/);
      await expect(c.query(`update presidium_decision_signatures set answer = 'decline'`)).rejects.toThrow(/fixed/);
      await expect(c.query(`update presidium_decision_signatures set user_id = $1`, [ids.p2])).rejects.toThrow(/fixed/);
      await expect(c.query(`delete from presidium_decision_signatures`)).rejects.toThrow(/fixed/);
      await expect(c.query(`update presidium_decisions set meeting = 'x' where id = $1`, [d.id])).rejects.toThrow(/fixed/);
      await expect(c.query(`update presidium_decisions set status = 'effective', settled_at = now(), meeting = 'x' where id = $1`, [d.id])).rejects.toThrow(/fixed/);
      await expect(c.query(`delete from presidium_decisions where id = $1`, [d.id])).rejects.toThrow(/fixed/);
      await expect(c.query(`insert into presidium_decisions (poll_id, kind, meeting, decided_on, recorded_by) values ($1, 'certify', 'x', '2027-01-15', $2)`, [pollId, ids.p2])).rejects.toThrow(
        /duplicate key/,
      );
    });
    expect(await snapshot(t.url)).toEqual(before);
    expect((await withdraw(staff, pollId, d.id)).status).toBe(200);
    await withPg(t.url, async (c) => {
      await expect(c.query(`insert into presidium_decision_signatures (decision_id, user_id, answer) values ($1, $2, 'sign')`, [d.id, ids.p2])).rejects.toThrow(/no longer pending/);
      await expect(c.query(`update presidium_decisions set status = 'pending', settled_at = null where id = $1`, [d.id])).rejects.toThrow(/fixed/);
    });
  });

  it('two last signatures at once take effect once; the polls of a session keep distinct 公告 numbers', async () => {
    const first = await countedPoll();
    const polls = [first.pollId, (await countedPoll({}, first.h)).pollId, (await countedPoll({}, first.h)).pollId];
    const decisions: string[] = [];
    for (const pollId of polls) {
      const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: all() })).body, 'certify');
      expect((await sign(p2, pollId, d.id)).body.status).toBe('closed');
      decisions.push(d.id);
    }
    // p3 and p4 each give what would be the third signature, on all three polls at once.
    const answers = await Promise.all(polls.flatMap((pollId, i) => [sign(p3, pollId, decisions[i]!), sign(p4, pollId, decisions[i]!)]));
    for (let i = 0; i < polls.length; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(pair.map((a) => a.status).sort(), JSON.stringify(pair.map((a) => a.body))).toEqual([200, 409]);
      expectErrorBody(pair.find((a) => a.status === 409)!.body, 'DECISION_NOT_PENDING');
      expect(pair.find((a) => a.status === 200)!.body.status).toBe('certified');
    }
    const numbers = await Promise.all(polls.map(numberOf));
    expect([...numbers].sort()).toEqual([1, 2, 3]);
    for (const pollId of polls) {
      const p = (await staff.get<Poll>(`/api/polls/${pollId}`)).body;
      expect(p.certification.decisions!.map((d) => [d.kind, d.signers.length])).toEqual([['certify', 3]]);
      expect(presidiumSignoffs(p)).toHaveLength(3);
      expect((await auditOf(pollId)).filter((a) => a.action === 'poll.certification_signed')).toHaveLength(1);
      expect((await auditOf(pollId)).filter((a) => a.action === 'presidium.decision_signed')).toHaveLength(3);
    }
  });

  it('the recorder withdraws a pending decision; one pending decision of a kind at a time', async () => {
    const { pollId } = await countedPoll();
    const d = pendingOf((await decide(staff, pollId, { kind: 'reject', signerIds: all(), reason: '收回票数需复核' })).body, 'reject');
    await refused(decide(p2, pollId, { kind: 'reject', signerIds: [ids.p2, ids.p3, p4Id], reason: '另行退回' }), 409, 'DECISION_PENDING');
    await refused(withdraw(p2, pollId, d.id), 403, 'NOT_RECORDER');
    expect((await sign(p2, pollId, d.id)).status).toBe(200);
    const gone = await withdraw(staff, pollId, d.id);
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(gone.body.status).toBe('closed');
    expect(gone.body.certification.pending).toEqual([]);
    expect(presidiumSignoffs(gone.body)).toEqual([]);
    await refused(withdraw(staff, pollId, d.id), 409, 'DECISION_NOT_PENDING');
    await refused(sign(p3, pollId, d.id), 409, 'DECISION_NOT_PENDING');
    // The place is free for another decision of the kind; the withdrawn one stays on record.
    const again = await decide(p2, pollId, { kind: 'reject', signerIds: [ids.p2, ids.p3, p4Id], reason: '另行退回' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const rows = await withPg(t.url, async (c) => (await c.query(`select status from presidium_decisions where poll_id = $1 order by recorded_at`, [pollId])).rows.map((r) => r.status));
    expect(rows).toEqual(['withdrawn', 'pending']);
    expect((await auditOf(pollId)).some((a) => a.action === 'presidium.decision_withdrawn' && a.details.decision === d.id)).toBe(true);
  });

  it('declines that leave too few to sign settle the decision as declined', async () => {
    const { pollId } = await countedPoll();
    const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2, ids.p3, p4Id] })).body, 'certify');
    const one = await sign(p2, pollId, d.id, 'decline');
    expect(pendingOf(one.body, 'certify').named.find((n) => n.userId === ids.p2)!.answer).toBe('decline');
    const two = await sign(p3, pollId, d.id, 'decline');
    expect(two.status, JSON.stringify(two.body)).toBe(200);
    expect(two.body.status).toBe('closed');
    expect(two.body.certification.pending).toEqual([]);
    await refused(sign(p4, pollId, d.id), 409, 'DECISION_NOT_PENDING');
    expect((await auditOf(pollId)).filter((a) => a.action === 'presidium.decision_declined').map((a) => a.details.outcome)).toEqual(['pending', 'declined']);
    expect((await decide(p4, pollId, { kind: 'certify', signerIds: [p4Id, ids.p2, ids.p3] })).status).toBe(200);
  });

  it('no member signs both ways: a pending signature counts against a sign-off the other way, and the reverse', async () => {
    const { pollId } = await countedPoll();
    const rej = pendingOf((await decide(staff, pollId, { kind: 'reject', signerIds: all(), reason: '收回票数需复核' })).body, 'reject');
    expect((await sign(p2, pollId, rej.id)).status).toBe(200);
    // p2 signed the return: not a certification too, by sign-off or by decision.
    await refused(p2.post(`/api/polls/${pollId}/certify`), 409, 'ALREADY_SIGNED');
    await refused(decide(p3, pollId, { kind: 'certify', signerIds: [ids.p3, ids.p2, p4Id] }), 409, 'ALREADY_SIGNED');
    // p3 certifies on their own account, and then cannot sign the return.
    expect((await p3.post<Poll>(`/api/polls/${pollId}/certify`)).body.status).toBe('closed');
    await refused(sign(p3, pollId, rej.id), 409, 'ALREADY_SIGNED');
    // p3 may still decline it.
    expect((await sign(p3, pollId, rej.id, 'decline')).status).toBe(200);
    const back = await sign(p4, pollId, rej.id);
    expect(back.body.status).toBe('rejected');
    // Each sign-off at the time it was given.
    expect(presidiumSignoffs(back.body)).toEqual(['staff1:reject', 'presidium2:reject', 'presidium3:certify', 'presidium4:reject']);
  });

  it('a pending decision lapses when the poll is certified or returned otherwise', async () => {
    const { pollId } = await countedPoll({ certifyK: 2 });
    const cert = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2] })).body, 'certify');
    const back = await decideAndSign(p3, [p4], pollId, { kind: 'reject', signerIds: [ids.p3, p4Id], reason: '收回票数需复核' });
    expect(back.body.status).toBe('rejected');
    expect(back.body.certification.pending).toEqual([]);
    await refused(sign(p2, pollId, cert.id), 409, 'DECISION_NOT_PENDING');
    await refused(withdraw(staff, pollId, cert.id), 409, 'DECISION_NOT_PENDING');
    const rows = await withPg(t.url, async (c) => (await c.query(`select kind, status from presidium_decisions where poll_id = $1 order by recorded_at`, [pollId])).rows);
    expect(rows).toEqual([
      { kind: 'certify', status: 'lapsed' },
      { kind: 'reject', status: 'effective' },
    ]);
  });

  it('a member of another congress, even if named before moving there, can neither sign nor withdraw it, nor sees it pending', async () => {
    const { pollId } = await countedPoll();
    const townId = await me(await userClient(t, admin, 'zhen-presidium', ['presidium']));
    // Named while a member for the whole installation; another congress's member cannot be named
    // (tests/presidium-privacy.api.test.ts).
    const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2, townId] })).body, 'certify');
    expect((await admin.req('PUT', `/api/users/${townId}/unit`, { unit: { level: 'township', name: '某镇人大' } })).status).toBe(200);
    // A new congress ends the account's sessions: it logs in again, as the township's member.
    const town = new Client(t.app);
    expect((await town.post('/api/auth/login', { username: 'zhen-presidium', password: 'a long enough password' })).status).toBe(200);
    await refused(sign(town, pollId, d.id), 404, 'NOT_FOUND');
    await refused(sign(town, pollId, d.id, 'decline'), 404, 'NOT_FOUND');
    await refused(withdraw(town, pollId, d.id), 404, 'NOT_FOUND');
    const list = await town.get<{ decision: { id: string } }[]>('/api/presidium/decisions/pending');
    expect(list.status).toBe(200);
    expect(list.body.some((x) => x.decision.id === d.id)).toBe(false);
  });

  it('a decision recorded before members signed on their own accounts reads as in effect, signed by the members it names', async () => {
    const { pollId, C } = await tiedPoll();
    // As the migration leaves such a row: in effect since it was recorded, its named members, no signatures.
    await withPg(t.url, async (c) => {
      const d = await c.query(
        `insert into presidium_decisions (poll_id, kind, meeting, decided_on, chosen, recorded_by, status, settled_at) values ($1, 'tie', '主席团第二次会议', '2027-01-14', $2, $3, 'effective', now()) returning id`,
        [pollId, JSON.stringify([C]), ids.staff],
      );
      await c.query(`insert into presidium_decision_signers (decision_id, user_id, position) values ($1, $2, 1), ($1, $3, 2)`, [d.rows[0].id, ids.staff, ids.p2]);
    });
    const p = (await staff.get<Poll>(`/api/polls/${pollId}`)).body;
    expect(p.certification.tieUndecided).toBe(false);
    expect(p.certification.decisions).toMatchObject([{ kind: 'tie', status: 'effective', signers: [{ userId: ids.staff }, { userId: ids.p2 }] }]);
    expect(p.certification.decisions![0]!.named.map((n) => n.answer)).toEqual([null, null]);
  });

  it('the presidium’s list of decisions awaiting signatures', async () => {
    const { h, pollId } = await countedPoll();
    const d = pendingOf((await decide(staff, pollId, { kind: 'certify', signerIds: [ids.staff, ids.p2, ids.p3] })).body, 'certify');
    const list = await p2.get<{ decision: { id: string; named: { userId: string; answer: string | null }[] }; pollTitle: string; sessionId: string }[]>('/api/presidium/decisions/pending');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const mine = list.body.find((x) => x.decision.id === d.id);
    expect(mine).toMatchObject({ sessionId: h.sessionId, decision: { named: [{ userId: ids.staff, answer: 'sign' }, { userId: ids.p2, answer: null }, { userId: ids.p3, answer: null }] } });
    expect((await staffOnly.get('/api/presidium/decisions/pending')).status).toBe(200);
    expect((await h.deputies[0]!.client.get('/api/presidium/decisions/pending')).status).toBe(403);
    await withdraw(staff, pollId, d.id);
    expect((await p2.get<{ decision: { id: string } }[]>('/api/presidium/decisions/pending')).body.some((x) => x.decision.id === d.id)).toBe(false);
  });
});
