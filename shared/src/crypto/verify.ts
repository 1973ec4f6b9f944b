/**
 * verifyBulletin: re-checks a published bulletin from nothing but its JSON, in the order of
 * ElectionGuard 2.0 §6 (verification steps): the key ceremony (verification 2–3), the candidate
 * list against the digest the proofs are bound to (as verification 1 recomputes H_B), every ballot's
 * proofs (5–6), the homomorphic sums (7), each 监票人's partial decryption (8–9) and the counts
 * (10–11). Pure: no clock, no network, no randomness. Every failure is named, with the JSON path
 * of the object that failed and, for the ceremony and the decryption, the 监票人.
 */
import { ballotTracker, bindsList, candidateListDigest, firstInvalidProof, slotCount } from './ballot.ts';
import { BulletinFormatError, BulletinVersionError, parseBulletin, pollContextOf, type Bulletin } from './bulletin.ts';
import { jointKey, keyFingerprint, publicShareKey, verifyCommitment } from './ceremony.ts';
import { ctEq } from './elgamal.ts';
import { isIdentity, pointEq } from './group.ts';
import { combinePartials, countMatches, decodeCounts, firstBadShare, slotBound, sumBallots, type PartialDecryption, type PollCounts } from './tally.ts';
import { deepEqual, verifyResult } from './verify-result.ts';

export const VERIFY_FAILURES = {
  FORMAT: { zh: '公告文件无法读取或格式不符', en: 'The bulletin cannot be read or is not in the expected format' },
  VERSION: { zh: '公告文件版本过旧，无法完整复核，不予接受（第1版不含计票规则和结果；第2版的证明未绑定候选项目清单）', en: 'An old bulletin version cannot be fully verified and is refused (version 1 has no rules or result; version 2\'s proofs do not bind the candidate list)' },
  CANDIDATE_LIST: { zh: '公布的候选项目清单（名称或顺序）与表决票证明所绑定的清单不符', en: 'The published candidate list (names or order) is not the list the ballots\' proofs are bound to' },
  COMMITMENT_PROOF: { zh: '监票人的密钥承诺或其证明无效', en: "A scrutineer's key commitments or their proofs are invalid" },
  GUARDIAN_MISSING: { zh: '缺少监票人的密钥承诺或确认', en: "A scrutineer's commitments or confirmation are missing" },
  SHARE_MISSING: { zh: '缺少监票人之间的加密密钥份额', en: 'An encrypted key share between two scrutineers is missing' },
  CONFIRMATION_MISMATCH: { zh: '监票人确认的公钥份额与承诺不符', en: "A scrutineer's confirmed public share does not match the commitments" },
  JOINT_KEY: { zh: '联合公钥与各监票人的承诺不符', en: 'The joint public key does not match the commitments' },
  FINGERPRINT: { zh: '联合公钥指纹不符', en: 'The joint key fingerprint does not match the key' },
  TOO_MANY_BALLOTS: { zh: '表决票数超过上限', en: 'More ballots than the poll allows' },
  BALLOT_PROOF: { zh: '表决票的有效性证明不成立', en: "A ballot's validity proof fails" },
  TRACKER_MISMATCH: { zh: '回执码与加密表决票不符', en: 'A tracker does not match its encrypted ballot' },
  DUPLICATE_BALLOT: { zh: '同一加密表决票出现多次', en: 'The same encrypted ballot appears more than once' },
  BALLOT_ORDER: { zh: '表决票未按回执码排序（排列顺序可能泄露投票先后）', en: 'Ballots are not in tracker order (cast order could leak)' },
  SUM_MISMATCH: { zh: '密文合计与各表决票之和不符', en: 'An encrypted sum is not the sum of the ballots' },
  PARTIAL_GUARDIAN: { zh: '解密份额来自未知或重复的监票人', en: 'A decryption share comes from an unknown or repeated scrutineer' },
  PARTIAL_PROOF: { zh: '监票人的解密份额证明无效', en: "A scrutineer's decryption share fails its proof" },
  TOO_FEW_PARTIALS: { zh: '有效解密份额少于门限', en: 'Fewer valid decryption shares than the threshold' },
  COUNT_MISMATCH: { zh: '公布的计票数与解密结果不符', en: 'A published count does not match the decryption' },
  COUNTS_MISMATCH: { zh: '各项目票数与解密计数不符', en: 'The per-project counts do not follow from the decrypted counts' },
  RULES_MISMATCH: { zh: '公布的计票规则与本次表决不符', en: 'The published rules do not fit this poll' },
  BELOW_MIN_BALLOTS: { zh: '表决票少于最低计票数却已解密，可能泄露个人投票', en: 'Decrypted although there are fewer ballots than the minimum, which could reveal individual votes' },
  PAPER_FIGURES: { zh: '纸质表决票的计票数不合规则', en: 'The paper count figures break the counting rules' },
  RESULT_MISSING: { zh: '已解密但未公布表决结果', en: 'The counts are decrypted but no result is published' },
  RESULT_MISMATCH: { zh: '按本次计票规则重新计算的结果（入选项目、名次或票数）与公布的结果不符', en: 'Recounted under the poll\'s rules, the result (chosen projects, ranks or counts) differs from the published one' },
} as const;
export type VerifyFailureCode = keyof typeof VERIFY_FAILURES;

export interface VerifyFailure {
  code: VerifyFailureCode;
  /** JSON path of the object that failed, e.g. `$.ballots[12].proofs[3]` */
  path: string;
  /** the 监票人 concerned (ceremony and decryption failures) */
  guardian?: { index: number; label: string };
  detail?: string;
  zh: string;
  en: string;
}

export interface VerifyReport {
  ok: boolean;
  failures: VerifyFailure[];
  fingerprint: string | null;
  ballots: number;
  counts: PollCounts | null;
  /** the chosen (入选) projects' names in rank order, as recounted; null when no result was checked */
  chosen: string[] | null;
}


/** Re-checks everything in the bulletin. Never throws on bad input. */
export function verifyBulletin(json: unknown): VerifyReport {
  let b: Bulletin;
  try {
    b = parseBulletin(json);
  } catch (e) {
    const path = e instanceof BulletinFormatError ? e.path : '$';
    const code = e instanceof BulletinVersionError ? 'VERSION' : 'FORMAT';
    return { ok: false, failures: [{ code, path, detail: e instanceof Error ? e.message : String(e), ...VERIFY_FAILURES[code] }], fingerprint: null, ballots: 0, counts: null, chosen: null };
  }
  const failures: VerifyFailure[] = [];
  const label = (index: number): { index: number; label: string } => ({ index, label: b.params.guardians[index - 1] ?? `#${index}` });
  const fail = (code: VerifyFailureCode, path: string, extra: Partial<VerifyFailure> = {}): void => {
    failures.push({ code, path, ...extra, ...VERIFY_FAILURES[code] });
  };
  const ceremonyOk = verifyCeremony(b, fail, label);
  // as ElectionGuard's verification 1 recomputes H_B from the manifest: the list the result names
  // must be the list every proof's base hash was made with
  const listOk = bindsList(b.spec, b.rules.candidates);
  if (!listOk) {
    fail('CANDIDATE_LIST', '$.rules.candidates', { detail: `the list hashes to ${candidateListDigest(b.rules.candidates)}, the proofs are bound to $.poll.listDigest ${b.spec.listDigest}` });
  }
  verifyBallots(b, fail);
  // the shares are checked against the published sums, so a wrong sum is named once, above
  const countsOk = ceremonyOk && b.decryption !== null && verifyDecryption(b, b.decryption, fail, label);
  // counts credited to a list the ballots were not proved for name no project: no recount
  const chosen = verifyResult(b, countsOk && listOk, fail);
  return { ok: failures.length === 0, failures, fingerprint: b.fingerprint, ballots: b.ballots.length, counts: b.decryption?.counts ?? null, chosen };
}

export type Fail = (code: VerifyFailureCode, path: string, extra?: Partial<VerifyFailure>) => void;
type Label = (index: number) => { index: number; label: string };

/** ElectionGuard 2.0 verification 2 (guardian keys) and 3 (joint key), plus the share exchange's completeness. */
function verifyCeremony(b: Bulletin, fail: Fail, label: Label): boolean {
  const n = b.params.guardians.length;
  let ok = true;
  for (let index = 1; index <= n; index++) {
    const at = b.commitments.findIndex((c) => c.index === index);
    const c = b.commitments[at];
    if (!c || b.commitments.filter((x) => x.index === index).length !== 1) {
      fail('GUARDIAN_MISSING', '$.ceremony.commitments', { guardian: label(index) });
      ok = false;
      continue;
    }
    if (!verifyCommitment(b.params, c)) {
      fail('COMMITMENT_PROOF', `$.ceremony.commitments[${at}]`, { guardian: label(index) });
      ok = false;
    }
    for (let to = 1; to <= n; to++) {
      if (to !== index && !b.shares.some((s) => s.from === index && s.to === to)) {
        fail('SHARE_MISSING', '$.ceremony.shares', { guardian: label(index), detail: `${index} → ${to}` });
      }
    }
  }
  if (b.commitments.length !== n) {
    fail('GUARDIAN_MISSING', '$.ceremony.commitments', { detail: `${b.commitments.length} commitments for ${n} guardians` });
    ok = false;
  }
  if (!ok) return false;
  for (let index = 1; index <= n; index++) {
    const at = b.confirmations.findIndex((c) => c.index === index);
    const conf = b.confirmations[at];
    if (!conf) fail('GUARDIAN_MISSING', '$.ceremony.confirmations', { guardian: label(index) });
    else if (!pointEq(conf.publicShare, publicShareKey(b.commitments, index))) {
      fail('CONFIRMATION_MISMATCH', `$.ceremony.confirmations[${at}]`, { guardian: label(index) });
    }
  }
  // the identity would make every "encryption" g^m in the clear
  if (!pointEq(b.jointKey, jointKey(b.commitments)) || isIdentity(b.jointKey)) {
    fail('JOINT_KEY', '$.ceremony.jointKey');
    return false;
  }
  if (b.fingerprint !== keyFingerprint(b.jointKey)) fail('FINGERPRINT', '$.ceremony.fingerprint');
  return true;
}

/** Verification 5–6 (every ballot's proofs), the tracker of each, their order, and verification 7 (sums). */
function verifyBallots(b: Bulletin, fail: Fail): void {
  const ctx = pollContextOf(b);
  if (b.ballots.length > b.spec.maxBallots) fail('TOO_MANY_BALLOTS', '$.ballots', { detail: `${b.ballots.length} > ${b.spec.maxBallots}` });
  let shapeOk = true;
  const seen = new Set<string>();
  b.ballots.forEach(({ tracker, ballot }, i) => {
    const path = `$.ballots[${i}]`;
    const bad = firstInvalidProof(ctx, ballot);
    if (bad !== null) fail('BALLOT_PROOF', bad < 0 ? path : `${path}.proofs[${bad}]`, { detail: `tracker ${tracker}` });
    if (ballot.slots.length !== slotCount(b.spec)) shapeOk = false;
    const computed = ballotTracker(ctx, ballot);
    if (computed !== tracker) fail('TRACKER_MISMATCH', `${path}.tracker`);
    if (seen.has(computed)) fail('DUPLICATE_BALLOT', path, { detail: `tracker ${computed}` });
    seen.add(computed);
    const previous = b.ballots[i - 1];
    if (previous && !(previous.tracker < tracker)) fail('BALLOT_ORDER', path);
  });
  if (!shapeOk) return;
  const sums = sumBallots(b.spec, b.ballots.map((x) => x.ballot));
  if (b.sums.length !== sums.length) {
    fail('SUM_MISMATCH', '$.sums', { detail: `${b.sums.length} sums for ${sums.length} slots` });
    return;
  }
  sums.forEach((s, i) => {
    if (!ctEq(s, b.sums[i]!)) fail('SUM_MISMATCH', `$.sums[${i}]`);
  });
}

/** Verification 8–9 (each 监票人's share and proof), then the combination and the counts (10–11); true when the counts hold. */
function verifyDecryption(b: Bulletin, d: NonNullable<Bulletin['decryption']>, fail: Fail, label: Label): boolean {
  const ctx = pollContextOf(b);
  const n = b.params.guardians.length;
  const valid: PartialDecryption[] = [];
  const used = new Set<number>();
  d.partials.forEach((p, i) => {
    const path = `$.decryption.partials[${i}]`;
    if (p.guardian < 1 || p.guardian > n || used.has(p.guardian)) {
      fail('PARTIAL_GUARDIAN', path, { detail: `guardian ${p.guardian}` });
      return;
    }
    used.add(p.guardian);
    const bad = firstBadShare(ctx, publicShareKey(b.commitments, p.guardian), b.sums, p);
    if (bad === null) valid.push(p);
    else fail('PARTIAL_PROOF', bad < 0 ? path : `${path}.shares[${bad}]`, { guardian: label(p.guardian) });
  });
  if (valid.length < b.params.threshold) {
    fail('TOO_FEW_PARTIALS', '$.decryption.partials', { detail: `${valid.length} of ${b.params.threshold}` });
    return false;
  }
  const plain = combinePartials(b.params.threshold, b.sums, valid);
  const bound = slotBound(b.spec, b.ballots.length);
  if (d.slotCounts.length !== plain.length) {
    fail('COUNT_MISMATCH', '$.decryption.slotCounts', { detail: `${d.slotCounts.length} counts for ${plain.length} sums` });
    return false;
  }
  let countsOk = true;
  plain.forEach((p, i) => {
    const count = d.slotCounts[i]!;
    if (count > bound || !countMatches(p, count)) {
      fail('COUNT_MISMATCH', `$.decryption.slotCounts[${i}]`);
      countsOk = false;
    }
  });
  if (!countsOk) return false;
  if (!deepEqual(d.counts, decodeCounts(b.spec, b.ballots.length, d.slotCounts))) {
    fail('COUNTS_MISMATCH', '$.decryption.counts');
    return false;
  }
  return true;
}
