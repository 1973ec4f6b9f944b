/**
 * Encrypted polls in tests (docs/CRYPTO.md §"Polls"): the key ceremony run by simulated 监票人
 * tablets through the real deputy routes, tablets that encrypt as the web client does, and the
 * 监票人's 解密. Every step uses @piaojue/shared/crypto exactly as a tablet would.
 */
import type { BallotBody, RatingBallot } from '@piaojue/shared';
import {
  bindsList, choiceFromBody, commitmentToJson, cryptoReady, encryptBallot, encryptShares, packBallot, exportShareBackup, finishGuardian,
  parseCiphertexts, parseCommitment, parsePoint, parseShare, partialDecrypt, partialToJson, pointToB64, pollContextOf, shareToJson, startGuardian,
  type CeremonyParams, type EncryptedBallot, type PlainChoice, type PollContext, type Scalar,
} from '@piaojue/shared/crypto';
import { expect } from 'vitest';
import { key, type Client, type Res } from './app.ts';

/** A 监票人's tablet after the ceremony: its login, its index and its secret share s_ℓ (what the sealed backup holds). */
export interface GuardianTablet {
  index: number;
  deputyId: string;
  client: Client;
  share: Scalar;
  /** the printed backup (PJSHARE1…) for the sealed envelope */
  backup: string;
}

export interface Ceremony {
  params: CeremonyParams;
  fingerprint: string;
  guardians: GuardianTablet[];
}

const ok = <T = any>(r: Res<T>, what: string): T => {
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/**
 * Runs the session's key ceremony: staff start it (threshold t), then each 监票人's tablet does
 * rounds 1–3 as the deputy logged in on it. `tablets` are the 监票人 in list order.
 */
export async function runCeremony(staff: Client, sessionId: string, tablets: { id: string; client: Client }[], threshold?: number): Promise<Ceremony> {
  await cryptoReady();
  const started = ok(await staff.post(`/api/sessions/${sessionId}/ceremony`, threshold === undefined ? {} : { threshold }), 'ceremony start');
  const params: CeremonyParams = { ceremonyId: started.id, guardians: tablets.map((d) => d.id), threshold: started.threshold };
  const mine = tablets.map((d, i) => ({ ...d, index: i + 1, ...startGuardian(params, i + 1) }));
  for (const x of mine) ok(await x.client.post('/api/deputy/ceremony/commitment', commitmentToJson(x.commitment)), 'round 1');
  for (const x of mine) {
    const shares = encryptShares(params, x.secret, mine.map((y) => y.commitment));
    ok(await x.client.post('/api/deputy/ceremony/shares', { shares: shares.map(shareToJson) }), 'round 2');
  }
  const guardians: GuardianTablet[] = [];
  for (const x of mine) {
    const tr = ok(await x.client.get(`/api/sessions/${sessionId}/ceremony/transcript`), 'transcript');
    const commitments = (tr.commitments as unknown[]).map((c) => parseCommitment(c)!);
    const received = (tr.shares as unknown[]).map((s) => parseShare(s)!).filter((s) => s.to === x.index);
    const f = finishGuardian(params, x.secret, commitments, received);
    if (!f.ok) throw new Error(`guardian ${x.index} complained about ${f.badSenders.join(',')}`);
    ok(await x.client.post('/api/deputy/ceremony/confirmation', { index: x.index, publicShare: pointToB64(f.publicShare) }), 'round 3');
    guardians.push({ index: x.index, deputyId: x.id, client: x.client, share: f.share, backup: '' });
  }
  const k = ok(await staff.get(`/api/sessions/${sessionId}/ceremony/key`), 'key');
  const joint = parsePoint(k.jointKey)!;
  for (const g of guardians) g.backup = exportShareBackup(params.ceremonyId, joint, g.index, g.share);
  return { params, fingerprint: k.fingerprint, guardians };
}

/**
 * What a tablet encrypts in: the context from GET /api/deputy/polls/:id/crypto, checked as the
 * web's sealBallot checks it against the candidate list the poll shows (bindsList), and that
 * list's ids in ballot order.
 */
async function tablet(client: Client, pollId: string): Promise<{ ctx: PollContext; candidateIds: string[] }> {
  await cryptoReady();
  const c = ok(await client.get(`/api/deputy/polls/${pollId}/crypto`), 'crypto context');
  const shown = ok(await client.get(`/api/polls/${pollId}`), 'poll').candidates as { id: string; name: string }[];
  if (!bindsList(c.spec, shown)) throw new Error('the server’s context is bound to another list than the poll shows');
  return { ctx: pollContextOf({ params: c.params, spec: c.spec, jointKey: parsePoint(c.jointKey)! }), candidateIds: shown.map((x) => x.id) };
}

/** The context a tablet encrypts in (see tablet()). */
export const tabletContext = async (client: Client, pollId: string): Promise<PollContext> => (await tablet(client, pollId)).ctx;

/** What a test casts: a ballot body as the tablet's screen makes it, or a choice by candidate index. */
export type TabletBallot = BallotBody | RatingBallot | { choice: PlainChoice };

/** A ballot encrypted as the tablet does it, and packed as it sends it (packBallot). */
export async function encryptFor(client: Client, pollId: string, ballot: TabletBallot): Promise<{ ctx: PollContext; ballot: EncryptedBallot; packed: string }> {
  const { ctx, candidateIds } = await tablet(client, pollId);
  const b = encryptBallot(ctx, 'choice' in ballot ? ballot.choice : choiceFromBody(ballot, candidateIds));
  return { ctx, ballot: b, packed: packBallot(b) };
}

/** Casts an encrypted ballot over HTTP; answers the receipt. */
export async function castEncrypted(client: Client, pollId: string, ballot: TabletBallot, idempotencyKey = key()): Promise<{ receipt: string; packed: string; res: Res }> {
  const { packed } = await encryptFor(client, pollId, ballot);
  const res = await client.post(`/api/polls/${pollId}/ballots`, { idempotencyKey, ballot: { encrypted: packed } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { receipt: res.body.receipt, packed, res };
}

/** One 监票人 presses 解密: reads the sums, decrypts with their share on the tablet, sends the partial with its proofs. */
export async function decryptAs(g: Pick<GuardianTablet, 'client' | 'index' | 'share'>, pollId: string): Promise<Res> {
  const task = ok(await g.client.get(`/api/deputy/polls/${pollId}/decryption`), 'decryption task');
  const ctx = await tabletContext(g.client, pollId);
  const d = partialDecrypt(ctx, g.index, g.share, parseCiphertexts(task.sums)!);
  return g.client.post(`/api/deputy/polls/${pollId}/decryption`, partialToJson(d));
}
