import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import fc from 'fast-check';
import type { PresidiumDecision } from '@piaojue/shared';
import { signatureVerdict, type SignoffMark } from '@piaojue/shared/domain';
import { i18n, setLocale } from '../../i18n/index.ts';
import PendingDecisionCard from './PendingDecisionCard.vue';

const U = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000004'];

function pending(kind: PresidiumDecision['kind'], needed: number, answers: (null | 'sign' | 'decline')[]): PresidiumDecision {
  return {
    id: 'd1', pollId: 'p1', kind, status: 'pending', meeting: '主席团第四次会议', decidedOn: '2027-01-16', chosen: [], reason: kind === 'reject' ? '收回票数需复核' : null,
    signers: [], needed, recordedBy: '成员1', recordedById: U[0]!, recordedAt: '2027-01-16T02:00:00.000Z', settledAt: null,
    named: U.map((userId, i) => ({ userId, displayName: `成员${i + 1}`, answer: answers[i] ?? null, answeredAt: answers[i] ? '2027-01-16T02:00:00.000Z' : null })),
  };
}

describe('PendingDecisionCard — a member’s own answer, by the rule the server applies', () => {
  it('offers 签署 and 拒签 exactly when signatureVerdict (shared/src/domain/presidium.ts) accepts them, 撤回 only to the recorder', async () => {
    setLocale('zh-CN');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<PresidiumDecision['kind']>('certify', 'reject', 'tie'),
        fc.integer({ min: 2, max: 4 }),
        fc.tuple(fc.constant<'sign'>('sign'), fc.constantFrom(null, 'sign' as const, 'decline' as const), fc.constantFrom(null, 'sign' as const, 'decline' as const), fc.constant(null)),
        fc.constantFrom(...U, null),
        fc.boolean(),
        async (kind, needed, answers, me, crossedMark) => {
          const d = pending(kind, needed, answers);
          const marks: SignoffMark[] = crossedMark && me ? [{ userId: me, deputyId: null, role: 'presidium', decision: kind === 'certify' ? 'reject' : 'certify' }] : [];
          const w = mount(PendingDecisionCard, { props: { decision: d, userId: me, marks }, global: { plugins: [i18n] } });
          await flushPromises();
          const state = { kind, status: d.status, named: U, answers: d.named.filter((n) => n.answer).map((n) => ({ userId: n.userId, answer: n.answer! })) };
          const ok = (a: 'sign' | 'decline') => me !== null && signatureVerdict({ certifyK: needed }, state, marks, me, a).ok;
          expect(w.find('[data-testid=presidium-sign]').exists()).toBe(ok('sign'));
          expect(w.find('[data-testid=presidium-decline]').exists()).toBe(ok('decline'));
          expect(w.find('[data-testid=presidium-withdraw]').exists()).toBe(me === U[0]);
          w.unmount();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows who signed, who declined and who has not answered, with the progress', async () => {
    setLocale('zh-CN');
    const w = mount(PendingDecisionCard, { props: { decision: pending('reject', 3, ['sign', 'decline', 'sign']), userId: U[3]! }, global: { plugins: [i18n] } });
    await flushPromises();
    expect(w.get('[data-testid=presidium-progress]').text()).toContain('已签署 2/3');
    expect(w.get(`[data-testid=presidium-named-${U[1]}]`).text()).toContain('拒签');
    expect(w.get(`[data-testid=presidium-named-${U[3]}]`).text()).toContain('待签署');
    expect(w.text()).toContain('退回理由：收回票数需复核');
    expect(w.find('[data-testid=presidium-sign]').exists()).toBe(true);
  });
});
