import { cryptoReady, encryptBallot, encryptedBallotToJson, packBallot } from '@piaojue/shared/crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollContext, runCeremony } from '../../../shared/src/crypto/testkit.ts';
import type { ProofChecker } from './proof-checker.ts';
import { ProofPool } from './proof-pool.ts';

beforeAll(async () => {
  await cryptoReady();
});

// The ProofChecker contract, on the server's implementation (worker threads).
describe('ProofChecker (ProofPool)', () => {
  it('answers null for a valid ballot, the failing statement for a bad one, −1 for garbage; idle(poll) waits for that poll only', async () => {
    const run = runCeremony(3, 2);
    const spec = (pollId: string) => ({ pollId, kind: 'choose' as const, candidates: 3, places: 1, allowAbstain: true, maxBallots: 10 });
    const a = pollContext(run, spec('a'));
    const b = pollContext(run, spec('b'));
    const goodBallot = encryptBallot(a, { type: 'choose', selected: [2] });
    const otherBallot = encryptBallot(a, { type: 'choose', selected: [] });
    // the stored ballot's JSON text: packed (as the box stores it now) …
    const good = JSON.stringify(packBallot(goodBallot));
    const lifted = JSON.stringify(packBallot({ slots: goodBallot.slots, proofs: otherBallot.proofs }));
    // … or as rows stored before ballots were packed
    const goodJson = encryptedBallotToJson(goodBallot);
    const otherJson = encryptedBallotToJson(otherBallot);
    const checker: ProofChecker = new ProofPool({ size: 2 });
    const order: string[] = [];
    const results = [
      checker.check('a', a, good).then((r) => (order.push('a1'), r)),
      // proofs of one ballot over the ciphertexts of another: the first statement fails
      checker.check('a', a, lifted).then((r) => (order.push('a2'), r)),
      checker.check('b', b, JSON.stringify({ slots: [['x', 'y']], proofs: [] })).then((r) => (order.push('b1'), r)),
      // a ballot of poll a checked against poll b: bound to its poll
      checker.check('b', b, good).then((r) => (order.push('b2'), r)),
      // stored before packing: the same answers; text that is not JSON, or a packed ballot cut short, is garbage
      checker.check('a', a, JSON.stringify(goodJson)).then((r) => (order.push('a3'), r)),
      checker.check('a', a, JSON.stringify({ slots: goodJson.slots, proofs: otherJson.proofs })).then((r) => (order.push('a4'), r)),
      checker.check('a', a, good.slice(0, -1)).then((r) => (order.push('a5'), r)),
      checker.check('a', a, JSON.stringify(packBallot(goodBallot).slice(0, -1))).then((r) => (order.push('a6'), r)),
    ];
    await checker.idle('a');
    expect(order).toEqual(expect.arrayContaining(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']));
    await checker.idle();
    expect(await Promise.all(results)).toEqual([null, 0, -1, 0, null, 0, -1, -1]);
    // idle with nothing queued answers at once
    await checker.idle('nothing');
    await checker.close?.();
  });
});
