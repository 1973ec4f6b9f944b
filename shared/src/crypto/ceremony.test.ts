import { beforeAll, describe, expect, it } from 'vitest';
import {
  ceremonyHash, checkParams, encryptShares, exportShareBackup, finishGuardian, importShareBackup, jointKey,
  keyFingerprint, publicShareKey, startGuardian, verifyCommitment, type CeremonyParams,
} from './ceremony.ts';
import { baseMul, cryptoReady, pointAdd, pointEq, scalarAdd, scalarFromInt, toHex, type Point } from './group.ts';
import { verifySchnorr } from './proofs.ts';
import { runCeremony } from './testkit.ts';

beforeAll(cryptoReady);

const params = (n: number, t: number): CeremonyParams => ({ ceremonyId: 'session-7', guardians: Array.from({ length: n }, (_, i) => `g${i + 1}`), threshold: t });

describe('key ceremony (ElectionGuard 2.0 §3.2)', () => {
  it('3 of 5: every share verifies, s_ℓ matches the public commitments and K is the product of the K_i0', () => {
    const run = runCeremony(5, 3);
    expect(run.commitments.every((c) => verifyCommitment(run.params, c))).toBe(true);
    run.shares.forEach((s, i) => {
      expect(pointEq(baseMul(s), publicShareKey(run.commitments, i + 1))).toBe(true);
      expect(pointEq(run.publicShares[i] as Point, baseMul(s))).toBe(true);
    });
    const product = run.commitments.reduce((acc, c) => pointAdd(acc, c.commitments[0] as Point), baseMul(scalarFromInt(0)));
    expect(pointEq(run.jointKey, product)).toBe(true);
    expect(keyFingerprint(run.jointKey)).toMatch(/^([0-9A-F]{4}-){7}[0-9A-F]{4}$/);
  });

  it('the Schnorr proof of a coefficient checks the spec equation h = g^v·K^c and binds guardian and ceremony', () => {
    const p = params(3, 2);
    const { commitment } = startGuardian(p, 2);
    expect(verifyCommitment(p, commitment)).toBe(true);
    // moved to another guardian index, another ceremony, or another coefficient: refused
    expect(verifyCommitment(p, { ...commitment, index: 1 })).toBe(false);
    expect(verifyCommitment({ ...p, ceremonyId: 'other' }, commitment)).toBe(false);
    const swapped = { ...commitment, proofs: [commitment.proofs[1]!, commitment.proofs[0]!] };
    expect(verifyCommitment(p, swapped)).toBe(false);
    expect(verifySchnorr(ceremonyHash(p), [2, 0], commitment.commitments[0]!, commitment.proofs[0]!)).toBe(true);
    // a commitment for which the guardian does not know the log: the proof of another point
    const forged = { ...commitment, commitments: [baseMul(scalarFromInt(5)), commitment.commitments[1]!] };
    expect(verifyCommitment(p, forged)).toBe(false);
    expect(verifyCommitment(p, { ...commitment, commitments: commitment.commitments.slice(0, 1), proofs: commitment.proofs.slice(0, 1) })).toBe(false);
  });

  it('a guardian names the sender of a share that does not match its commitments or does not open', () => {
    const p = params(3, 2);
    const g = [1, 2, 3].map((i) => startGuardian(p, i));
    const all = g.map((x) => x.commitment);
    const sealed = g.flatMap((x) => encryptShares(p, x.secret, all));
    // guardian 3 sends guardian 1 a share made from another polynomial
    const liar = startGuardian(p, 3);
    const forged = encryptShares(p, liar.secret, all).find((s) => s.to === 1)!;
    const withForgery = sealed.map((s) => (s.from === 3 && s.to === 1 ? forged : s));
    expect(finishGuardian(p, g[0]!.secret, all, withForgery)).toEqual({ ok: false, badSenders: [3] });
    // a flipped byte in guardian 2's box to guardian 1
    const flipped = sealed.map((s) => (s.from === 2 && s.to === 1 ? { ...s, box: s.box.map((b, i) => (i === 0 ? b ^ 1 : b)) } : s));
    expect(finishGuardian(p, g[0]!.secret, all, flipped)).toEqual({ ok: false, badSenders: [2] });
    // a box readdressed to another guardian does not open there
    const readdressed = sealed.map((s) => (s.from === 2 && s.to === 3 ? { ...s, to: 1 } : s.from === 2 && s.to === 1 ? { ...s, to: 3 } : s));
    expect(finishGuardian(p, g[0]!.secret, all, readdressed)).toEqual({ ok: false, badSenders: [2] });
    // a missing share
    expect(finishGuardian(p, g[1]!.secret, all, sealed.filter((s) => !(s.from === 1 && s.to === 2)))).toEqual({ ok: false, badSenders: [1] });
    // the untouched ceremony finishes, and the shares are the secret polynomial sum at ℓ
    const done = g.map((x) => finishGuardian(p, x.secret, all, sealed));
    expect(done.every((d) => d.ok)).toBe(true);
    const s1 = done[0]!.ok ? done[0]!.share : null;
    const direct = g.map((x) => x.secret.coefficients.reduce((acc, a) => scalarAdd(acc, a)));
    expect(toHex(s1!)).toBe(toHex(direct.reduce((x, y) => scalarAdd(x, y))));
    expect(pointEq(jointKey(all), baseMul(g.map((x) => x.secret.coefficients[0]!).reduce((x, y) => scalarAdd(x, y))))).toBe(true);
  });

  it('refuses bad parameters', () => {
    expect(checkParams(params(3, 4))).not.toBeNull();
    expect(checkParams(params(3, 0))).not.toBeNull();
    expect(checkParams({ ceremonyId: 'x', guardians: ['a', 'a'], threshold: 1 })).not.toBeNull();
    expect(checkParams(params(5, 3))).toBeNull();
  });

  it('a share backup round-trips and refuses another ceremony, a typo and a wrong share', () => {
    const run = runCeremony(3, 2);
    const text = exportShareBackup(run.params.ceremonyId, run.jointKey, 2, run.shares[1]!);
    expect(text.startsWith('PJSHARE1.')).toBe(true);
    const back = importShareBackup(text, run.params, run.commitments);
    expect(back?.index).toBe(2);
    expect(toHex(back!.share)).toBe(toHex(run.shares[1]!));
    expect(importShareBackup(text, { ...run.params, ceremonyId: 'another' }, run.commitments)).toBeNull();
    const typo = text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
    expect(importShareBackup(typo, run.params, run.commitments)).toBeNull();
    // a guardian's own share exported under another index
    expect(importShareBackup(exportShareBackup(run.params.ceremonyId, run.jointKey, 3, run.shares[1]!), run.params, run.commitments)).toBeNull();
    expect(importShareBackup('nonsense', run.params, run.commitments)).toBeNull();
  });
});
