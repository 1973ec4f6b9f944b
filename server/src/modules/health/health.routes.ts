import { sql } from 'kysely';
import { Type } from 'typebox';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { AppError } from '../../lib/errors.ts';

export const healthRoutes: RoutesPlugin = async (app, { services }) => {
  app.get(
    '/api/health',
    {
      // probes call this every few seconds: log only its failures
      logLevel: 'warn',
      config: { roles: ['public'] },
      schema: { tags: ['system'], summary: '健康检查 · Health', response: { 200: Type.Object({ ok: Type.Boolean(), db: Type.Boolean(), instance: Type.String() }) } },
    },
    async () => {
      try {
        await sql`select 1`.execute(services.db);
      } catch {
        throw new AppError('DB_UNAVAILABLE');
      }
      return { ok: true, db: true, instance: services.hub.instance };
    },
  );
};
