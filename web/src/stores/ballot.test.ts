import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Poll } from '@piaojue/shared';
import { useBallotStore } from './ballot.ts';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const cands = ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id }));
const poll = (ballotType: Poll['ballotType'], chooseN = 2, allowAbstain = true) => ({
  id: 'p1',
  ballotType,
  chooseN,
  passThreshold: 'none' as const,
  tieRule: 'runoff' as const,
  allowAbstain,
  candidates: cands,
});

describe('useBallotStore', () => {
  let storage: ReturnType<typeof memory>;
  beforeEach(() => {
    setActivePinia(createPinia());
    storage = memory();
  });

  it('counts X / N and never exceeds N for approve', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('approve', 2));
    b.mark('a', 'for');
    b.mark('b', 'for');
    b.mark('c', 'for');
    expect(b.count).toBe(2);
    expect(b.n).toBe(2);
    expect(b.atLimit).toBe(true);
    expect(b.blockedAt).toBeGreaterThan(0);
  });

  it('never exceeds N for choose and rank', () => {
    for (const type of ['choose', 'rank'] as const) {
      setActivePinia(createPinia());
      const b = useBallotStore();
      b.useStorage(memory());
      b.begin(poll(type, 2));
      for (const id of ['a', 'b', 'c', 'd']) b.toggle(id);
      expect(b.count).toBe(2);
    }
  });

  it('keeps mid-ballot choices across a reload (session storage) for the same poll only', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('choose', 2));
    b.toggle('c');
    b.toReview();
    setActivePinia(createPinia());
    const again = useBallotStore();
    again.useStorage(storage);
    again.begin(poll('choose', 2));
    expect(again.ballot).toEqual({ type: 'choose', selected: ['c'] });
    expect(again.step).toBe('review');
    setActivePinia(createPinia());
    const other = useBallotStore();
    other.useStorage(storage);
    other.begin({ ...poll('choose', 2), id: 'p2' });
    expect(other.ballot).toEqual({ type: 'choose', selected: [] });
  });

  it('review content reflects the choices', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('rank', 3));
    b.toggle('d');
    b.toggle('b');
    expect(b.review?.groups[0]?.lines.map((l) => `${l.rank}:${l.id}`)).toEqual(['1:d', '2:b']);
  });

  it('a rating without 弃权 cannot go to review until every project is rated', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('rating', 0, false));
    b.rate('a', 'satisfied');
    b.toReview();
    expect(b.step).toBe('edit');
    expect(b.missing).toBe(3);
    for (const id of ['b', 'c', 'd']) b.rate(id, 'basic');
    b.toReview();
    expect(b.step).toBe('review');
  });

  it('clear() forgets the draft', () => {
    const b = useBallotStore();
    b.useStorage(storage);
    b.begin(poll('choose', 2));
    b.toggle('a');
    b.clear();
    expect(storage.m.size).toBe(0);
  });
});

describe('useBallotStore · encrypted poll', () => {
  const CEREMONY = '00000000-0000-4000-8000-0000000000c1';
  /** The server's context for poll p1, bound to `list` (by default the list the tablet shows). */
  async function keyed(list: readonly { id: string; name: string }[] = cands) {
    const c = await import('@piaojue/shared/crypto');
    await c.cryptoReady();
    const params = { ceremonyId: CEREMONY, guardians: ['g1'], threshold: 1 };
    const { secret, commitment } = c.startGuardian(params, 1);
    const spec = { pollId: 'p1', kind: 'choose' as const, candidates: list.length, listDigest: c.candidateListDigest(list), places: 2, allowAbstain: false, maxBallots: 50 };
    const ctx = c.pollContextOf({ params, spec, jointKey: c.jointKey([commitment]) });
    const wire = { params, spec, jointKey: c.pointToB64(c.jointKey([commitment])), fingerprint: c.keyFingerprint(c.jointKey([commitment])) };
    return { c, ctx, wire, secret };
  }
  const encryptedPoll = (extra: object = {}) => ({ ...poll('choose', 2), ballotMode: 'encrypted', ...extra }) as unknown as Poll;

  beforeEach(() => setActivePinia(createPinia()));

  it('sends ciphertexts and proofs that the server’s check accepts, never the body; decrypting gives back the choice', async () => {
    const { c, ctx, wire, secret } = await keyed();
    const b = useBallotStore();
    b.useStorage(memory());
    b.useSealDeps({ context: async () => wire, crypto: async () => c });
    b.begin(poll('choose', 2));
    b.toggle('b');
    b.toggle('d');
    const sent = b.payload(encryptedPoll());
    expect(b.sealing).toBe(true);
    const out = (await sent) as { encrypted: unknown };
    expect(b.sealing).toBe(false);
    expect(Object.keys(out)).toEqual(['encrypted']);
    expect(JSON.stringify(out)).not.toMatch(/"(selected|b|d)"/);
    expect(out.encrypted).toMatch(/^[A-Za-z0-9_-]+$/);
    const parsed = c.unpackBallot(ctx.spec, out.encrypted);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(c.firstInvalidProof(ctx, parsed.ballot)).toBeNull();
    const sums = c.sumBallots(ctx.spec, [parsed.ballot]);
    const partial = c.partialDecrypt(ctx, 1, secret.coefficients[0] as never, sums);
    expect(c.recoverCounts(ctx.spec, 1, c.combinePartials(1, sums, [partial]))).toEqual([0, 1, 0, 1]);
  });

  it('a context bound to another list than the one shown (renamed, reordered, one more or less): nothing is encrypted, and the screen says why', async () => {
    const [a, b, c, d] = cands as [typeof cands[number], typeof cands[number], typeof cands[number], typeof cands[number]];
    const others = {
      renamed: [{ ...a, name: b.name }, { ...b, name: a.name }, c, d],
      reordered: [b, a, c, d],
      'one more': [...cands, { id: 'e', name: 'e' }],
      'one less': [a, b, c],
    };
    for (const [what, list] of Object.entries(others)) {
      const { c: core, wire } = await keyed(list);
      const store = useBallotStore();
      store.useStorage(memory());
      store.useSealDeps({ context: async () => wire, crypto: async () => core });
      store.begin(poll('choose', 2));
      store.toggle('a');
      expect(await store.payload(encryptedPoll()), what).toBeNull();
      expect(store.sealError, what).toMatchObject({ code: 'BALLOT_LIST_MISMATCH' });
      expect((store.sealError as { messageZh: string }).messageZh).toContain('候选项目清单');
      setActivePinia(createPinia());
    }
  });

  it('a plain poll sends the body as before', async () => {
    const b = useBallotStore();
    b.useStorage(memory());
    b.begin(poll('choose', 2));
    b.toggle('a');
    expect(await b.payload({ ...encryptedPoll(), ballotMode: 'plain' } as unknown as Poll)).toEqual({ type: 'choose', selected: ['a'] });
  });

  it('no key for the poll: nothing is sent, the error is kept for the screen, and the next try fetches again', async () => {
    const { c, wire } = await keyed();
    const b = useBallotStore();
    b.useStorage(memory());
    let calls = 0;
    b.useSealDeps({
      context: async () => {
        calls++;
        if (calls === 1) throw new Error('offline');
        return wire;
      },
      crypto: async () => c,
    });
    b.begin(poll('choose', 2));
    b.toggle('a');
    expect(await b.payload(encryptedPoll())).toBeNull();
    expect(b.sealError).toBeInstanceOf(Error);
    b.dismissSealError();
    expect(await b.payload(encryptedPoll())).toHaveProperty('encrypted');
    expect(calls).toBe(2);
  });
});
