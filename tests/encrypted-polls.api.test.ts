import { trackerDisplay, verifyBulletin } from '@piaojue/shared/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedPollBulletin } from '../server/src/modules/polls/decryption.service.ts';
import { paperFiguresOf, type BallotBody } from '@piaojue/shared';
import { adoptRules, Client, key, userClient, type TestApp } from './helpers/app.ts';
import { runCeremony } from './helpers/encrypted.ts';
import { castEncrypted, cryptoApp, decryptAs, encryptFor, expectErrorBody, hall, openPoll, plainTally, rowOf } from './helpers/world.ts';

/**
 * Encrypted polls on the real app and database (docs/CRYPTO.md §"Polls"): the key ceremony on
 * simulated 监票人 tablets, tablets that encrypt, the server's proof checks after the answer, the
 * close to 'decrypting', the 监票人's 解密 and the result through the unchanged tally rules.
 */
let t: TestApp;
let admin: Client;
let staff: Client;

beforeAll(async () => ({ t, admin, staff } = await cryptoApp()));
afterAll(() => t?.close());

describe('encrypted polls', () => {
  it('a new cycle is encrypted by default; its poll cannot be made before the key ceremony completes', async () => {
    const h = await hall(t, staff, { cycle: { ballotMode: undefined } });
    const cycle = await staff.post('/api/cycles', { level: 'city', name: '默认加密', year: 2027, chooseN: 2, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff' });
    expect(cycle.body.ballotMode).toBe('encrypted');
    // hall() asks for plain ballots unless told otherwise
    const plain = await staff.get(`/api/cycles/${h.cycleId}`);
    expect(plain.body.ballotMode).toBe('plain');
    const enc = await hall(t, staff, { cycle: { ballotMode: 'encrypted' } });
    const refused = await staff.post(`/api/sessions/${enc.sessionId}/polls`, {});
    expect(refused.status).toBe(409);
    expectErrorBody(refused.body, 'KEY_CEREMONY_INCOMPLETE');
  });

  it('approve: deputies cast encrypted ballots, two of three 监票人 decrypt, the result is the plain tally of the same ballots', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 7, candidates: 4 });
    const hallState = (await staff.get(`/api/sessions/${h.sessionId}/hall`)).body;
    expect(hallState.encryption).toEqual({ fingerprint: h.ceremony!.fingerprint, threshold: 2, guardians: 3 });
    const pollId = await openPoll(staff, h.sessionId);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.ballotMode).toBe('encrypted');
    expect(poll.decryption).toMatchObject({ threshold: 2, done: 0 });
    const [a, b, c, d] = h.candidateIds as [string, string, string, string];
    const bodies = [
      { type: 'approve', marks: { [a]: 'for', [b]: 'for', [c]: 'against' } },
      { type: 'approve', marks: { [a]: 'for', [d]: 'for' } },
      { type: 'approve', marks: { [b]: 'against', [c]: 'for', [d]: 'abstain' } },
      { type: 'approve', marks: { [a]: 'against' } },
      { type: 'approve', marks: {} },
    ] as const;
    const receipts: string[] = [];
    for (const [i, body] of bodies.entries()) {
      const idem = key();
      const r = await castEncrypted(h.deputies[i]!.client, pollId, body, idem);
      expect(r.receipt).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){4}$/);
      receipts.push(r.receipt);
      // a retry of the same ballot under the same key answers the same receipt
      const again = await h.deputies[i]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: idem, ballot: { encrypted: r.packed } });
      expect(again.body).toEqual({ receipt: r.receipt, duplicate: true });
    }
    // the same encrypted ballot from another tablet is an exact replay: refused, and nothing is written
    const sixth = await castEncrypted(h.deputies[5]!.client, pollId, bodies[0]);
    const replayed = await h.deputies[6]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: sixth.packed } });
    expect(replayed.status).toBe(409);
    expectErrorBody(replayed.body, 'BALLOT_REPLAYED');
    // a plain ballot is refused in an encrypted poll, and a malformed one before anything is written
    const plain = await h.deputies[6]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: bodies[0] });
    expectErrorBody(plain.body, 'BALLOT_NOT_ENCRYPTED');
    const packed = sixth.packed;
    const refusals = {
      'one element short': packed.slice(43),
      'one character short': packed.slice(0, -1),
      'padded': `${packed}=`,
      'a foreign character (decoding would drop it)': `${packed.slice(0, 10)}.${packed.slice(11)}`,
      'standard base64 in place of base64url': `+${packed.slice(1)}`,
      'the elements as the bulletin lists them': { slots: [], proofs: [] },
    };
    for (const [name, encrypted] of Object.entries(refusals)) {
      const r = await h.deputies[6]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted } });
      expect(r.status, name).toBe(400);
      expect(['BALLOT_FORMAT', 'VALIDATION'], name).toContain(r.body.error.code);
    }
    // a second spelling of the same bytes (the last character's spare bits set) would give the ballot a second tracker
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    expect(packed.length % 4).not.toBe(0);
    const respelt = packed.slice(0, -1) + ALPHABET[ALPHABET.indexOf(packed.at(-1)!) + 1];
    expect(Buffer.from(respelt, 'base64url')).toEqual(Buffer.from(packed, 'base64url'));
    const refusedTwin = await h.deputies[6]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: respelt } });
    expectErrorBody(refusedTwin.body, 'BALLOT_FORMAT');
    expect(refusedTwin.body.error.details).toMatchObject({ path: '$.encrypted' });
    expect((await staff.get(`/api/polls/${pollId}/turnout`)).body).toMatchObject({ issued: 7, voted: 6, rejected: 0 });

    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe('decrypting');
    expect(closed.body.result).toBeNull();
    const [g1, , g3] = h.ceremony!.guardians as [any, any, any];
    const first = await decryptAs(g1, pollId);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('decrypting');
    expect(first.body.decryption).toMatchObject({ threshold: 2, done: 1 });
    const second = await decryptAs(g3, pollId);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('closed');
    const result = second.body.result;
    expect(result.record).toMatchObject({ issued: 7, returned: 6, valid: 6, invalid: 0, notVoted: 1 });
    expect(rowOf(result, a)).toMatchObject({ for: 3, against: 1, abstain: 2 });
    expect(rowOf(result, b)).toMatchObject({ for: 2, against: 1, abstain: 3 });
    expect(rowOf(result, c)).toMatchObject({ for: 1, against: 2, abstain: 3 });
    expect(rowOf(result, d)).toMatchObject({ for: 1, against: 0, abstain: 5 });
    expect(result.chosen).toEqual([a, b]);

    const bulletin = await encryptedPollBulletin(t.app.services.db, pollId);
    const report = verifyBulletin(bulletin);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    for (const r of receipts) expect(bulletin!.ballots.map((x) => trackerDisplay(x.tracker))).toContain(r);
  });

  it('with a deputy on paper: the paper count first, then the 解密; the result adds both, as the tally rules do', async () => {
    const teller1 = await userClient(t, admin, 'enc-jipiao1', ['staff']);
    const teller2 = await userClient(t, admin, 'enc-jipiao2', ['staff']);
    const tellerIds = await Promise.all([teller1, teller2].map(async (c) => (await c.get('/api/auth/me')).body.user.id as string));
    const h = await hall(t, staff, { deputies: 6, candidates: 4, adopt: false, cycle: { ballotMode: 'encrypted' } });
    const guardians = h.deputies.slice(0, 3);
    const list = { scrutineers: guardians.map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: tellerIds };
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list)).status).toBe(200);
    await adoptRules(staff, h.sessionId);
    const ceremony = await runCeremony(staff, h.sessionId, guardians);
    const pollId = await openPoll(staff, h.sessionId);
    const onPaper = h.deputies[5]!;
    expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: onPaper.id })).status).toBe(200);
    const [a, b] = h.candidateIds as [string, string];
    const tablets: BallotBody[] = [{ type: 'approve', marks: { [a]: 'for' } }, { type: 'approve', marks: { [a]: 'for', [b]: 'against' } }, { type: 'approve', marks: { [b]: 'for' } }];
    for (const [i, body] of tablets.entries()) await castEncrypted(h.deputies[i]!.client, pollId, body);
    // the tablet of a deputy issued paper cannot cast an encrypted ballot either
    const { packed } = await encryptFor(onPaper.client, pollId, tablets[0]!);
    expectErrorBody((await onPaper.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: packed } })).body, 'PAPER_BALLOT_ISSUED');

    expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
    const paperBallot: BallotBody = { type: 'approve', marks: { [b]: 'for', [a]: 'against' } };
    const figures = paperFiguresOf({ ballotType: 'approve', choose: 3, candidateIds: h.candidateIds, allowAbstain: true }, [paperBallot], { issued: 1 });
    for (const c of [teller1, teller2]) expect((await c.post(`/api/polls/${pollId}/paper/entries`, { figures })).status).toBe(200);
    // no 解密 before the paper count is confirmed
    expectErrorBody((await ceremony.guardians[0]!.client.get(`/api/deputy/polls/${pollId}/decryption`)).body, 'POLL_STATE');
    const chief = h.deputies[0]!.client;
    const hash = (await chief.get(`/api/polls/${pollId}/paper/review`)).body.reconciled.figuresHash as string;
    expect((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: hash })).status).toBe(200);
    expect((await staff.get(`/api/polls/${pollId}`)).body).toMatchObject({ status: 'decrypting', result: null });

    for (const g of ceremony.guardians.slice(1, 3)) expect((await decryptAs(g, pollId)).status).toBe(200);
    const poll = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(poll.status).toBe('closed');
    const all = plainTally(h, { ballotType: 'approve', choose: 3, passThreshold: 'none', tieRule: 'runoff' }, [...tablets, paperBallot]);
    expect(poll.result.rows).toEqual(all.rows);
    expect(poll.result.record).toMatchObject({ issued: 6, returned: 4, valid: 4 });
    expect(poll.result.paper.electronic).toMatchObject({ issued: 5, returned: 3 });
    expect(poll.result.paper.paper).toMatchObject({ issued: 1, returned: 1 });
  });

  it('the close adds to the running sums what they missed (a restart), and sums afresh when they hold a ballot the box does not', async () => {
    // EncryptedCasts is private to CastService: reached here to play a restart and a stale entry.
    type Running = { ids: Set<string> };
    type Casts = { forget(id: string): void; running: Map<string, Running>; addToRunning(pollId: string, spec: unknown, boxId: string, body: unknown): void };
    const running = () => (t.app.services.casts as unknown as { encrypted: Casts }).encrypted;
    for (const stale of [false, true]) {
      const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 4 });
      const pollId = await openPoll(staff, h.sessionId);
      const [a, b, c] = h.candidateIds as [string, string, string];
      const marks: Record<string, 'for' | 'against' | 'abstain'>[] = [
        { [a]: 'for', [b]: 'against' },
        { [a]: 'for', [c]: 'for' },
        { [b]: 'for', [c]: 'against' },
        { [a]: 'against', [b]: 'for' },
        { [c]: 'for' },
      ];
      for (const [i, m] of marks.entries()) {
        await castEncrypted(h.deputies[i]!.client, pollId, { type: 'approve', marks: m });
        await t.app.services.casts.verified(pollId);
        // as after a restart: the first two ballots are verified in the box but not in the running sums
        if (i === 1) running().forget(pollId);
      }
      expect(running().running.get(pollId)?.ids.size).toBe(3);
      if (stale) {
        // a verified ballot the box no longer holds: used, it would add a sixth 赞成 for a
        const gone = await encryptFor(h.deputies[0]!.client, pollId, { type: 'approve', marks: { [a]: 'for' } });
        running().addToRunning(pollId, gone.ctx.spec, '00000000-0000-4000-8000-000000000000', gone.packed);
      }
      expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('decrypting');
      expect(running().running.has(pollId)).toBe(false);
      for (const g of h.ceremony!.guardians.slice(0, 2)) await decryptAs(g, pollId);
      const result = (await staff.get(`/api/polls/${pollId}`)).body.result;
      for (const id of [a, b, c]) {
        const want = { for: 0, against: 0, abstain: 0 };
        for (const m of marks) want[m[id] ?? 'abstain'] += 1;
        expect(rowOf(result, id), `${stale ? 'stale' : 'restart'}: ${id}`).toMatchObject(want);
      }
      const report = verifyBulletin(await encryptedPollBulletin(t.app.services.db, pollId));
      expect(report.failures).toEqual([]);
    }
  });

  it('a cancel before the count drops the poll\'s running sums with its ballots', async () => {
    const running = () => (t.app.services.casts as unknown as { encrypted: { running: Map<string, unknown> } }).encrypted.running;
    const h = await hall(t, staff, { encrypted: true, deputies: 3, candidates: 4 });
    const pollId = await openPoll(staff, h.sessionId);
    for (const d of h.deputies.slice(0, 2)) await castEncrypted(d.client, pollId, { type: 'approve', marks: {} });
    await t.app.services.casts.verified(pollId);
    expect(running().has(pollId)).toBe(true);
    expect((await staff.post(`/api/polls/${pollId}/cancel`, { reason: '表决程序有误，重新表决' })).body.status).toBe('cancelled');
    expect(running().has(pollId)).toBe(false);
  });

  it('a satisfaction rating and a run-off are encrypted too, as their session is', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 3, cycle: { chooseN: 1, ballotType: 'approve', tieRule: 'runoff' } });
    const [a, b, c] = h.candidateIds as [string, string, string];
    // a tie for the one place between a and b: a run-off among them
    const pollId = await openPoll(staff, h.sessionId);
    for (const [i, id] of [a, b, c, a, b].entries()) await castEncrypted(h.deputies[i]!.client, pollId, { type: 'approve', marks: { [id]: 'for' } });
    await staff.post(`/api/polls/${pollId}/close`);
    for (const g of h.ceremony!.guardians.slice(0, 2)) await decryptAs(g, pollId);
    const voted = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(voted.result.tie).toMatchObject({ candidateIds: [a, b], places: 1 });
    const runoff = await staff.post(`/api/polls/${pollId}/runoff`);
    expect(runoff.body).toMatchObject({ ballotMode: 'encrypted', kind: 'runoff' });
    expect((await staff.post(`/api/polls/${runoff.body.id}/open`, {})).status).toBe(200);
    for (const [i, id] of [a, a, b].entries()) await castEncrypted(h.deputies[i]!.client, runoff.body.id, { type: 'approve', marks: { [id]: 'for' } });
    await staff.post(`/api/polls/${runoff.body.id}/close`);
    for (const g of h.ceremony!.guardians.slice(1, 3)) await decryptAs(g, runoff.body.id);
    expect((await staff.get(`/api/polls/${runoff.body.id}`)).body.result.chosen).toEqual([a]);

    const rating = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '满意度测评', candidateIds: [a, c], allowAbstain: true, ratingBase: 'raters' });
    expect(rating.status, JSON.stringify(rating.body)).toBe(200);
    expect(rating.body.ballotMode).toBe('encrypted');
    expect((await staff.post(`/api/polls/${rating.body.id}/open`, {})).status).toBe(200);
    const marks = [{ [a]: 'satisfied', [c]: 'basic' }, { [a]: 'satisfied', [c]: 'unsatisfied' }, { [a]: 'basic' }, { [c]: 'satisfied' }];
    for (const [i, m] of marks.entries()) await castEncrypted(h.deputies[i]!.client, rating.body.id, { type: 'rating', marks: m } as never);
    await staff.post(`/api/polls/${rating.body.id}/close`);
    for (const g of h.ceremony!.guardians.slice(0, 2)) await decryptAs(g, rating.body.id);
    const rated = (await staff.get(`/api/polls/${rating.body.id}`)).body;
    expect(rated.status).toBe('closed');
    expect(rated.rating.rows.find((r: { candidateId: string }) => r.candidateId === a)).toMatchObject({ satisfied: 2, basic: 1, unsatisfied: 0, abstain: 1 });
    expect(rated.rating.rows.find((r: { candidateId: string }) => r.candidateId === c)).toMatchObject({ satisfied: 1, basic: 1, unsatisfied: 1, abstain: 1 });
  });
});
