import { afterAll, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import fc from 'fast-check';
import type { Poll, Signoff } from '@piaojue/shared';
import { signoffRole, signoffVerdict, type SignoffDecision } from '@piaojue/shared/domain';
import { i18n, setLocale } from '../../i18n/index.ts';

// The panel only renders here: every download link is a placeholder and no request is made.
// The parts that load their own data (the paper count, the published receipts: their own tests)
// are stubbed, and any request that still escapes is recorded and fails the test.
vi.mock('../../api/index.ts', () => ({ api: {}, downloads: new Proxy({}, { get: () => () => '#' }) }));
vi.mock('../../api/procedure.ts', () => ({ procedureApi: { presidiumMembers: async () => [] } }));
const requests: string[] = [];
vi.stubGlobal('fetch', async (input: unknown) => {
  requests.push(String(input instanceof Request ? input.url : input));
  throw new TypeError('no server in this test');
});
afterAll(() => {
  vi.unstubAllGlobals();
});
const { default: PollPanel } = await import('./PollPanel.vue');
const stubs = { RouterLink: true, NoticeNumberPanel: true, PaperPanel: true, TrackerList: true };

const USERS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
const DEPUTIES = ['00000000-0000-4000-9000-000000000001', '00000000-0000-4000-9000-000000000002', '00000000-0000-4000-9000-000000000003'];

function closedPoll(certifyK: number, scrutineerConfirmations: number, signoffs: Signoff[]): Poll {
  return {
    id: 'p1',
    sessionId: 's1',
    kind: 'vote',
    parentPollId: null,
    ballotMode: 'plain',
    decryption: null,
    title: '2027年度民生实事项目票决',
    status: 'closed',
    ballotType: 'approve',
    chooseN: 1,
    passThreshold: 'none',
    tieRule: 'runoff',
    listHash: 'h',
    candidates: [],
    countdownSeconds: null,
    openedAt: null,
    closesAt: null,
    closedAt: null,
    certifiedAt: null,
    cancelledAt: null,
    rejectedAt: null,
    allowAbstain: true,
    paperWhole: false,
    gradingRule: null,
    ratingBase: null,
    ratingBody: null,
    reratingOf: null,
    result: null,
    rating: null,
    certification: { certifyK, scrutineerConfirmations, minBallots: 1, signoffs },
  };
}

/** 监票人 confirm as deputies, 主席团 members certify with their accounts. */
const signoffArb = fc.record({ n: fc.nat({ max: 2 }), decision: fc.constantFrom<SignoffDecision>('confirm', 'certify') }).map(
  ({ n, decision }): Signoff => ({
    role: signoffRole(decision),
    userId: decision === 'confirm' ? null : USERS[n]!,
    deputyId: decision === 'confirm' ? DEPUTIES[n]! : null,
    displayName: '某某',
    decision,
    reason: null,
    at: '2027-01-10T02:00:00.000Z',
  }),
);

describe('PollPanel — the sign-off buttons follow the rule the server applies', () => {
  it('offers certifying exactly as signoffVerdict (shared/src/domain/certification.ts), which the server applies, would take it', () => {
    setLocale('zh-CN');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.uniqueArray(signoffArb, { maxLength: 5, selector: (s) => `${s.userId ?? s.deputyId}/${s.role}` }),
        fc.constantFrom(...USERS),
        (k, needed, signoffs, userId) => {
          const poll = closedPoll(k, needed, signoffs);
          const w = mount(PollPanel, { props: { poll, turnout: null, canRun: false, canCertify: true, userId }, global: { plugins: [i18n], stubs } });
          const verdict = signoffVerdict(poll.certification, signoffs, { userId }, 'certify');
          const button = w.find('[data-testid=poll-certify]');
          expect(button.exists()).toBe(verdict.ok || verdict.code !== 'ALREADY_SIGNED');
          if (button.exists()) expect(button.attributes('disabled') !== undefined).toBe(!verdict.ok);
          const progress = w.get('.cert-stats').text();
          expect(progress).toContain(`${signoffs.filter((s) => s.decision === 'confirm').length}/${needed}`);
          w.unmount();
        },
      ),
      { numRuns: 60 },
    );
    expect(requests).toEqual([]);
  });
});
