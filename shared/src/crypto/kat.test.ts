/**
 * Known-answer tests built from published values only: every expected encoding below is one of
 * RFC 9496's multiples B·k, and the inputs are small scalars chosen so that each ElectionGuard
 * equation lands on such a multiple. No output of this code is pinned as its own answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PollContext } from './ballot.ts';
import { encrypt } from './elgamal.ts';
import { baseMul, cryptoReady, pointMul, scalarFromInt, toHex } from './group.ts';
import { combinePartials, firstBadShare, lagrangeAtZero, partialDecrypt } from './tally.ts';

beforeAll(cryptoReady);

// RFC 9496 Appendix A.1
const B = {
  1: 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  2: '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  3: '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
  6: 'f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403',
  7: '44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d',
  15: 'e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e',
} as const;

describe('known answers from RFC 9496 vectors', () => {
  // a 2-of-3 sharing of the secret 2 by P(x) = 2 + 3x: s_1 = 5, s_2 = 8, s_3 = 11; K = g^2
  const share = (l: number) => scalarFromInt(2 + 3 * l);
  const K = () => baseMul(scalarFromInt(2));

  it('Enc(1; ξ = 3) under K = g^2 is (g^3, g^(1 + 2·3)) = (B·3, B·7)', () => {
    expect(toHex(K())).toBe(B[2]);
    const ct = encrypt(K(), 1, scalarFromInt(3));
    expect(toHex(ct.a)).toBe(B[3]);
    expect(toHex(ct.b)).toBe(B[7]);
  });

  it('partial decryption M_1 = α^s_1 = g^15 = B·15, and Lagrange over {1, 2} gives w_1 = 2, w_2 = −1', () => {
    expect(toHex(lagrangeAtZero([1, 2], 1))).toBe(toHex(scalarFromInt(2)));
    expect(toHex(lagrangeAtZero([1, 2], 2))).toBe(toHex(scalarFromInt(-1)));
    // over {1, 3}: w_1 = 3/2, w_3 = −1/2, so 2·w_1 = 3 and 2·w_3 = −1
    expect(toHex(pointMul(baseMul(lagrangeAtZero([1, 3], 1)), scalarFromInt(2)))).toBe(B[3]);
  });

  it('combining M_1, M_2 gives M = g^(2·15 − 24) = B·6 and the plaintext β / M = B·1, from {1, 3} too', () => {
    const ct = encrypt(K(), 1, scalarFromInt(3));
    const ctx: PollContext = {
      spec: { pollId: 'kat', kind: 'choose', candidates: 1, listDigest: '00'.repeat(32), places: 1, allowAbstain: true, maxBallots: 1 },
      jointKey: K(),
      baseHash: new Uint8Array(32),
    };
    const partials = [1, 2, 3].map((l) => partialDecrypt(ctx, l, share(l), [ct]));
    expect(toHex(partials[0]!.shares[0]!)).toBe(B[15]);
    for (const p of partials) expect(firstBadShare(ctx, baseMul(share(p.guardian)), [ct], p)).toBeNull();
    expect(toHex(combinePartials(2, [ct], [partials[0]!, partials[1]!])[0]!)).toBe(B[1]);
    expect(toHex(combinePartials(2, [ct], [partials[0]!, partials[2]!])[0]!)).toBe(B[1]);
    expect(toHex(combinePartials(2, [ct], [partials[2]!, partials[1]!])[0]!)).toBe(B[1]);
  });
});
