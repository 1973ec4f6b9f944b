import { CycleRectifications, IdParams, OpenRectificationBody, Rectification, RectificationReportBody } from '@piaojue/shared';
import type { RoutesPlugin } from '../../lib/routes.ts';

export const rectificationRoutes: RoutesPlugin = async (app, { services }) => {
  const { rectification } = services;
  const tags = ['tracking'];

  app.get(
    '/api/cycles/:id/rectifications',
    { config: { roles: ['staff', 'presidium'] }, schema: { tags, summary: '整改台账与待整改项目 · Rectifications and projects awaiting one', params: IdParams, response: { 200: CycleRectifications } } },
    (req) => rectification.ofCycle(req.params.id),
  );
  app.post(
    '/api/tracking/projects/:id/rectifications',
    { config: { roles: ['staff'] }, schema: { tags, summary: '测评不满意后建立整改 · Open a rectification after a poor grade', params: IdParams, body: OpenRectificationBody, response: { 200: Rectification } } },
    (req) => rectification.open(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/rectifications/:id/reports',
    { config: { roles: ['staff', 'department'] }, schema: { tags, summary: '责任单位报告整改情况 · Report on a rectification', params: IdParams, body: RectificationReportBody, response: { 200: Rectification } } },
    (req) => rectification.report(req.principal, req.params.id, req.body),
  );
};
