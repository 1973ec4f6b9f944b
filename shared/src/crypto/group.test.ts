import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseMul, cryptoReady, encodeParts, fromB64, hashToScalar, identity, pointAdd, pointFromBytes, pointMul, pointSub,
  scalarFromBytes, scalarFromInt, scalarInvert, scalarMul, toB64, toHex,
} from './group.ts';

beforeAll(cryptoReady);

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

describe('the group module against RFC 9496', () => {
  // RFC 9496 Appendix A.1: encodings of B·0 … B·15 (the published ristretto255 test vectors)
  const multiples = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
    '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
    '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
    'da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57',
    'e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e',
    'f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403',
    '44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d',
    '903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c',
    '02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031',
    '20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f',
    'bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42',
    'e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460',
    'aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f',
    '46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e',
    'e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e',
  ];

  it('g^k for k = 0..15 are the published encodings, by base and variable-base multiplication and by addition', () => {
    let acc = identity();
    const g = pointFromBytes(hex(multiples[1] as string));
    if (!g) throw new Error('generator did not decode');
    multiples.forEach((expected, k) => {
      expect(toHex(baseMul(scalarFromInt(k)))).toBe(expected);
      expect(toHex(pointMul(g, scalarFromInt(k)))).toBe(expected);
      expect(toHex(acc)).toBe(expected);
      acc = pointAdd(acc, g);
    });
  });

  it('refuses non-canonical and invalid encodings (RFC 9496 A.2 kinds: negative, non-canonical, off-curve)', () => {
    expect(pointFromBytes(hex('0100000000000000000000000000000000000000000000000000000000000000'))).toBeNull();
    expect(pointFromBytes(hex('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBeNull();
    expect(pointFromBytes(hex('26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371'))).toBeNull();
    expect(pointFromBytes(new Uint8Array(31))).toBeNull();
    // q itself is not a canonical scalar; q − 1 is
    expect(scalarFromBytes(hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'))).toBeNull();
    expect(scalarFromBytes(hex('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'))).not.toBeNull();
  });

  it('negative small integers are q − |n|, inverses invert, and g^a·g^−a is the identity', () => {
    const a = scalarFromInt(-7);
    expect(toHex(pointAdd(baseMul(a), baseMul(scalarFromInt(7))))).toBe(multiples[0]);
    expect(toHex(scalarMul(scalarFromInt(12), scalarInvert(scalarFromInt(12))))).toBe(toHex(scalarFromInt(1)));
    expect(toHex(pointSub(baseMul(scalarFromInt(9)), baseMul(scalarFromInt(4))))).toBe(multiples[5]);
  });

  it('hashes to scalars deterministically, keyed and unambiguous in how parts are split', () => {
    const key = new Uint8Array(32);
    expect(toHex(hashToScalar(key, ['ab', 'c']))).toBe(toHex(hashToScalar(key, ['ab', 'c'])));
    expect(toHex(hashToScalar(key, ['ab', 'c']))).not.toBe(toHex(hashToScalar(key, ['a', 'bc'])));
    expect(toHex(hashToScalar(key, [1]))).not.toBe(toHex(hashToScalar(new Uint8Array(32).fill(1), [1])));
  });

  it('base64url round-trips and rejects other alphabets', () => {
    const bytes = Uint8Array.from([0, 251, 255, 1]);
    expect(fromB64(toB64(bytes))).toEqual(bytes);
    expect(fromB64('a+b/')).toBeNull();
    expect(fromB64(3)).toBeNull();
  });
});

describe('the hash input encoding (trackers, base hashes, challenges)', () => {
  it('is a type byte, a 4-byte big-endian length and the bytes; integers as 8 bytes big-endian', () => {
    // Pinned: every tracker, fingerprint and proof challenge hashes these bytes.
    expect(toHex(encodeParts(['票', 258, Uint8Array.of(0xab, 0xcd), '']))).toBe(
      '0100000003e7a5a8' + '02000000080000000000000102' + '0300000002abcd' + '0100000000',
    );
    expect(encodeParts([]).length).toBe(0);
    expect(() => encodeParts([-1])).toThrow();
    expect(() => encodeParts([2 ** 53])).toThrow();
  });
});
