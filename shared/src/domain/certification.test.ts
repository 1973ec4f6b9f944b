import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certificationProgress, signersNeeded, signoffRole, signoffVerdict, type CertificationRule, type SignoffDecision, type SignoffMark, type Signer } from './certification.ts';

const ruleArb = fc.record({ certifyK: fc.integer({ min: 1, max: 4 }), scrutineerConfirmations: fc.integer({ min: 0, max: 3 }), rejectAlone: fc.boolean() });
/** 监票人 confirm as deputies, 主席团 members certify or return with their accounts. */
const attemptArb = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), decision: fc.constantFrom<SignoffDecision>('confirm', 'certify', 'certify', 'reject') })
  .map(({ n, decision }): { who: Signer; decision: SignoffDecision } => ({ who: decision === 'confirm' ? { deputyId: `d${n}` } : { userId: `u${n}` }, decision }));

const mark = (who: Signer, decision: SignoffDecision): SignoffMark => ({ userId: who.userId ?? null, deputyId: who.deputyId ?? null, role: signoffRole(decision), decision });

/** Plays attempts as the server takes them: each accepted one is recorded, until the poll leaves 'closed'. */
function play(rule: CertificationRule, attempts: { who: Signer; decision: SignoffDecision }[]) {
  const accepted: SignoffMark[] = [];
  let status: 'closed' | 'certified' | 'rejected' = 'closed';
  const steps = [];
  for (const a of attempts) {
    if (status !== 'closed') break;
    const before = [...accepted];
    const verdict = signoffVerdict(rule, before, a.who, a.decision);
    steps.push({ before, attempt: a, verdict });
    if (verdict.ok) {
      accepted.push(mark(a.who, a.decision));
      status = verdict.status;
    }
  }
  return { accepted, status, steps };
}

describe('certification — examples', () => {
  const rule = { certifyK: 2, scrutineerConfirmations: 1 };
  const confirmed = [mark({ deputyId: 'd1' }, 'confirm')];
  it('needs the 监票人 first, then k 主席团 members', () => {
    expect(signoffVerdict(rule, [], { userId: 'p1' }, 'certify')).toEqual({ ok: false, code: 'CONFIRMATIONS_MISSING', needed: 1, have: 0 });
    expect(signoffVerdict(rule, confirmed, { userId: 'p1' }, 'certify')).toMatchObject({ ok: true, status: 'closed' });
    const once = [...confirmed, mark({ userId: 'p1' }, 'certify')];
    expect(signoffVerdict(rule, once, { userId: 'p1' }, 'certify')).toEqual({ ok: false, code: 'ALREADY_SIGNED' });
    expect(signoffVerdict(rule, once, { userId: 'p2' }, 'certify')).toMatchObject({ ok: true, status: 'certified' });
    expect(signoffVerdict(rule, once, { userId: 'p2' }, 'reject')).toMatchObject({ ok: true, status: 'closed' });
  });

  it('one member does not return a result alone unless the cycle says so; k members do', () => {
    const one = [...confirmed, mark({ userId: 'p1' }, 'reject')];
    expect(signoffVerdict(rule, confirmed, { userId: 'p1' }, 'reject')).toMatchObject({ ok: true, status: 'closed', progress: { rejections: 1, returned: false } });
    expect(signoffVerdict(rule, one, { userId: 'p2' }, 'reject')).toMatchObject({ ok: true, status: 'rejected' });
    expect(signoffVerdict({ ...rule, rejectAlone: true }, confirmed, { userId: 'p1' }, 'reject')).toMatchObject({ ok: true, status: 'rejected' });
    expect(signersNeeded(rule, 'reject')).toBe(2);
    expect(signersNeeded({ ...rule, rejectAlone: true }, 'reject')).toBe(1);
    expect(signersNeeded({ ...rule, rejectAlone: true }, 'certify')).toBe(2);
  });

  it('no one certifies while a tie the 主席团 decides is open', () => {
    expect(signoffVerdict({ ...rule, tieUndecided: true }, confirmed, { userId: 'p1' }, 'certify')).toEqual({ ok: false, code: 'TIE_UNDECIDED' });
    expect(signoffVerdict({ ...rule, tieUndecided: true }, confirmed, { userId: 'p1' }, 'reject')).toMatchObject({ ok: true });
  });

  it('a 监票人 confirms once; a deputy and an account are different signers even with the same id', () => {
    expect(signoffVerdict(rule, confirmed, { deputyId: 'd1' }, 'confirm')).toEqual({ ok: false, code: 'ALREADY_SIGNED' });
    expect(signoffVerdict(rule, confirmed, { deputyId: 'd2' }, 'confirm')).toMatchObject({ ok: true, status: 'closed' });
    expect(signoffVerdict(rule, [mark({ deputyId: 'x' }, 'confirm')], { userId: 'x' }, 'certify')).toMatchObject({ ok: true });
  });

  it('with no confirmations required, certifying may start at once', () => {
    expect(certificationProgress({ certifyK: 1, scrutineerConfirmations: 0 }, [])).toEqual({ confirmations: 0, certifications: 0, rejections: 0, scrutineersDone: true, certified: false, returned: false });
  });
});

describe('certification — properties', () => {
  it('a result is certified exactly when k 主席团 members certified after the confirmations were in; returned exactly when enough members returned it', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(attemptArb, { maxLength: 20 }), (rule, attempts) => {
        const { accepted, status } = play(rule, attempts);
        const certs = accepted.filter((s) => s.decision === 'certify').length;
        if (status === 'certified') {
          expect(certs).toBe(rule.certifyK);
          expect(accepted.filter((s) => s.decision === 'confirm').length).toBeGreaterThanOrEqual(rule.scrutineerConfirmations);
        } else {
          expect(certs).toBeLessThan(rule.certifyK);
        }
        const rejects = accepted.filter((s) => s.decision === 'reject').length;
        expect(status === 'rejected').toBe(accepted.at(-1)?.decision === 'reject' && rejects === signersNeeded(rule, 'reject'));
        if (status !== 'rejected') expect(rejects).toBeLessThan(signersNeeded(rule, 'reject'));
      }),
    );
  });

  it('nobody signs twice in one role, and no certification comes before the confirmations', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(attemptArb, { maxLength: 20 }), (rule, attempts) => {
        const { accepted } = play(rule, attempts);
        expect(new Set(accepted.map((s) => `${s.userId ?? s.deputyId}/${s.role}`)).size).toBe(accepted.length);
        accepted.forEach((s, i) => {
          if (s.decision === 'certify') expect(accepted.slice(0, i).filter((x) => x.decision === 'confirm').length).toBeGreaterThanOrEqual(rule.scrutineerConfirmations);
        });
      }),
    );
  });

  it('a refusal says why: the same person already signed in that role, or how many confirmations are missing', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(attemptArb, { maxLength: 20 }), (rule, attempts) => {
        for (const { before, attempt, verdict } of play(rule, attempts).steps) {
          if (verdict.ok) {
            expect(verdict.progress).toEqual(certificationProgress(rule, [...before, mark(attempt.who, attempt.decision)]));
          } else if (verdict.code === 'ALREADY_SIGNED') {
            const m = mark(attempt.who, attempt.decision);
            expect(before.some((s) => s.role === m.role && s.userId === m.userId && s.deputyId === m.deputyId)).toBe(true);
          } else {
            expect(attempt.decision).toBe('certify');
            if (verdict.code !== 'CONFIRMATIONS_MISSING') throw new Error(`unexpected ${verdict.code}: no tie in these rules`);
            expect(verdict.have).toBe(certificationProgress(rule, before).confirmations);
            expect(verdict.have).toBeLessThan(verdict.needed);
          }
        }
      }),
    );
  });

  it('the verdict depends on who signed what, not on the order they signed in', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(attemptArb, { maxLength: 12 }), attemptArb, fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (rule, attempts, next, seeds) => {
        const { accepted, status } = play(rule, attempts);
        fc.pre(status === 'closed');
        const shuffled = [...accepted];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = seeds[i]! % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(signoffVerdict(rule, shuffled, next.who, next.decision)).toEqual(signoffVerdict(rule, accepted, next.who, next.decision));
      }),
    );
  });
});
