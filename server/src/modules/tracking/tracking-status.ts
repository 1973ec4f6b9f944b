import type { ChangeKind, ProjectStatus, SummaryPeriod, TrackingState } from '@piaojue/shared';

// Pure rules of 监督: what a project's state, progress and flags were on a given day.
// Dates are 'YYYY-MM-DD' strings, which order correctly as text.

const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date where the congress sits (China Standard Time), whatever the server's zone. */
export function chinaToday(now: Date = new Date()): string {
  return CHINA_DAY.format(now);
}

/** 年中 (mid-year report to the 主任会议) and 年底 (year-end report to the standing committee). */
export function periodDate(year: number, period: SummaryPeriod): string {
  return period === 'mid_year' ? `${year}-06-30` : `${year}-12-31`;
}

/** The lifecycle on `asOf`: the decisions taken up to that day, in the order they were recorded. */
export function stateAt(changes: readonly { kind: ChangeKind; decisionDate: string }[], asOf: string): TrackingState {
  let state: TrackingState = 'active';
  for (const c of changes) {
    if (c.decisionDate > asOf) continue;
    if (c.kind === 'pause') state = 'paused';
    else if (c.kind === 'cancel') state = 'cancelled';
    else if (c.kind === 'resume') state = 'active';
  }
  return state;
}

/** The latest report made on or before `asOf` (reports in the order they were made). */
export function progressAt(reports: readonly { percent: number; reportedOn: string }[], asOf: string): { percent: number; lastReportedOn: string | null } {
  let last: { percent: number; reportedOn: string } | null = null;
  for (const r of reports) if (r.reportedOn <= asOf) last = r;
  return { percent: last?.percent ?? 0, lastReportedOn: last?.reportedOn ?? null };
}

export const reachedBy = (m: { reachedOn: string | null }, asOf: string): boolean => m.reachedOn !== null && m.reachedOn <= asOf;

/** A milestone whose date has passed (strictly before `asOf`) and that was not reached by then. */
export const pastDue = (m: { dueDate: string; reachedOn: string | null }, asOf: string): boolean => m.dueDate < asOf && !reachedBy(m, asOf);

export interface StatusInput {
  state: TrackingState;
  percent: number;
  deadline: string | null;
  milestones: readonly { dueDate: string; reachedOn: string | null }[];
}

/**
 * One status per project, by precedence: a decision (cancelled, paused) first, then completion
 * (100 % reported), then overdue (a milestone past due and not reached, or the plan's deadline
 * passed), else on track. Paused, cancelled and completed projects carry no overdue flags.
 */
export function projectStatus(p: StatusInput, asOf: string): ProjectStatus {
  if (p.state === 'cancelled') return 'cancelled';
  if (p.state === 'paused') return 'paused';
  if (p.percent >= 100) return 'completed';
  if (p.milestones.some((m) => pastDue(m, asOf))) return 'overdue';
  if (p.deadline !== null && p.deadline < asOf) return 'overdue';
  return 'on_track';
}

/** Whether a milestone shows the overdue flag, given its project's status on that day. */
export const milestoneOverdue = (m: { dueDate: string; reachedOn: string | null }, status: ProjectStatus, asOf: string): boolean =>
  (status === 'on_track' || status === 'overdue') && pastDue(m, asOf);

/** Mean percent, one decimal; null for no projects. */
export function averagePercent(percents: readonly number[]): number | null {
  if (percents.length === 0) return null;
  return Math.round((percents.reduce((a, b) => a + b, 0) / percents.length) * 10) / 10;
}
