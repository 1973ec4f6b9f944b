import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperFiguresOf, type BallotBody, type CreateCycleBody, type PaperFigures, type PaperPoll } from '@piaojue/shared';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyArchive } from '../server/src/modules/results/archive.ts';
import type { CycleArchive } from '../server/src/modules/results/archive.service.ts';
import { adoptRules, createTestApp, key, userClient, type Client, type TestApp } from './helpers/app.ts';
import { castOk, expectErrorBody, hall, rowOf, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

/** Paper ballots (docs/PROCEDURE.md, "Paper ballots"): issuing, the two entries, the confirmation, the combined count. */
let t: TestApp;
let admin: Client, staff: Client, teller1: Client, teller2: Client, teller3: Client, notTeller: Client, presidium: Client;
const ids: Record<string, string> = {};

async function userId(c: Client): Promise<string> {
  return (await c.get('/api/auth/me')).body.user.id as string;
}

/** A hall whose deputy 0 is the 总监票人 and deputy 1 a 监票人; tellers 1–3 are its 计票人. */
async function paperHall(opts: { deputies?: number; cycle?: Partial<CreateCycleBody> } = {}): Promise<Hall> {
  const h = await hall(t, staff, { deputies: opts.deputies ?? 8, adopt: false, ...(opts.cycle && { cycle: opts.cycle }) });
  const r = await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, {
    scrutineers: [
      { deputyId: h.deputies[0]!.id, chief: true },
      { deputyId: h.deputies[1]!.id, chief: false },
    ],
    counterIds: [ids.teller1, ids.teller2, ids.teller3],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // the plenary adopts the 票决办法 with this list (docs/PROCEDURE.md §3)
  await adoptRules(staff, h.sessionId);
  return h;
}

async function newPoll(h: Hall, whole = false): Promise<string> {
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  if (whole) expect((await staff.req('PUT', `/api/polls/${poll.body.id}/paper/mode`, { whole: true })).status).toBe(200);
  const open = await staff.post(`/api/polls/${poll.body.id}/open`, {});
  expect(open.status, JSON.stringify(open.body)).toBe(200);
  return poll.body.id as string;
}

const formOf = (h: Hall, type: PaperPoll['ballotType'] = 'approve', choose = 3): PaperPoll => ({ ballotType: type, choose, candidateIds: h.candidateIds, allowAbstain: true });
const approve = (h: Hall, ...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'abstain'])) });

const verifyScript = (file: string) => spawnSync('pnpm', ['--silent', 'archive:verify', file], { encoding: 'utf8' });
const enter = (c: Client, pollId: string, figures: unknown) => c.post(`/api/polls/${pollId}/paper/entries`, { figures });
const amend = (c: Client, pollId: string, figures: unknown) => c.req('PUT', `/api/polls/${pollId}/paper/entries/mine`, { figures });

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  teller1 = await userClient(t, admin, 'jipiao1', ['staff']);
  teller2 = await userClient(t, admin, 'jipiao2', ['staff']);
  teller3 = await userClient(t, admin, 'jipiao3', ['staff']);
  notTeller = await userClient(t, admin, 'staff2', ['staff']);
  presidium = await userClient(t, admin, 'zhuxituan1', ['presidium']);
  [ids.teller1, ids.teller2, ids.teller3] = await Promise.all([userId(teller1), userId(teller2), userId(teller3)]);
});
afterAll(async () => {
  await t?.close();
});

describe('mixed: two deputies on paper, the rest on tablets', () => {
  it('runs from issuing to the combined count, refusing every step out of turn', async () => {
    const h = await paperHall();
    const pollId = await newPoll(h);
    const [p6, p7] = [h.deputies[6]!, h.deputies[7]!];
    expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: p6.id })).status).toBe(200);
    const issued = await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: p7.id });
    expect(issued.body.deputies.map((d: { deputyId: string }) => d.deputyId).sort()).toEqual([p6.id, p7.id].sort());
    // the tablet knows: it shows no ballot to a deputy issued a paper one
    expect((await p6.client.get('/api/deputy/state')).body.ballot).toEqual({ issued: true, voted: false, paper: true });
    expect((await h.deputies[5]!.client.get('/api/deputy/state')).body.ballot).toEqual({ issued: true, voted: false, paper: false });

    // the paper deputy's tablet can no longer cast, and nothing is written
    const before = await snapshot(t.url);
    const refused = await p6.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: approve(h, 0) });
    expect(refused.status).toBe(409);
    expectErrorBody(refused.body, 'PAPER_BALLOT_ISSUED');
    expect(await snapshot(t.url)).toEqual(before);
    // the database itself refuses to mark a paper entry voted
    await expect(withPg(t.url, (c) => c.query(`update poll_roll set voted = true, key_hash = 'x' where poll_id = $1 and deputy_id = $2`, [pollId, p6.id]))).rejects.toThrow(/poll_roll_paper_not_cast/);

    const tablets = [approve(h, 0, 1, 2), approve(h, 0, 1), approve(h, 0, 3), approve(h, 1, 2), approve(h, 0), approve(h)];
    for (const [i, b] of tablets.entries()) await castOk(h.deputies[i]!.client, pollId, b);
    const late = await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: h.deputies[0]!.id });
    expectErrorBody(late.body, 'PAPER_ALREADY_VOTED');

    const paperBallots = [approve(h, 2, 3, 4), approve(h, 3, 4)];
    const good = paperFiguresOf(formOf(h), paperBallots, { issued: 2 });
    const whileOpen = await enter(teller1, pollId, good);
    expect(whileOpen.status).toBe(409);
    expectErrorBody(whileOpen.body, 'PAPER_VOTE_OPEN');

    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.body.status).toBe('counting');
    expect(closed.body.result).toBeNull();
    expectErrorBody((await staff.post(`/api/polls/${pollId}/certify`)).body, 'POLL_STATE');

    // who may enter: a 计票人 of this session, nobody else
    expectErrorBody((await enter(notTeller, pollId, good)).body, 'PAPER_NOT_COUNTER');
    expect((await enter(presidium, pollId, good)).status).toBe(403);
    expect((await enter(p6.client, pollId, good)).status).toBe(403);

    expect((await enter(teller1, pollId, good)).status).toBe(200);
    const twice = await enter(teller1, pollId, good);
    expect(twice.status).toBe(409);
    expectErrorBody(twice.body, 'PAPER_ALREADY_ENTERED');
    // the second teller does not see the first one's figures before entering
    const one = await teller2.get(`/api/polls/${pollId}/paper`);
    expect(one.body.entries).toHaveLength(1);
    expect(one.body.entries[0].figures).toBeNull();
    expect(one.body.reconciled).toBeNull();

    // one deliberate difference: the second teller reads one 赞成 of project 3 as 弃权
    const slip = structuredClone(good);
    const c3 = slip.candidates.find((c) => c.candidateId === h.candidateIds[2])!;
    c3.counts = { for: 0, against: 0, abstain: 2 };
    expect((await enter(teller2, pollId, slip)).status).toBe(200);
    expectErrorBody((await enter(teller3, pollId, good)).body, 'PAPER_ENTRIES_FULL');
    const both = await staff.get(`/api/polls/${pollId}/paper`);
    expect(both.body.differences).toEqual([
      { field: `candidates.${h.candidateIds[2]}.for`, first: 1, second: 0 },
      { field: `candidates.${h.candidateIds[2]}.abstain`, first: 1, second: 2 },
    ]);
    expect(both.body.reconciled).toBeNull();

    // the 总监票人 cannot confirm figures that differ; nobody else can confirm at all
    const chief = h.deputies[0]!.client;
    const review = await chief.get(`/api/polls/${pollId}/paper/review`);
    expect(review.status).toBe(200);
    expect(review.body.reconciled).toBeNull();
    expectErrorBody((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: 'a'.repeat(64) })).body, 'PAPER_NOT_RECONCILED');
    expectErrorBody((await amend(teller3, pollId, good)).body, 'PAPER_NOT_ENTERED');

    expect((await amend(teller2, pollId, good)).status).toBe(200);
    const agreed = await chief.get(`/api/polls/${pollId}/paper/review`);
    const hash = agreed.body.reconciled.figuresHash as string;
    for (const other of [h.deputies[1]!.client, h.deputies[5]!.client, p6.client]) {
      const r = await other.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash });
      expect(r.status).toBe(403);
      expectErrorBody(r.body, 'PAPER_NOT_CHIEF');
    }
    expect((await staff.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash })).status).toBe(403);
    expectErrorBody((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: 'b'.repeat(64) })).body, 'PAPER_STALE');

    const confirmed = await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.confirmedAt).toBeTypeOf('string');

    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.status).toBe('closed');
    // combined: project 1 has 4 赞成 on tablets, 0 on paper; project 5 none and 2
    expect(rowOf(poll.result, h.candidateIds[0]!).for).toBe(4);
    expect(rowOf(poll.result, h.candidateIds[2]!).for).toBe(3);
    expect(rowOf(poll.result, h.candidateIds[4]!).for).toBe(2);
    expect(rowOf(poll.result, h.candidateIds[4]!).abstain).toBe(6);
    expect(poll.result.record).toMatchObject({ seated: 8, present: 8, issued: 8, returned: 8, valid: 8, invalid: 0 });
    expect(poll.result.paper.electronic).toMatchObject({ issued: 6, returned: 6, valid: 6 });
    expect(poll.result.paper.paper).toMatchObject({ issued: 2, returned: 2, valid: 2 });
    // with the test cycles' minimum of one ballot, each part may be shown on its own
    expect(poll.result.paper.split.find((r: { candidateId: string }) => r.candidateId === h.candidateIds[4]).paper).toMatchObject({ for: 2 });

    // confirmed: the entries are closed
    expectErrorBody((await amend(teller1, pollId, good)).body, 'POLL_STATE');
    expectErrorBody((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash })).body, 'POLL_STATE');
    expect((await staff.post(`/api/polls/${pollId}/certify`)).body.status).toBe('certified');
    // certified: the paper figures are as immutable as the box
    await expect(withPg(t.url, (c) => c.query(`update paper_counts set figures = '{}' where poll_id = $1`, [pollId]))).rejects.toThrow(/immutable/);

    // the archive carries both entries and the confirmed figures; archive:verify re-checks them
    const archive = (await staff.get(`/api/cycles/${h.cycleId}/archive`)).body as CycleArchive;
    expect(archive.format).toBe('piaojue-cycle-archive/5');
    const entry = archive.polls.find((x) => x.poll.id === pollId)!;
    expect(entry.paper?.entries).toHaveLength(2);
    expect(entry.roll.filter((r) => r.paper).map((r) => r.deputy_id).sort()).toEqual([p6.id, p7.id].sort());
    const checks = verifyArchive(archive);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.find((c) => c.name === `poll ${pollId} recount`)?.detail).toBe('6 ballots and 2 paper ballots recounted, result identical');
    const dir = mkdtempSync(path.join(tmpdir(), 'paper-archive-'));
    const file = path.join(dir, 'archive.json');
    writeFileSync(file, JSON.stringify(archive));
    expect(verifyScript(file).status).toBe(0);

    // an edited paper figure: consistent or not, the check fails
    const edited = JSON.parse(JSON.stringify(archive)) as CycleArchive;
    const figures = edited.polls.find((x) => x.poll.id === pollId)!.paper!.count!.figures as PaperFigures;
    figures.candidates[4]!.counts = { for: 1, against: 0, abstain: 1 };
    writeFileSync(file, JSON.stringify(edited));
    const failed = verifyScript(file);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(`✗ poll ${pollId} recount`);
    // the edited figure is named: in the entries, in the audit chain's record, in the recount
    expect(failed.stdout).toContain(`✗ poll ${pollId} paper entries: the entries differ from the confirmed figures: entry 1 candidates[项目5].for 2, confirmed 1`);
    expect(failed.stdout).toContain(`✗ poll ${pollId} paper figures = audit`);
    expect(failed.stdout).toMatch(/rows\[项目5\]\.for stored \d+, recounted \d+/);
    // edited everywhere alike (both entries and the stored result too), the audit chain still tells
    const all = JSON.parse(JSON.stringify(edited)) as CycleArchive;
    const pe = all.polls.find((x) => x.poll.id === pollId)!;
    for (const e of pe.paper!.entries) (e.figures as PaperFigures).candidates[4]!.counts = { for: 1, against: 0, abstain: 1 };
    const recounted = verifyArchive(all);
    expect(recounted.find((c) => c.name === `poll ${pollId} paper entries`)!.ok).toBe(true);
    expect(recounted.find((c) => c.name === `poll ${pollId} paper figures = audit`)!.ok).toBe(false);
    figures.returned = 3;
    expect(verifyArchive(edited).find((c) => c.name === `poll ${pollId} paper figures`)).toMatchObject({ ok: false, detail: expect.stringContaining('PAPER_RETURNED_OVER_ISSUED') });
    rmSync(dir, { recursive: true });
  });
});

describe('bad figures: each refused with its code, nothing saved', () => {
  it('approve form', async () => {
    const h = await paperHall({ deputies: 6 });
    const pollId = await newPoll(h);
    for (const d of h.deputies.slice(4)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
    for (const d of h.deputies.slice(0, 4)) await castOk(d.client, pollId, approve(h, 0));
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    const good = paperFiguresOf(formOf(h), [approve(h, 0, 1, 2)], { issued: 2, invalidReasons: { too_many: 1 } });
    const withCandidate = (i: number, counts: Record<string, number>) => ({ ...good, candidates: good.candidates.map((c, j) => (j === i ? { ...c, counts } : c)) });
    const cases: [string, unknown][] = [
      ['PAPER_RETURNED_OVER_ISSUED', { ...good, issued: 2, returned: 3, valid: 2, invalidReasons: { too_many: 1 }, candidates: good.candidates.map((c) => ({ ...c, counts: { for: c.counts.for! * 2, against: 0, abstain: c.counts.abstain! * 2 } })) }],
      ['PAPER_RETURNED_SUM', { ...good, valid: 2 }],
      ['PAPER_REASONS_SUM', { ...good, invalidReasons: { too_many: 1, unreadable: 1 } }],
      ['PAPER_CANDIDATE_SUM', withCandidate(3, { for: 0, against: 1, abstain: 1 })],
      ['PAPER_TOTAL_OVER_N', withCandidate(3, { for: 1, against: 0, abstain: 0 })],
      ['PAPER_FIELDS', { ...good, candidates: good.candidates.slice(1) }],
      ['PAPER_FIELDS', { ...good, invalidReasons: { double_mark: 1 } }],
      ['PAPER_FIELDS', withCandidate(0, { chosen: 1 })],
      ['PAPER_NUMBER', { ...good, issued: -2 }],
      ['PAPER_NUMBER', withCandidate(0, { for: 0.5, against: 0, abstain: 0.5 })],
      ['PAPER_ISSUED_ROLL', { ...good, issued: 3 }],
      ['VALIDATION', { ...good, valid: 'one' }],
      ['VALIDATION', { ...good, candidates: 'all' }],
    ];
    const before = await snapshot(t.url);
    for (const [code, figures] of cases) {
      const r = await enter(teller1, pollId, figures);
      expect(r.status, `${code}: ${JSON.stringify(r.body)}`).toBe(400);
      expectErrorBody(r.body, code);
    }
    expect(await snapshot(t.url)).toEqual(before);
    expect((await enter(teller1, pollId, good)).status).toBe(200);
    // an amendment is checked the same way, and a refused one leaves the entry as it was
    const entered = await snapshot(t.url);
    expectErrorBody((await amend(teller1, pollId, { ...good, valid: 2 })).body, 'PAPER_RETURNED_SUM');
    expect(await snapshot(t.url)).toEqual(entered);
  });

  it('choose and rank forms: counts above the valid ballots, per candidate and per position', async () => {
    for (const [type, code, bad] of [
      ['choose', 'PAPER_CANDIDATE_OVER_VALID', (f: PaperFigures) => ({ ...f, candidates: f.candidates.map((c, i) => (i === 0 ? { ...c, counts: { chosen: 3 } } : c)) })],
      ['rank', 'PAPER_POSITION_OVER_VALID', (f: PaperFigures) => ({ ...f, candidates: f.candidates.map((c, i) => (i === 3 ? { ...c, counts: { '1': 2, '2': 0, '3': 0 } } : c)) })],
    ] as const) {
      const h = await paperHall({ deputies: 4, cycle: { ballotType: type } });
      const pollId = await newPoll(h, true);
      expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
      const ballots: BallotBody[] = type === 'choose' ? [{ type, selected: [h.candidateIds[0]!] }, { type, selected: [h.candidateIds[1]!] }] : [{ type, ranking: [h.candidateIds[0]!, h.candidateIds[1]!] }, { type, ranking: [h.candidateIds[1]!] }];
      const good = paperFiguresOf(formOf(h, type), ballots, { issued: 4 });
      const before = await snapshot(t.url);
      const r = await enter(teller1, pollId, bad(good));
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expectErrorBody(r.body, code);
      expect(await snapshot(t.url)).toEqual(before);
      expect((await enter(teller1, pollId, good)).status).toBe(200);
    }
  });

  it('收回 > 发出 voids the vote: the figures are refused and the poll can only be cancelled', async () => {
    const h = await paperHall({ deputies: 4 });
    const pollId = await newPoll(h, true);
    await staff.post(`/api/polls/${pollId}/close`);
    const over = paperFiguresOf(formOf(h), [approve(h, 0), approve(h, 1), approve(h, 2), approve(h, 0), approve(h, 1)], { issued: 4 });
    const r = await enter(teller1, pollId, over);
    expectErrorBody(r.body, 'PAPER_RETURNED_OVER_ISSUED');
    expect(r.body.error.messageZh).toContain('无效');
    const cancelled = await staff.post(`/api/polls/${pollId}/cancel`, { reason: '收回票数多于发出票数，表决无效' });
    expect(cancelled.body.status).toBe('cancelled');
    expectErrorBody((await enter(teller1, pollId, over)).body, 'POLL_STATE');
  });
});

describe('whole poll on paper', () => {
  it('issues only paper ballots (late arrivals too), refuses every tablet, and counts the paper figures', async () => {
    const h = await hall(t, staff, { deputies: 6, present: 5, adopt: false });
    await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, { scrutineers: [{ deputyId: h.deputies[0]!.id, chief: true }, { deputyId: h.deputies[1]!.id, chief: false }], counterIds: [ids.teller1, ids.teller2] });
    await adoptRules(staff, h.sessionId);
    const pollId = await newPoll(h, true);
    expectErrorBody((await staff.req('PUT', `/api/polls/${pollId}/paper/mode`, { whole: false })).body, 'POLL_STATE');
    expect((await h.deputies[5]!.client.post('/api/deputy/checkin')).status).toBe(200);
    const state = await staff.get(`/api/polls/${pollId}/paper`);
    expect(state.body.whole).toBe(true);
    expect(state.body.deputies).toHaveLength(6);
    for (const d of h.deputies) expectErrorBody((await d.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: approve(h, 0) })).body, 'PAPER_BALLOT_ISSUED');
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    const figures = paperFiguresOf(formOf(h), [approve(h, 0, 1), approve(h, 0), approve(h, 2), approve(h, 0, 1, 2), approve(h)], { issued: 6, invalidReasons: { unreadable: 1 } });
    expect((await enter(teller1, pollId, figures)).status).toBe(200);
    expect((await enter(teller2, pollId, figures)).status).toBe(200);
    const chief = h.deputies[0]!.client;
    const hash = (await chief.get(`/api/polls/${pollId}/paper/review`)).body.reconciled.figuresHash;
    expect((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash })).status).toBe(200);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.result.record).toMatchObject({ seated: 6, present: 6, issued: 6, returned: 6, valid: 5, invalid: 1 });
    expect(poll.result.paper.electronic).toMatchObject({ issued: 0, returned: 0 });
    expect(poll.result.paper.invalidReasons).toMatchObject({ unreadable: 1 });
    expect(poll.result.chosen).toEqual([h.candidateIds[0], h.candidateIds[1], h.candidateIds[2]]);
    expect(rowOf(poll.result, h.candidateIds[0]!).for).toBe(3);
  });
});

describe('secrecy', () => {
  it('two deputies on paper: no count before the whole, and no count at all when their part is below the minimum', async () => {
    // a minimum of 2: the two paper ballots reach it, the count waits for them and shows nothing meanwhile
    const h = await paperHall({ deputies: 9, cycle: { minBallots: 2 } });
    const pollId = await newPoll(h);
    for (const d of h.deputies.slice(7)) await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id });
    for (const d of h.deputies.slice(0, 7)) await castOk(d.client, pollId, approve(h, 0, 1));
    const counting = await staff.post(`/api/polls/${pollId}/close`);
    expect(counting.body.status).toBe('counting');
    // nothing of the tablets' count shows while the paper count is pending: not to staff, the hall or a deputy
    expect((await staff.get(`/api/polls/${pollId}`)).body.result).toBeNull();
    expect((await h.deputies[3]!.client.get(`/api/polls/${pollId}`)).body.result).toBeNull();
    const hallState = await staff.get(`/api/sessions/${h.sessionId}/hall`);
    expect(hallState.body.poll.status).toBe('counting');
    expect(hallState.body.poll.result).toBeNull();
    expect((await staff.get(`/api/polls/${pollId}/announcement`)).status).not.toBe(200);
    expect((await staff.get(`/api/polls/${pollId}/export.csv`)).status).not.toBe(200);

    const figures = paperFiguresOf(formOf(h), [approve(h, 4), approve(h, 4)], { issued: 2 });
    await enter(teller1, pollId, figures);
    await enter(teller2, pollId, figures);
    const chief = h.deputies[0]!.client;
    const hash = (await chief.get(`/api/polls/${pollId}/paper/review`)).body.reconciled.figuresHash;
    expect((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash })).status).toBe(200);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(rowOf(poll.result, h.candidateIds[4]!).for).toBe(2);
    // each part reaches the minimum, so each is shown
    expect(poll.result.paper.paper).toMatchObject({ returned: 2 });
    expect(poll.result.paper.split).not.toBeNull();
    const audit = await withPg(t.url, (c) => c.query(`select details::text as d from audit_log where action = 'poll.paper_confirmed'`));
    for (const row of audit.rows as { d: string }[]) expect(row.d).not.toContain(h.candidateIds[4]);

    // a minimum of 5: the two paper ballots, alone or as the total less the tablets' part, would
    // show how those two voted; the close is refused (more in tests/count-release.api.test.ts)
    const short = await paperHall({ deputies: 9, cycle: { minBallots: 5 } });
    const shortPoll = await newPoll(short);
    for (const d of short.deputies.slice(7)) await staff.post(`/api/polls/${shortPoll}/paper/deputies`, { deputyId: d.id });
    for (const d of short.deputies.slice(0, 7)) await castOk(d.client, shortPoll, approve(short, 0, 1));
    const refused = await staff.post(`/api/polls/${shortPoll}/close`);
    expectErrorBody(refused.body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
    expect(refused.body.error.details).toEqual({ channel: 'paper', ballots: 2, minimum: 5 });
    expect((await staff.get(`/api/polls/${shortPoll}`)).body).toMatchObject({ status: 'open', result: null });
  });
});
