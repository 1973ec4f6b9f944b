import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, Text, Uuid } from './common.ts';

export const CreateSessionBody = Type.Object({
  cycleId: Uuid,
  name: Text(200),
  venue: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const Attendance = Type.Object({
  /** 应到 */ seated: Type.Integer(),
  /** 实到 */ present: Type.Integer(),
  quorumNeeded: Type.Integer(),
  quorumMet: Type.Boolean(),
});
export type Attendance = Static<typeof Attendance>;

export const Session = Type.Object({
  id: Uuid,
  cycleId: Uuid,
  name: Type.String(),
  venue: Type.String(),
  checkinOpen: Type.Boolean(),
  createdAt: IsoDate,
  attendance: Attendance,
});
export type Session = Static<typeof Session>;

export const Deputy = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  name: Type.String(),
  delegation: Type.String(),
  seat: Type.String(),
  phone: Nullable(Type.String()),
  hasCode: Type.Boolean(),
  checkedInAt: Nullable(IsoDate),
  checkinMethod: Nullable(Type.Union([Type.Literal('tablet'), Type.Literal('paper')])),
});
export type Deputy = Static<typeof Deputy>;

export const RosterImportBody = Type.Object({
  fileName: Text(200),
  /** The CSV or XLSX file, base64-encoded. Columns: 姓名/name, 代表团/delegation, 座位/seat, 电话/phone. */
  contentBase64: Type.String({ minLength: 1, maxLength: 8_000_000 }),
});
export type RosterImportBody = Static<typeof RosterImportBody>;

export const RosterRowError = Type.Object({
  row: Type.Integer({ description: '1-based line/row number in the file, header is row 1' }),
  column: Type.Optional(Type.String()),
  code: Type.String(),
  message: Type.String(),
});
export type RosterRowError = Static<typeof RosterRowError>;

export const RosterImportResult = Type.Object({ imported: Type.Integer() });
export type RosterImportResult = Static<typeof RosterImportResult>;

export const IssueCodesBody = Type.Object({
  /** Omit to issue codes to every deputy who has none; listed deputies get a fresh code (old one void). */
  deputyIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000, uniqueItems: true })),
  /** While a poll is open: the approved request (one deputy) that allows this. */
  confirmationId: Type.Optional(Uuid),
});
export type IssueCodesBody = Static<typeof IssueCodesBody>;

export const IssuedCode = Type.Object({
  deputyId: Uuid,
  name: Type.String(),
  delegation: Type.String(),
  seat: Type.String(),
  /** Shown once: the server keeps only a hash. */
  code: Type.String(),
  /** Login link for the seat card's QR code. */
  loginUrl: Type.String(),
});
export type IssuedCode = Static<typeof IssuedCode>;
export const IssuedCodes = Type.Array(IssuedCode);
export type IssuedCodes = Static<typeof IssuedCodes>;

export const PaperCheckinBody = Type.Object({
  present: Type.Boolean(),
  /** While a poll is open: the approved request that allows this check-in. */
  confirmationId: Type.Optional(Uuid),
});
export type PaperCheckinBody = Static<typeof PaperCheckinBody>;

/**
 * 双人确认: while a poll is open, a new login code or a check-in on a deputy's behalf could let
 * staff vote for an absent deputy. Staff ask with a reason; a presidium member or scrutineer (not
 * the one who asked) approves; the approved request is then used once, by the action itself.
 */
export const DUAL_CONTROL_ACTIONS = ['issue_code', 'checkin'] as const;
export type DualControlAction = (typeof DUAL_CONTROL_ACTIONS)[number];
export const DUAL_CONTROL_STATUSES = ['pending', 'approved', 'declined', 'used'] as const;

export const CreateConfirmationBody = Type.Object({
  action: Type.Enum(DUAL_CONTROL_ACTIONS),
  deputyId: Uuid,
  reason: Type.String({ minLength: 2, maxLength: 500 }),
});
export type CreateConfirmationBody = Static<typeof CreateConfirmationBody>;

export const DecideConfirmationBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) });
export type DecideConfirmationBody = Static<typeof DecideConfirmationBody>;

export const Confirmation = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  pollId: Uuid,
  action: Type.Enum(DUAL_CONTROL_ACTIONS),
  deputyId: Uuid,
  deputyName: Type.String(),
  seat: Type.String(),
  reason: Type.String(),
  requestedBy: Type.String(),
  requestedAt: IsoDate,
  status: Type.Enum(DUAL_CONTROL_STATUSES),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(IsoDate),
  note: Nullable(Type.String()),
});
export type Confirmation = Static<typeof Confirmation>;

/** The hall display's own link: with it the display shows the provisional result at close. */
export const DisplayLink = Type.Object({ url: Type.String(), key: Type.String() });
export type DisplayLink = Static<typeof DisplayLink>;
