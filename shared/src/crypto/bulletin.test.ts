import { beforeAll, describe, expect, it } from 'vitest';
import { validateBallot } from '../domain/ballot.ts';
import { validateRatingBallot } from '../domain/rating.ts';
import { candidateListDigest, choiceFromBody, encryptBallot, firstInvalidProof, slotValues } from './ballot.ts';
import { encryptedBallotToJson, parseEncryptedBallot, type BulletinJson } from './bulletin.ts';
import { cryptoReady, scalarRandom } from './group.ts';
import { bulletinJsonOf, pollContext, randomChoice, runCeremony, withList, type CeremonyRun, type TestSpec } from './testkit.ts';
import { verifyBulletin, type VerifyFailureCode } from './verify.ts';

let run: CeremonyRun;
beforeAll(async () => {
  await cryptoReady();
  run = runCeremony(3, 2);
});

/** A random but reproducible stream for the ballots' choices. */
function stream(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

function bulletin(spec: TestSpec, ballots = 5, decryptors = [1, 3], seed = 7): BulletinJson {
  const random = stream(seed);
  return bulletinJsonOf(run, spec, Array.from({ length: ballots }, () => randomChoice(spec, random)), decryptors);
}

const approve: TestSpec = { pollId: 'poll-1', kind: 'approve', candidates: 4, places: 2, allowAbstain: true, maxBallots: 30 };
const codes = (json: unknown): VerifyFailureCode[] => [...new Set(verifyBulletin(json).failures.map((f) => f.code))].sort();
const copy = (j: BulletinJson): BulletinJson => structuredClone(j);

describe('bulletin and verifier', () => {
  it.each(['approve', 'choose', 'rank', 'rating'] as const)('a whole %s poll verifies, and its counts are the ballots\' tally', (kind) => {
    const json = bulletin({ ...approve, kind, pollId: `poll-${kind}` });
    const report = verifyBulletin(json);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.ballots).toBe(5);
    expect(report.fingerprint).toBe(json.ceremony.fingerprint);
  });

  it('the tracker list is in tracker order, so it does not give the order of casting', () => {
    const json = bulletin(approve, 6);
    const trackers = json.ballots.map((b) => b.tracker);
    expect(trackers).toEqual([...trackers].sort());
    const swapped = copy(json);
    [swapped.ballots[0], swapped.ballots[1]] = [swapped.ballots[1]!, swapped.ballots[0]!];
    expect(codes(swapped)).toEqual(['BALLOT_ORDER']);
  });

  describe('every kind of object, tampered, is refused with its name', () => {
    let json: BulletinJson;
    beforeAll(() => {
      json = bulletin(approve);
    });

    it('a ballot ciphertext', () => {
      const t = copy(json);
      t.ballots[0]!.slots[2] = json.ballots[1]!.slots[2]!;
      const report = verifyBulletin(t);
      expect(codes(t)).toEqual(['BALLOT_PROOF', 'SUM_MISMATCH', 'TRACKER_MISMATCH']);
      // every proof is bound to all of the ballot's ciphertexts, so the first one already fails
      expect(report.failures.find((f) => f.code === 'BALLOT_PROOF')?.path).toBe('$.ballots[0].proofs[0]');
    });

    it('each proof of a ballot (each statement: every mark, the 赞成 count, the tie between them)', () => {
      const statements = json.ballots[0]!.proofs.length;
      expect(statements).toBe(approve.candidates + 2);
      for (let k = 0; k < statements; k++) {
        const t = copy(json);
        const p = t.ballots[0]!.proofs[k]!;
        p.v[0] = json.ballots[1]!.proofs[k]!.v[0]!;
        const report = verifyBulletin(t);
        expect(report.failures.map((f) => f.path)).toContain(`$.ballots[0].proofs[${k}]`);
        expect(codes(t)).toEqual(['BALLOT_PROOF', 'TRACKER_MISMATCH']);
      }
    });

    // the 弃权 counts follow from the number of ballots, so adding or removing one also breaks them
    it('a tracker, and a ballot listed twice', () => {
      const t = copy(json);
      t.ballots[1]!.tracker = json.ballots[0]!.tracker;
      expect(codes(t)).toEqual(['BALLOT_ORDER', 'TRACKER_MISMATCH']);
      const twice = copy(json);
      twice.ballots.splice(1, 0, json.ballots[0]!);
      // a sixth ballot where five were issued: the rules say so too
      expect(codes(twice)).toEqual(['BALLOT_ORDER', 'COUNTS_MISMATCH', 'DUPLICATE_BALLOT', 'RULES_MISMATCH', 'SUM_MISMATCH']);
    });

    it('a ballot removed: the sums no longer match', () => {
      const t = copy(json);
      t.ballots.splice(2, 1);
      expect(codes(t)).toEqual(['COUNTS_MISMATCH', 'SUM_MISMATCH']);
    });

    it('a sum', () => {
      const t = copy(json);
      t.sums[1] = json.sums[0]!;
      expect(codes(t)).toContain('SUM_MISMATCH');
      expect(verifyBulletin(t).failures.find((f) => f.code === 'SUM_MISMATCH')?.path).toBe('$.sums[1]');
    });

    it('a key commitment and its proof name the 监票人', () => {
      const t = copy(json);
      t.ceremony.commitments[1]!.commitments[1] = json.ceremony.commitments[0]!.commitments[1]!;
      const f = verifyBulletin(t).failures;
      expect(f.map((x) => x.code)).toContain('COMMITMENT_PROOF');
      expect(f.find((x) => x.code === 'COMMITMENT_PROOF')?.guardian).toEqual({ index: 2, label: '监票人2' });
      const p = copy(json);
      p.ceremony.commitments[2]!.proofs[0]!.c = json.ceremony.commitments[0]!.proofs[0]!.c;
      expect(verifyBulletin(p).failures[0]).toMatchObject({ code: 'COMMITMENT_PROOF', guardian: { index: 3 } });
    });

    it('a key share, a confirmation, the joint key and the fingerprint', () => {
      const noShare = copy(json);
      noShare.ceremony.shares = json.ceremony.shares.filter((s) => !(s.from === 2 && s.to === 3));
      expect(verifyBulletin(noShare).failures).toMatchObject([{ code: 'SHARE_MISSING', guardian: { index: 2 } }]);
      const conf = copy(json);
      conf.ceremony.confirmations[0]!.publicShare = json.ceremony.confirmations[1]!.publicShare;
      expect(verifyBulletin(conf).failures).toMatchObject([{ code: 'CONFIRMATION_MISMATCH', guardian: { index: 1 } }]);
      const key = copy(json);
      key.ceremony.jointKey = json.ceremony.commitments[0]!.commitments[0]!;
      expect(codes(key)).toContain('JOINT_KEY');
      const fp = copy(json);
      fp.ceremony.fingerprint = '0000-0000-0000-0000-0000-0000-0000-0000';
      expect(codes(fp)).toEqual(['FINGERPRINT']);
    });

    it('a forged partial decryption is refused and names its 监票人; with it gone there are fewer than t', () => {
      const t = copy(json);
      t.decryption!.partials[1]!.shares[0] = json.decryption!.partials[0]!.shares[0]!;
      const report = verifyBulletin(t);
      expect(report.failures).toMatchObject([
        { code: 'PARTIAL_PROOF', path: '$.decryption.partials[1].shares[0]', guardian: { index: 3, label: '监票人3' } },
        { code: 'TOO_FEW_PARTIALS' },
      ]);
      const impostor = copy(json);
      impostor.decryption!.partials[1]!.guardian = 2;
      expect(verifyBulletin(impostor).failures[0]).toMatchObject({ code: 'PARTIAL_PROOF', guardian: { index: 2 } });
      const repeated = copy(json);
      repeated.decryption!.partials[1] = json.decryption!.partials[0]!;
      expect(codes(repeated)).toEqual(['PARTIAL_GUARDIAN', 'TOO_FEW_PARTIALS']);
      const alone = copy(json);
      alone.decryption!.partials.splice(0, 1);
      expect(codes(alone)).toEqual(['TOO_FEW_PARTIALS']);
    });

    it('a count and the per-project counts', () => {
      const t = copy(json);
      t.decryption!.slotCounts[0]! += 1;
      expect(verifyBulletin(t).failures).toMatchObject([{ code: 'COUNT_MISMATCH', path: '$.decryption.slotCounts[0]' }]);
      const c = copy(json);
      const counts = c.decryption!.counts as { for: number[] };
      counts.for[0]! += 1;
      expect(codes(c)).toEqual(['COUNTS_MISMATCH']);
    });

    it('unreadable input is a FORMAT failure at the bad field, never a throw', () => {
      expect(verifyBulletin(null).failures[0]).toMatchObject({ code: 'FORMAT', path: '$' });
      expect(verifyBulletin({ ...json, version: 4 }).failures[0]).toMatchObject({ code: 'FORMAT', path: '$.version' });
      // version 1 had no rules and no result, version 2's proofs did not bind the candidate list:
      // refused by name, so no bulletin escapes the recount or the list check by claiming them
      expect(verifyBulletin({ ...json, version: 1 }).failures).toMatchObject([{ code: 'VERSION', path: '$.version' }]);
      const v2 = verifyBulletin({ ...json, version: 2, poll: { ...json.poll, listDigest: undefined } }).failures;
      expect(v2).toMatchObject([{ code: 'VERSION', path: '$.version' }]);
      expect(v2[0]!.detail).toContain('candidate list');
      expect(verifyBulletin({ ...json, poll: { ...json.poll, listDigest: undefined } }).failures[0]).toMatchObject({ code: 'FORMAT', path: '$.poll.listDigest' });
      const t = copy(json);
      t.ballots[3]!.slots[1]![0] = 'AQ' + 'A'.repeat(41);
      expect(verifyBulletin(t).failures[0]).toMatchObject({ code: 'FORMAT', path: '$.ballots[3].slots[1][0]' });
      const s = copy(json);
      s.ballots[0]!.proofs[0]!.c[0] = '_'.repeat(43);
      expect(verifyBulletin(s).failures[0]).toMatchObject({ code: 'FORMAT', path: '$.ballots[0].proofs[0].c[0]' });
      expect(verifyBulletin({ ...json, poll: { ...json.poll, places: 9 } }).failures[0]).toMatchObject({ code: 'FORMAT', path: '$.poll' });
    });

    describe('the candidate list: bound into every proof, so no project can be renamed, moved, added or dropped', () => {
      const names = (j: BulletinJson) => j.rules.candidates.map((c) => c.name);
      // what a tamperer would change with the list, so that nothing else gives it away
      const renameInResult = (j: BulletinJson, from: string, to: string) => {
        for (const r of (j.result as { rows: { name: string }[] }).rows) if (r.name === from) r.name = to;
      };

      it('the names of the 1st and 2nd project swapped (in the rules and the published result)', () => {
        const t = copy(json);
        const [first, second] = names(json) as [string, string];
        t.rules.candidates[0]!.name = second;
        t.rules.candidates[1]!.name = first;
        renameInResult(t, first, '\0');
        renameInResult(t, second, first);
        renameInResult(t, '\0', second);
        const report = verifyBulletin(t);
        expect(report.ok).toBe(false);
        expect(report.failures).toMatchObject([{ code: 'CANDIDATE_LIST', path: '$.rules.candidates' }]);
        expect(report.failures[0]!.detail).toContain(json.poll.listDigest);
        // nothing is recounted onto a list the ballots were not proved for
        expect(report.chosen).toBeNull();
      });

      it('the 1st and 2nd project reordered (ids and names)', () => {
        const t = copy(json);
        [t.rules.candidates[0], t.rules.candidates[1]] = [t.rules.candidates[1]!, t.rules.candidates[0]!];
        expect(codes(t)).toEqual(['CANDIDATE_LIST']);
      });

      it('a project more or less', () => {
        const extra = copy(json);
        extra.rules.candidates.push({ id: 'c9', name: '项目9' });
        expect(codes(extra)).toContain('CANDIDATE_LIST');
        const missing = copy(json);
        missing.rules.candidates.pop();
        expect(codes(missing)).toContain('CANDIDATE_LIST');
      });

      it('the list and its digest changed together: then the proofs, the trackers and the partial decryptions fail', () => {
        const t = copy(json);
        const [first, second] = names(json) as [string, string];
        t.rules.candidates[0]!.name = second;
        t.rules.candidates[1]!.name = first;
        t.poll.listDigest = candidateListDigest(t.rules.candidates);
        expect(codes(t)).toEqual(['BALLOT_PROOF', 'PARTIAL_PROOF', 'TOO_FEW_PARTIALS', 'TRACKER_MISMATCH']);
      });

      it('the digest is of ids, names and order, each part length-prefixed', () => {
        const list = [{ id: 'c1', name: '项目1' }, { id: 'c2', name: '项目2' }];
        const d = candidateListDigest(list);
        expect(d).toMatch(/^[0-9a-f]{64}$/);
        expect(candidateListDigest([...list].reverse())).not.toBe(d);
        expect(candidateListDigest([{ id: 'c1', name: '项目2' }, { id: 'c2', name: '项目1' }])).not.toBe(d);
        expect(candidateListDigest([{ id: 'c1', name: '项目1项' }, { id: 'c2', name: '目2' }])).not.toBe(d);
        expect(candidateListDigest([{ id: 'c1', name: '项目1 ' }, list[1]!])).not.toBe(d);
        expect(candidateListDigest(list.map((c) => ({ ...c })))).toBe(d);
      });
    });

    it('more ballots than the poll allows', () => {
      expect(codes({ ...json, poll: { ...json.poll, maxBallots: 4 } })).toContain('TOO_MANY_BALLOTS');
    });
  });

  it('a bulletin with no decryption yet verifies its ceremony and ballots', () => {
    const json = { ...bulletin(approve, 3), decryption: null, result: null };
    expect(verifyBulletin(json).ok).toBe(true);
    expect(scalarRandom()).toHaveLength(32);
  });
});

describe('the wire: a validated ballot body, encrypted on the tablet, read back by the server', () => {
  const ids = ['p-a', 'p-b', 'p-c', 'p-d'];
  const rules = { choose: 2, passThreshold: 'none', tieRule: 'runoff' } as const;

  it.each([
    ['approve', { type: 'approve', marks: { 'p-b': 'for', 'p-d': 'against' } }, [0, 1, 0, 31, 1]],
    ['choose', { type: 'choose', selected: ['p-c', 'p-a'] }, [1, 0, 1, 0]],
    ['rank', { type: 'rank', ranking: ['p-d', 'p-a'] }, [0, 1, 0, 0, 0, 0, 1, 0]],
  ] as const)('%s', (kind, body, expected) => {
    const valid = validateBallot(body, { ...rules, ballotType: kind }, ids);
    if (!valid.ok) throw new Error(valid.code);
    const sp: TestSpec = { pollId: `wire-${kind}`, kind, candidates: 4, places: 2, allowAbstain: true, maxBallots: 30 };
    const choice = choiceFromBody(valid.ballot, ids);
    expect(slotValues(withList(sp), choice)).toEqual(expected);
    const wire = JSON.parse(JSON.stringify(encryptedBallotToJson(encryptBallot(pollContext(run, sp), choice))));
    const read = parseEncryptedBallot(wire);
    if (!read.ok) throw new Error(read.reason);
    expect(firstInvalidProof(pollContext(run, sp), read.ballot)).toBeNull();
  });

  it('rating', () => {
    const valid = validateRatingBallot({ type: 'rating', marks: { 'p-a': 'basic', 'p-c': 'unsatisfied' } }, ids, true);
    if (!valid.ok) throw new Error(valid.code);
    const sp: TestSpec = { pollId: 'wire-rating', kind: 'rating', candidates: 4, places: 0, allowAbstain: true, maxBallots: 30 };
    expect(slotValues(withList(sp), choiceFromBody(valid.ballot, ids))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('a malformed encrypted ballot is refused at its first bad field', () => {
    expect(parseEncryptedBallot({ slots: 'x', proofs: [] })).toMatchObject({ ok: false, path: '$.slots' });
    expect(parseEncryptedBallot({ slots: [['AA', 'AA']], proofs: [] })).toMatchObject({ ok: false, path: '$.slots[0][0]' });
    expect(parseEncryptedBallot(null)).toMatchObject({ ok: false, path: '$' });
  });
});
