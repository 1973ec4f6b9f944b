import { describe, expect, it } from 'vitest';
import { formatMoneyWan, formatShare, investmentTotals, reportSchedule } from './summary-figures.ts';

describe('reportSchedule', () => {
  it('is quarterly from the plan’s publication; a report in the quarter answers it; a past quarter without one is overdue', () => {
    const s = reportSchedule({ year: 2027, everyMonths: 3, publishedOn: '2027-02-10', reports: [{ reportedOn: '2027-03-20' }, { reportedOn: '2027-09-30' }], asOf: '2027-10-15' });
    expect(s).toEqual([
      { dueDate: '2027-03-31', reportedOn: '2027-03-20', overdue: false },
      { dueDate: '2027-06-30', reportedOn: null, overdue: true },
      { dueDate: '2027-09-30', reportedOn: '2027-09-30', overdue: false },
      { dueDate: '2027-12-31', reportedOn: null, overdue: false },
    ]);
  });
  it('skips periods ended before publication, knows month ends, and says nothing of an unpublished plan', () => {
    expect(reportSchedule({ year: 2028, everyMonths: 1, publishedOn: '2028-01-31', reports: [], asOf: '2028-03-01' }).slice(0, 2)).toEqual([
      { dueDate: '2028-02-29', reportedOn: null, overdue: true },
      { dueDate: '2028-03-31', reportedOn: null, overdue: false },
    ]);
    expect(reportSchedule({ year: 2027, everyMonths: 3, publishedOn: null, reports: [], asOf: '2027-12-31' })).toEqual([]);
  });
});

describe('money and shares', () => {
  it('writes 亿元 from 1亿 up and one-decimal shares', () => {
    expect(formatMoneyWan(24100)).toBe('2.41亿元');
    expect(formatMoneyWan(850.5)).toBe('850.5万元');
    expect(formatShare(0.976)).toBe('97.6%');
  });
  it('sums investment exactly and gives no ratio without a plan', () => {
    expect(investmentTotals([{ plannedWan: 0.1, investedWan: 0.2 }, { plannedWan: 0.2, investedWan: null }])).toEqual({ plannedWan: 0.3, investedWan: 0.2, ratio: 2 / 3 });
    expect(investmentTotals([{ plannedWan: null, investedWan: 5 }]).ratio).toBeNull();
  });
});
