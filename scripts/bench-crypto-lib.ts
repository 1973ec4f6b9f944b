// The measurements of `pnpm bench:crypto`, with no Node API so that the same code runs in Node
// and, bundled, in headless Chromium (the tablet's engine).
import {
  cryptoReady, encryptBallot, firstInvalidProof, statements,
  type CryptoBallotKind,
} from '../shared/src/crypto/index.ts';
import { baseMul, pointMul, scalarRandom } from '../shared/src/crypto/group.ts';
import { pollContext, randomChoice, runCeremony, type TestSpec } from '../shared/src/crypto/testkit.ts';

export interface KindFigures {
  kind: CryptoBallotKind;
  encrypt_ms: number[];
  verify_ballots_per_s: number;
  /** scalar multiplications one ballot's check does: 3 variable-base + 1 fixed-base per proof branch */
  mults_per_ballot: number;
  proof_branches: number;
}

export function specFor(kind: CryptoBallotKind, candidates: number, places: number, maxBallots: number): TestSpec {
  return { pollId: `bench-${kind}`, kind, candidates, places, allowAbstain: true, maxBallots };
}

/** Encrypts `runs` random ballots (timing each) and checks ballots for `seconds` on this thread. */
export async function measureKind(spec: TestSpec, runs: number, seconds: number): Promise<KindFigures> {
  await cryptoReady();
  const ctx = pollContext(runCeremony(5, 3, 'bench'), spec);
  const ballots = [];
  const encrypt_ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const choice = randomChoice(spec, Math.random);
    const t = performance.now();
    ballots.push(encryptBallot(ctx, choice));
    encrypt_ms.push(performance.now() - t);
  }
  let checked = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    if (firstInvalidProof(ctx, ballots[checked % ballots.length]!) !== null) throw new Error('a valid ballot was refused');
    checked += 1;
  }
  const branches = statements(ctx.spec).reduce((n, s) => n + s.allowed.length, 0);
  return {
    kind: spec.kind,
    encrypt_ms,
    verify_ballots_per_s: checked / ((performance.now() - start) / 1000),
    mults_per_ballot: branches * 4,
    proof_branches: branches,
  };
}

/** Raw variable-base (and fixed-base) scalar multiplications per second on this thread, through the group module. */
export async function measureRaw(seconds: number): Promise<{ variable: number; fixed: number }> {
  await cryptoReady();
  const rate = (f: () => void): number => {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < (seconds * 1000) / 2) {
      for (let i = 0; i < 50; i++) f();
      n += 50;
    }
    return n / ((performance.now() - start) / 1000);
  };
  const p = baseMul(scalarRandom());
  const s = scalarRandom();
  return { variable: rate(() => pointMul(p, s)), fixed: rate(() => baseMul(s)) };
}
