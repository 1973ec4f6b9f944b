import { Type } from 'typebox';
import { CycleUnitBody, IdParams, Ok, UnitCycle, UnitsOverview } from '@piaojue/shared';
import type { RoutesPlugin } from '../../lib/routes.ts';

/** The congresses an installation hosts, and the cycles that belong to each (console 所属人大). */
export const unitsRoutes: RoutesPlugin = async (app, { services }) => {
  const { units } = services;
  const config = { roles: ['admin'] as const };

  app.get('/api/units', { config, schema: { tags: ['auth'], summary: '各级人大及其年度 · Congresses and their cycles', response: { 200: UnitsOverview } } }, (req) => units.overview(req.principal));
  app.get(
    '/api/cycles/:id/routing-targets',
    { config: { roles: ['staff'] }, schema: { tags: ['proposals'], summary: '可转交的其他层级年度 · Cycles of other levels a proposal can be routed to', params: IdParams, response: { 200: Type.Array(UnitCycle) } } },
    (req) => units.routingTargets(req.params.id),
  );
  app.put(
    '/api/cycles/:id/unit',
    { config, schema: { tags: ['cycles'], summary: '设置年度所属人大 · Set the congress a cycle belongs to', params: IdParams, body: CycleUnitBody, response: { 200: Ok } } },
    async (req) => {
      await units.setCycleUnit(req.principal, req.params.id, req.body.unitName);
      return { ok: true as const };
    },
  );
};
