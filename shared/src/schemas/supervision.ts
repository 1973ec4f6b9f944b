import { Type, type Static } from 'typebox';
import { IsoDate, LongText, Nullable, PlainDate, Text, Uuid } from './common.ts';

// 代表小组 supervision of the chosen projects (docs/PROCEDURE.md §4): 视察 / 调研 / 专题询问,
// the opinions (意见建议) raised, and each responsible unit's reply.

export const SUPERVISION_KINDS = ['inspection', 'research', 'inquiry'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/** 五级代表协同: a group may include deputies of every level, not only the cycle's own. */
export const DEPUTY_LEVELS = ['national', 'province', 'city', 'county', 'township'] as const;
export type DeputyLevel = (typeof DEPUTY_LEVELS)[number];

export const OPINION_STATUSES = ['open', 'replied', 'done'] as const;
export type OpinionStatus = (typeof OPINION_STATUSES)[number];

export const SupervisionParticipant = Type.Object({
  name: Text(50),
  level: Type.Enum(DEPUTY_LEVELS),
  /** e.g. 宿城区代表团, 市人大常委会委员. */
  note: Type.Optional(LongText(100)),
});
export type SupervisionParticipant = Static<typeof SupervisionParticipant>;

export const CreateSupervisionBody = Type.Object({
  kind: Type.Enum(SUPERVISION_KINDS),
  heldOn: PlainDate,
  title: Text(200),
  /** The project supervised; none for an activity over the whole year's projects. */
  projectId: Type.Optional(Uuid),
  participants: Type.Array(SupervisionParticipant, { minItems: 1, maxItems: 200 }),
  /** 发现的问题. */
  findings: Type.Optional(LongText(10000)),
  opinions: Type.Optional(Type.Array(Type.Object({ body: Text(2000), department: Text(200) }), { maxItems: 100 })),
});
export type CreateSupervisionBody = Static<typeof CreateSupervisionBody>;

export const OpinionReplyBody = Type.Object({
  reply: Text(5000),
  /** done = 已办结; replied = answered, work still going on. */
  status: Type.Enum(['replied', 'done'] as const),
});
export type OpinionReplyBody = Static<typeof OpinionReplyBody>;

export const SupervisionOpinion = Type.Object({
  id: Uuid,
  activityId: Uuid,
  position: Type.Integer(),
  body: Type.String(),
  department: Type.String(),
  status: Type.Enum(OPINION_STATUSES),
  reply: Nullable(Type.String()),
  repliedAt: Nullable(IsoDate),
});
export type SupervisionOpinion = Static<typeof SupervisionOpinion>;

export const SupervisionActivity = Type.Object({
  id: Uuid,
  cycleId: Uuid,
  projectId: Nullable(Uuid),
  projectName: Nullable(Type.String()),
  kind: Type.Enum(SUPERVISION_KINDS),
  heldOn: PlainDate,
  title: Type.String(),
  participants: Type.Array(SupervisionParticipant),
  findings: Type.String(),
  opinions: Type.Array(SupervisionOpinion),
});
export type SupervisionActivity = Static<typeof SupervisionActivity>;

/** 监督活动N次，提出意见建议N条，已办结N条. */
export const SupervisionCounts = Type.Object({
  activities: Type.Integer(),
  byKind: Type.Object({ inspection: Type.Integer(), research: Type.Integer(), inquiry: Type.Integer() }),
  participants: Type.Integer(),
  opinions: Type.Integer(),
  replied: Type.Integer(),
  done: Type.Integer(),
});
export type SupervisionCounts = Static<typeof SupervisionCounts>;

export const CycleSupervision = Type.Object({
  activities: Type.Array(SupervisionActivity),
  counts: SupervisionCounts,
});
export type CycleSupervision = Static<typeof CycleSupervision>;

export const MyOpinions = Type.Object({
  department: Nullable(Type.String()),
  opinions: Type.Array(Type.Object({ opinion: SupervisionOpinion, activity: Type.Object({ title: Type.String(), kind: Type.Enum(SUPERVISION_KINDS), heldOn: PlainDate, projectName: Nullable(Type.String()) }) })),
});
export type MyOpinions = Static<typeof MyOpinions>;
