import { Type, type Static } from 'typebox';
import { Uuid } from './common.ts';

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
