/**
 * Exponential ElGamal under the joint key K: Enc(m; ξ) = (α, β) = (g^ξ, g^m · K^ξ), the form of
 * ElectionGuard 1.0 §"Ballot encryption" and Belenios' specification §"ElGamal". (ElectionGuard
 * 2.0 §3.3 moved to (g^ξ, K^(m+ξ)); base g is kept here so one table of small powers of g serves
 * every poll's count recovery.) Ciphertexts add component-wise into an encryption of the sum.
 */
import {
  baseMul, pointAdd, pointEq, pointMul, pointSub, scalarFromInt, identity,
  type Point, type Scalar,
} from './group.ts';

export interface Ciphertext {
  /** α = g^ξ */
  a: Point;
  /** β = g^m · K^ξ */
  b: Point;
}

const smallPowers = new Map<number, Point>();

/** g^m for a small signed m, cached: the same few values recur in every proof. */
export function gPow(m: number): Point {
  let p = smallPowers.get(m);
  if (!p) {
    p = baseMul(scalarFromInt(m));
    if (smallPowers.size < 4096) smallPowers.set(m, p);
  }
  return p;
}

export function encrypt(jointKey: Point, m: number, nonce: Scalar): Ciphertext {
  return { a: baseMul(nonce), b: pointAdd(gPow(m), pointMul(jointKey, nonce)) };
}

export const ctAdd = (x: Ciphertext, y: Ciphertext): Ciphertext => ({ a: pointAdd(x.a, y.a), b: pointAdd(x.b, y.b) });
export const ctSub = (x: Ciphertext, y: Ciphertext): Ciphertext => ({ a: pointSub(x.a, y.a), b: pointSub(x.b, y.b) });
export const ctZero = (): Ciphertext => ({ a: identity(), b: identity() });
export const ctSum = (cs: readonly Ciphertext[]): Ciphertext => cs.reduce(ctAdd, ctZero());
export const ctEq = (x: Ciphertext, y: Ciphertext): boolean => pointEq(x.a, y.a) && pointEq(x.b, y.b);
