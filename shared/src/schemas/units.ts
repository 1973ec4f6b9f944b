import { Type, type Static } from 'typebox';
import { LEVELS } from '../domain/rules.ts';
import { Nullable, Text } from './common.ts';

/** A congress: its level and its name, e.g. 宿迁市人大 or 某镇人大. */
export const UnitSchema = Type.Object({ level: Type.Enum(LEVELS), name: Text(100) });
export type UnitWire = Static<typeof UnitSchema>;

/** null: the account serves the whole installation. */
export const UserUnitBody = Type.Object({ unit: Nullable(UnitSchema) });
export type UserUnitBody = Static<typeof UserUnitBody>;

export const CycleUnitBody = Type.Object({ unitName: Nullable(Text(100)) });
export type CycleUnitBody = Static<typeof CycleUnitBody>;
