/** A certified 公告 of a three-project vote, for the components that show one (tests only). */
import type { Announcement } from '@piaojue/shared';

export const record = { seated: 3, present: 3, issued: 3, returned: 3, valid: 3, invalid: 0, notVoted: 0, balanced: true };
export const project = (rank: number, name: string, extra: Partial<Announcement['chosen'][number]> = {}): Announcement['chosen'][number] => ({
  rank,
  candidateId: `00000000-0000-4000-8000-00000000000${rank}`,
  name,
  department: '市教育局',
  investmentWan: 12000,
  fundingSource: '',
  deadline: '2027年12月',
  targets: '',
  for: 3,
  against: 0,
  abstain: 0,
  viaRunoff: false,
  ...extra,
});

export function announcement(over: Partial<Announcement> = {}): Announcement {
  return {
    pollId: '00000000-0000-4000-8000-0000000000aa',
    cycleId: '00000000-0000-4000-8000-0000000000bb',
    kind: 'vote',
    status: 'certified',
    draft: false,
    number: 2,
    sessionName: '示范市第一届人民代表大会第三次会议',
    cycleName: '2027年度示范市民生实事项目',
    issuer: '示范市第一届人民代表大会第三次会议主席团',
    title: '示范市第一届人民代表大会第三次会议主席团公告',
    date: '2027-01-14T16:30:00Z',
    rules: { chooseN: 2, candidateCount: 3, ballotType: 'approve', passThreshold: 'none', tieRule: 'runoff', ballotMode: 'encrypted', freezeDecision: '第12次主任会议', listHash: 'abc123' },
    record,
    quorumMet: true,
    openedAt: '2027-01-14T02:00:00Z',
    closedAt: '2027-01-14T02:20:00Z',
    certifiedAt: '2027-01-14T16:30:00Z',
    chosen: [project(1, '城区新建中小学3所'), project(2, '社区养老服务中心提升', { viaRunoff: true, investmentWan: null })],
    rows: [
      { rank: 1, name: '城区新建中小学3所', for: 3, against: 0, abstain: 0, score: 3, status: 'chosen' },
      { rank: 2, name: '社区养老服务中心提升', for: 2, against: 0, abstain: 1, score: 2, status: 'chosen' },
      { rank: 3, name: '老旧小区雨污分流改造', for: 1, against: 2, abstain: 0, score: 1, status: 'not_chosen' },
    ],
    vacancies: 0,
    rating: null,
    scrutineers: ['监票人甲'],
    certifiedBy: ['主席团成员甲'],
    auditAnchor: { seq: 42, hash: 'f00dcafe' },
    paragraphs: ['会议进行了票决。', '应到代表3名。', '经票决，确定以下2个项目为2027年度示范市民生实事项目：', '特此公告。'],
    ...over,
  };
}

/** The same projects ranked (N = 2, first place 2 points, second 1): 老旧小区 ranked on all three ballots, second each time. */
export const rankAnnouncement = (): Announcement =>
  announcement({
    rules: { ...announcement().rules, ballotType: 'rank' },
    chosen: [project(1, '城区新建中小学3所'), project(2, '老旧小区雨污分流改造')],
    rows: [
      { rank: 1, name: '城区新建中小学3所', for: 2, against: 0, abstain: 1, score: 4, status: 'chosen' },
      { rank: 2, name: '老旧小区雨污分流改造', for: 3, against: 0, abstain: 0, score: 3, status: 'chosen' },
      { rank: 3, name: '社区养老服务中心提升', for: 1, against: 0, abstain: 2, score: 2, status: 'not_chosen' },
    ],
  });
