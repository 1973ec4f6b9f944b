import { Type, type Static } from 'typebox';
import { PAPER_INVALID_REASONS } from '../domain/paper.ts';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { POLL_BALLOT_TYPES, POLL_STATUSES } from './polls.ts';

/**
 * Paper ballots (docs/PROCEDURE.md, "Paper ballots"). Figures are plain numbers here: the paper
 * rules (checkPaperFigures) refuse a figure that is not a count with their own code.
 */
const Figure = Type.Number();

export const PaperFiguresSchema = Type.Object({
  issued: Figure,
  returned: Figure,
  valid: Figure,
  invalid: Figure,
  invalidReasons: Type.Partial(Type.Object(Object.fromEntries(PAPER_INVALID_REASONS.map((r) => [r, Figure])) as Record<(typeof PAPER_INVALID_REASONS)[number], typeof Figure>), {
    additionalProperties: Figure,
  }),
  candidates: Type.Array(
    Type.Object({ candidateId: Type.String({ maxLength: 64 }), counts: Type.Record(Type.String({ maxLength: 16 }), Figure) }),
    { maxItems: 500 },
  ),
});
export type PaperFiguresWire = Static<typeof PaperFiguresSchema>;

export const PaperEntryBody = Type.Object({ figures: PaperFiguresSchema });
export type PaperEntryBody = Static<typeof PaperEntryBody>;

export const PaperModeBody = Type.Object({ whole: Type.Boolean() });
export type PaperModeBody = Static<typeof PaperModeBody>;

export const PaperIssueBody = Type.Object({ deputyId: Uuid });
export type PaperIssueBody = Static<typeof PaperIssueBody>;

export const PaperConfirmBody = Type.Object({
  /** The hash of the reconciled figures the 总监票人 saw: a change since refuses the confirmation. */
  figuresHash: Type.String({ minLength: 64, maxLength: 64 }),
});
export type PaperConfirmBody = Static<typeof PaperConfirmBody>;

export const PaperDifferenceSchema = Type.Object({ field: Type.String(), first: Type.Number(), second: Type.Number() });

/** What the printed form and the entry screens need of the poll. */
export const PaperForm = Type.Object({
  pollId: Uuid,
  title: Type.String(),
  cycleName: Type.String(),
  sessionName: Type.String(),
  status: Type.Enum(POLL_STATUSES),
  ballotType: Type.Enum(POLL_BALLOT_TYPES),
  /** 应选数量 N */
  choose: Type.Integer(),
  allowAbstain: Type.Boolean(),
  candidates: Type.Array(Type.Object({ id: Uuid, name: Type.String(), department: Type.String() })),
  /** Per-candidate count keys, in column order (paperCountKeys). */
  keys: Type.Array(Type.String()),
  /** The 无效 reasons this form can have. */
  reasons: Type.Array(Type.Enum(PAPER_INVALID_REASONS)),
  /** Printed on every 表决票 of this poll: a ballot without it is not this poll's. */
  checkCode: Type.String(),
});
export type PaperForm = Static<typeof PaperForm>;

export const PaperEntry = Type.Object({
  enteredBy: Uuid,
  displayName: Type.String(),
  enteredAt: IsoDate,
  amendedAt: Nullable(IsoDate),
  /** Hidden (null) until both entries are in: each 计票人 enters without seeing the other's. */
  figures: Nullable(PaperFiguresSchema),
});
export type PaperEntry = Static<typeof PaperEntry>;

export const PaperState = Type.Object({
  form: PaperForm,
  whole: Type.Boolean(),
  /** Deputies issued a paper ballot (the roll), in seat order. */
  deputies: Type.Array(Type.Object({ deputyId: Uuid, name: Type.String(), delegation: Type.String(), seat: Type.String() })),
  entries: Type.Array(PaperEntry),
  /** With two entries: the fields in which they differ. */
  differences: Nullable(Type.Array(PaperDifferenceSchema)),
  /** Both entries in and identical: the figures the 总监票人 is asked to confirm, and their hash. */
  reconciled: Nullable(Type.Object({ figures: PaperFiguresSchema, figuresHash: Type.String() })),
  confirmed: Nullable(Type.Object({ by: Type.String(), at: IsoDate, figures: PaperFiguresSchema })),
});
export type PaperState = Static<typeof PaperState>;

/** The 总监票人's tablet: the reconciled figures to confirm, or that there is nothing yet. */
export const PaperReview = Type.Object({
  form: PaperForm,
  reconciled: Nullable(Type.Object({ figures: PaperFiguresSchema, figuresHash: Type.String() })),
  confirmedAt: Nullable(IsoDate),
});
export type PaperReview = Static<typeof PaperReview>;
