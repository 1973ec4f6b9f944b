/**
 * The one door to the curve library. Every group operation, scalar operation, hash, AEAD and
 * random byte of shared/src/crypto goes through this file, so the library (libsodium's WASM
 * build, audited, the same code in Node and the browser) can be swapped here alone.
 *
 * Group: ristretto255 (RFC 9496), prime order q = 2^252 + 27742317777372353535851937790883648493.
 * Points and scalars travel as their canonical 32-byte encodings. Written additively in
 * comments where it helps; the protocol files keep ElectionGuard's multiplicative notation.
 */
import sodium from 'libsodium-wrappers-sumo';

declare const pointBrand: unique symbol;
declare const scalarBrand: unique symbol;
/** A canonical, validated ristretto255 element (32 bytes). */
export type Point = Uint8Array & { readonly [pointBrand]: true };
/** A canonical scalar modulo q (32 bytes, little-endian). */
export type Scalar = Uint8Array & { readonly [scalarBrand]: true };

export const GROUP_NAME = 'ristretto255';
const BYTES = 32;

let loaded = false;

/** Loads the WASM module; every other function needs it done once per process or page. */
export async function cryptoReady(): Promise<void> {
  await sodium.ready;
  loaded = true;
}

function lib(): typeof sodium {
  if (!loaded) throw new Error('crypto not initialised: await cryptoReady() first');
  return sodium;
}

const ZERO32 = new Uint8Array(BYTES);

/** Equality of two byte strings without an early exit (nonces and shares pass through here). */
function bytesEq(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

// ---- scalars ---------------------------------------------------------------------------

/** A canonical scalar from bytes, or null (wrong length, or not reduced modulo q). */
export function scalarFromBytes(bytes: Uint8Array): Scalar | null {
  if (bytes.length !== BYTES) return null;
  const wide = new Uint8Array(64);
  wide.set(bytes);
  const reduced = lib().crypto_core_ristretto255_scalar_reduce(wide);
  return bytesEq(reduced, bytes) ? (reduced as Scalar) : null;
}

/** A small signed integer as a scalar (negative values are q − |n|). */
export function scalarFromInt(n: number): Scalar {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  const abs = Math.abs(n);
  const bytes = new Uint8Array(BYTES);
  let v = BigInt(abs);
  for (let i = 0; i < BYTES && v > 0n; i++) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  const s = bytes as Scalar;
  return n < 0 ? scalarNeg(s) : s;
}

export const scalarZero = (): Scalar => new Uint8Array(BYTES) as Scalar;
export const scalarRandom = (): Scalar => lib().crypto_core_ristretto255_scalar_random() as Scalar;
export const scalarAdd = (x: Scalar, y: Scalar): Scalar => lib().crypto_core_ristretto255_scalar_add(x, y) as Scalar;
export const scalarSub = (x: Scalar, y: Scalar): Scalar => lib().crypto_core_ristretto255_scalar_sub(x, y) as Scalar;
export const scalarMul = (x: Scalar, y: Scalar): Scalar => lib().crypto_core_ristretto255_scalar_mul(x, y) as Scalar;
export const scalarNeg = (x: Scalar): Scalar => lib().crypto_core_ristretto255_scalar_negate(x) as Scalar;
/** x⁻¹ mod q; x must not be zero. */
export function scalarInvert(x: Scalar): Scalar {
  if (isZeroScalar(x)) throw new Error('zero has no inverse');
  return lib().crypto_core_ristretto255_scalar_invert(x) as Scalar;
}
export const isZeroScalar = (x: Scalar): boolean => bytesEq(x, ZERO32);
export const scalarEq = (x: Scalar, y: Scalar): boolean => bytesEq(x, y);
export const scalarSum = (xs: readonly Scalar[]): Scalar => xs.reduce(scalarAdd, scalarZero());

// ---- points ----------------------------------------------------------------------------

/** A valid canonical element from bytes (the identity included), or null. */
export function pointFromBytes(bytes: Uint8Array): Point | null {
  if (bytes.length !== BYTES) return null;
  if (bytesEq(bytes, ZERO32)) return new Uint8Array(BYTES) as Point;
  return lib().crypto_core_ristretto255_is_valid_point(bytes) ? (Uint8Array.from(bytes) as Point) : null;
}

export const identity = (): Point => new Uint8Array(BYTES) as Point;
export const isIdentity = (p: Point): boolean => bytesEq(p, ZERO32);
export const pointEq = (p: Point, q: Point): boolean => bytesEq(p, q);

/**
 * g^s. libsodium refuses to return the identity (s = 0), which exponential ElGamal needs for
 * the plaintext 0, so that one case is answered here.
 */
export function baseMul(s: Scalar): Point {
  if (isZeroScalar(s)) return identity();
  return lib().crypto_scalarmult_ristretto255_base(s) as Point;
}

/** P^s (variable base). The identity result (s = 0 or P = identity) is answered here, as above. */
export function pointMul(p: Point, s: Scalar): Point {
  if (isZeroScalar(s) || isIdentity(p)) return identity();
  return lib().crypto_scalarmult_ristretto255(s, p) as Point;
}

export function pointAdd(p: Point, q: Point): Point {
  if (isIdentity(p)) return q;
  if (isIdentity(q)) return p;
  return lib().crypto_core_ristretto255_add(p, q) as Point;
}

export function pointSub(p: Point, q: Point): Point {
  if (isIdentity(q)) return p;
  return lib().crypto_core_ristretto255_sub(p, q) as Point;
}

export const pointSum = (ps: readonly Point[]): Point => ps.reduce(pointAdd, identity());

// ---- hashing ---------------------------------------------------------------------------

const encoder = new TextEncoder();

/** A hash input element: bytes (points, scalars, digests), a string, or a non-negative integer. */
export type HashPart = Uint8Array | string | number;

/**
 * Unambiguous byte encoding of a list of parts: a type byte, a 4-byte big-endian length, the
 * bytes. Integers are 8-byte big-endian. (ElectionGuard 2.0 §5.1 fixes its own layout for its
 * integer group; this is the same idea for 32-byte elements.)
 */
export function encodeParts(parts: readonly HashPart[]): Uint8Array {
  // One allocation: a tracker hashes ~200 parts per ballot, on the server's cast path.
  const strings = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : null));
  let total = 0;
  parts.forEach((part, i) => {
    total += 5 + (typeof part === 'number' ? 8 : (strings[i] ?? (part as Uint8Array)).length);
  });
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  parts.forEach((part, i) => {
    if (typeof part === 'number') {
      if (!Number.isSafeInteger(part) || part < 0) throw new Error(`cannot hash ${part}`);
      out[at] = 2;
      view.setUint32(at + 1, 8);
      view.setBigUint64(at + 5, BigInt(part));
      at += 13;
      return;
    }
    const body = strings[i] ?? (part as Uint8Array);
    out[at] = typeof part === 'string' ? 1 : 3;
    view.setUint32(at + 1, body.length);
    out.set(body, at + 5);
    at += 5 + body.length;
  });
  return out;
}

/** SHA-256 of the encoded parts: base hashes, fingerprints, trackers. */
export function digest(parts: readonly HashPart[]): Uint8Array {
  return lib().crypto_hash_sha256(encodeParts(parts));
}

/**
 * Challenge hash H(key; parts) → scalar, after ElectionGuard 2.0 §5.1 (H is HMAC keyed with
 * the base hash). ElectionGuard's q has 256 bits, ristretto255's 252, so a 256-bit output
 * reduced mod q would be biased; HMAC-SHA-512 reduced mod q (RFC 9496 §4.4's wide reduction)
 * is not.
 */
export function hashToScalar(key: Uint8Array, parts: readonly HashPart[]): Scalar {
  const mac = lib().crypto_auth_hmacsha512(encodeParts(parts), key);
  return lib().crypto_core_ristretto255_scalar_reduce(mac) as Scalar;
}

// ---- symmetric encryption of key shares ------------------------------------------------

export const AEAD_NONCE_BYTES = 24;
export const AEAD_KEY_BYTES = 32;

export const randomBytes = (n: number): Uint8Array => lib().randombytes_buf(n);

/** XChaCha20-Poly1305 (libsodium's IETF construction). */
export function aeadSeal(plain: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return lib().crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key);
}

/** The plaintext, or null when the box, its nonce, key or associated data do not match. */
export function aeadOpen(box: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (nonce.length !== AEAD_NONCE_BYTES || key.length !== AEAD_KEY_BYTES) return null;
  try {
    return lib().crypto_aead_xchacha20poly1305_ietf_decrypt(null, box, ad, nonce, key);
  } catch {
    return null;
  }
}

// ---- text encodings --------------------------------------------------------------------

export const toB64 = (b: Uint8Array): string => lib().to_base64(b, lib().base64_variants.URLSAFE_NO_PADDING);
/** base64url without padding → bytes, or null. */
export function fromB64(s: unknown): Uint8Array | null {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    return lib().from_base64(s, lib().base64_variants.URLSAFE_NO_PADDING);
  } catch {
    return null;
  }
}
export const toHex = (b: Uint8Array): string => lib().to_hex(b);
