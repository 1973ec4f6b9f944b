import { Health } from '@piaojue/shared';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { AppError } from '../../lib/errors.ts';
import { healthRepository } from './health.repository.ts';

export const healthRoutes: RoutesPlugin = async (app, { services }) => {
  app.get(
    '/api/health',
    {
      // probes call this every few seconds: log only its failures
      logLevel: 'warn',
      config: { roles: ['public'] },
      schema: { tags: ['system'], summary: '健康检查 · Health', response: { 200: Health } },
    },
    async (): Promise<Health> => {
      try {
        await healthRepository.ping(services.db);
      } catch {
        throw new AppError('DB_UNAVAILABLE');
      }
      return { ok: true, db: true, instance: services.hub.instance };
    },
  );
};
