import { Type, type Static } from 'typebox';
import { LEVELS } from '../domain/rules.ts';
import { Nullable, Text, Uuid } from './common.ts';

/** A congress: its level and its name, e.g. 宿迁市人大 or 某镇人大. */
export const UnitSchema = Type.Object({ level: Type.Enum(LEVELS), name: Text(100) });
export type UnitWire = Static<typeof UnitSchema>;

/** null: the account serves the whole installation. */
export const UserUnitBody = Type.Object({ unit: Nullable(UnitSchema) });
export type UserUnitBody = Static<typeof UserUnitBody>;

export const CycleUnitBody = Type.Object({ unitName: Nullable(Text(100)) });
export type CycleUnitBody = Static<typeof CycleUnitBody>;

/** A congress the installation hosts, with how many accounts and cycles belong to it. */
export const UnitSummary = Type.Object({ level: Type.Enum(LEVELS), name: Type.String(), accounts: Type.Integer({ minimum: 0 }), cycles: Type.Integer({ minimum: 0 }) });
export type UnitSummary = Static<typeof UnitSummary>;

/** A cycle as the unit screen lists it: enough to say which congress it belongs to. */
export const UnitCycle = Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer(), level: Type.Enum(LEVELS), unitName: Nullable(Type.String()) });
export type UnitCycle = Static<typeof UnitCycle>;

/**
 * The administrator's view of congresses and cycles. `own` is the administrator's own congress
 * (null: the whole installation); an administrator of one congress sees only that congress.
 */
export const UnitsOverview = Type.Object({ own: Nullable(UnitSchema), units: Type.Array(UnitSummary), cycles: Type.Array(UnitCycle) });
export type UnitsOverview = Static<typeof UnitsOverview>;
