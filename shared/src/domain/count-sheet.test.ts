import { describe, expect, it } from 'vitest';
import { countSheetBallotTable, countSheetInvalidReasons, countSheetResultCell, countSheetRules, countSheetTieDecisionLine, partsAddUp, presidingChairName, votesNeeded } from './count-sheet.ts';
import { officialRecord } from './tally.ts';

const rec = (issued: number, valid: number, invalid: number) => officialRecord({ seated: 11, present: 10, issued, valid, invalid });

describe('count sheet', () => {
  it('states the threshold as the fewest 赞成 that exceed half', () => {
    expect(votesNeeded(11 / 2)).toBe(6);
    expect(votesNeeded(10 / 2)).toBe(6);
    const text = countSheetRules({ ballotType: 'approve', chooseN: 2, candidateCount: 3, passThreshold: 'seated_majority', tieRule: 'vacant', thresholdVotes: 5.5, record: rec(10, 9, 1), chosenNames: ['甲'], vacancies: 1, tie: null });
    expect(text.join('')).toContain('应到代表11名，须得赞成票6票以上');
    expect(text.join('')).toContain('入选项目1个：甲；空缺名额1个');
    expect(text[0]).toContain('表决有效');
  });

  it('says a count with more returned than issued is void, and names a tie with its rule', () => {
    const text = countSheetRules({ ballotType: 'rank', chooseN: 1, candidateCount: 3, passThreshold: 'none', tieRule: 'presidium', thresholdVotes: null, record: rec(2, 3, 0), chosenNames: [], vacancies: 0, tie: { names: ['甲', '乙'], places: 1, resolution: 'presidium' } });
    expect(text[0]).toContain('表决无效');
    expect(text[1]).toContain('按排序得分');
    expect(text[2]).toContain('甲、乙得票相等，争1个名额，依票决办法，由大会主席团');
    expect(text[3]).toContain('待定名额1个');
  });

  it('splits the ballots into parts that must add up to the total', () => {
    const e = rec(6, 6, 0);
    const p = rec(2, 1, 1);
    const total = rec(8, 7, 1);
    expect(partsAddUp(total, e, p)).toBe(true);
    expect(partsAddUp(rec(8, 8, 0), e, p)).toBe(false);
    expect(countSheetBallotTable(total, { electronic: e, paper: p }).rows).toEqual([
      ['电子表决', '6', '6', '6', '0'],
      ['纸质表决票', '2', '2', '1', '1'],
      ['合计', '8', '8', '7', '1'],
    ]);
    expect(countSheetBallotTable(total, null).rows).toEqual([['表决票', '8', '8', '7', '1']]);
    expect(countSheetInvalidReasons({ too_many: 1, unreadable: 0 })).toBe('纸质表决票无效1张：超过应选数量1张。');
    expect(countSheetInvalidReasons({})).toBe('');
  });

  it('takes a 执行主席 name on one line, 1–50 characters', () => {
    expect(presidingChairName('  张三 ')).toBe('张三');
    for (const bad of ['', '   ', '张\n三', '张\u0007三', '张'.repeat(51)]) expect(presidingChairName(bad)).toBeNull();
    expect(presidingChairName('张'.repeat(50))).toBe('张'.repeat(50));
  });
});

describe('a tie the 主席团 decided, beside the count', () => {
  it('says what the meeting decided and what is chosen with it, places it left empty included', () => {
    const tie = { names: ['项目2', '项目3', '项目4'] };
    expect(countSheetTieDecisionLine(tie, { meeting: '大会主席团第三次会议', decidedOn: '2027-01-05', chosenNames: ['项目4'], finalChosenNames: ['项目1', '项目4'], vacancies: 1 })).toBe(
      '主席团决定：项目2、项目3、项目4得票相同，经大会主席团第三次会议（2027年1月5日）决定，项目4入选；入选项目共2个：项目1、项目4；空缺名额1个。',
    );
  });

  it('keeps the count’s 票数相同 and puts the decision under it', () => {
    expect(countSheetResultCell({ status: 'tied', decided: 'chosen' })).toEqual(['票数相同', '主席团决定入选']);
    expect(countSheetResultCell({ status: 'tied', decided: 'not_chosen' })).toEqual(['票数相同', '主席团决定未入选']);
    expect(countSheetResultCell({ status: 'tied', decided: null })).toEqual(['票数相同']);
    expect(countSheetResultCell({ status: 'chosen', decided: null })).toEqual(['入选']);
  });
});
