import { Type, type Static } from 'typebox';
import { BALLOT_MODES, BALLOT_TYPES, PASS_THRESHOLDS, QUORUM_RULES, TIE_RULES } from '../domain/rules.ts';
import { IsoDate, Nullable, PlainDate, Text, Uuid } from './common.ts';

/**
 * 监票人, 总监票人 and 计票人 of a session (docs/PROCEDURE.md §3): the 监票人 are deputies of the
 * session, exactly one of them the 总监票人; the 计票人 are staff accounts.
 */
export const ScrutineerEntry = Type.Object({ deputyId: Uuid, chief: Type.Boolean() });
export type ScrutineerEntry = Static<typeof ScrutineerEntry>;

export const SetScrutinyBody = Type.Object({
  /** In the order the list names them. */
  scrutineers: Type.Array(ScrutineerEntry, { minItems: 1, maxItems: 100 }),
  counterIds: Type.Array(Uuid, { maxItems: 50, uniqueItems: true }),
});
export type SetScrutinyBody = Static<typeof SetScrutinyBody>;

export const Scrutineer = Type.Object({
  deputyId: Uuid,
  name: Type.String(),
  delegation: Type.String(),
  seat: Type.String(),
  chief: Type.Boolean(),
  present: Type.Boolean(),
});
export type Scrutineer = Static<typeof Scrutineer>;

export const Counter = Type.Object({ userId: Uuid, displayName: Type.String(), username: Type.String() });
export type Counter = Static<typeof Counter>;

export const ScrutinyList = Type.Object({
  sessionId: Uuid,
  scrutineers: Type.Array(Scrutineer),
  counters: Type.Array(Counter),
  /** Adopted with the 票决办法: the list can no longer change. */
  locked: Type.Boolean(),
});
export type ScrutinyList = Static<typeof ScrutinyList>;

/** What a deputy's tablet needs to know of the deputy's own role in the count. */
export const DeputyScrutiny = Type.Object({
  role: Type.Union([Type.Literal('chief'), Type.Literal('scrutineer'), Type.Null()]),
});
export type DeputyScrutiny = Static<typeof DeputyScrutiny>;

/** The settings the 票决办法 is written from, as drafted (see domain/voting-rules.ts). */
export const VotingRulesSettingsSchema = Type.Object({
  /** candidates on the list when drafted */
  candidates: Type.Integer(),
  chooseN: Type.Integer(),
  ballotType: Type.Enum(BALLOT_TYPES),
  passThreshold: Type.Enum(PASS_THRESHOLDS),
  quorumRule: Type.Enum(QUORUM_RULES),
  tieRule: Type.Enum(TIE_RULES),
  minBallots: Type.Integer(),
  certifyK: Type.Integer(),
  /** Absent in versions written before the setting existed: no. */
  presidiumRejectAlone: Type.Optional(Type.Boolean()),
  scrutineerConfirmations: Nullable(Type.Integer()),
  /** absent in versions drafted before ballots could be encrypted (they were plain) */
  ballotMode: Type.Optional(Type.Enum(BALLOT_MODES)),
});

export const VotingRulesDocumentSchema = Type.Object({
  title: Type.String(),
  articles: Type.Array(Type.String()),
  scrutineers: Type.Array(Type.String()),
});

export const VotingRulesVersion = Type.Object({
  version: Type.Integer(),
  note: Type.String(),
  provisions: Type.String(),
  draftedBy: Type.String(),
  draftedAt: IsoDate,
  rules: VotingRulesSettingsSchema,
  document: VotingRulesDocumentSchema,
});
export type VotingRulesVersion = Static<typeof VotingRulesVersion>;

export const AdoptionVotes = Type.Object({
  for: Type.Integer({ minimum: 0, maximum: 100000 }),
  against: Type.Integer({ minimum: 0, maximum: 100000 }),
  abstain: Type.Integer({ minimum: 0, maximum: 100000 }),
});

export const VotingRulesAdoption = Type.Object({
  version: Type.Integer(),
  body: Type.String(),
  meeting: Type.String(),
  adoptedOn: PlainDate,
  votes: Nullable(AdoptionVotes),
  textHash: Type.String(),
  recordedBy: Type.String(),
  recordedAt: IsoDate,
});
export type VotingRulesAdoption = Static<typeof VotingRulesAdoption>;

export const VotingRules = Type.Object({
  sessionId: Uuid,
  status: Type.Union([Type.Literal('none'), Type.Literal('draft'), Type.Literal('adopted')]),
  /** The latest draft no longer matches the cycle's settings or the 监票人 list: amend it before adoption. */
  outdated: Type.Boolean(),
  /** Newest first; the adopted one when adopted. */
  versions: Type.Array(VotingRulesVersion),
  adoption: Nullable(VotingRulesAdoption),
});
export type VotingRules = Static<typeof VotingRules>;

export const DraftVotingRulesBody = Type.Object({
  /** Further provisions, one per paragraph; each becomes an article. */
  provisions: Type.Optional(Type.String({ maxLength: 5000 })),
  /** What this version changes (修改说明). */
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
export type DraftVotingRulesBody = Static<typeof DraftVotingRulesBody>;

export const AdoptVotingRulesBody = Type.Object({
  /** The version adopted: it must be the latest draft. */
  version: Type.Integer({ minimum: 1 }),
  /** e.g. 市十届人大三次会议 */
  body: Text(200),
  /** e.g. 第二次全体会议 */
  meeting: Text(200),
  adoptedOn: PlainDate,
  /** The plenary's vote, if it was counted. */
  votes: Type.Optional(AdoptionVotes),
});
export type AdoptVotingRulesBody = Static<typeof AdoptVotingRulesBody>;
