import type { BallotBody, Mark, PollRules } from '@piaojue/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from './helpers/app.ts';
import { closedEncryptedPoll, cryptoApp, decryptAs, hall, plainTally, type Hall } from './helpers/world.ts';

/**
 * Property (issue 18): on the real app, the decrypted result of random valid encrypted ballots
 * is the plain tally of the same ballots by the same rules — for each ballot kind of a vote.
 */
let t: TestApp;
let staff: Client;

beforeAll(async () => ({ t, staff } = await cryptoApp()));
afterAll(() => t?.close());

const DEPUTIES = 6;
const CANDIDATES = 4;
const N = 2;

/** The hall's random valid ballot bodies of one kind, as the tablet's screen lets a deputy make them. */
const ballotsOf: Record<'approve' | 'choose' | 'rank', (h: Hall) => fc.Arbitrary<BallotBody>> = {
  approve: (h) =>
    fc.array(fc.constantFrom<Mark>('for', 'against', 'abstain'), { minLength: CANDIDATES, maxLength: CANDIDATES }).map((marks) => {
      let yes = 0;
      // the tablet never offers a third 赞成: turn extra ones into 弃权
      const capped = marks.map((m) => (m === 'for' && ++yes > N ? 'abstain' : m));
      return { type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, capped[i]!])) };
    }),
  choose: (h) => fc.subarray(h.candidateIds, { maxLength: N }).map((selected) => ({ type: 'choose', selected })),
  rank: (h) => fc.shuffledSubarray(h.candidateIds, { maxLength: N }).map((ranking) => ({ type: 'rank', ranking })),
};

/**
 * The bodies cast encrypted by the first deputies, the poll closed and decrypted by two 监票人:
 * its published result must be the plain tally of the same bodies.
 */
async function agreesWithPlain(h: Hall, rules: PollRules, bodies: BallotBody[]): Promise<void> {
  const pollId = await closedEncryptedPoll(staff, h, bodies);
  for (const g of h.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, pollId)).status).toBe(200);
  const poll = (await staff.get(`/api/polls/${pollId}`)).body;
  expect(poll.status).toBe('closed');
  const expected = plainTally(h, rules, bodies);
  expect(poll.result.rows).toEqual(expected.rows);
  expect(poll.result.chosen).toEqual(expected.chosen);
  expect(poll.result.record).toEqual(expected.record);
}

describe('decrypted result = plain tally of the same ballots', () => {
  it.each(['approve', 'choose', 'rank'] as const)('%s (N = 2): random valid ballots', async (ballotType) => {
    const rules: PollRules = { ballotType, choose: N, passThreshold: 'none', tieRule: 'runoff' };
    const h = await hall(t, staff, { encrypted: true, deputies: DEPUTIES, candidates: CANDIDATES, cycle: { chooseN: N, ballotType } });
    await fc.assert(
      fc.asyncProperty(fc.array(ballotsOf[ballotType](h), { minLength: 1, maxLength: DEPUTIES }), (bodies) => agreesWithPlain(h, rules, bodies)),
      { numRuns: 3 },
    );
  }, 180_000);
});
