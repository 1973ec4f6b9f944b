import { CycleRectifications, IdParams, OpenRectificationBody, Rectification, RectificationPolicy, RectificationReportBody } from '@piaojue/shared';
import type { RoutesPlugin } from '../../lib/routes.ts';

export const rectificationRoutes: RoutesPlugin = async (app, { services }) => {
  const { rectification } = services;
  const tags = ['tracking'];

  app.get(
    '/api/cycles/:id/rectifications',
    { config: { roles: ['staff', 'presidium'] }, schema: { tags, summary: '整改台账与待整改项目 · Rectifications and projects awaiting one', params: IdParams, response: { 200: CycleRectifications } } },
    (req) => rectification.ofCycle(req.params.id),
  );
  app.put(
    '/api/cycles/:id/rectification-policy',
    { config: { roles: ['staff'] }, schema: { tags, summary: '设置基本满意是否也须整改 · Whether a basic grade calls for rectification', params: IdParams, body: RectificationPolicy, response: { 200: RectificationPolicy } } },
    (req) => rectification.setPolicy(req.principal, req.params.id, req.body),
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
