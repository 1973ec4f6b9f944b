import { beforeAll, describe, expect, it } from 'vitest';
import { countReleasable } from '../domain/count-release.ts';
import { paperFiguresOf, tallyRatingWithPaper, tallyWithPaper, type PaperPoll } from '../domain/paper.ts';
import { tallyRating, type RatingBallot } from '../domain/rating.ts';
import type { BallotBody } from '../domain/rules.ts';
import { tally } from '../domain/tally.ts';
import type { PlainChoice, PollSpec } from './ballot.ts';
import type { BulletinJson } from './bulletin.ts';
import { cryptoReady } from './group.ts';
import { bulletinJsonOf, randomChoice, rulesFor, runCeremony, type CeremonyRun, type TestSpec } from './testkit.ts';
import { verifyBulletin, type VerifyFailureCode } from './verify.ts';

let run: CeremonyRun;
beforeAll(async () => {
  await cryptoReady();
  run = runCeremony(3, 2);
});

const codes = (json: unknown): VerifyFailureCode[] => [...new Set(verifyBulletin(json).failures.map((f) => f.code))].sort();
const paths = (json: unknown, code: VerifyFailureCode): string[] => verifyBulletin(json).failures.filter((f) => f.code === code).map((f) => f.path);
const copy = (j: BulletinJson): BulletinJson => structuredClone(j);
const id = (i: number): string => `c${i + 1}`;

/** The ballot body a tablet would have validated, for a choice by candidate index. */
function bodyOf(choice: PlainChoice): BallotBody | RatingBallot {
  switch (choice.type) {
    case 'approve':
      return { type: 'approve', marks: Object.fromEntries(choice.marks.map((m, i) => [id(i), m])) };
    case 'choose':
      return { type: 'choose', selected: choice.selected.map(id) };
    case 'rank':
      return { type: 'rank', ranking: choice.ranking.map(id) };
    case 'rating':
      return { type: 'rating', marks: Object.fromEntries(choice.marks.map((m, i) => [id(i), m])) };
  }
}

function stream(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

const spec = (kind: PollSpec['kind'], over: Partial<TestSpec> = {}): TestSpec => ({ pollId: `result-${kind}`, kind, candidates: 4, places: 2, allowAbstain: true, maxBallots: 30, ...over });

describe('the result under the poll\'s rules', () => {
  it.each(['approve', 'choose', 'rank', 'rating'] as const)('%s: the decrypted counts give exactly the plain tally of the same ballots, with and without paper', (kind) => {
    const sp = spec(kind);
    const random = stream(kind.length * 101);
    const choices = Array.from({ length: 7 }, () => randomChoice(sp, random));
    const paperChoices = Array.from({ length: 3 }, () => randomChoice(sp, random));
    const rules = rulesFor(sp, choices.length, { passThreshold: 'present_majority', tieRule: 'runoff', seated: 12, present: 11 });
    const candidates = rules.candidates;
    const bodies = choices.map(bodyOf);
    const common = { candidates, invalid: 0, seated: 12, present: 11, issued: 7 };
    const voteRules = { ballotType: kind as 'approve', choose: 2, passThreshold: 'present_majority' as const, tieRule: 'runoff' as const };

    const plain = kind === 'rating'
      ? tallyRating({ ...common, ballots: bodies as RatingBallot[], ...rules.rating! })
      : tally({ ...common, rules: voteRules, ballots: bodies as BallotBody[] });
    const json = bulletinJsonOf(run, sp, choices, [1, 3], rules);
    expect(verifyBulletin(json).failures).toEqual([]);
    expect(json.result).toEqual(JSON.parse(JSON.stringify(plain)));

    const paperPoll: PaperPoll = { ballotType: kind, choose: 2, candidateIds: candidates.map((c) => c.id), allowAbstain: true };
    const paper = paperFiguresOf(paperPoll, paperChoices.map(bodyOf), { issued: 4, invalidReasons: { unreadable: 1 } });
    const withPaper = kind === 'rating'
      ? tallyRatingWithPaper({ ...common, ballots: bodies as RatingBallot[], ...rules.rating! }, paper, 1)
      : tallyWithPaper({ ...common, rules: voteRules, ballots: bodies as BallotBody[] }, paperPoll, paper, 1);
    const mixed = bulletinJsonOf(run, sp, choices, [2, 3], { ...rules, paper });
    expect(verifyBulletin(mixed).failures).toEqual([]);
    expect(mixed.result).toEqual(JSON.parse(JSON.stringify(withPaper)));
    // both parts are in the combined count
    expect(withPaper.record.valid).toBe(10);
  });

  describe('every field of the rules and of the result, tampered, is refused', () => {
    // choose one of three: 项目1 three times, 项目2 once, one empty ballot
    const sp = spec('choose', { candidates: 3, places: 1 });
    const choices: PlainChoice[] = [[0], [0], [0], [1], []].map((selected) => ({ type: 'choose', selected }));
    let json: BulletinJson;
    beforeAll(() => {
      json = bulletinJsonOf(run, sp, choices, [1, 2], { seated: 9, present: 6, issued: 6, minBallots: 3 });
      expect(verifyBulletin(json).failures).toEqual([]);
      expect(verifyBulletin(json).chosen).toEqual(['项目1']);
    });

    it('the ballot type, N, the candidate list and the grading rules must fit the ballots', () => {
      expect(codes({ ...copy(json), rules: { ...json.rules, ballotType: 'approve' } })).toEqual(['RULES_MISMATCH']);
      expect(paths({ ...copy(json), rules: { ...json.rules, choose: 2 } }, 'RULES_MISMATCH')).toEqual(['$.rules.choose']);
      expect(paths({ ...copy(json), rules: { ...json.rules, candidates: json.rules.candidates.slice(1) } }, 'RULES_MISMATCH')).toEqual(['$.rules.candidates']);
      expect(codes({ ...copy(json), rules: { ...json.rules, candidates: [json.rules.candidates[0]!, json.rules.candidates[0]!, json.rules.candidates[2]!] } })).toEqual(['CANDIDATE_LIST', 'RULES_MISMATCH']);
      expect(paths({ ...copy(json), rules: { ...json.rules, rating: { gradingRule: 'zhenhai', ratingBase: 'members', ratingBody: 'deputies' } } }, 'RULES_MISMATCH')).toEqual(['$.rules.rating']);
      expect(verifyBulletin({ ...copy(json), rules: { ...json.rules, ballotType: 'plurality' } }).failures).toMatchObject([{ code: 'FORMAT', path: '$.rules.ballotType' }]);
      expect(verifyBulletin({ ...copy(json), rules: { ...json.rules, seated: -1 } }).failures).toMatchObject([{ code: 'FORMAT', path: '$.rules.seated' }]);
      const { rules: _, ...noRules } = copy(json);
      expect(verifyBulletin(noRules).failures).toMatchObject([{ code: 'FORMAT', path: '$.rules' }]);
    });

    it('candidates swapped in the list: refused at the list, which the proofs bind, and nothing is recounted onto it', () => {
      const t = copy(json);
      [t.rules.candidates[0], t.rules.candidates[1]] = [json.rules.candidates[1]!, json.rules.candidates[0]!];
      expect(codes(t)).toEqual(['CANDIDATE_LIST']);
      expect(verifyBulletin(t).chosen).toBeNull();
    });

    it('the pass threshold: 3 votes do not pass "more than half of the 9 seated"', () => {
      const t = { ...copy(json), rules: { ...json.rules, passThreshold: 'seated_majority' as const } };
      expect(codes(t)).toEqual(['RESULT_MISMATCH']);
      expect(paths(t, 'RESULT_MISMATCH')).toEqual(expect.arrayContaining(['$.result.chosen', '$.result.thresholdVotes', '$.result.vacancies']));
    });

    it('the seated, present, issued and invalid figures: the record no longer follows', () => {
      for (const key of ['seated', 'present', 'issued', 'invalid'] as const) {
        const t = { ...copy(json), rules: { ...json.rules, [key]: json.rules[key] + 1 } };
        expect(paths(t, 'RESULT_MISMATCH'), key).toContain('$.result.record');
      }
      // fewer issued than ballots in the box
      expect(paths({ ...copy(json), rules: { ...json.rules, issued: 4 } }, 'RULES_MISMATCH')).toEqual(['$.rules.issued']);
    });

    it('the minimum number of ballots: five ballots decrypted under a minimum of six', () => {
      expect(codes({ ...copy(json), rules: { ...json.rules, minBallots: 6 } })).toEqual(['BELOW_MIN_BALLOTS']);
    });

    it('the minimum holds for each part of a mixed poll, by the rule the server applies (countReleasable)', () => {
      const paperPoll: PaperPoll = { ballotType: 'choose', choose: 1, candidateIds: ['c1', 'c2', 'c3'], allowAbstain: true };
      const paper = paperFiguresOf(paperPoll, [{ type: 'choose', selected: ['c2'] }, { type: 'choose', selected: ['c2'] }], { issued: 2 });
      // five ballots decrypted, two on paper: released under a minimum of 2, flagged from 3 on
      for (const minBallots of [1, 2, 3, 5, 6, 8]) {
        const mixed = bulletinJsonOf(run, sp, choices, [1, 3], { seated: 9, present: 8, issued: 6, minBallots, paper });
        const flagged = codes(mixed).includes('BELOW_MIN_BALLOTS');
        expect(flagged, `minimum ${minBallots}`).toBe(!countReleasable({ electronic: 5, paper: paper.returned, minBallots }).ok);
      }
      const short = bulletinJsonOf(run, sp, choices, [1, 3], { seated: 9, present: 8, issued: 6, minBallots: 3, paper });
      expect(verifyBulletin(short).failures).toMatchObject([{ code: 'BELOW_MIN_BALLOTS', path: '$.decryption', detail: '2 ballots on paper, minimum 3' }]);
      const tablets = bulletinJsonOf(run, sp, choices, [1, 3], { seated: 9, present: 8, issued: 6, minBallots: 6, paper: paperFiguresOf(paperPoll, Array(6).fill({ type: 'choose', selected: ['c1'] }), { issued: 6 }) });
      expect(verifyBulletin(tablets).failures).toMatchObject([{ code: 'BELOW_MIN_BALLOTS', detail: '5 ballots on the tablets, minimum 6' }]);
    });

    it('the tie rule: a three-way tie for one place is resolved as the rules say', () => {
      const tied = bulletinJsonOf(run, sp, [[0], [1], [2]].map((selected) => ({ type: 'choose', selected })), [2, 3], { tieRule: 'runoff' });
      expect(verifyBulletin(tied).failures).toEqual([]);
      expect(tied.result).toMatchObject({ chosen: [], tie: { resolution: 'runoff', places: 1 } });
      const t = { ...copy(tied), rules: { ...tied.rules, tieRule: 'vacant' as const } };
      expect(paths(t, 'RESULT_MISMATCH')).toEqual(expect.arrayContaining(['$.result.tie', '$.result.vacancies', '$.result.rows[0]']));
    });

    it('the paper figures: changed, they break the paper rules or move the result', () => {
      const paperPoll: PaperPoll = { ballotType: 'choose', choose: 1, candidateIds: ['c1', 'c2', 'c3'], allowAbstain: true };
      const paper = paperFiguresOf(paperPoll, [{ type: 'choose', selected: ['c2'] }, { type: 'choose', selected: ['c2'] }], { issued: 2 });
      const mixed = bulletinJsonOf(run, sp, choices, [1, 3], { seated: 9, present: 8, issued: 6, minBallots: 2, paper });
      expect(verifyBulletin(mixed).failures).toEqual([]);
      expect(mixed.result).toMatchObject({ record: { valid: 7, issued: 8 } });
      const moved = copy(mixed);
      moved.rules.paper!.candidates[1]!.counts.chosen = 1;
      moved.rules.paper!.candidates[0]!.counts.chosen = 1;
      expect(codes(moved)).toEqual(['RESULT_MISMATCH']);
      const broken = copy(mixed);
      broken.rules.paper!.valid = 3;
      expect(codes(broken)).toEqual(['PAPER_FIGURES']);
      expect(paths(broken, 'PAPER_FIGURES')).toContain('$.rules.paper.valid');
    });

    it('the published 入选 list, a rank and a count', () => {
      const chosen = copy(json);
      (chosen.result as { chosen: string[] }).chosen = ['c2'];
      expect(verifyBulletin(chosen).failures).toMatchObject([{ code: 'RESULT_MISMATCH', path: '$.result.chosen' }]);
      const rank = copy(json);
      (rank.result!.rows[1] as { rank: number }).rank = 1;
      expect(verifyBulletin(rank).failures).toMatchObject([{ code: 'RESULT_MISMATCH', path: '$.result.rows[1]', detail: expect.stringContaining('rank') }]);
      const count = copy(json);
      (count.result!.rows[0] as { for: number }).for = 4;
      expect(verifyBulletin(count).failures).toMatchObject([{ code: 'RESULT_MISMATCH', path: '$.result.rows[0]', detail: expect.stringContaining('项目1') }]);
      const status = copy(json);
      (status.result!.rows[1] as { status: string }).status = 'chosen';
      expect(codes(status)).toEqual(['RESULT_MISMATCH']);
      const extra = copy(json);
      (extra.result as unknown as Record<string, unknown>).note = 'added';
      expect(verifyBulletin(extra).failures).toMatchObject([{ code: 'RESULT_MISMATCH', path: '$.result.note' }]);
    });

    it('a decrypted poll without its result, and a result without a decryption', () => {
      expect(codes({ ...copy(json), result: null })).toEqual(['RESULT_MISSING']);
      expect(verifyBulletin({ ...copy(json), result: 'chosen: c1' }).failures).toMatchObject([{ code: 'FORMAT', path: '$.result' }]);
      expect(verifyBulletin({ ...copy(json), decryption: null }).failures).toMatchObject([{ code: 'RESULT_MISMATCH', path: '$.result' }]);
      expect(verifyBulletin({ ...copy(json), decryption: null, result: null }).ok).toBe(true);
    });
  });
});
