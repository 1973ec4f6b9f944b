import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import fc from 'fast-check';
import { countReleasable, countRefusalText, type PaperState, type Poll, type StaffTurnout } from '@piaojue/shared';
import { ApiError } from '../../api/client.ts';
import { i18n, setLocale } from '../../i18n/index.ts';

/**
 * The console explains a count the minimum ballot rule refuses (docs/PROCEDURE.md §3, "Minimum
 * ballots") by the server's own rule (countReleasable), and offers to cancel the poll.
 */
const paper = { deputies: 0, state: null as unknown };
const closePoll = vi.fn();
vi.mock('../../api/paper.ts', () => ({ paperApi: { state: async () => paper.state } }));
vi.mock('../../api/procedure.ts', () => ({ procedureApi: { scrutiny: async () => ({ counters: [] }), presidiumMembers: async () => [] } }));
vi.mock('../../api/index.ts', () => ({ api: { closePoll: (...a: unknown[]) => closePoll(...a) }, downloads: new Proxy({}, { get: () => () => '#' }) }));
vi.mock('../../composables/useConfirm.ts', () => ({ confirm: async () => true, prompt: async () => null }));
const { default: PaperPanel } = await import('./PaperPanel.vue');
const { default: PollPanel } = await import('../console/PollPanel.vue');

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function openPoll(minBallots: number): Poll {
  return {
    id: ID(1), sessionId: ID(2), kind: 'vote', parentPollId: null, ballotMode: 'plain', decryption: null, title: '2027年度民生实事项目票决', status: 'open',
    ballotType: 'approve', chooseN: 1, passThreshold: 'none', tieRule: 'runoff', listHash: 'h', candidates: [], countdownSeconds: null, openedAt: null, closesAt: null,
    closedAt: null, certifiedAt: null, cancelledAt: null, rejectedAt: null, allowAbstain: true, paperWhole: false, gradingRule: null, ratingBase: null, ratingBody: null,
    reratingOf: null, result: null, rating: null, certification: { certifyK: 1, scrutineerConfirmations: 2, minBallots, signoffs: [] },
  };
}

function stateWith(deputies: number): PaperState {
  return {
    form: { pollId: ID(1), title: 't', cycleName: 'c', sessionName: 's', status: 'open', ballotType: 'approve', choose: 1, allowAbstain: true, candidates: [], keys: [], reasons: [], checkCode: 'AAAA-BBBB' },
    whole: false,
    deputies: Array.from({ length: deputies }, (_, i) => ({ deputyId: ID(100 + i), name: `代表${i}`, delegation: 'd', seat: String(i) })),
    entries: [], differences: null, reconciled: null, confirmed: null,
  };
}

const turnout = (voted: number, rejected = 0): StaffTurnout => ({ pollId: ID(1), issued: 20, voted, rejected, byDelegation: [], notVoted: [] });
const global = { plugins: [i18n], stubs: { RouterLink: true, NoticeNumberPanel: true } };

describe('the paper screen, while the vote is open', () => {
  it('shows the reason exactly when the rule the server applies would refuse the close for one part, and offers cancel', async () => {
    setLocale('zh-CN');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), async (voted, rejected, onPaper, minBallots) => {
        paper.state = stateWith(onPaper);
        const w = mount(PaperPanel, { props: { poll: openPoll(minBallots), turnout: turnout(voted + rejected, rejected), canRun: true, userId: null }, global });
        await flushPromises();
        const v = countReleasable({ electronic: voted, paper: onPaper, minBallots });
        const note = w.find('[data-testid=count-release-note]');
        expect(note.exists()).toBe(!v.ok && v.reason === 'channel');
        if (!v.ok && v.reason === 'channel') {
          expect(note.text()).toContain(`如果现在结束投票：${countRefusalText(v).zh}`);
          expect(note.text()).not.toMatch(/选票|当选/);
          await w.get('[data-testid=count-release-cancel]').trigger('click');
          expect(w.emitted('cancel')).toHaveLength(1);
        }
        w.unmount();
      }),
      { numRuns: 40 },
    );
  });
});

describe('the poll panel, when the close is refused', () => {
  it('shows the server reason (channel and minimum) and offers cancel', async () => {
    setLocale('zh-CN');
    paper.state = stateWith(6);
    const text = countRefusalText({ ok: false, reason: 'channel', channel: 'electronic', ballots: 2, minimum: 3 });
    closePoll.mockRejectedValueOnce(
      new ApiError(409, { code: 'TOO_FEW_BALLOTS_IN_CHANNEL', message: `${text.zh} / ${text.en}`, messageZh: text.zh, messageEn: text.en, details: { channel: 'electronic', ballots: 2, minimum: 3 } }),
    );
    const w = mount(PollPanel, { props: { poll: openPoll(3), turnout: turnout(2), canRun: true, canCertify: false, userId: null }, global });
    await flushPromises();
    const close = w.findAll('button').find((b) => b.text().includes('结束'));
    await close!.trigger('click');
    await flushPromises();
    expect(w.get('[role=alert]').text()).toContain('电子表决的表决票仅2张，少于最低计票数3张');
    expect(w.get('[role=alert]').attributes('data-code')).toBe('TOO_FEW_BALLOTS_IN_CHANNEL');
    const notes = w.findAll('[data-testid=count-release-note]');
    expect(notes.map((n) => n.text()).join()).toContain('取消本次表决后，已投的表决票全部销毁');
    expect(w.findAll('[data-testid=count-release-cancel]').length).toBeGreaterThan(0);
    w.unmount();
  });
});
