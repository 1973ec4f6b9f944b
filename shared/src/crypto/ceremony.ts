/**
 * The key ceremony of the 监票人 (ElectionGuard 2.0 §3.2, "Key generation"): t-of-n threshold
 * ElGamal by Feldman verifiable secret sharing, with no party ever holding the joint secret.
 *
 * Round 1 — each guardian i picks a secret polynomial P_i(x) = Σ_j a_ij x^j of degree t − 1 and
 *   publishes the commitments K_ij = g^a_ij with a Schnorr proof of each a_ij (§3.2.2, eq. 10–11).
 * Round 2 — for every other guardian ℓ, guardian i encrypts P_i(ℓ) to ℓ's key K_ℓ0 (§3.2.2,
 *   "share encryption"; hashed ElGamal: the DH secret K_ℓ0^ξ keys libsodium's XChaCha20-Poly1305).
 * Round 3 — ℓ decrypts and checks g^P_i(ℓ) = Π_j K_ij^(ℓ^j) (§3.2.2, "share verification"),
 *   keeps s_ℓ = Σ_i P_i(ℓ) and confirms by publishing g^s_ℓ, which anyone can recompute from
 *   the commitments (§3.2.3).
 * Joint key K = Π_i K_i0 (§3.2.3, eq. 20); its fingerprint is shown in the hall and the annex.
 */
import {
  AEAD_NONCE_BYTES, aeadOpen, aeadSeal, baseMul, digest, encodeParts, fromB64, GROUP_NAME,
  pointAdd, pointEq, pointMul, pointSum, randomBytes, scalarAdd, scalarFromBytes, scalarFromInt,
  scalarMul, scalarRandom, scalarZero, toB64, toHex,
  type Point, type Scalar,
} from './group.ts';
import { proveSchnorr, verifySchnorr, type SimpleProof } from './proofs.ts';

export interface CeremonyParams {
  /** Unique per ceremony (e.g. the session's id), so nothing carries over between sessions. */
  ceremonyId: string;
  /** Public labels of the n guardians in index order (index = position + 1). */
  guardians: string[];
  /** Threshold t: any t guardians can decrypt, fewer cannot. */
  threshold: number;
}

/** Round-1 message of guardian `index`. */
export interface GuardianCommitment {
  index: number;
  commitments: Point[];
  proofs: SimpleProof[];
}

/** Round-2 message: P_from(to) sealed for guardian `to`. */
export interface EncryptedShare {
  from: number;
  to: number;
  ephemeral: Point;
  nonce: Uint8Array;
  box: Uint8Array;
}

/** What guardian `index` keeps on its device until round 3. Never leaves it. */
export interface GuardianSecret {
  index: number;
  coefficients: Scalar[];
}

export function checkParams(p: CeremonyParams): string | null {
  const n = p.guardians.length;
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > n) return 'threshold must be 1..n';
  if (n > 255) return 'at most 255 guardians';
  if (new Set(p.guardians).size !== n) return 'guardian labels must be distinct';
  return null;
}

/** Q, the ceremony's base hash: binds every proof and share to this ceremony's parameters. */
export function ceremonyHash(p: CeremonyParams): Uint8Array {
  return digest(['piaojue/ceremony/1', GROUP_NAME, p.ceremonyId, p.threshold, p.guardians.length, ...p.guardians]);
}

/** Round 1 for guardian `index` (1-based). */
export function startGuardian(p: CeremonyParams, index: number): { secret: GuardianSecret; commitment: GuardianCommitment } {
  const q = ceremonyHash(p);
  const coefficients = Array.from({ length: p.threshold }, () => scalarRandom());
  const commitments = coefficients.map((a) => baseMul(a));
  const proofs = coefficients.map((a, j) => proveSchnorr(q, [index, j], a, commitments[j] as Point));
  return { secret: { index, coefficients }, commitment: { index, commitments, proofs } };
}

/** ElectionGuard 2.0 verification 2: t commitments, each with a valid Schnorr proof. */
export function verifyCommitment(p: CeremonyParams, c: GuardianCommitment): boolean {
  if (c.commitments.length !== p.threshold || c.proofs.length !== p.threshold) return false;
  const q = ceremonyHash(p);
  return c.commitments.every((k, j) => verifySchnorr(q, [c.index, j], k, c.proofs[j] as SimpleProof));
}

function evaluate(coefficients: readonly Scalar[], x: number): Scalar {
  const xs = scalarFromInt(x);
  let acc = scalarZero();
  for (let j = coefficients.length - 1; j >= 0; j--) acc = scalarAdd(scalarMul(acc, xs), coefficients[j] as Scalar);
  return acc;
}

/** Π_j K_j^(x^j): what g^P(x) must equal. */
function evaluateInExponent(commitments: readonly Point[], x: number): Point {
  const xs = scalarFromInt(x);
  let power = scalarFromInt(1);
  let acc = commitments[0] as Point;
  for (let j = 1; j < commitments.length; j++) {
    power = scalarMul(power, xs);
    acc = pointAdd(acc, pointMul(commitments[j] as Point, power));
  }
  return acc;
}

function shareKey(q: Uint8Array, from: number, to: number, ephemeral: Point, dh: Point): Uint8Array {
  return digest(['piaojue/share-key/1', q, from, to, ephemeral, dh]);
}
const shareAd = (q: Uint8Array, from: number, to: number): Uint8Array => encodeParts(['piaojue/share/1', q, from, to]);

/** Round 2: guardian `secret.index` seals P_i(ℓ) for every other guardian ℓ. */
export function encryptShares(p: CeremonyParams, secret: GuardianSecret, all: readonly GuardianCommitment[]): EncryptedShare[] {
  const q = ceremonyHash(p);
  return all
    .filter((c) => c.index !== secret.index)
    .map((c) => {
      const xi = scalarRandom();
      const ephemeral = baseMul(xi);
      const key = shareKey(q, secret.index, c.index, ephemeral, pointMul(c.commitments[0] as Point, xi));
      const nonce = randomBytes(AEAD_NONCE_BYTES);
      const box = aeadSeal(evaluate(secret.coefficients, c.index), shareAd(q, secret.index, c.index), nonce, key);
      return { from: secret.index, to: c.index, ephemeral, nonce, box };
    });
}

/** Opens one share addressed to `secret.index` and checks it against the sender's commitments. */
export function openShare(p: CeremonyParams, secret: GuardianSecret, share: EncryptedShare, sender: GuardianCommitment): Scalar | null {
  if (share.to !== secret.index || share.from !== sender.index) return null;
  const q = ceremonyHash(p);
  const dh = pointMul(share.ephemeral, secret.coefficients[0] as Scalar);
  const plain = aeadOpen(share.box, shareAd(q, share.from, share.to), share.nonce, shareKey(q, share.from, share.to, share.ephemeral, dh));
  const value = plain && scalarFromBytes(plain);
  if (!value) return null;
  return pointEq(baseMul(value), evaluateInExponent(sender.commitments, secret.index)) ? value : null;
}

export type FinishResult =
  | { ok: true; share: Scalar; publicShare: Point }
  /** The senders whose share did not open or did not match their commitments (ElectionGuard's complaint). */
  | { ok: false; badSenders: number[] };

/** Round 3: guardian ℓ's secret share s_ℓ = Σ_i P_i(ℓ), from its own polynomial and the n − 1 shares it received. */
export function finishGuardian(
  p: CeremonyParams, secret: GuardianSecret, all: readonly GuardianCommitment[], received: readonly EncryptedShare[],
): FinishResult {
  let sum = evaluate(secret.coefficients, secret.index);
  const bad: number[] = [];
  for (const sender of all) {
    if (sender.index === secret.index) continue;
    const sealed = received.find((s) => s.from === sender.index && s.to === secret.index);
    const value = sealed ? openShare(p, secret, sealed, sender) : null;
    if (value) sum = scalarAdd(sum, value);
    else bad.push(sender.index);
  }
  if (bad.length > 0) return { ok: false, badSenders: bad };
  return { ok: true, share: sum, publicShare: baseMul(sum) };
}

/** K = Π_i K_i0. */
export function jointKey(all: readonly GuardianCommitment[]): Point {
  return pointSum(all.map((c) => c.commitments[0] as Point));
}

/** g^s_ℓ from the public commitments alone: Π_i Π_j K_ij^(ℓ^j). */
export function publicShareKey(all: readonly GuardianCommitment[], index: number): Point {
  return pointSum(all.map((c) => evaluateInExponent(c.commitments, index)));
}

/** The joint key's fingerprint as people compare it: 8 groups of 4 hex digits of SHA-256(K). */
export function keyFingerprint(key: Point): string {
  const hex = toHex(digest(['piaojue/fingerprint/1', key])).slice(0, 32).toUpperCase();
  return hex.match(/.{4}/g)?.join('-') ?? hex;
}

// ---- backup of a guardian's share for the sealed envelope (printed as a QR code) ---------

const BACKUP_PREFIX = 'PJSHARE1';

/**
 * `PJSHARE1.<ceremony id, base64url>.<index>.<s_ℓ, base64url>.<check>`: the check (8 hex digits
 * of a hash over the rest and the joint key) catches a mistyped or misread code and a backup
 * from another ceremony. Plain text, because it is printed once and sealed in an envelope.
 */
export function exportShareBackup(ceremonyId: string, key: Point, index: number, share: Scalar): string {
  const id = toB64(new TextEncoder().encode(ceremonyId));
  const body = `${BACKUP_PREFIX}.${id}.${index}.${toB64(share)}`;
  return `${body}.${backupCheck(body, key)}`;
}

function backupCheck(body: string, key: Point): string {
  return toHex(digest(['piaojue/backup/1', body, key])).slice(0, 8);
}

/**
 * Reads a backup for this ceremony and checks it against the public commitments: the share
 * must be the one behind g^s_ℓ. Null when anything does not match.
 */
export function importShareBackup(
  text: string, p: CeremonyParams, all: readonly GuardianCommitment[],
): { index: number; share: Scalar } | null {
  const parts = text.trim().split('.');
  if (parts.length !== 5 || parts[0] !== BACKUP_PREFIX) return null;
  const [, id, indexText, shareText, check] = parts as [string, string, string, string, string];
  const key = jointKey(all);
  if (check !== backupCheck(parts.slice(0, 4).join('.'), key)) return null;
  const idBytes = fromB64(id);
  if (!idBytes || new TextDecoder().decode(idBytes) !== p.ceremonyId) return null;
  const index = Number(indexText);
  if (!Number.isInteger(index) || index < 1 || index > p.guardians.length) return null;
  const bytes = fromB64(shareText);
  const share = bytes && scalarFromBytes(bytes);
  if (!share || !pointEq(baseMul(share), publicShareKey(all, index))) return null;
  return { index, share };
}
