import { Type, type Static } from 'typebox';

/** GET /api/health: up, reaching its database, and which instance answered (behind a balancer). */
export const Health = Type.Object({ ok: Type.Boolean(), db: Type.Boolean(), instance: Type.String() });
export type Health = Static<typeof Health>;
