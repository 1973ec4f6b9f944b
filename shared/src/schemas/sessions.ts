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

export const IssueCodesBody = Type.Object({
  /** Omit to issue codes to every deputy who has none; listed deputies get a fresh code (old one void). */
  deputyIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000, uniqueItems: true })),
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

export const PaperCheckinBody = Type.Object({ present: Type.Boolean() });
