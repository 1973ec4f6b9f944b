import { tally, type BallotBody, type Mark } from '@piaojue/shared';
import { cryptoReady } from '@piaojue/shared/crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from './helpers/app.ts';
import { castEncrypted, decryptAs, hall, openPoll, staffPair, type Hall } from './helpers/world.ts';

/**
 * Property (issue 18): on the real app, the decrypted result of random valid encrypted ballots
 * is the plain tally of the same ballots by the same rules — for 赞成/反对/弃权 and for ranking.
 */
let t: TestApp;
let staff: Client;

beforeAll(async () => {
  await cryptoReady();
  t = await createTestApp();
  ({ staff } = await staffPair(t));
});
afterAll(async () => {
  await t?.close();
});

const DEPUTIES = 6;
const CANDIDATES = 4;

/** One poll of the session: the bodies cast by the first deputies, closed, two 监票人 decrypt; the published result. */
async function runPoll(h: Hall, bodies: BallotBody[]) {
  const pollId = await openPoll(staff, h.sessionId);
  for (const [i, body] of bodies.entries()) await castEncrypted(h.deputies[i]!.client, pollId, body);
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('decrypting');
  for (const g of h.ceremony!.guardians.slice(0, 2)) expect((await decryptAs(g, pollId)).status).toBe(200);
  const poll = (await staff.get(`/api/polls/${pollId}`)).body;
  expect(poll.status).toBe('closed');
  return poll.result;
}

const plain = (h: Hall, ballotType: 'approve' | 'rank', choose: number, bodies: BallotBody[]) =>
  tally({
    rules: { ballotType, choose, passThreshold: 'none', tieRule: 'runoff' },
    candidates: h.candidateIds.map((id, i) => ({ id, name: `项目${i + 1}` })),
    ballots: bodies,
    invalid: 0,
    seated: DEPUTIES,
    present: DEPUTIES,
    issued: DEPUTIES,
  });

describe('decrypted result = plain tally of the same ballots', () => {
  it('approve (N = 2): random marks, at most N 赞成', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: DEPUTIES, candidates: CANDIDATES, cycle: { chooseN: 2, ballotType: 'approve' } });
    const mark = fc.constantFrom<Mark>('for', 'against', 'abstain');
    const ballot = fc.array(mark, { minLength: CANDIDATES, maxLength: CANDIDATES }).map((marks): BallotBody => {
      let yes = 0;
      // the tablet never offers a third 赞成: turn extra ones into 弃权
      const capped = marks.map((m) => (m === 'for' && ++yes > 2 ? 'abstain' : m));
      return { type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, capped[i]!])) };
    });
    await fc.assert(
      fc.asyncProperty(fc.array(ballot, { minLength: 1, maxLength: DEPUTIES }), async (bodies) => {
        const result = await runPoll(h, bodies);
        const expected = plain(h, 'approve', 2, bodies);
        expect(result.rows).toEqual(expected.rows);
        expect(result.chosen).toEqual(expected.chosen);
        expect(result.record).toEqual(expected.record);
      }),
      { numRuns: 3 },
    );
  }, 180_000);

  it('rank (N = 2): random rankings of up to N candidates', async () => {
    const h = await hall(t, staff, { encrypted: true, deputies: DEPUTIES, candidates: CANDIDATES, cycle: { chooseN: 2, ballotType: 'rank' } });
    const ballot = fc.shuffledSubarray(h.candidateIds, { maxLength: 2 }).map((ranking): BallotBody => ({ type: 'rank', ranking }));
    await fc.assert(
      fc.asyncProperty(fc.array(ballot, { minLength: 1, maxLength: DEPUTIES }), async (bodies) => {
        const result = await runPoll(h, bodies);
        const expected = plain(h, 'rank', 2, bodies);
        expect(result.rows).toEqual(expected.rows);
        expect(result.chosen).toEqual(expected.chosen);
        expect(result.record).toEqual(expected.record);
      }),
      { numRuns: 3 },
    );
  }, 180_000);
});
