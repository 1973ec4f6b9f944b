import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import fc from 'fast-check';
import type { Poll, PresidiumDecision } from '@piaojue/shared';
import { decisionVerdict } from '@piaojue/shared/domain';
import { i18n, setLocale } from '../../i18n/index.ts';

const U = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
const C = ['00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000004'];
const sent: unknown[] = [];
vi.mock('../../api/procedure.ts', () => ({
  procedureApi: {
    presidiumMembers: async () => U.map((userId, i) => ({ userId, displayName: `成员${i + 1}`, username: `m${i + 1}` })),
    presidiumDecision: async (_id: string, body: unknown) => {
      sent.push(body);
      throw new Error('not in this test');
    },
  },
}));
const { default: Panel } = await import('./PresidiumDecisionPanel.vue');

/** A counted poll: C[0] chosen, C[1] and C[2] tied for `places` places left to the 主席团 (or no tie). */
function counted(certifyK: number, rejectAlone: boolean, withTie: boolean, decided: string[] | null): Poll {
  const row = (i: number, status: 'chosen' | 'tied' | 'not_chosen', votes: number) => ({ candidateId: C[i]!, name: `项目${i + 1}`, for: votes, against: 0, abstain: 0, score: votes, rank: i + 1, status, passesThreshold: true });
  const decisions: PresidiumDecision[] = decided
    ? [
        {
          id: 'd1', pollId: 'p1', kind: 'tie', status: 'effective', meeting: '主席团第三次会议', decidedOn: '2027-01-15', chosen: decided.map((id) => ({ candidateId: id, name: 'x' })), reason: null,
          signers: [], named: [], needed: certifyK, recordedBy: '成员1', recordedById: U[0]!, recordedAt: '2027-01-15T02:00:00.000Z', settledAt: '2027-01-15T02:00:00.000Z',
        },
      ]
    : [];
  return {
    id: 'p1', sessionId: 's1', kind: 'vote', parentPollId: null, ballotMode: 'plain', decryption: null, title: '票决', status: 'closed', ballotType: 'approve', chooseN: 2,
    passThreshold: 'none', tieRule: 'presidium', listHash: 'h', candidates: [], countdownSeconds: null, openedAt: null, closesAt: null, closedAt: null, certifiedAt: null,
    cancelledAt: null, rejectedAt: null, allowAbstain: true, paperWhole: false, gradingRule: null, ratingBase: null, ratingBody: null, reratingOf: null, rating: null,
    result: {
      rows: [row(0, 'chosen', 3), row(1, withTie ? 'tied' : 'chosen', 2), row(2, withTie ? 'tied' : 'not_chosen', withTie ? 2 : 1), row(3, 'not_chosen', 0)],
      chosen: withTie ? [C[0]!] : [C[0]!, C[1]!],
      tie: withTie ? { candidateIds: [C[1]!, C[2]!], places: 1, resolution: 'presidium' } : null,
      vacancies: 0,
      thresholdVotes: null,
      record: { seated: 5, present: 5, issued: 5, returned: 5, valid: 5, invalid: 0, notVoted: 0, balanced: true },
    },
    certification: { certifyK, scrutineerConfirmations: 0, minBallots: 1, signoffs: [], rejectAlone, tieUndecided: withTie && !decided, decisions },
  };
}

describe('PresidiumDecisionPanel — the form follows the rule the server applies', () => {
  it('lets a decision be submitted exactly when decisionVerdict (shared/src/domain/presidium.ts) accepts it', async () => {
    setLocale('zh-CN');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.subarray(U.slice(1)),
        fc.subarray([C[1]!, C[2]!]),
        fc.constantFrom<'tie' | 'reject' | 'certify'>('tie', 'reject', 'certify'),
        async (k, rejectAlone, withTie, others, chosen, wanted) => {
          const poll = counted(k, rejectAlone, withTie, null);
          const w = mount(Panel, { props: { poll, canDecide: true, userId: U[0]! }, global: { plugins: [i18n] } });
          await flushPromises();
          const radio = w.find(`[data-testid=presidium-kind-${wanted}]`);
          // A tie left open is decided first: certifying is not offered until then; a tie is offered only when there is one.
          expect(radio.exists()).toBe(wanted === 'reject' || (wanted === 'tie') === withTie);
          if (!radio.exists()) return w.unmount();
          await radio.setValue(true);
          await w.get('[data-testid=presidium-meeting]').setValue('主席团第三次会议');
          if (wanted === 'reject') await w.get('[data-testid=presidium-reason]').setValue('需复核');
          for (let i = 1; i < U.length; i++) if (others.includes(U[i]!)) await w.get(`[data-testid=presidium-signer-m${i + 1}]`).setValue(true);
          if (wanted === 'tie') for (const id of chosen) await w.get(`[data-testid=presidium-chosen-${id}]`).setValue(true);
          const signerIds = U.filter((u) => u === U[0] || others.includes(u));
          const v = decisionVerdict(poll.certification, [], poll.result!.tie, null, { kind: wanted, signerIds, ...(wanted === 'tie' ? { chosen } : {}) });
          const ok = v.ok && (wanted !== 'tie' || chosen.length > 0);
          expect(w.get('[data-testid=presidium-submit]').attributes('disabled') === undefined).toBe(ok);
          w.unmount();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shows a recorded decision with its meeting, day and signers', async () => {
    setLocale('zh-CN');
    const poll = counted(2, false, true, [C[2]!]);
    poll.certification.decisions![0]!.signers = [
      { userId: U[0]!, displayName: '王建国' },
      { userId: U[1]!, displayName: '李秀英' },
    ];
    const w = mount(Panel, { props: { poll: { ...poll, status: 'certified' }, canDecide: true, userId: U[0]! }, global: { plugins: [i18n] } });
    await flushPromises();
    const text = w.get('[data-testid=presidium-decision-tie]').text();
    expect(text).toContain('主席团第三次会议');
    expect(text).toContain('2027年1月15日');
    expect(text).toContain('王建国、李秀英');
    expect(w.find('[data-testid=presidium-form]').exists()).toBe(false);
    expect(sent).toEqual([]);
  });
});
