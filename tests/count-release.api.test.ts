import { cryptoReady, verifyBulletin } from '@piaojue/shared/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countReleasable, paperFiguresOf, tally, type BallotBody, type CreateCycleBody, type PaperFigures } from '@piaojue/shared';
import { adoptRules, Client, createTestApp, userClient, type TestApp } from './helpers/app.ts';
import { runCeremony, type Ceremony } from './helpers/encrypted.ts';
import { castEncrypted, castOk, decryptAs, expectErrorBody, hall, openPoll, snapshot, staffPair, withPg, type Hall } from './helpers/world.ts';

/**
 * The minimum number of ballots holds for each channel of a poll, tablets and paper, not only for
 * the whole (docs/PROCEDURE.md §3, "Minimum ballots"): a mixed poll in which one channel holds a
 * few ballots is never counted, at the close (the tablets' ballots, the paper ballots issued) or
 * when the paper count comes in (the paper ballots returned), plain or encrypted; it can only be
 * cancelled. Every refusal changes nothing.
 */
let t: TestApp;
let admin: Client, staff: Client, teller1: Client, teller2: Client;
const tellerIds: string[] = [];

beforeAll(async () => {
  await cryptoReady();
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  teller1 = await userClient(t, admin, 'jipiao1', ['staff']);
  teller2 = await userClient(t, admin, 'jipiao2', ['staff']);
  for (const c of [teller1, teller2]) tellerIds.push((await c.get('/api/auth/me')).body.user.id as string);
});
afterAll(async () => {
  await t?.close();
});

const MIN = 3;

/** A hall with the given minimum; deputy 0 is the 总监票人; encrypted: deputies 0–2 are the 监票人 and hold the key. */
async function mixedHall(opts: { deputies: number; encrypted?: boolean; cycle?: Partial<CreateCycleBody> }): Promise<Hall & { ceremony?: Ceremony }> {
  const h = await hall(t, staff, { deputies: opts.deputies, candidates: 5, adopt: false, cycle: { minBallots: MIN, ...opts.cycle, ballotMode: opts.encrypted ? 'encrypted' : 'plain' } });
  const guardians = h.deputies.slice(0, opts.encrypted ? 3 : 2);
  const list = { scrutineers: guardians.map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: tellerIds };
  expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list)).status).toBe(200);
  await adoptRules(staff, h.sessionId);
  return opts.encrypted ? { ...h, ceremony: await runCeremony(staff, h.sessionId, guardians) } : h;
}

const approve = (h: Hall, ...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'abstain'])) });
const form = (h: Hall) => ({ ballotType: 'approve' as const, choose: 3, candidateIds: h.candidateIds, allowAbstain: true });

/** The receipts of the last vote(), for the secrecy test. */
let receipts: string[] = [];

/** Opens a poll, issues paper ballots to the last `paper` deputies, and casts `tablets` on the first ones' tablets. */
async function vote(h: Hall, tablets: BallotBody[], paper: number, encrypted = false): Promise<string> {
  const pollId = await openPoll(staff, h.sessionId);
  for (const d of h.deputies.slice(h.deputies.length - paper)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
  receipts = [];
  for (const [i, b] of tablets.entries()) receipts.push(encrypted ? (await castEncrypted(h.deputies[i]!.client, pollId, b)).receipt : await castOk(h.deputies[i]!.client, pollId, b));
  // the proof checks run after the answer and write their verdicts: done before any snapshot
  if (encrypted) await t.app.services.casts.verified(pollId);
  return pollId;
}

/** Both 计票人 enter the figures and the 总监票人 confirms them. */
async function paperCount(h: Hall, pollId: string, figures: PaperFigures) {
  for (const c of [teller1, teller2]) {
    const r = await c.post(`/api/polls/${pollId}/paper/entries`, { figures });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  const chief = h.deputies[0]!.client;
  const hash = (await chief.get(`/api/polls/${pollId}/paper/review`)).body.reconciled.figuresHash as string;
  return chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash });
}

async function boxOf(pollId: string): Promise<{ box: number; trackers: number; sums: unknown }> {
  return withPg(t.url, async (c) => ({
    box: (await c.query('select count(*)::int as n from poll_box where poll_id = $1', [pollId])).rows[0].n,
    trackers: (await c.query('select count(*)::int as n from poll_trackers where poll_id = $1', [pollId])).rows[0].n,
    sums: (await c.query('select encrypted_sums from polls where id = $1', [pollId])).rows[0].encrypted_sums,
  }));
}

/** The refusal: its code, the channel and the minimum in both languages, and nothing changed. */
async function expectRefused(act: () => Promise<{ status: number; body: any }>, channel: 'electronic' | 'paper', ballots: number) {
  const before = await snapshot(t.url);
  const r = await act();
  expect(r.status, JSON.stringify(r.body)).toBe(409);
  expectErrorBody(r.body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
  expect(r.body.error.details).toEqual({ channel, ballots, minimum: MIN });
  expect(r.body.error.messageZh).toContain(`${channel === 'electronic' ? '电子表决的表决票' : '纸质表决票'}仅${ballots}张，少于最低计票数${MIN}张`);
  expect(r.body.error.messageZh).toContain('只能取消');
  expect(r.body.error.messageZh).not.toMatch(/选票|当选/);
  expect(r.body.error.messageEn).toContain(`fewer than the minimum of ${MIN}`);
  expect(await snapshot(t.url)).toEqual(before);
}

async function cancel(pollId: string) {
  const r = await staff.post(`/api/polls/${pollId}/cancel`, { reason: '一部分表决票少于最低计票数' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toMatchObject({ status: 'cancelled', result: null, rating: null });
  expect(await boxOf(pollId)).toEqual({ box: 0, trackers: 0, sums: null });
}

describe('plain ballots', () => {
  it('two tablet ballots beside six paper ones: the close is refused and changes nothing; cancel destroys the ballots', async () => {
    const h = await mixedHall({ deputies: 8 });
    const pollId = await vote(h, [approve(h, 4), approve(h, 4)], 6);
    await expectRefused(() => staff.post(`/api/polls/${pollId}/close`), 'electronic', 2);
    expect((await staff.get(`/api/polls/${pollId}`)).body).toMatchObject({ status: 'open', result: null });
    await cancel(pollId);
  });

  it('two paper ballots beside six tablet ones: the close is refused, whatever comes back, before anyone counts the paper', async () => {
    const h = await mixedHall({ deputies: 8 });
    const pollId = await vote(h, Array.from({ length: 6 }, () => approve(h, 0)), 2);
    await expectRefused(() => staff.post(`/api/polls/${pollId}/close`), 'paper', 2);
    await cancel(pollId);
  });

  it('three paper ballots issued, two returned: the entry of the 计票人 is refused (the figure that reveals is the ballots returned), and the confirmation of the 总监票人 too', async () => {
    const h = await mixedHall({ deputies: 9 });
    const pollId = await vote(h, Array.from({ length: 6 }, () => approve(h, 0, 1)), 3);
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    const two = paperFiguresOf(form(h), [approve(h, 4), approve(h, 4)], { issued: 3 });
    await expectRefused(() => teller1.post(`/api/polls/${pollId}/paper/entries`, { figures: two }), 'paper', 2);
    // nothing was stored: the other 计票人 sees no entry, the archive carries none
    expect((await staff.get(`/api/polls/${pollId}/paper`)).body.entries).toEqual([]);

    // Three returned reach the minimum and are entered; should the minimum then be higher (the
    // rule the 总监票人's confirmation applies again), the confirmation is refused as well.
    const three = paperFiguresOf(form(h), [approve(h, 4), approve(h, 4), approve(h, 3)], { issued: 3 });
    for (const c of [teller1, teller2]) expect((await c.post(`/api/polls/${pollId}/paper/entries`, { figures: three })).status).toBe(200);
    await withPg(t.url, (c) => c.query('update polls set min_ballots = 4 where id = $1', [pollId]));
    const chief = h.deputies[0]!.client;
    const hash = (await chief.get(`/api/polls/${pollId}/paper/review`)).body.reconciled.figuresHash as string;
    const before = await snapshot(t.url);
    const r = await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash });
    expectErrorBody(r.body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
    expect(r.body.error.details).toEqual({ channel: 'paper', ballots: 3, minimum: 4 });
    expect(await snapshot(t.url)).toEqual(before);
    expect((await staff.get(`/api/polls/${pollId}`)).body).toMatchObject({ status: 'counting', result: null });
    // counting: cancelling destroys the tablets' resealed ballots too
    await cancel(pollId);
  });

  it('the countdown ending with a short channel cancels the poll, as for too few ballots in all', async () => {
    const h = await mixedHall({ deputies: 8 });
    const pollId = await vote(h, [approve(h, 4), approve(h, 4)], 6);
    await withPg(t.url, (c) => c.query(`update polls set countdown_seconds = 10, closes_at = now() - interval '1 second' where id = $1`, [pollId]));
    await t.app.services.polls.closeDue();
    expect((await staff.get(`/api/polls/${pollId}`)).body).toMatchObject({ status: 'cancelled', result: null });
    expect(await boxOf(pollId)).toEqual({ box: 0, trackers: 0, sums: null });
    const audit = await withPg(t.url, (c) => c.query(`select actor, details from audit_log where action = 'poll.cancelled' and subject = $1`, [`poll:${pollId}`]));
    expect(audit.rows).toEqual([{ actor: 'system:countdown', details: expect.objectContaining({ reason: 'too_few_ballots_in_channel:electronic', ballotsDestroyed: true }) }]);
  });

  it('both channels at the minimum or more: counted exactly as before, each part shown', async () => {
    const h = await mixedHall({ deputies: 9 });
    const tablets = [approve(h, 0, 1, 2), approve(h, 0, 1), approve(h, 0, 3), approve(h, 1, 2), approve(h, 0), approve(h)];
    const onPaper = [approve(h, 2, 3, 4), approve(h, 3, 4), approve(h, 4)];
    const pollId = await vote(h, tablets, 3);
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    expect((await paperCount(h, pollId, paperFiguresOf(form(h), onPaper, { issued: 3 }))).status).toBe(200);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.status).toBe('closed');
    const all = tally({ rules: { ballotType: 'approve', choose: 3, passThreshold: 'none', tieRule: 'runoff' }, candidates: h.candidateIds.map((id, i) => ({ id, name: `项目${i + 1}` })), ballots: [...tablets, ...onPaper], invalid: 0, seated: 9, present: 9, issued: 9 });
    expect(poll.result.rows).toEqual(all.rows);
    expect(poll.result.chosen).toEqual(all.chosen);
    expect(poll.result.paper.split).not.toBeNull();
    expect(poll.result.paper.paper).toMatchObject({ issued: 3, returned: 3 });
  });
});

describe('encrypted ballots', () => {
  it('two verified ballots beside six paper ones: nothing is summed or decrypted; cancel works', async () => {
    const h = await mixedHall({ deputies: 8, encrypted: true });
    const pollId = await vote(h, [approve(h, 4), approve(h, 4)], 6, true);
    await expectRefused(() => staff.post(`/api/polls/${pollId}/close`), 'electronic', 2);
    expect(await boxOf(pollId)).toMatchObject({ box: 2, sums: null });
    expectErrorBody((await h.ceremony!.guardians[0]!.client.get(`/api/deputy/polls/${pollId}/decryption`)).body, 'POLL_STATE');
    await cancel(pollId);
  });

  it('two paper ballots beside five encrypted ones: refused at the close; three issued, two returned: refused at the entry', async () => {
    const h = await mixedHall({ deputies: 7, encrypted: true });
    const pollId = await vote(h, Array.from({ length: 5 }, () => approve(h, 0)), 2, true);
    await expectRefused(() => staff.post(`/api/polls/${pollId}/close`), 'paper', 2);
    await cancel(pollId);

    const again = await vote(h, Array.from({ length: 4 }, () => approve(h, 0)), 3, true);
    expect((await staff.post(`/api/polls/${again}/close`)).body.status).toBe('counting');
    const two = paperFiguresOf(form(h), [approve(h, 4), approve(h, 4)], { issued: 3 });
    await expectRefused(() => teller1.post(`/api/polls/${again}/paper/entries`, { figures: two }), 'paper', 2);
    await cancel(again);
  });

  it('the 解密 itself refuses a short channel (a poll that reached it under an older rule): no share is taken; cancel clears the sums', async () => {
    const h = await mixedHall({ deputies: 7, encrypted: true });
    const pollId = await vote(h, Array.from({ length: 4 }, () => approve(h, 1)), 3, true);
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    expect((await paperCount(h, pollId, paperFiguresOf(form(h), [approve(h, 4), approve(h, 4), approve(h, 4)], { issued: 3 }))).status).toBe(200);
    expect((await staff.get(`/api/polls/${pollId}`)).body.status).toBe('decrypting');
    await withPg(t.url, (c) => c.query('update polls set min_ballots = 4 where id = $1', [pollId]));
    for (const g of h.ceremony!.guardians) {
      const before = await snapshot(t.url);
      const r = await decryptAs(g, pollId);
      expectErrorBody(r.body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
      expect(r.body.error.details).toEqual({ channel: 'paper', ballots: 3, minimum: 4 });
      expect(await snapshot(t.url)).toEqual(before);
    }
    await cancel(pollId);
  });

  it('both channels at the minimum: the paper count, then the 解密, exactly as before; the bulletin verifies', async () => {
    const h = await mixedHall({ deputies: 7, encrypted: true });
    const tablets = [approve(h, 0, 1), approve(h, 0), approve(h, 1, 2), approve(h, 3)];
    const onPaper = [approve(h, 2, 4), approve(h, 4), approve(h, 0, 4)];
    const pollId = await vote(h, tablets, 3, true);
    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    expect((await paperCount(h, pollId, paperFiguresOf(form(h), onPaper, { issued: 3 }))).status).toBe(200);
    for (const g of h.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, pollId)).status).toBe(200);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.status).toBe('closed');
    const all = tally({ rules: { ballotType: 'approve', choose: 3, passThreshold: 'none', tieRule: 'runoff' }, candidates: h.candidateIds.map((id, i) => ({ id, name: `项目${i + 1}` })), ballots: [...tablets, ...onPaper], invalid: 0, seated: 7, present: 7, issued: 7 });
    expect(poll.result.rows).toEqual(all.rows);
    expect(poll.result.paper.split).not.toBeNull();
    const bulletin = (await staff.get(`/api/polls/${pollId}/bulletin`)).body;
    expect(verifyBulletin(bulletin).failures).toEqual([]);
    expect(countReleasable({ electronic: bulletin.ballots.length, paper: bulletin.rules.paper.returned, minBallots: bulletin.rules.minBallots }).ok).toBe(true);
  });
});

/**
 * Everything the readers of a poll can get about its count: the poll, the hall (also as the
 * display, with its key), the tablet, each document and download, the receipts. `results`: every
 * count any of them shows; `documents`: every answer that carries figures, as text.
 */
async function whatReadersSee(h: Hall, pollId: string, readers: [string, Client][]): Promise<{ results: unknown[]; documents: { where: string; status: number; text: string }[] }> {
  const results: unknown[] = [];
  const documents: { where: string; status: number; text: string }[] = [];
  const link = (await staff.get(`/api/sessions/${h.sessionId}/display-link`)).body;
  const display = await new Client(t.app).req('GET', `/api/sessions/${h.sessionId}/hall`, undefined, { 'x-piaojue-display-key': link.key });
  results.push(display.body.poll?.result ?? null);
  for (const [who, c] of readers) {
    const poll = await c.get(`/api/polls/${pollId}`);
    if (poll.status === 200) results.push(poll.body.result, poll.body.rating);
    const hallState = await c.get(`/api/sessions/${h.sessionId}/hall`);
    if (hallState.status === 200) results.push(hallState.body.poll?.result ?? null);
    const tablet = await c.get('/api/deputy/state');
    if (tablet.status === 200) results.push(tablet.body.poll?.result ?? null);
    for (const path of ['announcement', 'announcement.pdf', 'count-sheet', 'count-sheet.pdf', 'export.csv', 'export.xlsx', 'bulletin', 'trackers']) {
      const r = await c.get(`/api/polls/${pollId}/${path}`);
      documents.push({ where: `${who}: ${path}`, status: r.status, text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) });
    }
  }
  return { results: results.filter((x) => x !== null && x !== undefined), documents };
}

describe('secrecy', () => {
  it('two deputies vote on their tablets beside paper: nothing anyone can read tells how they voted', async () => {
    const h = await mixedHall({ deputies: 8 });
    const anonymous = new Client(t.app);
    const readersOf = (x: Hall): [string, Client][] => [['staff', staff], ['a voter', x.deputies[1]!.client], ['the 总监票人', x.deputies[0]!.client], ['a 计票人', teller1], ['the public', anonymous]];
    const names = (x: Hall) => [x.candidateIds[4]!, '项目5'];

    // The probe first finds a count where there is one: a poll whose parts both reach the minimum.
    const control = await mixedHall({ deputies: 9 });
    const counted = await vote(control, [approve(control, 4), approve(control, 4), approve(control, 0), approve(control, 1), approve(control, 2), approve(control, 3)], 3);
    expect((await staff.post(`/api/polls/${counted}/close`)).body.status).toBe('counting');
    expect((await paperCount(control, counted, paperFiguresOf(form(control), [approve(control, 0), approve(control, 1), approve(control, 2)], { issued: 3 }))).status).toBe(200);
    const seen = await whatReadersSee(control, counted, readersOf(control));
    expect(seen.results.length).toBeGreaterThan(0);
    expect(seen.documents.filter((d) => d.status === 200 && names(control).some((n) => d.text.includes(n))).map((d) => d.where)).toEqual(
      expect.arrayContaining(['staff: announcement', 'staff: count-sheet', 'staff: export.csv']),
    );

    // the two tablet voters both approve 项目5 alone, which no other ballot does: any count of the electronic part would show it
    const pollId = await vote(h, [approve(h, 4), approve(h, 4)], 6);
    const mine = [...receipts];
    expect(mine).toHaveLength(2);
    const [v1, v2] = [h.deputies[0]!, h.deputies[1]!];
    expectErrorBody((await staff.post(`/api/polls/${pollId}/close`)).body, 'TOO_FEW_BALLOTS_IN_CHANNEL');
    // the console's way on: cancel, then vote again
    await cancel(pollId);

    const after = await whatReadersSee(h, pollId, readersOf(h));
    expect(after.results).toEqual([]);
    for (const d of after.documents) {
      if (d.where.endsWith('trackers') && d.status === 200) expect(JSON.parse(d.text).trackers, d.where).toEqual([]);
      else expect(d.status, d.where).not.toBe(200);
      for (const needle of [...names(h), ...mine]) expect(d.text, d.where).not.toContain(needle);
    }
    expect((await staff.get(`/api/polls/${pollId}/paper`)).body).toMatchObject({ entries: [], reconciled: null, confirmed: null });

    // the archive: the roll says who voted on the tablet; no box, no result, no paper figures beside it
    const archive = (await staff.get(`/api/cycles/${h.cycleId}/archive`)).body;
    const entry = archive.polls.find((x: { poll: { id: string } }) => x.poll.id === pollId);
    expect(entry.roll.filter((r: { voted: boolean }) => r.voted).map((r: { deputy_id: string }) => r.deputy_id).sort()).toEqual([v1.id, v2.id].sort());
    expect(entry).toMatchObject({ box: [], trackers: [], paper: null, bulletin: null });
    expect(entry.poll.result).toBeNull();
    // the audit chain: nothing about this poll names a project or carries a receipt
    const audit = archive.audit.entries.filter((a: { subject: string }) => a.subject === `poll:${pollId}`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['poll.created', 'poll.opened', ...Array(6).fill('poll.paper_issued'), 'poll.cancelled']);
    for (const needle of [...names(h), ...mine]) expect(JSON.stringify(audit)).not.toContain(needle);
    // nor does the database, after the cancel: no ballot of the poll is left to read
    expect(await boxOf(pollId)).toEqual({ box: 0, trackers: 0, sums: null });
  });
});
