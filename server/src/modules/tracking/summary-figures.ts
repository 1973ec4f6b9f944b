import type { ReportDue } from '@piaojue/shared';

// Pure figures of the year summary (docs/PROCEDURE.md §4): report due dates, money, rates.
// Dates are 'YYYY-MM-DD' strings, which order correctly as text.

const pad = (n: number) => String(n).padStart(2, '0');
const monthEnd = (year: number, month: number) => `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;

/**
 * The progress reports due in the cycle's year: one at the end of every period of `everyMonths`
 * months (quarterly by default: 3-31, 6-30, 9-30, 12-31) that ends after the plan was published.
 * A report made in the period (after the previous due date, up to this one) answers it; a due
 * date that has passed on `asOf` with no such report is overdue.
 */
export function reportSchedule(input: { year: number; everyMonths: number; publishedOn: string | null; reports: readonly { reportedOn: string }[]; asOf: string }): ReportDue[] {
  if (input.publishedOn === null) return [];
  const out: ReportDue[] = [];
  let previous = `${input.year - 1}-12-31`;
  for (let m = input.everyMonths; m <= 12; m += input.everyMonths) {
    const due = monthEnd(input.year, m);
    if (due > input.publishedOn) {
      const from = previous;
      const answer = input.reports.find((r) => r.reportedOn > from && r.reportedOn <= due);
      out.push({ dueDate: due, reportedOn: answer?.reportedOn ?? null, overdue: !answer && due < input.asOf });
    }
    previous = due;
  }
  return out;
}

/** 2.41亿元 from 万元 at and above 1亿, else 万元, as a report writes money. */
export function formatMoneyWan(wan: number): string {
  if (Math.abs(wan) >= 10000) return `${(Math.round(wan / 100) / 100).toFixed(2)}亿元`;
  return `${Math.round(wan * 100) / 100}万元`;
}

/** 97.6%: one decimal, as the year-end report prints a share. */
export const formatShare = (r: number): string => `${(Math.round(r * 1000) / 10).toFixed(1)}%`;

/** Planned and completed investment over the projects, and their ratio. */
export function investmentTotals(projects: readonly { plannedWan: number | null; investedWan: number | null }[]): { plannedWan: number; investedWan: number; ratio: number | null } {
  // Summed in fen (0.01 万元) so that 0.1 + 0.2 adds up as money does.
  const cents = (v: number | null) => Math.round((v ?? 0) * 100);
  const planned = projects.reduce((s, p) => s + cents(p.plannedWan), 0);
  const invested = projects.reduce((s, p) => s + cents(p.investedWan), 0);
  return { plannedWan: planned / 100, investedWan: invested / 100, ratio: planned === 0 ? null : invested / planned };
}
