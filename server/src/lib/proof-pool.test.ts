import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cryptoReady, encryptBallot, encryptedBallotToJson, firstInvalidProof, packBallot, parseEncryptedBallot, statements,
  type EncryptedBallotJson, type PollContext, type PollSpec,
} from '@piaojue/shared/crypto';
import { pollContext, randomChoice, runCeremony, withList } from '../../../shared/src/crypto/testkit.ts';
import { ProofPool } from './proof-pool.ts';

const spec = (pollId: string): PollSpec => withList({ pollId, kind: 'approve', candidates: 6, places: 3, allowAbstain: true, maxBallots: 50 });

let ctxA: PollContext;
let ctxB: PollContext;
let pool: ProofPool;
const logged: string[] = [];

/** A deterministic stream for random choices. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Another scalar, canonical but wrong: the low byte changed (scalars are little-endian and < 2^252). */
function otherScalar(b64: string): string {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64url');
}

const copy = (b: EncryptedBallotJson): EncryptedBallotJson => JSON.parse(JSON.stringify(b)) as EncryptedBallotJson;

const parsedOf = (json: EncryptedBallotJson) => {
  const p = parseEncryptedBallot(json);
  if (!p.ok) throw new Error(p.reason);
  return p.ballot;
};

/** The in-process answer the pool must equal. */
function expected(ctx: PollContext, json: unknown): number | null {
  const parsed = parseEncryptedBallot(json);
  return parsed.ok ? firstInvalidProof(ctx, parsed.ballot) : -1;
}

async function waitForWorkers(p: ProofPool, n: number) {
  while (p.stats().workers < n) await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  await cryptoReady();
  const run = runCeremony(3, 2, 'pool-test');
  ctxA = pollContext(run, spec('poll-a'));
  ctxB = pollContext(run, spec('poll-b'));
  pool = new ProofPool({ size: 2, batchSize: 2, perWorker: 4, log: (m) => logged.push(m) });
  pool.start();
  await waitForWorkers(pool, 2);
});

afterAll(async () => {
  await pool?.close();
});

describe('ProofPool', () => {
  it('answers null for valid ballots, across polls', async () => {
    const rand = seeded(1);
    const ballots = Array.from({ length: 12 }, (_, i) => {
      const ctx = i % 2 ? ctxA : ctxB;
      return { ctx, json: encryptedBallotToJson(encryptBallot(ctx, randomChoice(ctx.spec, rand))) };
    });
    const answers = await Promise.all(
      ballots.map(({ ctx, json }) => pool.check(ctx.spec.pollId, ctx, JSON.stringify(packBallot(parsedOf(json))))),
    );
    expect(answers).toEqual(ballots.map(() => null));
  });

  it('answers each tampered ballot with the index of the statement whose proof fails, as firstInvalidProof does', async () => {
    const good = encryptedBallotToJson(encryptBallot(ctxA, randomChoice(ctxA.spec, seeded(2))));
    const count = statements(ctxA.spec).length;
    const cases: { name: string; json: EncryptedBallotJson; want: number }[] = [];
    for (let k = 0; k < count; k++) {
      const c = copy(good);
      c.proofs[k]!.c[0] = otherScalar(c.proofs[k]!.c[0]!);
      cases.push({ name: `proof ${k} challenge`, json: c, want: k });
      const v = copy(good);
      const last = v.proofs[k]!.v.length - 1;
      v.proofs[k]!.v[last] = otherScalar(v.proofs[k]!.v[last]!);
      cases.push({ name: `proof ${k} response`, json: v, want: k });
    }
    // A slot swapped for another ballot's: every proof is bound to all slots, so the first fails.
    const other = encryptedBallotToJson(encryptBallot(ctxA, randomChoice(ctxA.spec, seeded(3))));
    const slot = copy(good);
    slot.slots[2] = other.slots[2]!;
    cases.push({ name: 'a slot replaced', json: slot, want: 0 });
    // The same ballot in another poll: its proofs are bound to poll A's base hash.
    cases.push({ name: 'replayed into poll B', json: good, want: 0 });
    const short = copy(good);
    short.proofs.pop();
    cases.push({ name: 'a proof missing', json: short, want: -1 });
    const garbled = copy(good);
    garbled.slots[0]![0] = 'not a point';
    cases.push({ name: 'not a point', json: garbled, want: -1 });
    cases.push({ name: 'not a ballot', json: { slots: 'x' } as unknown as EncryptedBallotJson, want: -1 });

    const answers = await Promise.all(
      cases.map((t) => (t.name === 'replayed into poll B' ? pool.check('poll-b', ctxB, JSON.stringify(t.json)) : pool.check('poll-a', ctxA, JSON.stringify(t.json)))),
    );
    // the same ballots packed, as the box stores them now (those whose elements decode)
    const packable = cases.filter((t) => parseEncryptedBallot(t.json).ok);
    expect(packable.length).toBeGreaterThan(2 * count);
    const packedAnswers = await Promise.all(
      packable.map((t) => pool.check(t.name === 'replayed into poll B' ? 'poll-b' : 'poll-a', t.name === 'replayed into poll B' ? ctxB : ctxA, JSON.stringify(packBallot(parsedOf(t.json))))),
    );
    expect(packedAnswers).toEqual(packable.map((t) => t.want));
    cases.forEach((t, i) => {
      expect({ name: t.name, answer: answers[i] }).toEqual({ name: t.name, answer: t.want });
      const ctx = t.name === 'replayed into poll B' ? ctxB : ctxA;
      expect(answers[i]).toBe(expected(ctx, t.json));
    });
  });

  it('still answers every check when a worker dies holding some', async () => {
    const rand = seeded(4);
    const ballots = Array.from({ length: 16 }, (_, i) => {
      const json = encryptedBallotToJson(encryptBallot(ctxA, randomChoice(ctxA.spec, rand)));
      if (i % 4 === 0) json.proofs[1]!.c[0] = otherScalar(json.proofs[1]!.c[0]!);
      return json;
    });
    const crashesBefore = pool.stats().crashes;
    const answers = Promise.all(ballots.map((b) => pool.check('poll-a', ctxA, JSON.stringify(b))));
    // Let the pool hand out the first batches, then end the first worker while it holds checks.
    while (pool.stats().held[0] === 0) await new Promise((r) => setImmediate(r));
    await pool.killWorker(0);
    expect(await answers).toEqual(ballots.map((_, i) => (i % 4 === 0 ? 1 : null)));
    expect(pool.stats().crashes).toBe(crashesBefore + 1);
    expect(logged.some((m) => m.includes('proof-check worker exited'))).toBe(true);
    expect(logged.join('\n')).not.toContain(ballots[0]!.slots[0]![0]);
    await waitForWorkers(pool, 2);
  });

  it('idle() resolves once every check of the poll (or of all polls) is answered', async () => {
    await expect(pool.idle('no-such-poll')).resolves.toBeUndefined();
    const rand = seeded(5);
    const answered = { a: 0, b: 0 };
    const a = Array.from({ length: 5 }, () => encryptedBallotToJson(encryptBallot(ctxA, randomChoice(ctxA.spec, rand))));
    const b = Array.from({ length: 7 }, () => encryptedBallotToJson(encryptBallot(ctxB, randomChoice(ctxB.spec, rand))));
    for (const json of a) void pool.check('poll-a', ctxA, JSON.stringify(json)).then(() => answered.a++);
    for (const json of b) void pool.check('poll-b', ctxB, JSON.stringify(json)).then(() => answered.b++);
    const drainedA = pool.idle('poll-a').then(() => answered.a);
    await pool.idle();
    expect(answered).toEqual({ a: 5, b: 7 });
    expect(await drainedA).toBe(5);
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('at close refuses the checks not answered and wakes idle(); refuses checks after', async () => {
    const p = new ProofPool({ size: 1 });
    const json = encryptedBallotToJson(encryptBallot(ctxA, randomChoice(ctxA.spec, seeded(6))));
    const waiting = p.check('poll-a', ctxA, JSON.stringify(json));
    const drained = p.idle('poll-a');
    await p.close();
    await expect(waiting).rejects.toThrow('closed');
    await expect(drained).resolves.toBeUndefined();
    await expect(p.check('poll-a', ctxA, JSON.stringify(json))).rejects.toThrow('closed');
  });
});
