import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { validateBallot, countApprovals, maxSelectable, BALLOT_ERROR_CODES } from './ballot.ts';
import type { BallotErrorCode } from './ballot.ts';
import type { PollRules, BallotBody, BallotType } from './rules.ts';

const IDS = ['a', 'b', 'c', 'd', 'e'] as const;

function rules(ballotType: BallotType, choose = 3): PollRules {
  return { ballotType, choose, passThreshold: 'none', tieRule: 'runoff' };
}
const APPROVE = rules('approve');
const CHOOSE = rules('choose');
const RANK = rules('rank');

function expectError(body: unknown, r: PollRules, code: BallotErrorCode) {
  const res = validateBallot(body, r, IDS);
  expect(res.ok).toBe(false);
  if (!res.ok) {
    expect(res.code).toBe(code);
    expect(res.message.zh.length).toBeGreaterThan(0);
    expect(res.message.en.length).toBeGreaterThan(0);
  }
}

function expectBallot(body: unknown, r: PollRules, expected: BallotBody) {
  const res = validateBallot(body, r, IDS);
  expect(res).toEqual({ ok: true, ballot: expected });
}

describe('validateBallot — approve (赞成/反对/弃权, at most N 赞成)', () => {
  it('fills a mark for every candidate, missing ones as abstain', () => {
    expectBallot({ type: 'approve', marks: { a: 'for', c: 'against' } }, APPROVE, {
      type: 'approve',
      marks: { a: 'for', b: 'abstain', c: 'against', d: 'abstain', e: 'abstain' },
    });
  });

  it('accepts exactly N approvals and any number of against', () => {
    expectBallot(
      { type: 'approve', marks: { a: 'for', b: 'for', c: 'for', d: 'against', e: 'against' } },
      APPROVE,
      { type: 'approve', marks: { a: 'for', b: 'for', c: 'for', d: 'against', e: 'against' } },
    );
  });

  it('accepts an empty marks object (all abstain)', () => {
    expectBallot({ type: 'approve', marks: {} }, APPROVE, {
      type: 'approve',
      marks: { a: 'abstain', b: 'abstain', c: 'abstain', d: 'abstain', e: 'abstain' },
    });
  });

  it('rejects N + 1 approvals with a message naming N', () => {
    const res = validateBallot(
      { type: 'approve', marks: { a: 'for', b: 'for', c: 'for', d: 'for' } },
      APPROVE,
      IDS,
    );
    expect(res).toEqual({
      ok: false,
      code: 'TOO_MANY_APPROVALS',
      message: {
        zh: '赞成票超过应选数量 3 个，为无效票',
        en: 'More than 3 approvals: the ballot would be invalid',
      },
    });
  });

  it('rejects unknown candidates and bad marks', () => {
    expectError({ type: 'approve', marks: { z: 'for' } }, APPROVE, 'UNKNOWN_CANDIDATE');
    expectError(JSON.parse('{"type":"approve","marks":{"__proto__":"for"}}'), APPROVE, 'UNKNOWN_CANDIDATE');
    expectError({ type: 'approve', marks: { toString: 'for' } }, APPROVE, 'UNKNOWN_CANDIDATE');
    expectError({ type: 'approve', marks: { a: 'yes' } }, APPROVE, 'BAD_MARK');
    expectError({ type: 'approve', marks: { a: 'FOR' } }, APPROVE, 'BAD_MARK');
    expectError({ type: 'approve', marks: { a: null } }, APPROVE, 'BAD_MARK');
    expectError({ type: 'approve', marks: { a: 1 } }, APPROVE, 'BAD_MARK');
    expectError({ type: 'approve', marks: { a: ['for'] } }, APPROVE, 'BAD_MARK');
  });

  it('rejects malformed marks containers', () => {
    expectError({ type: 'approve' }, APPROVE, 'MALFORMED_BALLOT');
    expectError({ type: 'approve', marks: null }, APPROVE, 'MALFORMED_BALLOT');
    expectError({ type: 'approve', marks: ['a'] }, APPROVE, 'MALFORMED_BALLOT');
    expectError({ type: 'approve', marks: 'a' }, APPROVE, 'MALFORMED_BALLOT');
    expectError({ type: 'approve', marks: new Map([['a', 'for']]) }, APPROVE, 'MALFORMED_BALLOT');
  });

  it('drops extra keys', () => {
    expectBallot({ type: 'approve', marks: { e: 'for' }, deputy: 'x', seat: 12 }, APPROVE, {
      type: 'approve',
      marks: { a: 'abstain', b: 'abstain', c: 'abstain', d: 'abstain', e: 'for' },
    });
  });
});

describe('validateBallot — choose (勾选, at most N)', () => {
  it('normalises to candidate-list order', () => {
    expectBallot({ type: 'choose', selected: ['e', 'a', 'c'] }, CHOOSE, {
      type: 'choose',
      selected: ['a', 'c', 'e'],
    });
  });

  it('accepts an empty (blank) selection', () => {
    expectBallot({ type: 'choose', selected: [] }, CHOOSE, { type: 'choose', selected: [] });
  });

  it('rejects more than N, duplicates, unknown ids', () => {
    expectError({ type: 'choose', selected: ['a', 'b', 'c', 'd'] }, CHOOSE, 'TOO_MANY_SELECTED');
    expectError({ type: 'choose', selected: ['a', 'a'] }, CHOOSE, 'DUPLICATE_CANDIDATE');
    expectError({ type: 'choose', selected: ['a', 'zz'] }, CHOOSE, 'UNKNOWN_CANDIDATE');
    expectError({ type: 'choose', selected: [''] }, CHOOSE, 'UNKNOWN_CANDIDATE');
  });

  it('rejects non-array selections and non-string entries', () => {
    expectError({ type: 'choose' }, CHOOSE, 'MALFORMED_BALLOT');
    expectError({ type: 'choose', selected: 'a' }, CHOOSE, 'MALFORMED_BALLOT');
    expectError({ type: 'choose', selected: { 0: 'a', length: 1 } }, CHOOSE, 'MALFORMED_BALLOT');
    expectError({ type: 'choose', selected: [1] }, CHOOSE, 'MALFORMED_BALLOT');
    expectError({ type: 'choose', selected: [null] }, CHOOSE, 'MALFORMED_BALLOT');
    expectError({ type: 'choose', selected: [['a']] }, CHOOSE, 'MALFORMED_BALLOT');
    // eslint-disable-next-line no-sparse-arrays
    expectError({ type: 'choose', selected: [, 'a'] }, CHOOSE, 'MALFORMED_BALLOT');
  });

  it('with N = 0 only a blank ballot is valid', () => {
    expectBallot({ type: 'choose', selected: [] }, rules('choose', 0), { type: 'choose', selected: [] });
    expectError({ type: 'choose', selected: ['a'] }, rules('choose', 0), 'TOO_MANY_SELECTED');
  });
});

describe('validateBallot — rank (排序, up to N)', () => {
  it('keeps the priority order', () => {
    expectBallot({ type: 'rank', ranking: ['d', 'a', 'b'] }, RANK, {
      type: 'rank',
      ranking: ['d', 'a', 'b'],
    });
  });

  it('accepts fewer than N entries and an empty ranking', () => {
    expectBallot({ type: 'rank', ranking: ['c'] }, RANK, { type: 'rank', ranking: ['c'] });
    expectBallot({ type: 'rank', ranking: [] }, RANK, { type: 'rank', ranking: [] });
  });

  it('rejects more than N, duplicates, unknown ids, non-arrays', () => {
    expectError({ type: 'rank', ranking: ['a', 'b', 'c', 'd'] }, RANK, 'TOO_MANY_RANKED');
    expectError({ type: 'rank', ranking: ['a', 'b', 'a'] }, RANK, 'DUPLICATE_CANDIDATE');
    expectError({ type: 'rank', ranking: ['x'] }, RANK, 'UNKNOWN_CANDIDATE');
    expectError({ type: 'rank', ranking: 'abc' }, RANK, 'MALFORMED_BALLOT');
    expectError({ type: 'rank', ranking: [0, 1] }, RANK, 'MALFORMED_BALLOT');
    expectError({ type: 'rank' }, RANK, 'MALFORMED_BALLOT');
  });
});

describe('validateBallot — wrong type and malformed input', () => {
  it('rejects a ballot of another type', () => {
    expectError({ type: 'choose', selected: ['a'] }, APPROVE, 'WRONG_BALLOT_TYPE');
    expectError({ type: 'rank', ranking: ['a'] }, CHOOSE, 'WRONG_BALLOT_TYPE');
    expectError({ type: 'approve', marks: {} }, RANK, 'WRONG_BALLOT_TYPE');
    expectError({ type: 'Approve', marks: {} }, APPROVE, 'WRONG_BALLOT_TYPE');
    expectError({ type: 'other' }, APPROVE, 'WRONG_BALLOT_TYPE');
  });

  it('rejects non-objects and objects without a string type, without throwing', () => {
    const inputs: unknown[] = [
      undefined,
      null,
      0,
      1,
      NaN,
      Infinity,
      -1,
      true,
      false,
      '',
      'approve',
      '{"type":"approve","marks":{}}',
      [],
      ['approve'],
      [{ type: 'approve', marks: {} }],
      {},
      { type: null },
      { type: 1 },
      { type: ['approve'] },
      { type: { toString: () => 'approve' } },
      { marks: {} },
      Symbol('x'),
      () => ({ type: 'approve', marks: {} }),
      10n,
      new Date(),
      /approve/,
      new Map(),
      new (class Ballot {
        type = 'approve';
        marks = {};
      })(),
      Object.create({ type: 'approve', marks: {} }),
    ];
    for (const r of [APPROVE, CHOOSE, RANK]) {
      for (const input of inputs) {
        const res = validateBallot(input, r, IDS);
        expect(res.ok).toBe(false);
        if (!res.ok) expect(res.code).toBe('MALFORMED_BALLOT');
      }
    }
  });

  it('does not throw on hostile objects (throwing getters, proxies)', () => {
    const getter = {
      type: 'choose',
      get selected(): string[] {
        throw new Error('boom');
      },
    };
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          throw new Error('boom');
        },
      },
    );
    const cyclic: Record<string, unknown> = { type: 'approve' };
    cyclic.marks = cyclic;
    expectError(getter, CHOOSE, 'MALFORMED_BALLOT');
    expectError(proxy, CHOOSE, 'MALFORMED_BALLOT');
    expectError(cyclic, APPROVE, 'UNKNOWN_CANDIDATE');
  });

  it('accepts a null-prototype object', () => {
    const body = Object.assign(Object.create(null) as Record<string, unknown>, {
      type: 'choose',
      selected: ['b'],
    });
    expectBallot(body, CHOOSE, { type: 'choose', selected: ['b'] });
  });

  it('has a message for every error code', () => {
    expect(BALLOT_ERROR_CODES).toHaveLength(8);
  });
});

describe('countApprovals / maxSelectable', () => {
  it('counts per ballot type', () => {
    expect(
      countApprovals({
        type: 'approve',
        marks: { a: 'for', b: 'against', c: 'for', d: 'abstain', e: 'against' },
      }),
    ).toBe(2);
    expect(countApprovals({ type: 'approve', marks: {} })).toBe(0);
    expect(countApprovals({ type: 'choose', selected: ['a', 'c', 'd'] })).toBe(3);
    expect(countApprovals({ type: 'choose', selected: [] })).toBe(0);
    expect(countApprovals({ type: 'rank', ranking: ['e', 'b'] })).toBe(2);
  });

  it('maxSelectable is N', () => {
    expect(maxSelectable(rules('approve', 10))).toBe(10);
    expect(maxSelectable(rules('rank', 3))).toBe(3);
  });
});

describe('validateBallot — properties', () => {
  const ruleArb = fc.record({
    ballotType: fc.constantFrom<BallotType>('approve', 'choose', 'rank'),
    choose: fc.integer({ min: 0, max: 6 }),
    passThreshold: fc.constantFrom('none' as const, 'seated_majority' as const, 'present_majority' as const),
    tieRule: fc.constantFrom('runoff' as const, 'vacant' as const, 'presidium' as const),
  });
  const idArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'z', '', '__proto__', 'constructor');
  // JSON-shaped values biased towards near-valid ballots
  const nearBallot = fc.oneof(
    fc.record(
      {
        type: fc.constantFrom('approve', 'choose', 'rank', 'x'),
        marks: fc.oneof(
          fc.dictionary(idArb, fc.oneof(fc.constantFrom('for', 'against', 'abstain', 'no'), fc.jsonValue())),
          fc.jsonValue(),
        ),
        selected: fc.oneof(fc.array(idArb, { maxLength: 8 }), fc.jsonValue()),
        ranking: fc.oneof(fc.array(fc.oneof(idArb, fc.jsonValue()), { maxLength: 8 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  );

  it('never throws on arbitrary JSON and every accepted ballot uses at most N places', () => {
    fc.assert(
      fc.property(nearBallot, ruleArb, (body, r) => {
        // through a JSON round-trip, as it arrives from the network
        const parsed: unknown = JSON.parse(JSON.stringify(body) ?? 'null');
        const res = validateBallot(parsed, r, IDS);
        if (res.ok) {
          expect(res.ballot.type).toBe(r.ballotType);
          expect(countApprovals(res.ballot)).toBeLessThanOrEqual(maxSelectable(r));
        } else {
          expect(BALLOT_ERROR_CODES).toContain(res.code);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('well-formed ballots over known ids are accepted exactly when they use at most N places', () => {
    const knownId = fc.constantFrom(...IDS);
    const wellFormed = fc.oneof(
      fc.record({
        type: fc.constant('approve' as const),
        marks: fc.dictionary(knownId, fc.constantFrom('for' as const, 'against' as const, 'abstain' as const)),
      }),
      fc.record({ type: fc.constant('choose' as const), selected: fc.uniqueArray(knownId, { maxLength: 5 }) }),
      fc.record({ type: fc.constant('rank' as const), ranking: fc.uniqueArray(knownId, { maxLength: 5 }) }),
    );
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 0, max: 6 }), (body, n) => {
        const r: PollRules = { ballotType: body.type, choose: n, passThreshold: 'none', tieRule: 'runoff' };
        const used =
          body.type === 'approve'
            ? Object.values(body.marks).filter((m) => m === 'for').length
            : body.type === 'choose'
              ? body.selected.length
              : body.ranking.length;
        const res = validateBallot(JSON.parse(JSON.stringify(body)), r, IDS);
        expect(res.ok).toBe(used <= n);
        if (res.ok) expect(countApprovals(res.ballot)).toBe(used);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary values (not only JSON)', () => {
    fc.assert(
      fc.property(fc.anything(), ruleArb, (body, r) => {
        const res = validateBallot(body, r, IDS);
        if (res.ok) expect(countApprovals(res.ballot)).toBeLessThanOrEqual(r.choose);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepted ballots are normalised: valid again, unchanged, only known ids', () => {
    fc.assert(
      fc.property(nearBallot, ruleArb, (body, r) => {
        const parsed: unknown = JSON.parse(JSON.stringify(body) ?? 'null');
        const res = validateBallot(parsed, r, IDS);
        if (!res.ok) return;
        const again = validateBallot(res.ballot, r, IDS);
        expect(again).toEqual(res);
        const b = res.ballot;
        if (b.type === 'approve') expect(Object.keys(b.marks)).toEqual([...IDS]);
        if (b.type === 'choose') for (const id of b.selected) expect(IDS).toContain(id);
        if (b.type === 'rank') for (const id of b.ranking) expect(IDS).toContain(id);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validateBallot — the candidate list it is given', () => {
  it('reads a list that is not frozen afresh each time (it may have changed)', () => {
    const ids = ['a', 'b'];
    expect(validateBallot({ type: 'choose', selected: ['c'] }, CHOOSE, ids).ok).toBe(false);
    ids.push('c');
    expect(validateBallot({ type: 'choose', selected: ['c'] }, CHOOSE, ids)).toEqual({ ok: true, ballot: { type: 'choose', selected: ['c'] } });
  });

  it('gives the same answers for a frozen list, asked again and again', () => {
    const ids = Object.freeze(['a', 'b', 'c']);
    for (let i = 0; i < 3; i++) {
      expect(validateBallot({ type: 'choose', selected: ['c', 'a'] }, CHOOSE, ids)).toEqual({ ok: true, ballot: { type: 'choose', selected: ['a', 'c'] } });
      expect(validateBallot({ type: 'choose', selected: ['d'] }, CHOOSE, ids).ok).toBe(false);
    }
  });
});
