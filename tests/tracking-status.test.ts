import { describe, expect, it } from 'vitest';
import { averagePercent, chinaToday, periodDate, progressAt, projectStatus, stateAt } from '../server/src/modules/tracking/tracking-status.ts';

describe('tracking status rules', () => {
  it('takes today in China time, not the server zone', () => {
    expect(chinaToday(new Date('2027-03-31T16:30:00Z'))).toBe('2027-04-01');
    expect(chinaToday(new Date('2027-03-31T15:59:59Z'))).toBe('2027-03-31');
  });

  it('folds decisions up to the day asked, in recorded order', () => {
    const changes = [
      { kind: 'modify' as const, decisionDate: '2027-02-01' },
      { kind: 'pause' as const, decisionDate: '2027-05-10' },
      { kind: 'resume' as const, decisionDate: '2027-08-01' },
      { kind: 'cancel' as const, decisionDate: '2027-10-01' },
    ];
    expect(stateAt(changes, '2027-05-09')).toBe('active');
    expect(stateAt(changes, '2027-05-10')).toBe('paused');
    expect(stateAt(changes, '2027-09-30')).toBe('active');
    expect(stateAt(changes, '2027-12-31')).toBe('cancelled');
  });

  it('reads the latest report made by the day asked', () => {
    const reports = [
      { percent: 20, reportedOn: '2027-03-31' },
      { percent: 45, reportedOn: '2027-06-30' },
      { percent: 40, reportedOn: '2027-09-30' },
    ];
    expect(progressAt(reports, '2027-03-30')).toEqual({ percent: 0, lastReportedOn: null });
    expect(progressAt(reports, '2027-07-01')).toEqual({ percent: 45, lastReportedOn: '2027-06-30' });
    expect(progressAt(reports, '2027-12-31')).toEqual({ percent: 40, lastReportedOn: '2027-09-30' });
  });

  it('is overdue only after the due day, and a decision or completion takes precedence', () => {
    const base = { state: 'active' as const, percent: 30, deadline: '2027-12-31', milestones: [{ dueDate: '2027-06-30', reachedOn: null }] };
    expect(projectStatus(base, '2027-06-30')).toBe('on_track');
    expect(projectStatus(base, '2027-07-01')).toBe('overdue');
    expect(projectStatus({ ...base, milestones: [{ dueDate: '2027-06-30', reachedOn: '2027-07-05' }] }, '2027-07-01')).toBe('overdue');
    expect(projectStatus({ ...base, milestones: [{ dueDate: '2027-06-30', reachedOn: '2027-07-05' }] }, '2027-07-05')).toBe('on_track');
    expect(projectStatus({ ...base, milestones: [] }, '2028-01-01')).toBe('overdue');
    expect(projectStatus({ ...base, percent: 100 }, '2028-01-01')).toBe('completed');
    expect(projectStatus({ ...base, state: 'paused' }, '2028-01-01')).toBe('paused');
    expect(projectStatus({ ...base, state: 'cancelled', percent: 100 }, '2028-01-01')).toBe('cancelled');
  });

  it('dates the periods and averages to one decimal', () => {
    expect(periodDate(2027, 'mid_year')).toBe('2027-06-30');
    expect(periodDate(2027, 'year_end')).toBe('2027-12-31');
    expect(averagePercent([])).toBeNull();
    expect(averagePercent([10, 20, 25])).toBe(18.3);
  });
});
