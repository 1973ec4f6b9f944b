/**
 * Non-interactive zero-knowledge proofs (Fiat–Shamir), after the ElectionGuard 2.0
 * specification. Each proof is stored as ElectionGuard stores it, challenges and responses only;
 * the verifier recomputes the commitments and re-derives the challenge. Every challenge hash is
 * keyed with a base hash and carries a context (who/what the proof is about) so that no proof
 * can be lifted into another ballot, guardian or poll.
 */
import type { Ciphertext } from './elgamal.ts';
import { gPow } from './elgamal.ts';
import {
  baseMul, hashToScalar, pointAdd, pointMul, pointSub, scalarAdd, scalarEq, scalarFromInt,
  scalarMul, scalarRandom, scalarSub, scalarSum,
  type HashPart, type Point, type Scalar,
} from './group.ts';

/** A Schnorr or Chaum–Pedersen proof: challenge c and response v. */
export interface SimpleProof {
  c: Scalar;
  v: Scalar;
}

/** A disjunctive proof: one (c_j, v_j) per allowed value, in the order of the allowed list. */
export interface RangeProof {
  c: Scalar[];
  v: Scalar[];
}

// ---- Schnorr proof of knowledge of a polynomial coefficient ---------------------------

/**
 * ElectionGuard 2.0 §3.2.2 (NIZK proof, eq. 10–11): knowledge of a with K = g^a.
 * h = g^u, c = H(Q; 0x10, context, K, h), v = u − c·a.
 */
export function proveSchnorr(key: Uint8Array, context: readonly HashPart[], secret: Scalar, pub: Point): SimpleProof {
  const u = scalarRandom();
  const h = baseMul(u);
  const c = hashToScalar(key, [0x10, ...context, pub, h]);
  return { c, v: scalarSub(u, scalarMul(c, secret)) };
}

/** ElectionGuard 2.0 verification 2: h = g^v · K^c and c = H(Q; 0x10, context, K, h). */
export function verifySchnorr(key: Uint8Array, context: readonly HashPart[], pub: Point, proof: SimpleProof): boolean {
  const h = pointAdd(baseMul(proof.v), pointMul(pub, proof.c));
  return scalarEq(proof.c, hashToScalar(key, [0x10, ...context, pub, h]));
}

// ---- Chaum–Pedersen proof of a correct partial decryption ------------------------------

/**
 * ElectionGuard 2.0 §3.6 (proof of correct decryption, eq. 69–71, verification 9), for one
 * guardian's share: the same s is behind X = g^s (the guardian's public share key) and
 * M = A^s (its partial decryption of a sum whose first component is A).
 * a = g^u, b = A^u, c = H(Q; 0x30, context, X, A, M, a, b), v = u − c·s.
 */
export function proveDecryption(
  key: Uint8Array, context: readonly HashPart[], secret: Scalar, pub: Point, pad: Point, share: Point,
): SimpleProof {
  const u = scalarRandom();
  const c = hashToScalar(key, [0x30, ...context, pub, pad, share, baseMul(u), pointMul(pad, u)]);
  return { c, v: scalarSub(u, scalarMul(c, secret)) };
}

/** Recomputes a = g^v · X^c and b = A^v · M^c and checks the challenge. */
export function verifyDecryption(
  key: Uint8Array, context: readonly HashPart[], pub: Point, pad: Point, share: Point, proof: SimpleProof,
): boolean {
  const a = pointAdd(baseMul(proof.v), pointMul(pub, proof.c));
  const b = pointAdd(pointMul(pad, proof.v), pointMul(share, proof.c));
  return scalarEq(proof.c, hashToScalar(key, [0x30, ...context, pub, pad, share, a, b]));
}

// ---- disjunctive Chaum–Pedersen (CDS) proof that a ciphertext holds an allowed value ----

/**
 * ElectionGuard 2.0 §3.3.5 (range proof, eq. 44–48), generalised from the range 0..R to any
 * list of allowed small integers (as Belenios' interval/membership proofs are): the prover knows
 * the nonce ξ of (α, β) = (g^ξ, g^m·K^ξ) and the index ℓ with m = allowed[ℓ].
 *   real branch:   a_ℓ = g^u_ℓ,  b_ℓ = K^u_ℓ
 *   other branches (random c_j, u_j): a_j = g^u_j,  b_j = K^u_j · g^((m − allowed_j)·c_j)
 *   c = H(Q; 0x21, context, K, α, β, allowed, a_0, b_0, …),  c_ℓ = c − Σ_{j≠ℓ} c_j,
 *   v_j = u_j − c_j·ξ for every j.
 * The other branches' b_j use that β / g^allowed_j = g^(m − allowed_j) · K^ξ, which saves the
 * prover two multiplications per branch against simulating from (c_j, v_j).
 */
export function proveRange(
  key: Uint8Array, context: readonly HashPart[], jointKey: Point, ct: Ciphertext,
  allowed: readonly number[], index: number, nonce: Scalar,
): RangeProof {
  const m = allowed[index];
  if (m === undefined) throw new Error('the real value is not in the allowed list');
  const us = allowed.map(() => scalarRandom());
  const cs = allowed.map((_, j) => (j === index ? scalarFromInt(0) : scalarRandom()));
  const commitments: Point[] = [];
  allowed.forEach((value, j) => {
    const u = us[j] as Scalar;
    commitments.push(baseMul(u));
    const ku = pointMul(jointKey, u);
    commitments.push(j === index ? ku : pointAdd(ku, baseMul(scalarMul(scalarFromInt(m - value), cs[j] as Scalar))));
  });
  const c = hashToScalar(key, [0x21, ...context, jointKey, ct.a, ct.b, allowed.length, ...allowed, ...commitments]);
  cs[index] = scalarSub(c, scalarSum(cs.filter((_, j) => j !== index)));
  return { c: cs, v: us.map((u, j) => scalarSub(u, scalarMul(cs[j] as Scalar, nonce))) };
}

/**
 * ElectionGuard 2.0 verification 5 (eq. 5.1–5.D) in base-g form: a_j = g^v_j · α^c_j,
 * b_j = K^v_j · (β / g^allowed_j)^c_j, and Σ c_j must equal the re-derived challenge.
 */
export function verifyRange(
  key: Uint8Array, context: readonly HashPart[], jointKey: Point, ct: Ciphertext,
  allowed: readonly number[], proof: RangeProof,
): boolean {
  if (proof.c.length !== allowed.length || proof.v.length !== allowed.length) return false;
  const commitments: Point[] = [];
  allowed.forEach((value, j) => {
    const c = proof.c[j] as Scalar;
    const v = proof.v[j] as Scalar;
    commitments.push(pointAdd(baseMul(v), pointMul(ct.a, c)));
    commitments.push(pointAdd(pointMul(jointKey, v), pointMul(pointSub(ct.b, gPow(value)), c)));
  });
  const c = hashToScalar(key, [0x21, ...context, jointKey, ct.a, ct.b, allowed.length, ...allowed, ...commitments]);
  return scalarEq(c, proof.c.reduce(scalarAdd));
}
