import { Type, type Static } from 'typebox';
import { BALLOT_MODES, BALLOT_TYPES, LEVELS, PASS_THRESHOLDS, QUORUM_RULES, TIE_RULES } from '../domain/rules.ts';
import { IsoDate, LongText, Nullable, Text, Uuid } from './common.ts';

export const CycleRules = Type.Object({
  chooseN: Type.Integer({ minimum: 1, maximum: 200 }),
  ballotType: Type.Enum(BALLOT_TYPES),
  passThreshold: Type.Enum(PASS_THRESHOLDS),
  quorumRule: Type.Enum(QUORUM_RULES),
  tieRule: Type.Enum(TIE_RULES),
  /** 差额: candidates exceed places by at least / at most this share (0.1 = 10%). */
  minExtraRatio: Type.Number({ minimum: 0, maximum: 5 }),
  maxExtraRatio: Type.Number({ minimum: 0, maximum: 5 }),
  /** How many presidium members must certify a result (k of n). */
  certifyK: Type.Integer({ minimum: 1, maximum: 100 }),
  /** One 主席团 member may return (退回) a result alone; otherwise a return needs certifyK members. */
  presidiumRejectAlone: Type.Boolean(),
  /**
   * How many 监票人 must confirm the count on their tablets before it can be certified;
   * null: every 监票人 present at the poll, and at least 2. One JSON-schema type list rather
   * than a union: the validator coerces types, and in a union it would turn null into 0.
   */
  scrutineerConfirmations: Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0, maximum: 100 }),
  /**
   * 最低计票数: below this many ballots a poll is never counted (a count of very few ballots
   * reveals how each was cast); it can only be cancelled, destroying its ballots.
   */
  minBallots: Type.Integer({ minimum: 1, maximum: 1000 }),
  /**
   * 加密表决 (encrypted, the default for a new cycle) or 明文表决 (plain, only where the cycle
   * chooses it; marked as such on the hall and in the 公告). docs/CRYPTO.md.
   */
  ballotMode: Type.Enum(BALLOT_MODES),
});
export type CycleRules = Static<typeof CycleRules>;

export const CreateCycleBody = Type.Evaluate(Type.Intersect([
  Type.Object({
    level: Type.Enum(LEVELS),
    name: Text(200),
    year: Type.Integer({ minimum: 2000, maximum: 2200 }),
  }),
  Type.Partial(Type.Pick(CycleRules, ['minExtraRatio', 'maxExtraRatio', 'certifyK', 'presidiumRejectAlone', 'scrutineerConfirmations', 'minBallots', 'ballotMode'])),
  Type.Omit(CycleRules, ['minExtraRatio', 'maxExtraRatio', 'certifyK', 'presidiumRejectAlone', 'scrutineerConfirmations', 'minBallots', 'ballotMode']),
]));
export type CreateCycleBody = Static<typeof CreateCycleBody>;

export const UpdateCycleBody = Type.Partial(
  Type.Evaluate(Type.Intersect([Type.Object({ name: Text(200), year: Type.Integer({ minimum: 2000, maximum: 2200 }) }), CycleRules])),
);
export type UpdateCycleBody = Static<typeof UpdateCycleBody>;

export const Cycle = Type.Evaluate(Type.Intersect([
  Type.Object({
    id: Uuid,
    level: Type.Enum(LEVELS),
    name: Type.String(),
    year: Type.Integer(),
    frozenAt: Nullable(IsoDate),
    frozenHash: Nullable(Type.String()),
    freezeDecision: Nullable(Type.String()),
    candidateCount: Type.Integer(),
    /** The congress the cycle belongs to (e.g. 宿迁市人大); null until the administrator sets it. */
    unitName: Nullable(Type.String()),
  }),
  CycleRules,
]));
export type Cycle = Static<typeof Cycle>;

export const SubItem = Type.Object({ name: Text(200), detail: Type.Optional(LongText(2000)) });
export type SubItem = Static<typeof SubItem>;

export const CandidateFields = Type.Object({
  name: Text(200),
  content: LongText(5000),
  targets: LongText(2000),
  department: LongText(200),
  investmentWan: Nullable(Type.Number({ minimum: 0, maximum: 1e11 })),
  fundingSource: LongText(300),
  deadline: LongText(100),
  location: LongText(300),
  category: LongText(100),
  subItems: Type.Array(SubItem, { maxItems: 100 }),
});
export type CandidateFields = Static<typeof CandidateFields>;
export const CreateCandidateBody = Type.Evaluate(Type.Intersect([
  Type.Pick(CandidateFields, ['name']),
  Type.Partial(Type.Omit(CandidateFields, ['name'])),
]));
export type CreateCandidateBody = Static<typeof CreateCandidateBody>;
export const UpdateCandidateBody = Type.Partial(CandidateFields);
export type UpdateCandidateBody = Static<typeof UpdateCandidateBody>;

export const Candidate = Type.Evaluate(Type.Intersect([
  Type.Object({ id: Uuid, cycleId: Uuid, position: Type.Integer() }),
  CandidateFields,
]));
export type Candidate = Static<typeof Candidate>;

export const ReorderBody = Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) });
export type ReorderBody = Static<typeof ReorderBody>;
