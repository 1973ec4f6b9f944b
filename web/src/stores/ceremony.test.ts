import { beforeAll, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { CeremonyCommitment, CeremonyConfirmBody, CeremonySharesBody, CeremonyStatus, CeremonyTranscript } from '@piaojue/shared';
import * as crypto from '@piaojue/shared/crypto';
import { ApiError } from '../api/client.ts';
import type { KeyValueStorage } from '../lib/castQueue.ts';
import { guardianAction } from '../lib/guardianVault.ts';
import { useCeremonyStore, type CeremonyDeps } from './ceremony.ts';

const SESSION = '00000000-0000-4000-8000-000000000001';
const CEREMONY = '00000000-0000-4000-8000-0000000000c1';
const deputies = ['00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-0000000000d3'];

function memory(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

/** The server's relay, as ceremony.service.ts runs it: rounds in order, each once, checks on what is public. */
function fakeServer(threshold = 2) {
  const messages: { guardian: number; round: number; body: unknown }[] = [];
  let state: CeremonyStatus['status'] = 'running';
  let failed: number[] = [];
  const roundOf = (i: number) => messages.filter((m) => m.guardian === i).reduce((r, m) => Math.max(r, m.round), 0);
  const ofRound = (r: number) => messages.filter((m) => m.round === r);
  const commitments = () => ofRound(1).map((m) => crypto.parseCommitment(m.body) as crypto.GuardianCommitment);
  const status = (): CeremonyStatus => ({
    id: CEREMONY, sessionId: SESSION, status: state, threshold,
    guardians: deputies.map((deputyId, i) => ({ index: i + 1, deputyId, name: `监票人${i + 1}`, round: roundOf(i + 1) })),
    done: ofRound(3).filter((m) => 'publicShare' in (m.body as object)).length,
    failedSenders: failed,
    fingerprint: state === 'complete' ? crypto.keyFingerprint(crypto.jointKey(commitments())) : null,
    createdAt: '2027-01-01T00:00:00.000Z', completedAt: null,
  });
  const step = (index: number, round: number, body: unknown) => {
    if (roundOf(index) >= round || (round > 1 && ofRound(round - 1).length < deputies.length)) {
      throw new ApiError(409, { code: 'CEREMONY_ROUND', message: 'round', messageZh: '轮次', messageEn: 'round' });
    }
    messages.push({ guardian: index, round, body });
  };
  const spec: crypto.PollSpec = { pollId: 'poll-1', kind: 'choose', candidates: 3, listDigest: 'a1'.repeat(32), places: 2, allowAbstain: false, maxBallots: 10 };
  const params = { ceremonyId: CEREMONY, guardians: deputies, threshold };
  const ctx = () => crypto.pollContextOf({ params, spec, jointKey: crypto.jointKey(commitments()) });
  const box: crypto.EncryptedBallot[] = [];
  const partials: crypto.PartialDecryption[] = [];
  const api = (as: number): CeremonyDeps['api'] => ({
    pollCrypto: async () => ({ params, spec, jointKey: crypto.pointToB64(crypto.jointKey(commitments())), fingerprint: crypto.keyFingerprint(crypto.jointKey(commitments())) }),
    decryption: async () => ({
      pollId: 'poll-1', guardian: as, ballots: box.length, ceremonyId: CEREMONY, done: false,
      sums: crypto.sumBallots(spec, box).map((c) => [crypto.pointToB64(c.a), crypto.pointToB64(c.b)] as [string, string]),
    }),
    decrypt: async (_pollId, body) => {
      // the server's check: against g^s from the commitments, never as claimed
      const shares = body.shares.map((x) => crypto.parsePoint(x) as crypto.Point);
      const proofs = body.proofs.map((p) => ({ c: crypto.parseScalar(p.c) as crypto.Scalar, v: crypto.parseScalar(p.v) as crypto.Scalar }));
      const partial = { guardian: body.guardian, shares, proofs };
      expect(crypto.firstBadShare(ctx(), crypto.publicShareKey(commitments(), body.guardian), crypto.sumBallots(spec, box), partial)).toBeNull();
      partials.push(partial);
      return {};
    },
    ceremony: async () => status(),
    transcript: async (): Promise<CeremonyTranscript> => ({
      ceremonyId: CEREMONY, guardians: deputies, threshold,
      commitments: ofRound(1).map((m) => m.body as CeremonyCommitment),
      shares: ofRound(2).flatMap((m) => m.body as CeremonySharesBody['shares']),
      confirmations: [],
      jointKey: state === 'complete' ? crypto.pointToB64(crypto.jointKey(commitments())) : null,
      fingerprint: null,
    }),
    commit: async (b) => {
      expect(b.index).toBe(as);
      const c = crypto.parseCommitment(b);
      expect(c && crypto.verifyCommitment({ ceremonyId: CEREMONY, guardians: deputies, threshold }, c)).toBe(true);
      step(b.index, 1, b);
      return status();
    },
    shares: async (b) => {
      step(as, 2, b.shares);
      return status();
    },
    confirm: async (b: CeremonyConfirmBody) => {
      step(b.index, 3, b);
      if ('badSenders' in b) {
        state = 'failed';
        failed = b.badSenders;
      } else {
        expect(b.publicShare).toBe(crypto.pointToB64(crypto.publicShareKey(commitments(), b.index)));
        if (ofRound(3).length === deputies.length) state = 'complete';
      }
      return status();
    },
  });
  return { api, messages, status, box, partials, spec, ctx };
}

function tablet(server: ReturnType<typeof fakeServer>, i: number, storage = memory()) {
  setActivePinia(createPinia());
  const store = useCeremonyStore();
  store.useDeps({ api: server.api(i + 1), storage, crypto: async () => crypto });
  store.follow(SESSION, deputies[i] as string);
  return { store, storage };
}

describe('useCeremonyStore', () => {
  beforeAll(() => crypto.cryptoReady());

  it('three 监票人 tablets run rounds 1–3 and end with the same key; no coefficient or share reaches the server', async () => {
    const server = fakeServer();
    const tablets = [0, 1, 2].map((i) => tablet(server, i));
    // each tablet acts whenever it learns the status, in turns, as hall updates would wake it
    for (let pass = 0; pass < 4; pass++) for (const t of tablets) await t.store.refresh();
    expect(server.status().status).toBe('complete');
    for (const t of tablets) {
      expect(t.store.action).toBe('done');
      expect(t.store.record?.coefficients).toBeNull();
      expect(t.store.backupOffered).toBe(true);
    }
    const sent = JSON.stringify(server.messages);
    for (const t of tablets) expect(sent).not.toContain(t.store.record?.share as string);
    // every share is on the same polynomial: any two reconstruct g^s at 0 = the joint key
    // any two of the shares decrypt what was encrypted under the joint key
    const shares = tablets.map((t) => crypto.parseScalar(t.store.record?.share) as crypto.Scalar);
    const params = { ceremonyId: CEREMONY, guardians: deputies, threshold: 2 };
    const t0 = await server.api(1).transcript(SESSION);
    const spec: crypto.PollSpec = { pollId: 'p', kind: 'choose', candidates: 2, listDigest: 'a1'.repeat(32), places: 1, allowAbstain: false, maxBallots: 3 };
    const ctx = crypto.pollContextOf({ params, spec, jointKey: crypto.parsePoint(t0.jointKey) as crypto.Point });
    const sums = crypto.sumBallots(spec, [crypto.encryptBallot(ctx, { type: 'choose', selected: [1] })]);
    const partials = [1, 3].map((i) => crypto.partialDecrypt(ctx, i, shares[i - 1] as crypto.Scalar, sums));
    expect(crypto.recoverCounts(spec, 1, crypto.combinePartials(2, sums, partials))).toEqual([0, 1]);
  });

  it('a tablet that was already waiting when staff started the ceremony takes its steps', async () => {
    const server = fakeServer();
    let started = false;
    const none = (i: number): CeremonyDeps['api'] => ({ ...server.api(i), ceremony: async () => (started ? server.status() : null) });
    const tablets = [0, 1, 2].map((i) => tablet(server, i));
    tablets.forEach((t, i) => t.store.useDeps({ api: none(i + 1) }));
    for (const t of tablets) await t.store.refresh();
    expect(tablets[0]!.store.action).toBe('none');
    started = true;
    for (let pass = 0; pass < 4; pass++) for (const t of tablets) await t.store.refresh();
    expect(server.status().status).toBe('complete');
  });

  it('a reload before the answer arrives sends the same commitment again, never a second polynomial', async () => {
    const server = fakeServer();
    const storage = memory();
    const first = tablet(server, 0, storage);
    const lost = server.api(1).commit;
    first.store.useDeps({ api: { ...server.api(1), commit: async () => { throw new ApiError(0, { code: 'NETWORK', message: 'x', messageZh: '网络', messageEn: 'net' }); } } });
    await first.store.refresh();
    expect(first.store.error).toBeInstanceOf(ApiError);
    const kept = [...storage.map.values()][0] as string;
    const again = tablet(server, 0, storage);
    let sentBody: unknown = null;
    again.store.useDeps({ api: { ...server.api(1), commit: async (b) => ((sentBody = b), lost(b)) } });
    await again.store.refresh();
    expect(sentBody).toEqual(JSON.parse(kept).commitment);
    expect(again.store.status?.guardians[0]?.round).toBe(1);
  });

  it('the backup is offered once, and a new tablet restores the share from it; a wrong or foreign backup is refused', async () => {
    const server = fakeServer();
    const tablets = [0, 1, 2].map((i) => tablet(server, i));
    for (let pass = 0; pass < 4; pass++) for (const t of tablets) await t.store.refresh();
    const text = await tablets[1]!.store.backupText();
    expect(text).toMatch(/^PJSHARE1\./);
    tablets[1]!.store.markExported();
    expect(tablets[1]!.store.backupOffered).toBe(false);

    const fresh = tablet(server, 1);
    await fresh.store.refresh();
    expect(fresh.store.action).toBe('restore');
    expect(await fresh.store.restore((text as string).slice(0, -1) + (text!.endsWith('0') ? '1' : '0'))).toBe(false);
    const other = await tablets[2]!.store.backupText();
    expect(await fresh.store.restore(other as string)).toBe(false);
    expect(await fresh.store.restore(text as string)).toBe(true);
    expect(fresh.store.action).toBe('done');
    expect(fresh.store.backupOffered).toBe(false);
    expect(fresh.store.shareFor(CEREMONY)?.share).toBe(tablets[1]!.store.record?.share);
  });

  it('a share sealed wrongly makes the recipient complain, naming the sender', async () => {
    const server = fakeServer();
    const tablets = [0, 1, 2].map((i) => tablet(server, i));
    for (const t of tablets) await t.store.refresh();
    // guardian 2 seals a share to guardian 1 that does not match its commitments
    const honest = server.api(2).shares;
    tablets[1]!.store.useDeps({
      api: { ...server.api(2), shares: async (b) => honest({ shares: b.shares.map((s) => (s.to === 1 ? { ...s, box: s.box.slice(0, -2) + (s.box.endsWith('AA') ? 'AB' : 'AA') } : s)) }) },
    });
    for (let pass = 0; pass < 3; pass++) for (const t of tablets) await t.store.refresh();
    expect(server.status().status).toBe('failed');
    expect(server.status().failedSenders).toEqual([2]);
    expect(tablets[0]!.store.action).toBe('failed');
  });

  it('two 监票人 decrypt the sums with their kept shares and the counts come out; a tablet without its share refuses', async () => {
    const server = fakeServer();
    const tablets = [0, 1, 2].map((i) => tablet(server, i));
    for (let pass = 0; pass < 4; pass++) for (const t of tablets) await t.store.refresh();
    for (const selected of [[0, 1], [1], [1, 2]]) server.box.push(crypto.encryptBallot(server.ctx(), { type: 'choose', selected }));

    const stranger = tablet(server, 1);
    await stranger.store.refresh();
    expect(await stranger.store.decrypt('poll-1')).toBe(false);
    expect((stranger.store.decryptError as ApiError).code).toBe('GUARDIAN_NO_SHARE');

    expect(await tablets[0]!.store.decrypt('poll-1')).toBe(true);
    expect(await tablets[2]!.store.decrypt('poll-1')).toBe(true);
    const sums = crypto.sumBallots(server.spec, server.box);
    expect(crypto.recoverCounts(server.spec, 3, crypto.combinePartials(2, sums, server.partials))).toEqual([1, 3, 1]);
  });

  it('guardianAction: a tablet that lost its coefficients mid-ceremony says so instead of starting over', () => {
    const s = fakeServer().status();
    const at = (round: number): CeremonyStatus => ({ ...s, guardians: s.guardians.map((g) => ({ ...g, round })) });
    expect(guardianAction(at(0), deputies[0] as string, null)).toBe('commit');
    expect(guardianAction(at(1), deputies[0] as string, null)).toBe('lost');
    expect(guardianAction(at(1), 'someone-else', null)).toBe('none');
    expect(guardianAction({ ...at(3), status: 'complete' }, deputies[0] as string, null)).toBe('restore');
  });
});
