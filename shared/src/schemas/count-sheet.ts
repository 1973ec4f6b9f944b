import { Type, type Static } from 'typebox';
import { BALLOT_TYPES, PASS_THRESHOLDS, TIE_RULES } from '../domain/rules.ts';
import { IsoDate, Nullable, PlainDate, Uuid } from './common.ts';
import { OfficialRecordSchema, POLL_STATUSES } from './polls.ts';

/**
 * 表决结果报告单 (docs/PROCEDURE.md §3, "The count sheet"): the count of one poll as the 总监票人
 * reports it to the 执行主席, with lines for the signatures of the 总监票人, the 监票人 and the
 * 计票人. One server function builds it; the console's print page and the PDF both render it.
 * It carries figures only: nobody's ballot, and no part below the poll's minimum ballots.
 */
export const CountSheetRow = Type.Object({
  candidateId: Uuid,
  name: Type.String(),
  rank: Type.Integer(),
  for: Type.Integer(),
  against: Type.Integer(),
  abstain: Type.Integer(),
  /** rank ballots: Borda points; otherwise = for */
  score: Type.Number(),
  status: Type.Union([Type.Literal('chosen'), Type.Literal('not_chosen'), Type.Literal('tied')]),
  /** A tied project (status 'tied', as counted): what the 主席团's decision made of it; null otherwise or before it decided. */
  decided: Nullable(Type.Union([Type.Literal('chosen'), Type.Literal('not_chosen')])),
  /** Each part's counts; null without paper ballots, or when a part is too small to show alone. */
  split: Nullable(Type.Object({ electronic: Type.Record(Type.String(), Type.Number()), paper: Type.Record(Type.String(), Type.Number()) })),
});
export type CountSheetRow = Static<typeof CountSheetRow>;

export const CountSheetPerson = Type.Object({ name: Type.String(), delegation: Type.String() });
export type CountSheetPerson = Static<typeof CountSheetPerson>;

export const CountSheet = Type.Object({
  pollId: Uuid,
  kind: Type.Union([Type.Literal('vote'), Type.Literal('runoff')]),
  status: Type.Enum(POLL_STATUSES),
  /** Not yet certified by the 主席团: printed with a 草稿 mark. */
  provisional: Type.Boolean(),
  /** line by line (countSheetTitle) */
  title: Type.Array(Type.String()),
  sessionName: Type.String(),
  cycleName: Type.String(),
  pollTitle: Type.String(),
  rules: Type.Object({
    ballotType: Type.Enum(BALLOT_TYPES),
    chooseN: Type.Integer(),
    candidateCount: Type.Integer(),
    passThreshold: Type.Enum(PASS_THRESHOLDS),
    tieRule: Type.Enum(TIE_RULES),
    thresholdVotes: Nullable(Type.Number()),
    minBallots: Type.Integer(),
  }),
  /** The rules as this count applied them, in words (countSheetRules). */
  ruleText: Type.Array(Type.String()),
  quorumMet: Type.Boolean(),
  record: OfficialRecordSchema,
  /** With paper ballots: the electronic and the paper part of the record, and the paper 无效 by reason. */
  parts: Nullable(Type.Object({ electronic: OfficialRecordSchema, paper: OfficialRecordSchema, invalidReasons: Type.Record(Type.String(), Type.Integer()) })),
  /** By rank, then list order. */
  rows: Type.Array(CountSheetRow),
  chosenCount: Type.Integer(),
  vacancies: Type.Integer(),
  tie: Nullable(Type.Object({ names: Type.Array(Type.String()), places: Type.Integer(), resolution: Type.Enum(TIE_RULES) })),
  /** The 主席团's decision in effect on that tie, beside the count: the meeting as the 公告 names it, the day, the projects it chose, who signed. */
  tieDecision: Nullable(Type.Object({ meeting: Type.String(), decidedOn: PlainDate, chosen: Type.Array(Type.String()), signers: Type.Array(Type.String()) })),
  chiefScrutineer: Nullable(CountSheetPerson),
  /** the other 监票人, in list order */
  scrutineers: Type.Array(CountSheetPerson),
  /** 计票人 named on the list */
  counters: Type.Array(Type.String()),
  /** 监票人 who confirmed the count on their tablets */
  confirmedBy: Type.Array(Type.String()),
  /** 执行主席 who announces the result; '' until staff enter it */
  presidingChair: Type.String(),
  openedAt: Nullable(IsoDate),
  closedAt: Nullable(IsoDate),
  /** When the count was complete: the close, or the 总监票人's confirmation of the paper figures. */
  countedAt: Nullable(IsoDate),
  certifiedAt: Nullable(IsoDate),
});
export type CountSheet = Static<typeof CountSheet>;

/** The name is checked by presidingChairName (trimmed, 1–50 characters, one line). */
export const PresidingChairBody = Type.Object({ name: Type.String({ maxLength: 200 }) });
export type PresidingChairBody = Static<typeof PresidingChairBody>;

export const PresidingChair = Type.Object({ pollId: Uuid, name: Type.String(), setBy: Type.String(), setAt: IsoDate });
export type PresidingChair = Static<typeof PresidingChair>;
