import { Type, type Static } from 'typebox';
import { GRADES } from '../domain/grading.ts';
import { LEVELS } from '../domain/rules.ts';
import { IsoDate, LongText, Nullable, PlainDate, Uuid } from './common.ts';
import { SupervisionCounts } from './supervision.ts';

// The year summary a standing committee (township: the 乡镇人民代表大会) hears at year end:
// 年底问效果 (docs/PROCEDURE.md §4–§5).

/** 完成 / 基本完成 / 未完成 against the targets, assessed at year end. */
export const COMPLETIONS = ['completed', 'basic', 'not_completed'] as const;
export type Completion = (typeof COMPLETIONS)[number];

export const CompletionBody = Type.Object({
  completion: Type.Enum(COMPLETIONS),
  note: Type.Optional(LongText(2000)),
});
export type CompletionBody = Static<typeof CompletionBody>;

/** How often the responsible unit reports progress: every 3 months (quarterly) by default. */
export const REPORT_CADENCES = [1, 2, 3, 6, 12] as const;
export const ReportCadenceBody = Type.Object({ everyMonths: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(6), Type.Literal(12)]) });
export type ReportCadenceBody = Static<typeof ReportCadenceBody>;

/** How a proposal ended: its candidate 入选 or not, or 储备 / 转办 / 不予采纳, or still open. */
export const PROPOSAL_OUTCOMES = ['chosen', 'not_chosen', 'reserved', 'routed', 'rejected', 'pending'] as const;
export type ProposalOutcome = (typeof PROPOSAL_OUTCOMES)[number];

const Tally = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));

export const ReportDue = Type.Object({
  dueDate: PlainDate,
  reportedOn: Nullable(PlainDate),
  overdue: Type.Boolean(),
});
export type ReportDue = Static<typeof ReportDue>;

/** A project's report cadence and the reports due this year (none until the plan is published). */
export const ReportCadence = Type.Object({
  everyMonths: Type.Integer(),
  reports: Type.Array(ReportDue),
});
export type ReportCadence = Static<typeof ReportCadence>;

export const SummaryProject = Type.Object({
  id: Uuid,
  name: Type.String(),
  department: Type.String(),
  plannedWan: Nullable(Type.Number()),
  /** 完成投资 in the latest report that gave one. */
  investedWan: Nullable(Type.Number()),
  percent: Type.Integer(),
  completion: Nullable(Type.Enum(COMPLETIONS)),
  completionNote: Type.String(),
  /** Progress reports due (quarterly by default) and whether each came. */
  reports: Type.Array(ReportDue),
  overdueReports: Type.Integer(),
  rating: Nullable(Type.Object({ grade: Type.Enum(GRADES), satisfactionRate: Type.Number() })),
  rectifications: Type.Integer(),
});
export type SummaryProject = Static<typeof SummaryProject>;

export const YearSummary = Type.Object({
  cycle: Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer(), level: Type.Enum(LEVELS), unitName: Nullable(Type.String()) }),
  asOf: PlainDate,
  generatedAt: IsoDate,
  projects: Type.Array(SummaryProject),
  investment: Type.Object({
    plannedWan: Type.Number(),
    investedWan: Type.Number(),
    /** investedWan ÷ plannedWan; null when nothing was planned. */
    ratio: Nullable(Type.Number()),
  }),
  completion: Type.Object({ completed: Type.Integer(), basic: Type.Integer(), not_completed: Type.Integer(), unassessed: Type.Integer() }),
  proposals: Type.Object({
    total: Type.Integer(),
    /** merged into a candidate (合并), whatever came of it */
    merged: Type.Integer(),
    byChannel: Tally,
    byArea: Tally,
    byDistrict: Tally,
    byOutcome: Type.Object(Object.fromEntries(PROPOSAL_OUTCOMES.map((o) => [o, Type.Integer()])) as Record<ProposalOutcome, ReturnType<typeof Type.Integer>>),
  }),
  supervision: SupervisionCounts,
  ratings: Type.Array(
    Type.Object({
      pollId: Uuid,
      title: Type.String(),
      certifiedAt: Nullable(IsoDate),
      /** Σ(满意 + 基本满意) ÷ Σ valid over the projects rated. */
      overallRate: Type.Number(),
      grades: Type.Object({ satisfied: Type.Integer(), basic: Type.Integer(), unsatisfied: Type.Integer() }),
    }),
  ),
  /** The summary's sentences, as a report would print them. */
  paragraphs: Type.Array(Type.String()),
});
export type YearSummary = Static<typeof YearSummary>;
