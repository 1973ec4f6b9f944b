import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signersNeeded, type SignoffMark } from './certification.ts';
import { decisionProgress, decisionVerdict, pendingMarks, signatureVerdict, tieUndecided, withTieDecision, type DecisionSignatures } from './presidium.ts';

const rule = { certifyK: 2, scrutineerConfirmations: 1 };
const confirmed: SignoffMark[] = [{ userId: null, deputyId: 'd1', role: 'scrutineer', decision: 'confirm' }];
const tie = { candidateIds: ['b', 'c', 'd'], places: 2, resolution: 'presidium' as const };

describe('a 主席团 decision — examples', () => {
  it('certifies with k distinct signers, once the 监票人 have confirmed and no tie is open', () => {
    expect(decisionVerdict(rule, confirmed, null, null, { kind: 'certify', signerIds: ['p1', 'p2'] })).toEqual({ ok: true, status: 'certified', needed: 2 });
    expect(decisionVerdict(rule, confirmed, null, null, { kind: 'certify', signerIds: ['p1'] })).toEqual({ ok: false, code: 'TOO_FEW_SIGNERS', needed: 2, have: 1 });
    expect(decisionVerdict(rule, confirmed, null, null, { kind: 'certify', signerIds: ['p1', 'p1'] })).toEqual({ ok: false, code: 'DUPLICATE_SIGNER', signerId: 'p1' });
    expect(decisionVerdict(rule, [], null, null, { kind: 'certify', signerIds: ['p1', 'p2'] })).toMatchObject({ ok: false, code: 'CONFIRMATIONS_MISSING' });
    expect(decisionVerdict(rule, confirmed, tie, null, { kind: 'certify', signerIds: ['p1', 'p2'] })).toEqual({ ok: false, code: 'TIE_UNDECIDED' });
    expect(decisionVerdict(rule, confirmed, tie, ['b'], { kind: 'certify', signerIds: ['p1', 'p2'] })).toMatchObject({ ok: true, status: 'certified' });
  });

  it('returns with as many signers as a certification, or one when the cycle says so; no confirmations needed', () => {
    expect(decisionVerdict(rule, [], null, null, { kind: 'reject', signerIds: ['p1'] })).toEqual({ ok: false, code: 'TOO_FEW_SIGNERS', needed: 2, have: 1 });
    expect(decisionVerdict(rule, [], null, null, { kind: 'reject', signerIds: ['p1', 'p2'] })).toEqual({ ok: true, status: 'rejected', needed: 2 });
    expect(decisionVerdict({ ...rule, rejectAlone: true }, [], null, null, { kind: 'reject', signerIds: ['p1'] })).toEqual({ ok: true, status: 'rejected', needed: 1 });
  });

  it('a member who certified on their own account cannot sign a return, nor the reverse', () => {
    const certified: SignoffMark[] = [...confirmed, { userId: 'p1', deputyId: null, role: 'presidium', decision: 'certify' }];
    expect(decisionVerdict(rule, certified, null, null, { kind: 'reject', signerIds: ['p2', 'p1'] })).toEqual({ ok: false, code: 'ALREADY_SIGNED', signerId: 'p1' });
    expect(decisionVerdict(rule, certified, null, null, { kind: 'certify', signerIds: ['p2', 'p1'] })).toMatchObject({ ok: true });
  });

  it('decides a tie left to the 主席团: at most its places, from the tied only, once', () => {
    const d = (chosen: string[]) => ({ kind: 'tie' as const, signerIds: ['p1', 'p2'], chosen });
    expect(decisionVerdict(rule, confirmed, tie, null, d(['c']))).toEqual({ ok: true, status: 'closed', needed: 2 });
    expect(decisionVerdict(rule, confirmed, tie, null, d(['c', 'd']))).toMatchObject({ ok: true });
    expect(decisionVerdict(rule, confirmed, tie, null, d(['b', 'c', 'd']))).toEqual({ ok: false, code: 'TOO_MANY_CHOSEN', places: 2, have: 3 });
    expect(decisionVerdict(rule, confirmed, tie, null, d(['a']))).toEqual({ ok: false, code: 'NOT_AMONG_TIED', candidateIds: ['a'] });
    expect(decisionVerdict(rule, confirmed, tie, ['b'], d(['c']))).toEqual({ ok: false, code: 'TIE_DECIDED' });
    expect(decisionVerdict(rule, confirmed, null, null, d(['c']))).toEqual({ ok: false, code: 'NO_PRESIDIUM_TIE' });
    expect(decisionVerdict(rule, confirmed, { ...tie, resolution: 'runoff' }, null, d(['c']))).toEqual({ ok: false, code: 'NO_PRESIDIUM_TIE' });
    expect(decisionVerdict(rule, confirmed, tie, null, { ...d(['c']), signerIds: ['p1'] })).toMatchObject({ ok: false, code: 'TOO_FEW_SIGNERS' });
  });

  it('a decided tie: the chosen are 入选 after those chosen outright, the other tied 未入选, unfilled places empty', () => {
    const result = {
      rows: [
        { candidateId: 'a', status: 'chosen' as const },
        { candidateId: 'b', status: 'tied' as const },
        { candidateId: 'c', status: 'tied' as const },
        { candidateId: 'd', status: 'tied' as const },
        { candidateId: 'e', status: 'not_chosen' as const },
      ],
      chosen: ['a'],
      tie,
      vacancies: 0,
    };
    expect(withTieDecision(result, null)).toBe(result);
    const out = withTieDecision(result, ['d']);
    expect(out.chosen).toEqual(['a', 'd']);
    expect(out.rows.map((r) => r.status)).toEqual(['chosen', 'not_chosen', 'not_chosen', 'chosen', 'not_chosen']);
    expect(out.vacancies).toBe(1);
    expect(result.rows[3]!.status).toBe('tied');
    expect(tieUndecided(tie, null)).toBe(true);
    expect(tieUndecided(tie, ['d'])).toBe(false);
    expect(tieUndecided({ ...tie, resolution: 'runoff' }, null)).toBe(false);
  });
});

describe('signing a decision on one’s own account — examples', () => {
  const pending = (answers: DecisionSignatures['answers'], kind: DecisionSignatures['kind'] = 'certify'): DecisionSignatures => ({
    kind,
    status: 'pending',
    named: ['p1', 'p2', 'p3', 'p4'],
    answers,
  });
  const r3 = { certifyK: 3, scrutineerConfirmations: 0 };

  it('takes effect at the signersNeeded-th signature, not before', () => {
    const one = pending([{ userId: 'p1', answer: 'sign' }]);
    expect(signatureVerdict(r3, one, [], 'p2', 'sign')).toMatchObject({ ok: true, outcome: 'pending', signed: 2, needed: 3, awaiting: ['p3', 'p4'] });
    const two = pending([...one.answers, { userId: 'p2', answer: 'sign' }]);
    expect(signatureVerdict(r3, two, [], 'p4', 'sign')).toMatchObject({ ok: true, outcome: 'effective', signed: 3 });
    expect(signatureVerdict({ certifyK: 3, rejectAlone: true }, pending([], 'reject'), [], 'p1', 'sign')).toMatchObject({ ok: true, outcome: 'effective', needed: 1 });
  });

  it('declines: settled as declined once the rest could no longer reach the number', () => {
    const one = pending([{ userId: 'p1', answer: 'sign' }, { userId: 'p2', answer: 'decline' }]);
    expect(decisionProgress(r3, one)).toMatchObject({ outcome: 'pending', declined: 1 });
    expect(signatureVerdict(r3, one, [], 'p3', 'decline')).toMatchObject({ ok: true, outcome: 'declined', signed: 1, declined: 2 });
  });

  it('refuses a member not named, a second answer, a settled decision, and a signature the other way', () => {
    const one = pending([{ userId: 'p1', answer: 'sign' }]);
    expect(signatureVerdict(r3, one, [], 'p9', 'sign')).toEqual({ ok: false, code: 'NOT_NAMED_SIGNER' });
    expect(signatureVerdict(r3, one, [], 'p1', 'sign')).toEqual({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(signatureVerdict(r3, one, [], 'p1', 'decline')).toEqual({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(signatureVerdict(r3, { ...one, status: 'withdrawn' }, [], 'p2', 'sign')).toEqual({ ok: false, code: 'DECISION_NOT_PENDING' });
    const returned = pendingMarks([pending([{ userId: 'p2', answer: 'sign' }, { userId: 'p3', answer: 'decline' }], 'reject')]);
    expect(returned).toEqual([{ userId: 'p2', deputyId: null, role: 'presidium', decision: 'reject' }]);
    expect(signatureVerdict(r3, one, returned, 'p2', 'sign')).toEqual({ ok: false, code: 'ALREADY_SIGNED', signerId: 'p2' });
    // declining is not signing the other way
    expect(signatureVerdict(r3, one, returned, 'p2', 'decline')).toMatchObject({ ok: true });
    expect(decisionVerdict(r3, returned, null, null, { kind: 'certify', signerIds: ['p1', 'p2', 'p3'] })).toMatchObject({ ok: false, code: 'ALREADY_SIGNED', signerId: 'p2' });
    expect(decisionVerdict(r3, [], null, null, { kind: 'reject', signerIds: ['p1', 'p2', 'p3'] }, ['reject'])).toEqual({ ok: false, code: 'DECISION_PENDING' });
  });
});

describe('a 主席团 decision — properties', () => {
  it('takes effect with exactly the signersNeeded-th signature, whatever the order of answers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.shuffledSubarray(['p1', 'p2', 'p3', 'p4', 'p5'], { minLength: 5, maxLength: 5 }),
        fc.array(fc.constantFrom('sign' as const, 'decline' as const), { minLength: 5, maxLength: 5 }),
        (certifyK, order, answers) => {
          const d: DecisionSignatures = { kind: 'certify', status: 'pending', named: ['p1', 'p2', 'p3', 'p4', 'p5'], answers: [] };
          let signed = 0;
          for (const [i, userId] of order.entries()) {
            const v = signatureVerdict({ certifyK }, d, [], userId, answers[i]!);
            if (!v.ok) throw new Error(v.code);
            if (answers[i] === 'sign') signed++;
            expect(v.outcome === 'effective').toBe(signed >= certifyK);
            expect(v.outcome === 'declined').toBe(signed < certifyK && signed + (4 - i) < certifyK);
            if (v.outcome !== 'pending') return;
            d.answers = [...d.answers, { userId, answer: answers[i]! }];
          }
        },
      ),
    );
  });

  it('is accepted exactly with enough distinct signers, the number signersNeeded gives', () => {
    fc.assert(
      fc.property(
        fc.record({ certifyK: fc.integer({ min: 1, max: 4 }), scrutineerConfirmations: fc.constant(0), rejectAlone: fc.boolean() }),
        fc.constantFrom('certify' as const, 'reject' as const),
        fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'), { maxLength: 5 }),
        (r, kind, signerIds) => {
          const v = decisionVerdict(r, [], null, null, { kind, signerIds });
          expect(v.ok).toBe(signerIds.length >= signersNeeded(r, kind));
        },
      ),
    );
  });

  it('a decided tie keeps every count figure and fills at most the tie\'s places', () => {
    fc.assert(
      fc.property(fc.subarray(['b', 'c', 'd'], { minLength: 1, maxLength: 2 }), (chosen) => {
        const result = { rows: ['a', 'b', 'c', 'd'].map((id) => ({ candidateId: id, status: id === 'a' ? ('chosen' as const) : ('tied' as const), for: 3 })), chosen: ['a'], tie, vacancies: 0 };
        const out = withTieDecision(result, chosen);
        expect(out.rows.map((r) => r.for)).toEqual(result.rows.map((r) => r.for));
        expect(out.chosen.length + out.vacancies).toBe(result.chosen.length + tie.places);
        expect(out.rows.filter((r) => r.status === 'chosen').map((r) => r.candidateId).sort()).toEqual(out.chosen.slice().sort());
      }),
    );
  });
});
