import { CycleUnitBody, IdParams, Ok, UserUnitBody } from '@piaojue/shared';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf } from '../auth/auth.service.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { unitsRepository as repo } from './units.repository.ts';

/** The congress an account or a cycle belongs to (an installation may host several). */
export const unitsRoutes: RoutesPlugin = async (app, { services }) => {
  const { db } = services;
  const tags = ['auth'];

  app.put(
    '/api/users/:id/unit',
    { config: { roles: ['admin'] }, schema: { tags, summary: '设置账号所属人大 · Set the congress an account works for', params: IdParams, body: UserUnitBody, response: { 200: Ok } } },
    async (req) =>
      db.transaction().execute(async (trx) => {
        const unit = req.body.unit ? { level: req.body.unit.level, name: req.body.unit.name.trim() } : null;
        if (!(await repo.setUserUnit(trx, req.params.id, unit))) throw new AppError('NOT_FOUND');
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'user.unit_set', subject: `user:${req.params.id}`, details: { unit } });
        return { ok: true as const };
      }),
  );
  app.put(
    '/api/cycles/:id/unit',
    { config: { roles: ['admin'] }, schema: { tags: ['cycles'], summary: '设置年度所属人大 · Set the congress a cycle belongs to', params: IdParams, body: CycleUnitBody, response: { 200: Ok } } },
    async (req) =>
      db.transaction().execute(async (trx) => {
        const name = req.body.unitName?.trim() || null;
        if (!(await repo.setCycleUnit(trx, req.params.id, name))) throw new AppError('NOT_FOUND');
        await appendAudit(trx, { actor: actorOf(req.principal), action: 'cycle.unit_set', subject: `cycle:${req.params.id}`, details: { unitName: name } });
        return { ok: true as const };
      }),
  );
};
