import { describe, expect, it } from 'vitest';
import { satisfactionRates } from './grading.ts';
import { announcementTable, ballotFormColumns, RATING_TABLE_HEADER, ratingTable, vacanciesLine, voteTableHeader } from './result-table.ts';

describe('the 公告 result table (one definition for the PDF, the web 公告 and the download)', () => {
  it('a rating: both rates, whatever the base, and the grade as the 测评等次', () => {
    expect(RATING_TABLE_HEADER).toEqual(['序号', '项目名称', '满意', '基本满意', '不满意', '弃权', '满意票占比', '满意率', '测评等次']);
    const counts = { satisfied: 2, basic: 3, unsatisfied: 2, abstain: 1 };
    const t = ratingTable([{ name: '城区新建中小学3所', ...counts, ...satisfactionRates(counts), grade: 'basic' }]);
    expect(t.header).toBe(RATING_TABLE_HEADER);
    expect(t.rows).toEqual([[1, '城区新建中小学3所', 2, 3, 2, 1, '25.00%', '62.50%', '基本满意']]);
    expect(t.rows[0]).toHaveLength(t.header.length);
  });

  it('a vote: rank, figures and the outcome in official words', () => {
    expect(voteTableHeader('approve')).toEqual(['名次', '候选项目', '赞成', '反对', '弃权', '结果']);
    const rows = [
      { rank: 1, name: '甲', for: 3, against: 0, abstain: 0, score: 3, status: 'chosen' as const },
      { rank: 2, name: '乙', for: 1, against: 1, abstain: 1, score: 1, status: 'tied' as const },
      { rank: 2, name: '丙', for: 1, against: 2, abstain: 0, score: 1, status: 'tied' as const },
      { rank: 4, name: '丁', for: 0, against: 3, abstain: 0, score: 0, status: 'not_chosen' as const },
    ];
    const t = announcementTable({ kind: 'vote', rules: { ballotType: 'approve' }, rating: null, rows });
    expect(t.header).toEqual(voteTableHeader('approve'));
    expect(t.rows).toEqual([
      [1, '甲', 3, 0, 0, '入选'],
      [2, '乙', 1, 1, 1, '票数相同'],
      [2, '丙', 1, 2, 0, '票数相同'],
      [4, '丁', 0, 3, 0, '未入选'],
    ]);
  });

  it('a vote by 差额勾选: ticks and the ballots without a tick, no 反对', () => {
    expect(voteTableHeader('choose')).toEqual(['名次', '候选项目', '赞成（勾选）', '未勾选', '结果']);
    const rows = [
      { rank: 1, name: '甲', for: 4, against: 0, abstain: 1, score: 4, status: 'chosen' as const },
      { rank: 2, name: '乙', for: 2, against: 0, abstain: 3, score: 2, status: 'not_chosen' as const },
    ];
    const t = announcementTable({ kind: 'vote', rules: { ballotType: 'choose' }, rating: null, rows });
    expect(t.header).toEqual(['名次', '候选项目', '赞成（勾选）', '未勾选', '结果']);
    expect(t.rows).toEqual([
      [1, '甲', 4, 1, '入选'],
      [2, '乙', 2, 3, '未入选'],
    ]);
  });

  it('a vote by rank: times ranked, the Borda points that order the projects, and not ranked', () => {
    expect(voteTableHeader('rank')).toEqual(['名次', '候选项目', '被排序次数', '得分', '未排序', '结果']);
    // 乙 was ranked by fewer ballots than 丙 but higher: its points put it first
    const rows = [
      { rank: 1, name: '乙', for: 3, against: 0, abstain: 2, score: 6, status: 'chosen' as const },
      { rank: 2, name: '丙', for: 4, against: 0, abstain: 1, score: 5, status: 'not_chosen' as const },
    ];
    const t = announcementTable({ kind: 'runoff', rules: { ballotType: 'rank' }, rating: null, rows });
    expect(t.header).toEqual(['名次', '候选项目', '被排序次数', '得分', '未排序', '结果']);
    expect(t.rows).toEqual([
      [1, '乙', 3, 6, 2, '入选'],
      [2, '丙', 4, 5, 1, '未入选'],
    ]);
  });

  it('heads the figures in the count sheet’s words, from the one list (ballotFormColumns)', () => {
    for (const form of ['approve', 'choose', 'rank'] as const) {
      expect(voteTableHeader(form).slice(2, -1)).toEqual(ballotFormColumns(form).map((c) => c.zh));
      expect(voteTableHeader(form)).toEqual(announcementTable({ kind: 'vote', rules: { ballotType: form }, rating: null, rows: [] }).header);
    }
    expect(ballotFormColumns('choose').map((c) => c.key)).not.toContain('against');
    expect(ballotFormColumns('rank').map((c) => c.key)).toContain('score');
  });

  it('says how many places stay empty, and nothing when none does', () => {
    expect(vacanciesLine(2)).toBe('空缺名额：2个。');
    expect(vacanciesLine(0)).toBeNull();
  });
});
