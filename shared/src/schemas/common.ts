import { Type, type Static, type TSchema } from 'typebox';
import { ERRORS, type ErrorCode } from '../errors.ts';

export const Uuid = Type.String({ format: 'uuid' });
export type Uuid = Static<typeof Uuid>;
export const IdParams = Type.Object({ id: Uuid });
export type IdParams = Static<typeof IdParams>;
export const IsoDate = Type.String({ format: 'date-time' });
export type IsoDate = Static<typeof IsoDate>;
/** A calendar day, YYYY-MM-DD. */
export const PlainDate = Type.String({ format: 'date' });
export type PlainDate = Static<typeof PlainDate>;
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Short single-line text: trimmed on the client, never empty. */
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const LongText = (max: number) => Type.String({ maxLength: max });
export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;

export const ErrorResponse = Type.Object({
  error: Type.Object({
    /** A code of the error catalogue (shared/src/errors.ts). */
    code: Type.Enum(Object.keys(ERRORS) as ErrorCode[]),
    message: Type.String(),
    messageZh: Type.String(),
    messageEn: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
export type ErrorResponse = Static<typeof ErrorResponse>;
