import type { BallotBody, PollRules } from '@piaojue/shared';
import {
  bindsList, candidateListDigest, encryptBallot, importShareBackup, packBallot, parseCommitment, parsePoint, partialDecrypt, partialToJson,
  parseCiphertexts, pollContextOf, slotValues, statements, type EncryptedBallot, type PollContext,
} from '@piaojue/shared/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCiphertext } from '../shared/src/crypto/ballot.ts';
import { encrypt, type Ciphertext } from '../shared/src/crypto/elgamal.ts';
import { digest, scalarAdd, scalarRandom, scalarSub, scalarZero, type Scalar } from '../shared/src/crypto/group.ts';
import { proveRange } from '../shared/src/crypto/proofs.ts';
import { Client, key, type TestApp } from './helpers/app.ts';
import { INJECTED_ORIGIN, wsClient } from './helpers/socket.ts';
import {
  castEncrypted, closedEncryptedPoll, cryptoApp, decryptAs, encryptFor, expectErrorBody, hall, openPoll, plainTally, rowOf, tabletContext, withPg,
} from './helpers/world.ts';

/**
 * When encrypted polls fail (issue 18, "When it fails"), each on the real app and database: a
 * 监票人's device lost, fewer than t 监票人 (later decrypted from a printed backup), a forged
 * partial decryption, and tablets sending malformed or dishonest proofs.
 */
let t: TestApp;
let staff: Client;

beforeAll(async () => ({ t, staff } = await cryptoApp()));
afterAll(() => t?.close());

/** The rules of hall()'s cycles: 赞成/反对/弃权, 3 places. */
const APPROVE_3: PollRules = { ballotType: 'approve', choose: 3, passThreshold: 'none', tieRule: 'runoff' };

describe('the 监票人', () => {
  it('one 监票人 device lost: the other two of three still reach t = 2 and the result is published', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 4 });
    const [a, b] = h.candidateIds as [string, string];
    const bodies: BallotBody[] = [{ type: 'approve', marks: { [a]: 'for' } }, { type: 'approve', marks: { [a]: 'for', [b]: 'against' } }, { type: 'approve', marks: {} }];
    const pollId = await closedEncryptedPoll(staff, h, bodies);
    const [g1, , g3] = h.ceremony!.guardians;
    // 监票人 2's tablet is gone: it never presses 解密.
    expect((await decryptAs(g3!, pollId)).body.status).toBe('decrypting');
    const hallState = (await staff.get(`/api/sessions/${h.sessionId}/hall`)).body;
    expect(hallState.poll.status).toBe('decrypting');
    expect(hallState.poll.decryption).toEqual({ threshold: 2, done: 1, guardians: [{ index: 1, name: '代表1', done: false }, { index: 2, name: '代表2', done: false }, { index: 3, name: '代表3', done: true }] });
    expect(hallState.poll.result).toBeNull();
    const done = await decryptAs(g1!, pollId);
    expect(done.body.status).toBe('closed');
    expect(done.body.result.rows).toEqual(plainTally(h, APPROVE_3, bodies, 5).rows);
    expect(done.body.result.record).toEqual(plainTally(h, APPROVE_3, bodies, 5).record);
    // 监票人 2 turning up afterwards finds nothing left to decrypt, and changes nothing
    const g2 = h.ceremony!.guardians[1]!;
    expectErrorBody((await g2.client.get(`/api/deputy/polls/${pollId}/decryption`)).body, 'POLL_STATE');
    expectErrorBody((await g2.client.post(`/api/deputy/polls/${pollId}/decryption`, { guardian: 2, shares: done.body.result ? ['A'.repeat(43)] : [], proofs: [{ c: 'A'.repeat(43), v: 'A'.repeat(43) }] })).body, 'POLL_STATE');
    expect((await staff.get(`/api/polls/${pollId}`)).body.result).toEqual(done.body.result);
  });

  it('fewer than t: the poll stays closed and undecrypted; later a 监票人 on a new tablet imports the printed backup and it is decrypted', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 4, guardians: 3, threshold: 3 });
    const [a] = h.candidateIds as [string];
    const bodies: BallotBody[] = [{ type: 'approve', marks: { [a]: 'for' } }, { type: 'approve', marks: { [a]: 'against' } }];
    const pollId = await closedEncryptedPoll(staff, h, bodies);
    const [g1, g2, g3] = h.ceremony!.guardians as [any, any, any];
    await decryptAs(g1, pollId);
    await decryptAs(g2, pollId);
    const waiting = (await staff.get(`/api/polls/${pollId}`)).body;
    expect(waiting).toMatchObject({ status: 'decrypting', result: null, decryption: { threshold: 3, done: 2 } });
    // t − 1 partials are not a count, however long the poll waits
    await new Promise((r) => setTimeout(r, 200));
    expect((await staff.get(`/api/polls/${pollId}`)).body.status).toBe('decrypting');

    // 监票人 3's tablet was lost. They log in on another tablet with their code and type in the sealed backup.
    const spare = new Client(t.app);
    expect((await spare.post('/api/auth/deputy-login', { code: h.deputies[2]!.code })).status).toBe(200);
    const tr = (await spare.get(`/api/sessions/${h.sessionId}/ceremony/transcript`)).body;
    const restored = importShareBackup(g3.backup, h.ceremony!.params, (tr.commitments as unknown[]).map((c) => parseCommitment(c)!));
    expect(restored?.index).toBe(3);
    // a backup typed wrong is refused by the tablet before anything is sent
    expect(importShareBackup(g3.backup.replace(/.$/, (c: string) => (c === '0' ? '1' : '0')), h.ceremony!.params, (tr.commitments as unknown[]).map((c) => parseCommitment(c)!))).toBeNull();
    const done = await decryptAs({ client: spare, index: restored!.index, share: restored!.share }, pollId);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.status).toBe('closed');
    expect(rowOf(done.body.result, a)).toMatchObject({ for: 1, against: 1, abstain: 0 });
  });

  it('a forged partial decryption is refused and the 监票人 named; nothing is stored; another 监票人 cannot send in their place', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 4 });
    const [a] = h.candidateIds as [string];
    const pollId = await closedEncryptedPoll(staff, h, [{ type: 'approve', marks: { [a]: 'for' } }, { type: 'approve', marks: {} }]);
    const [g1, g2] = h.ceremony!.guardians as [any, any];
    const ctx = await tabletContext(g1.client, pollId);
    const task = (await g1.client.get(`/api/deputy/polls/${pollId}/decryption`)).body;
    expect(task).toMatchObject({ pollId, guardian: 1, ballots: 2, done: false });
    const sums = parseCiphertexts(task.sums)!;
    const forgeries = {
      'another share than the ceremony gave': partialToJson(partialDecrypt(ctx, 1, scalarRandom(), sums)),
      "another 监票人's honest partial, relabelled": { ...partialToJson(partialDecrypt(ctx, 2, g2.share, sums)), guardian: 1 },
      'shares swapped between sums': (() => {
        const p = partialToJson(partialDecrypt(ctx, 1, g1.share, sums));
        return { ...p, shares: [...p.shares.slice(1), p.shares[0]] };
      })(),
      'one proof short': (() => {
        const p = partialToJson(partialDecrypt(ctx, 1, g1.share, sums));
        return { ...p, shares: p.shares.slice(1), proofs: p.proofs.slice(1) };
      })(),
    };
    for (const [what, body] of Object.entries(forgeries)) {
      const r = await g1.client.post(`/api/deputy/polls/${pollId}/decryption`, body);
      expect(r.status, what).toBe(400);
      expectErrorBody(r.body, 'DECRYPTION_BAD_PROOF');
      expect(r.body.error.messageZh, what).toContain('监票人代表1');
      expect(r.body.error.messageEn, what).toContain('代表1');
      expect(r.body.error.details).toMatchObject({ guardian: 1, name: '代表1' });
    }
    expect((await staff.get(`/api/polls/${pollId}`)).body.decryption.done).toBe(0);
    // 监票人 2 cannot send 监票人 1's part, and a deputy who is no 监票人 cannot send any
    const theirs = partialToJson(partialDecrypt(ctx, 1, g1.share, sums));
    expectErrorBody((await g2.client.post(`/api/deputy/polls/${pollId}/decryption`, theirs)).body, 'DECRYPTION_NOT_YOURS');
    expectErrorBody((await h.deputies[4]!.client.post(`/api/deputy/polls/${pollId}/decryption`, theirs)).body, 'DECRYPTION_NOT_GUARDIAN');
    expectErrorBody((await h.deputies[4]!.client.get(`/api/deputy/polls/${pollId}/decryption`)).body, 'DECRYPTION_NOT_GUARDIAN');
    // the honest one goes in, once
    expect((await g1.client.post(`/api/deputy/polls/${pollId}/decryption`, theirs)).status).toBe(200);
    expectErrorBody((await g1.client.post(`/api/deputy/polls/${pollId}/decryption`, theirs)).body, 'DECRYPTION_DONE');
  });
});

// ---- dishonest tablets -----------------------------------------------------------------

const slotsDigest = (slots: Ciphertext[]) => digest(['piaojue/ballot-slots/1', ...slots.flatMap((x) => [x.a, x.b])]);

/**
 * A dishonest tablet: encrypts the slot values it likes and proves every statement as if it held
 * (the proof of a false statement is built on a branch that is not the truth, and must fail).
 */
function dishonest(ctx: PollContext, values: number[]): EncryptedBallot {
  const nonces = values.map(() => scalarRandom());
  const slots = values.map((m, i) => encrypt(ctx.jointKey, m, nonces[i] as Scalar));
  const bound = slotsDigest(slots);
  const proofs = statements(ctx.spec).map((s, k) => {
    const m = s.plus.reduce((x, i) => x + values[i]!, 0) - s.minus.reduce((x, i) => x + values[i]!, 0);
    const nonce = s.minus.reduce((x, i) => scalarSub(x, nonces[i]!), s.plus.reduce((x, i) => scalarAdd(x, nonces[i]!), scalarZero()));
    return proveRange(ctx.baseHash, ['ballot', bound, k], ctx.jointKey, statementCiphertext(s, slots), s.allowed, Math.max(0, s.allowed.indexOf(m)), nonce);
  });
  return { slots, proofs };
}

describe('tablets', () => {
  it('a mark of 2, more than N 赞成, and a proof lifted from another ballot: answered, then rejected with a reason to that tablet and counted 无效, never tallied', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 8, candidates: 4 });
    const [a, b, c] = h.candidateIds as [string, string, string];
    const pollId = await openPoll(staff, h.sessionId);
    const ctx = await tabletContext(h.deputies[0]!.client, pollId);
    const honest: BallotBody[] = [
      { type: 'approve', marks: { [a]: 'for', [b]: 'for' } },
      { type: 'approve', marks: { [c]: 'for', [a]: 'against' } },
      { type: 'approve', marks: { [b]: 'against' } },
    ];
    for (const [i, body] of honest.entries()) await castEncrypted(h.deputies[i]!.client, pollId, body);
    const valuesOf = (marks: ('for' | 'against' | 'abstain')[]) => slotValues(ctx.spec, { type: 'approve', marks });

    // a mark of 2 on 项目1, over this tablet's socket
    const two = valuesOf(['abstain', 'abstain', 'abstain', 'abstain']);
    two[0] = 2;
    two[4] = 2;
    const socket = wsClient(t.app, h.deputies[3]!.client.cookie, { origin: INJECTED_ORIGIN });
    await socket.opened;
    socket.send({ type: 'cast', ref: 'r1', pollId, idempotencyKey: key(), ballot: { encrypted: packBallot(dishonest(ctx, two)) } });
    const ack = await socket.waitFor((m) => m.type === 'cast' && m.ref === 'r1');
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    const verdict = await socket.waitFor((m) => m.type === 'verification');
    expect(verdict).toMatchObject({ type: 'verification', pollId, ok: false, code: 'BALLOT_PROOF' });
    expect(verdict.message).toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.stringify(verdict)).not.toContain(h.deputies[3]!.id);

    // all four 赞成 where N = 3, declared as 3 and as 4
    for (const [i, declared] of [[4, 3], [5, 4]] as const) {
      const over = valuesOf(['for', 'for', 'for', 'for']);
      over[4] = declared;
      const r = await h.deputies[i]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: packBallot(dishonest(ctx, over)) } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    // the proofs of one honest ballot over the ciphertexts of another
    const donor = encryptBallot(ctx, { type: 'approve', marks: ['for', 'abstain', 'abstain', 'abstain'] });
    const mine = (await encryptFor(h.deputies[6]!.client, pollId, { type: 'approve', marks: { [a]: 'against' } })).ballot;
    const lifted = await h.deputies[6]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: packBallot({ slots: mine.slots, proofs: donor.proofs }) } });
    expect(lifted.status).toBe(200);
    // 32 well-spelt bytes that are no group element: the shape is checked before the answer, the elements after
    const honestBytes = Buffer.from((await encryptFor(h.deputies[7]!.client, pollId, { type: 'approve', marks: {} })).packed, 'base64url');
    const bent = Buffer.concat([Buffer.alloc(32, 1), honestBytes.subarray(32)]).toString('base64url');
    expect((await h.deputies[7]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: bent } })).status).toBe(200);

    await t.app.services.casts.verified(pollId);
    const turnout = (await staff.get(`/api/polls/${pollId}/turnout`)).body;
    expect(turnout).toMatchObject({ voted: 8, rejected: 5 });
    // each with its reason: the statement whose proof failed, or an element that is none
    const reasons = await withPg(t.url, async (db) => (await db.query(`select reject_reason from poll_box where poll_id = $1 and proof_status = 'rejected' order by 1`, [pollId])).rows.map((r) => r.reject_reason));
    expect(reasons).toHaveLength(5);
    expect(reasons).toContain('format');
    for (const r of reasons) expect(r).toMatch(/^(format|proof:\d+)$/);
    // the console's topic carries the count, no names
    const console = wsClient(t.app, staff.cookie, { origin: INJECTED_ORIGIN });
    await console.opened;
    console.send({ type: 'subscribe', topic: `staff:${h.sessionId}` });
    const snap = await console.waitFor((m) => m.type === 'snapshot');
    expect(snap.data.state.turnout.rejected).toBe(5);
    socket.close();
    console.close();

    const closed = await staff.post(`/api/polls/${pollId}/close`);
    expect(closed.body.status).toBe('decrypting');
    for (const g of h.ceremony!.guardians.slice(0, 2)) await decryptAs(g, pollId);
    const result = (await staff.get(`/api/polls/${pollId}`)).body.result;
    expect(result.record).toMatchObject({ issued: 8, returned: 8, valid: 3, invalid: 5, notVoted: 0 });
    expect(result.rows).toEqual(plainTally(h, APPROVE_3, honest, 8, 5).rows);
  });
  it('a ballot proved under another candidate list (names swapped, two projects reordered, a project more) is refused: the server checks against its own context', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: 5, candidates: 4 });
    const pollId = await openPoll(staff, h.sessionId);
    const wire = (await h.deputies[0]!.client.get(`/api/deputy/polls/${pollId}/crypto`)).body;
    const shown = h.candidateIds.map((id, i) => ({ id, name: `项目${i + 1}` }));
    expect(bindsList(wire.spec, shown)).toBe(true);
    const [a, b, ...rest] = shown as [(typeof shown)[number], (typeof shown)[number], ...typeof shown];
    /** A tablet that encrypts under the server's key and poll but over its own list. */
    const castOver = (i: number, list: typeof shown) => {
      const spec = { ...wire.spec, candidates: list.length, listDigest: candidateListDigest(list) };
      const ctx = pollContextOf({ params: wire.params, spec, jointKey: parsePoint(wire.jointKey)! });
      const ballot = encryptBallot(ctx, { type: 'approve', marks: list.map((_, k) => (k === 0 ? 'for' : 'abstain')) });
      return h.deputies[i]!.client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { encrypted: packBallot(ballot) } });
    };
    // the same number of projects: the shape fits, so it is answered; its proofs fail after the answer
    expect((await castOver(0, [{ ...a, name: b.name }, { ...b, name: a.name }, ...rest])).status).toBe(200);
    expect((await castOver(1, [b, a, ...rest])).status).toBe(200);
    // a project more: another shape, refused before anything is written
    const more = await castOver(2, [...shown, { id: 'not-on-the-ballot', name: '项目5' }]);
    expect(more.status).toBe(400);
    expectErrorBody(more.body, 'BALLOT_FORMAT');
    await castEncrypted(h.deputies[3]!.client, pollId, { type: 'approve', marks: { [a.id]: 'for' } });

    await t.app.services.casts.verified(pollId);
    expect((await staff.get(`/api/polls/${pollId}/turnout`)).body).toMatchObject({ voted: 3, rejected: 2 });
    const reasons = await withPg(t.url, async (db) => (await db.query(`select reject_reason from poll_box where poll_id = $1 and proof_status = 'rejected'`, [pollId])).rows.map((r) => r.reject_reason));
    // every proof's challenge is keyed by the poll's base hash, so the first statement already fails
    expect(reasons).toEqual(['proof:0', 'proof:0']);
  });
});
