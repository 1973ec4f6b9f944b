import { Type, type Static } from 'typebox';
import { GRADES } from '../domain/grading.ts';
import { IsoDate, LongText, Nullable, PlainDate, Text, Uuid } from './common.ts';

// 整改 after a 不满意 (or 基本满意) grade, and its 再次测评 (docs/PROCEDURE.md §5).

export const RECTIFICATION_STATES = ['open', 'reported', 'closed'] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];

export const OpenRectificationBody = Type.Object({
  /** The certified rating poll whose grade calls for 整改. */
  ratingPollId: Uuid,
  /** 存在问题: what the rating and the deputies found. */
  problems: Text(5000),
  /** 整改措施. */
  measures: Type.Optional(LongText(5000)),
  deadline: PlainDate,
  /** Defaults to the project's responsible unit. */
  department: Type.Optional(Text(200)),
});
export type OpenRectificationBody = Static<typeof OpenRectificationBody>;

export const RectificationReportBody = Type.Object({
  text: Text(5000),
  /** The unit reports the 整改 done (整改完成). */
  done: Type.Optional(Type.Boolean()),
});
export type RectificationReportBody = Static<typeof RectificationReportBody>;

export const RectificationReport = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  text: Type.String(),
  done: Type.Boolean(),
  reportedOn: PlainDate,
  department: Type.String(),
});
export type RectificationReport = Static<typeof RectificationReport>;

const RatingRef = Type.Object({
  pollId: Uuid,
  title: Type.String(),
  certifiedAt: Nullable(IsoDate),
  grade: Type.Enum(GRADES),
  satisfactionRate: Type.Number(),
});

const rectificationFields = {
  id: Uuid,
  projectId: Uuid,
  /** The rating that called for 整改, with the grade it gave. */
  rating: RatingRef,
  problems: Type.String(),
  measures: Type.String(),
  deadline: PlainDate,
  department: Type.String(),
  state: Type.Enum(RECTIFICATION_STATES),
  /** Past its deadline with no report of completion. */
  overdue: Type.Boolean(),
  reports: Type.Array(RectificationReport),
  /** The 再次测评 poll, once created; its grade once certified. */
  rerating: Nullable(Type.Object({ pollId: Uuid, title: Type.String(), certified: Type.Boolean(), result: Nullable(RatingRef) })),
  openedAt: IsoDate,
};
export const Rectification = Type.Object(rectificationFields);
export type Rectification = Static<typeof Rectification>;

/** The cycle's 整改 setting: whether a 基本满意 grade calls for 整改 too (不满意 always does). */
export const RectificationPolicy = Type.Object({ includeBasic: Type.Boolean() });
export type RectificationPolicy = Static<typeof RectificationPolicy>;

/** A project whose grade in a certified rating calls for 整改 and that has no 整改 record yet. */
export const RectificationDue = Type.Object({
  projectId: Uuid,
  name: Type.String(),
  department: Type.String(),
  rating: RatingRef,
});
export type RectificationDue = Static<typeof RectificationDue>;

export const CycleRectifications = Type.Object({
  records: Type.Array(Type.Object({ ...rectificationFields, projectName: Type.String() })),
  due: Type.Array(RectificationDue),
  policy: RectificationPolicy,
});
export type CycleRectifications = Static<typeof CycleRectifications>;
