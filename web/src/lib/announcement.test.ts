import { describe, expect, it } from 'vitest';
import { bodyLayout, chineseNumeral, zhDate, zhDateTime, zhNumber } from './announcement.ts';

describe('announcement layout', () => {
  it('puts the list after the paragraph that introduces it, the closing formula last', () => {
    const p = ['会议于…进行了票决。', '应到…表决有效。', '经票决，确定以下2个项目为2027年度民生实事项目：', '另有1个名额空缺。', '特此公告。'];
    expect(bodyLayout(p)).toEqual({ lead: p.slice(0, 3), tail: ['另有1个名额空缺。'], closing: '特此公告。' });
  });

  it('falls back to the end when no paragraph introduces the list', () => {
    expect(bodyLayout(['甲。', '乙。', '特此公告。'])).toEqual({ lead: ['甲。', '乙。'], tail: [], closing: '特此公告。' });
    expect(bodyLayout([])).toEqual({ lead: [], tail: [], closing: null });
  });

  it('numbers list items the Chinese way', () => {
    expect([1, 9, 10, 11, 20, 43, 99].map(chineseNumeral)).toEqual(['一', '九', '十', '十一', '二十', '四十三', '九十九']);
    expect(chineseNumeral(100)).toBe('100');
  });

  it('writes dates in China Standard Time with Arabic numerals', () => {
    // 16:30 UTC on 14 January is already 15 January in Beijing
    expect(zhDate('2027-01-14T16:30:00Z')).toBe('2027年1月15日');
    expect(zhDateTime('2027-01-14T16:30:00Z')).toBe('2027年1月15日 00:30');
    expect(zhDate(null)).toBe('');
    expect(zhDate('not a date')).toBe('');
  });

  it('groups amounts', () => {
    expect(zhNumber(12000)).toBe('12,000');
    expect(zhNumber(null)).toBe('');
  });
});
