import {
  commitmentToJson, encryptShares, finishGuardian, keyFingerprint, openShare, parseCommitment, parsePoint, parseShare, pointToB64,
  shareToJson, startGuardian, type CeremonyParams, type EncryptedShare, type GuardianCommitment, type GuardianSecret,
} from '@piaojue/shared/crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCeremony } from '../server/src/modules/ceremony/ceremony.service.ts';
import { Client, rosterCsv, type TestApp } from './helpers/app.ts';
import { cryptoApp, expectErrorBody, hall, snapshot, type Hall } from './helpers/world.ts';

/**
 * The 监票人's key ceremony on the server (docs/PROCEDURE.md §"密钥生成"): the real app, the
 * real database, and each 监票人's tablet played by the core's own functions.
 */
let t: TestApp;
let staff: Client;

beforeAll(async () => ({ t, staff } = await cryptoApp()));
afterAll(() => t?.close());

interface Tablet { client: Client; index: number; secret: GuardianSecret; commitment: GuardianCommitment }

/** A session whose first `n` deputies are its 监票人, and a ceremony started with threshold `t`. */
async function ceremony(n: number, threshold?: number): Promise<{ h: Hall; params: CeremonyParams; tablets: Tablet[] }> {
  const h = await hall(t, staff, { deputies: n + 2, adopt: false });
  const list = { scrutineers: h.deputies.slice(0, n).map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: [] };
  expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list)).status).toBe(200);
  const started = await staff.post(`/api/sessions/${h.sessionId}/ceremony`, threshold === undefined ? {} : { threshold });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const params: CeremonyParams = { ceremonyId: started.body.id, guardians: h.deputies.slice(0, n).map((d) => d.id), threshold: started.body.threshold };
  const tablets = h.deputies.slice(0, n).map((d, i) => ({ client: d.client, index: i + 1, ...startGuardian(params, i + 1) }));
  return { h, params, tablets };
}

const commit = (x: Tablet, body: unknown = commitmentToJson(x.commitment)) => x.client.post('/api/deputy/ceremony/commitment', body);
const sealFor = (params: CeremonyParams, x: Tablet, all: Tablet[]) => encryptShares(params, x.secret, all.map((y) => y.commitment));
const send = (x: Tablet, shares: EncryptedShare[]) => x.client.post('/api/deputy/ceremony/shares', { shares: shares.map(shareToJson) });

/** What a tablet reads back from the public transcript before round 3. */
async function received(h: Hall, x: Tablet) {
  const tr = (await x.client.get(`/api/sessions/${h.sessionId}/ceremony/transcript`)).body;
  return {
    commitments: (tr.commitments as unknown[]).map((c) => parseCommitment(c)!),
    shares: (tr.shares as unknown[]).map((s) => parseShare(s)!).filter((s) => s.to === x.index),
  };
}

async function expectRefused(r: { status: number; body: unknown }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expectErrorBody(r.body, code);
}

async function dbText(sql: string, params: unknown[]): Promise<string> {
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    return JSON.stringify((await c.query(sql, params)).rows);
  } finally {
    await c.end();
  }
}

describe('key ceremony, 2 of 3', () => {
  it('three rounds on three tablets give the joint key; status, key and transcript agree; a second ceremony is refused', async () => {
    const { h, params, tablets } = await ceremony(3);
    expect(params.threshold).toBe(2);
    for (const x of tablets) expect((await commit(x)).status).toBe(200);
    let status = (await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body;
    expect(status.guardians.map((g: { round: number }) => g.round)).toEqual([1, 1, 1]);
    expect(status.guardians.map((g: { name: string }) => g.name)).toEqual(['代表1', '代表2', '代表3']);
    // a 监票人's tablet follows its own session's ceremony, not another's
    expect((await tablets[1]!.client.get(`/api/sessions/${h.sessionId}/ceremony`)).body).toEqual(status);
    const elsewhere = await hall(t, staff, { deputies: 1 });
    await expectRefused(await tablets[1]!.client.get(`/api/sessions/${elsewhere.sessionId}/ceremony`), 403, 'FORBIDDEN');

    const sealed = tablets.map((x) => sealFor(params, x, tablets));
    for (const [i, x] of tablets.entries()) expect((await send(x, sealed[i]!)).status).toBe(200);

    const secretShares: string[] = [];
    for (const x of tablets) {
      const got = await received(h, x);
      expect(got.shares).toHaveLength(2);
      const f = finishGuardian(params, x.secret, got.commitments, got.shares);
      if (!f.ok) throw new Error(`guardian ${x.index} complained about ${f.badSenders.join(',')}`);
      secretShares.push(Buffer.from(f.share).toString('base64url'), Buffer.from(f.share).toString('hex'));
      const r = await x.client.post('/api/deputy/ceremony/confirmation', { index: x.index, publicShare: pointToB64(f.publicShare) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }

    status = (await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body;
    expect(status).toMatchObject({ status: 'complete', threshold: 2, done: 3, failedSenders: [] });
    const key = await staff.get(`/api/sessions/${h.sessionId}/ceremony/key`);
    const anonymous = await new Client(t.app).get(`/api/sessions/${h.sessionId}/ceremony/key`);
    expect(anonymous.body).toEqual(key.body);
    const joint = parsePoint(key.body.jointKey)!;
    expect(key.body.fingerprint).toBe(keyFingerprint(joint));
    expect(status.fingerprint).toBe(key.body.fingerprint);
    const mine = await sessionCeremony(t.app.services.db, h.sessionId);
    expect(pointToB64(mine!.jointKey)).toBe(key.body.jointKey);
    expect(mine!.params).toEqual(params);

    const tr = (await staff.get(`/api/sessions/${h.sessionId}/ceremony/transcript`)).body;
    expect(tr.commitments).toEqual(tablets.map((x) => commitmentToJson(x.commitment)));
    expect(tr.shares).toHaveLength(6);
    expect(tr.confirmations.map((c: { index: number }) => c.index)).toEqual([1, 2, 3]);
    expect(tr.jointKey).toBe(key.body.jointKey);

    // Never replaced once complete: ballots may be sealed under it.
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, {}), 409, 'CEREMONY_COMPLETE');
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, { restart: true }), 409, 'CEREMONY_COMPLETE');
    await expectRefused(await commit(tablets[0]!), 409, 'CEREMONY_NONE');
    // The 监票人 hold the key now: their list is fixed, and a new roster would replace them.
    const list = { scrutineers: h.deputies.slice(1, 4).map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: [] };
    await expectRefused(await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list), 409, 'SCRUTINY_KEY_GENERATED');
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(5)).toString('base64') }), 409, 'SCRUTINY_KEY_GENERATED');

    // No secret is stored anywhere in the ceremony's tables: no coefficient, no opened share P_i(ℓ), no s_ℓ.
    const stored = await dbText(
      `select k.*, (select json_agg(m) from key_ceremony_messages m where m.ceremony_id = k.id) as messages from key_ceremonies k where k.session_id = $1`, [h.sessionId],
    );
    const openedShares = tablets.flatMap((x) => sealed.flat().filter((s) => s.to === x.index).map((s) => openShare(params, x.secret, s, tablets[s.from - 1]!.commitment)!));
    const secrets = [...tablets.flatMap((x) => x.secret.coefficients), ...openedShares].flatMap((s) => [Buffer.from(s).toString('base64url'), Buffer.from(s).toString('hex'), Buffer.from(s).toString('base64')]);
    // what is public is there (the search works), what is secret is not
    expect(stored.includes(tr.commitments[1].commitments[1])).toBe(true);
    expect(stored.includes(tr.shares[0].box)).toBe(true);
    for (const s of [...secrets, ...secretShares]) expect(stored.includes(s), 'a secret is stored').toBe(false);
    const audit = await dbText(`select details from audit_log where action like 'ceremony.%'`, []);
    for (const s of [...secrets, ...secretShares]) expect(audit.includes(s)).toBe(false);
  });
});


describe('attacks on the ceremony', () => {
  it('refuses a deputy who is not a 监票人, a 监票人 posting for another, staff and the anonymous — and stores nothing', async () => {
    const { h, params, tablets } = await ceremony(3);
    const before = await snapshot(t.url);
    const outsider = h.deputies[4]!.client;
    const stranger = startGuardian(params, 1);
    await expectRefused(await outsider.post('/api/deputy/ceremony/commitment', commitmentToJson(stranger.commitment)), 403, 'CEREMONY_NOT_GUARDIAN');
    // 监票人 1 posts a valid commitment made for index 2
    await expectRefused(await commit(tablets[0]!, commitmentToJson(tablets[1]!.commitment)), 403, 'CEREMONY_NOT_YOURS');
    await expectRefused(await staff.post('/api/deputy/ceremony/commitment', commitmentToJson(tablets[0]!.commitment)), 403, 'FORBIDDEN');
    await expectRefused(await new Client(t.app).post('/api/deputy/ceremony/commitment', commitmentToJson(tablets[0]!.commitment)), 401, 'UNAUTHENTICATED');
    // a deputy cannot start or restart the ceremony
    await expectRefused(await tablets[0]!.client.post(`/api/sessions/${h.sessionId}/ceremony`, { restart: true }), 403, 'FORBIDDEN');
    // forged proofs: a commitment swapped for one whose log the 监票人 does not know, proofs reordered, a commitment too few
    const good = commitmentToJson(tablets[0]!.commitment);
    const other = commitmentToJson(startGuardian(params, 1).commitment);
    for (const forged of [
      { ...good, commitments: [other.commitments[0], good.commitments[1]] },
      { ...good, proofs: [good.proofs[1], good.proofs[0]] },
      { ...good, commitments: good.commitments.slice(0, 1), proofs: good.proofs.slice(0, 1) },
    ]) {
      const r = await commit(tablets[0]!, forged);
      await expectRefused(r, 400, 'CEREMONY_BAD_PROOF');
      expect(r.body.error.details).toEqual({ deputyId: h.deputies[0]!.id, index: 1 });
    }
    expect(await snapshot(t.url)).toEqual(before);
    expect((await commit(tablets[0]!)).status).toBe(200);
    await expectRefused(await commit(tablets[0]!), 409, 'CEREMONY_ROUND');
    // round 2 before every 监票人 has committed
    await expectRefused(await send(tablets[0]!, sealFor(params, tablets[0]!, tablets)), 409, 'CEREMONY_ROUND');
  });

  it('refuses shares addressed wrongly and a false public share; a share sealed to the wrong recipient fails the ceremony naming its sender, and staff restart', async () => {
    const { h, params, tablets } = await ceremony(3);
    for (const x of tablets) expect((await commit(x)).status).toBe(200);
    const sealed = tablets.map((x) => sealFor(params, x, tablets));
    const [to2, to3] = sealed[0]! as [EncryptedShare, EncryptedShare];
    const before = await snapshot(t.url);
    for (const shares of [[to2], [to2, to2], [to2, { ...to3, to: 1 }], [to2, to3, { ...to3, to: 4 }]]) {
      const r = await send(tablets[0]!, shares);
      await expectRefused(r, 400, 'CEREMONY_SHARE_RECIPIENT');
      expect(r.body.error.details.deputyId).toBe(h.deputies[0]!.id);
    }
    // shares claiming another sender
    await expectRefused(await send(tablets[0]!, sealed[1]!), 403, 'CEREMONY_NOT_YOURS');
    await expectRefused(await send(tablets[0]!, [to2, { ...to3, from: 2 }]), 403, 'CEREMONY_NOT_YOURS');
    expect(await snapshot(t.url)).toEqual(before);

    // 监票人 1 swaps its boxes: the one sealed for 3 addressed to 2, and back. The server cannot
    // open them; 监票人 2's tablet can't either, and says who sent it.
    expect((await send(tablets[0]!, [{ ...to3, to: 2 }, { ...to2, to: 3 }])).status).toBe(200);
    for (const [i, x] of tablets.slice(1).entries()) expect((await send(x, sealed[i + 1]!)).status).toBe(200);
    await expectRefused(await tablets[0]!.client.post('/api/deputy/ceremony/confirmation', { index: 1, publicShare: pointToB64(tablets[0]!.commitment.commitments[0]!) }), 400, 'CEREMONY_PUBLIC_SHARE');
    const got = await received(h, tablets[1]!);
    const f = finishGuardian(params, tablets[1]!.secret, got.commitments, got.shares);
    expect(f).toEqual({ ok: false, badSenders: [1] });
    await expectRefused(await tablets[1]!.client.post('/api/deputy/ceremony/confirmation', { index: 2, badSenders: [2] }), 400, 'CEREMONY_COMPLAINT');
    await expectRefused(await tablets[1]!.client.post('/api/deputy/ceremony/confirmation', { index: 3, badSenders: [1] }), 403, 'CEREMONY_NOT_YOURS');
    expect((await tablets[1]!.client.post('/api/deputy/ceremony/confirmation', { index: 2, badSenders: [1] })).status).toBe(200);
    const status = (await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body;
    expect(status).toMatchObject({ status: 'failed', failedSenders: [1], fingerprint: null });
    await expectRefused(await staff.get(`/api/sessions/${h.sessionId}/ceremony/key`), 404, 'NOT_FOUND');
    expect(await sessionCeremony(t.app.services.db, h.sessionId)).toBeNull();
    await expectRefused(await tablets[2]!.client.post('/api/deputy/ceremony/confirmation', { index: 3, publicShare: pointToB64(tablets[2]!.commitment.commitments[0]!) }), 409, 'CEREMONY_NONE');

    const again = await staff.post(`/api/sessions/${h.sessionId}/ceremony`, { threshold: 3 });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'running', threshold: 3, done: 0 });
    expect(again.body.id).not.toBe(params.ceremonyId);
    // a running ceremony is replaced only on an explicit restart
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, {}), 409, 'CEREMONY_RUNNING');
    const restarted = await staff.post(`/api/sessions/${h.sessionId}/ceremony`, { restart: true });
    expect(restarted.status).toBe(200);
    expect((await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body.id).toBe(restarted.body.id);
    // the old ceremony's commitments do not verify in the new one
    await expectRefused(await commit(tablets[0]!), 400, 'CEREMONY_BAD_PROOF');
  });

  it('refuses a threshold outside 1..n and a session without 监票人', async () => {
    const h = await hall(t, staff, { deputies: 4, adopt: false });
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, {}), 409, 'CEREMONY_NO_SCRUTINEERS');
    const list = { scrutineers: h.deputies.slice(0, 3).map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: [] };
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, list)).status).toBe(200);
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, { threshold: 4 }), 400, 'CEREMONY_THRESHOLD');
    await expectRefused(await staff.post(`/api/sessions/${h.sessionId}/ceremony`, { threshold: 0 }), 400, 'VALIDATION');
    expect((await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body).toBeNull();
    await expectRefused(await staff.get(`/api/sessions/${h.sessionId}/ceremony/transcript`), 404, 'NOT_FOUND');
    // a new list abandons a key generation that has not finished: it was for the old list
    const started = await staff.post(`/api/sessions/${h.sessionId}/ceremony`, {});
    expect(started.body).toMatchObject({ threshold: 2, status: 'running' });
    const longer = { scrutineers: h.deputies.slice(0, 4).map((d, i) => ({ deputyId: d.id, chief: i === 0 })), counterIds: [] };
    expect((await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, longer)).status).toBe(200);
    expect((await staff.get(`/api/sessions/${h.sessionId}/ceremony`)).body).toBeNull();
    const again = await staff.post(`/api/sessions/${h.sessionId}/ceremony`, {});
    expect(again.body).toMatchObject({ threshold: 3, status: 'running' });
    expect(again.body.guardians).toHaveLength(4);
  });
});
