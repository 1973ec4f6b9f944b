import { Type, type Static } from 'typebox';
import { GRADES, RATING_BASES } from '../domain/grading.ts';
import { LEVELS } from '../domain/rules.ts';
import { IsoDate, LongText, Nullable, PlainDate, Text, Uuid } from './common.ts';
import { Rectification } from './rectification.ts';

// Stage 监督 (implementation tracking) of the chosen projects; docs/PROCEDURE.md §4.

/** Lifecycle set only by standing-committee decisions (pause / cancel / resume). */
export const TRACKING_STATES = ['active', 'paused', 'cancelled'] as const;
export type TrackingState = (typeof TRACKING_STATES)[number];

/** What a summary counts, computed against a date: lifecycle first, then progress, then milestones. */
export const PROJECT_STATUSES = ['on_track', 'overdue', 'completed', 'paused', 'cancelled'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const CHANGE_KINDS = ['modify', 'pause', 'cancel', 'resume'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const ATTACHMENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_REPORT = 5;

export const SUMMARY_PERIODS = ['mid_year', 'year_end'] as const;
export type SummaryPeriod = (typeof SUMMARY_PERIODS)[number];


export const AsOfQuery = Type.Object({
  /** The day flags and statuses are computed for; default today (China time). */
  asOf: Type.Optional(PlainDate),
});
export type AsOfQuery = Static<typeof AsOfQuery>;

export const TrackingSummaryQuery = Type.Object({
  asOf: Type.Optional(PlainDate),
  /** 年中 = 30 June, 年底 = 31 December of the cycle's year; asOf wins when both are given. */
  period: Type.Optional(Type.Enum(SUMMARY_PERIODS)),
});
export type TrackingSummaryQuery = Static<typeof TrackingSummaryQuery>;

// ---------------------------------------------------------------------------
// Plan, milestones, monitoring group
// ---------------------------------------------------------------------------

/** 实施方案: 责任部门、目标任务、资金安排、保障措施、完成时限. */
export const TrackingPlanFields = Type.Object({
  department: LongText(200),
  targets: LongText(5000),
  fundingWan: Nullable(Type.Number({ minimum: 0, maximum: 1e11 })),
  fundingSource: LongText(300),
  measures: LongText(5000),
  deadline: Nullable(PlainDate),
});
export type TrackingPlanFields = Static<typeof TrackingPlanFields>;
export const PutPlanBody = TrackingPlanFields;
export type PutPlanBody = Static<typeof PutPlanBody>;
export const PlanPatch = Type.Partial(TrackingPlanFields);
export type PlanPatch = Static<typeof PlanPatch>;

export const TrackingPlan = Type.Evaluate(Type.Intersect([
  TrackingPlanFields,
  Type.Object({
    /** Once published the plan is public and changes only through a recorded decision. */
    publishedAt: Nullable(IsoDate),
  }),
]));
export type TrackingPlan = Static<typeof TrackingPlan>;

export const MilestoneBody = Type.Object({
  title: Text(200),
  dueDate: PlainDate,
  description: Type.Optional(LongText(2000)),
});
export type MilestoneBody = Static<typeof MilestoneBody>;
export const MilestonePatch = Type.Partial(MilestoneBody);
export type MilestonePatch = Static<typeof MilestonePatch>;

export const TrackingMilestone = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: Type.String(),
  dueDate: PlainDate,
  reachedOn: Nullable(PlainDate),
  /** Past its date and not reached by asOf, on a project that is neither paused, cancelled nor completed. */
  overdue: Type.Boolean(),
});
export type TrackingMilestone = Static<typeof TrackingMilestone>;

export const MonitorsBody = Type.Object({
  /** The whole group (replaces the previous one); deputies of any session of the project's cycle. */
  members: Type.Array(Type.Object({ deputyId: Uuid, leader: Type.Optional(Type.Boolean()) }), { maxItems: 50 }),
});
export type MonitorsBody = Static<typeof MonitorsBody>;

export const PublicMonitor = Type.Object({ name: Type.String(), delegation: Type.String(), leader: Type.Boolean() });
export type PublicMonitor = Static<typeof PublicMonitor>;
export const TrackingMonitor = Type.Evaluate(Type.Intersect([PublicMonitor, Type.Object({ id: Uuid, deputyId: Nullable(Uuid) })]));
export type TrackingMonitor = Static<typeof TrackingMonitor>;

// ---------------------------------------------------------------------------
// Progress reports and attachments
// ---------------------------------------------------------------------------

export const AttachmentUpload = Type.Object({
  fileName: Text(200),
  /** One of ATTACHMENT_TYPES; the content must match it. */
  contentType: Type.String({ minLength: 1, maxLength: 200 }),
  /** The file, base64-encoded; at most ATTACHMENT_MAX_BYTES once decoded. */
  contentBase64: Type.String({ minLength: 4, maxLength: 7_200_000, pattern: '^[A-Za-z0-9+/]*={0,2}$' }),
  /** Shown on the public progress page. Default: internal only. */
  public: Type.Optional(Type.Boolean()),
});
export type AttachmentUpload = Static<typeof AttachmentUpload>;

export const ProgressReportBody = Type.Object({
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  text: Text(5000),
  /** Required when percent is lower than the last report's. */
  explanation: Type.Optional(LongText(2000)),
  /** 完成投资 so far (万元, cumulative). */
  investedWan: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
  /** Milestones of this project reached with this report. */
  milestoneIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
  attachments: Type.Optional(Type.Array(AttachmentUpload, { maxItems: ATTACHMENTS_PER_REPORT })),
});
export type ProgressReportBody = Static<typeof ProgressReportBody>;

export const TrackingAttachment = Type.Object({
  id: Uuid,
  fileName: Type.String(),
  contentType: Type.Enum(ATTACHMENT_TYPES),
  size: Type.Integer(),
  sha256: Type.String(),
  /** Shown on the public site. */
  public: Type.Boolean(),
  /** The reporting department asked for it to be public; until staff review, it is not. */
  publicRequested: Type.Boolean(),
});
export type TrackingAttachment = Static<typeof TrackingAttachment>;

export const AttachmentVisibilityBody = Type.Object({ public: Type.Boolean() });
export type AttachmentVisibilityBody = Static<typeof AttachmentVisibilityBody>;

export const TrackingReport = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  percent: Type.Integer(),
  text: Type.String(),
  explanation: Nullable(Type.String()),
  /** 完成投资 so far (万元), when the unit gave it. */
  investedWan: Nullable(Type.Number()),
  reportedOn: PlainDate,
  reportedAt: IsoDate,
  /** The responsible department at the time of the report. */
  department: Type.String(),
  /** The reporting account's display name (never its id). */
  reporter: Type.String(),
  milestonesReached: Type.Array(Type.Object({ id: Uuid, title: Type.String() })),
  /** Public views list only attachments marked public. */
  attachments: Type.Array(TrackingAttachment),
});
export type TrackingReport = Static<typeof TrackingReport>;

// ---------------------------------------------------------------------------
// Changes (常委会决定)
// ---------------------------------------------------------------------------

export const ChangeBody = Type.Object({
  kind: Type.Enum(CHANGE_KINDS),
  description: Text(2000),
  /** 常委会决定文号 (township: 人大主席团). A change without one is refused. */
  decisionRef: Type.Optional(Type.String({ maxLength: 200 })),
  /** The day the decision was taken; not in the future, not before the project's previous decision. */
  decisionDate: Type.Optional(PlainDate),
  /** modify only: the plan fields the decision changes. */
  plan: Type.Optional(PlanPatch),
  /** modify only: milestones the decision adds, moves or drops (reached ones cannot be dropped). */
  milestones: Type.Optional(
    Type.Object({
      add: Type.Optional(Type.Array(MilestoneBody, { maxItems: 50 })),
      update: Type.Optional(Type.Array(Type.Evaluate(Type.Intersect([Type.Object({ id: Uuid }), MilestonePatch])), { maxItems: 50 })),
      remove: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
    }),
  ),
});
export type ChangeBody = Static<typeof ChangeBody>;

/** One line of what a modify decision changed, as display text. */
export const ChangeDiff = Type.Object({ field: Type.String(), before: Nullable(Type.String()), after: Nullable(Type.String()) });
export type ChangeDiff = Static<typeof ChangeDiff>;

export const TrackingChange = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  kind: Type.Enum(CHANGE_KINDS),
  description: Type.String(),
  decisionRef: Type.String(),
  decisionDate: PlainDate,
  /** The body that decided it, by the cycle's level: 人大常委会, or at a township 乡镇人民代表大会. */
  decidedBy: Type.String(),
  recordedAt: IsoDate,
  diff: Type.Array(ChangeDiff),
});
export type TrackingChange = Static<typeof TrackingChange>;

// ---------------------------------------------------------------------------
// Projects, summaries, trail
// ---------------------------------------------------------------------------

export const TrackingRating = Type.Object({
  pollId: Uuid,
  certifiedAt: Nullable(IsoDate),
  grade: Type.Enum(GRADES),
  /** 满意 ÷ valid ballots, and 满意率 (满意 + 基本满意) ÷ valid ballots. */
  satisfiedRate: Type.Number(),
  satisfactionRate: Type.Number(),
  /** What the grade was counted against. */
  ratingBase: Type.Enum(RATING_BASES),
  satisfied: Type.Integer(),
  basic: Type.Integer(),
  unsatisfied: Type.Integer(),
  abstain: Type.Integer(),
});
export type TrackingRating = Static<typeof TrackingRating>;

export const MilestoneCounts = Type.Object({ total: Type.Integer(), reached: Type.Integer(), overdue: Type.Integer() });
export type MilestoneCounts = Static<typeof MilestoneCounts>;

/** One line of a cycle's progress list (public and internal alike). */
export const TrackedProjectSummary = Type.Object({
  id: Uuid,
  candidateId: Uuid,
  name: Type.String(),
  department: Type.String(),
  state: Type.Enum(TRACKING_STATES),
  status: Type.Enum(PROJECT_STATUSES),
  percent: Type.Integer(),
  lastReportedOn: Nullable(PlainDate),
  planPublished: Type.Boolean(),
  milestones: MilestoneCounts,
  latestChange: Nullable(Type.Object({ kind: Type.Enum(CHANGE_KINDS), decisionRef: Type.String(), decisionDate: PlainDate })),
  ratingGrade: Nullable(Type.Enum(GRADES)),
});
export type TrackedProjectSummary = Static<typeof TrackedProjectSummary>;

export const StatusTally = Type.Object({
  on_track: Type.Integer(),
  overdue: Type.Integer(),
  completed: Type.Integer(),
  paused: Type.Integer(),
  cancelled: Type.Integer(),
});
export type StatusTally = Static<typeof StatusTally>;

/** 年中问进度、年底问效果: the picture of a cycle on one day. */
export const TrackingSummary = Type.Object({
  cycle: Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer(), level: Type.Enum(LEVELS) }),
  asOf: PlainDate,
  period: Nullable(Type.Enum(SUMMARY_PERIODS)),
  total: Type.Integer(),
  counts: StatusTally,
  /** Mean latest percent of the projects not cancelled, one decimal; null when there are none. */
  averagePercent: Nullable(Type.Number()),
  projects: Type.Array(TrackedProjectSummary),
});
export type TrackingSummary = Static<typeof TrackingSummary>;

export const TrackingInitResult = Type.Object({
  created: Type.Integer(),
  projects: Type.Array(TrackedProjectSummary),
});
export type TrackingInitResult = Static<typeof TrackingInitResult>;

const projectCore = {
  id: Uuid,
  candidateId: Uuid,
  cycle: Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer() }),
  name: Type.String(),
  content: Type.String(),
  location: Type.String(),
  category: Type.String(),
  /** Chosen in this certified poll (a vote or its run-off). */
  selection: Type.Object({ pollId: Uuid, certifiedAt: Nullable(IsoDate) }),
  asOf: PlainDate,
  state: Type.Enum(TRACKING_STATES),
  status: Type.Enum(PROJECT_STATUSES),
  percent: Type.Integer(),
  milestones: Type.Array(TrackingMilestone),
  progress: Type.Array(TrackingReport),
  changes: Type.Array(TrackingChange),
  rating: Nullable(TrackingRating),
  /** 整改 after a poor grade, with the unit's reports and the re-rating: the whole story. */
  rectifications: Type.Array(Rectification),
};

/** The public page of one project: no account or deputy ids, no unpublished plan, public attachments only. */
export const PublicTrackedProject = Type.Object({
  ...projectCore,
  /** The candidate's department until the plan is published. */
  department: Type.String(),
  plan: Nullable(TrackingPlan),
  monitors: Type.Array(PublicMonitor),
});
export type PublicTrackedProject = Static<typeof PublicTrackedProject>;

/** The console's view: the plan even while a draft, every attachment, monitor deputy ids. */
export const TrackedProject = Type.Object({
  ...projectCore,
  department: Type.String(),
  plan: TrackingPlan,
  monitors: Type.Array(TrackingMonitor),
});
export type TrackedProject = Static<typeof TrackedProject>;

export const MyTrackedProjects = Type.Object({
  /** The department this account reports for (null: none set, nothing to report on). */
  department: Nullable(Type.String()),
  projects: Type.Array(TrackedProjectSummary),
});
export type MyTrackedProjects = Static<typeof MyTrackedProjects>;

/**
 * A candidate's way through the loop after the vote, for the citizen's proposal lookup:
 * chosen or not (in which certified poll), implementation progress, latest satisfaction grade.
 */
export const ProjectTrail = Type.Object({
  chosen: Type.Boolean(),
  /** The certified vote or run-off that decided it; null while no certified poll included it. */
  pollId: Nullable(Uuid),
  certifiedAt: Nullable(IsoDate),
  progress: Nullable(
    Type.Object({
      projectId: Uuid,
      state: Type.Enum(TRACKING_STATES),
      status: Type.Enum(PROJECT_STATUSES),
      percent: Type.Integer(),
      lastReportedOn: Nullable(PlainDate),
      milestones: MilestoneCounts,
    }),
  ),
  rating: Nullable(Type.Object({ grade: Type.Enum(GRADES), satisfactionRate: Type.Number(), pollId: Uuid, certifiedAt: Nullable(IsoDate) })),
});
export type ProjectTrail = Static<typeof ProjectTrail>;
