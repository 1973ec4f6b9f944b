import { describe, expect, it } from 'vitest';
import { satisfactionRates } from './grading.ts';
import { announcementTable, RATING_TABLE_HEADER, ratingTable, vacanciesLine, VOTE_TABLE_HEADER } from './result-table.ts';

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
    expect(VOTE_TABLE_HEADER).toEqual(['名次', '候选项目', '赞成', '反对', '弃权', '结果']);
    const rows = [
      { rank: 1, name: '甲', for: 3, against: 0, abstain: 0, status: 'chosen' as const },
      { rank: 2, name: '乙', for: 1, against: 1, abstain: 1, status: 'tied' as const },
      { rank: 2, name: '丙', for: 1, against: 2, abstain: 0, status: 'tied' as const },
      { rank: 4, name: '丁', for: 0, against: 3, abstain: 0, status: 'not_chosen' as const },
    ];
    const t = announcementTable({ kind: 'vote', rating: null, rows });
    expect(t.header).toBe(VOTE_TABLE_HEADER);
    expect(t.rows.map((r) => r.at(-1))).toEqual(['入选', '票数相同', '票数相同', '未入选']);
  });

  it('says how many places stay empty, and nothing when none does', () => {
    expect(vacanciesLine(2)).toBe('空缺名额：2个。');
    expect(vacanciesLine(0)).toBeNull();
  });
});
