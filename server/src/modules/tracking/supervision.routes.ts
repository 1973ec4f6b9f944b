import { CreateSupervisionBody, CycleSupervision, IdParams, MyOpinions, OpinionReplyBody, SupervisionActivity, SupervisionOpinion } from '@piaojue/shared';
import type { RoutesPlugin } from '../../lib/routes.ts';

export const supervisionRoutes: RoutesPlugin = async (app, { services }) => {
  const { supervision } = services;
  const tags = ['tracking'];

  app.get(
    '/api/cycles/:id/supervision',
    { config: { roles: ['staff', 'presidium'] }, schema: { tags, summary: '代表小组监督活动与意见建议 · Supervision records of a cycle', params: IdParams, response: { 200: CycleSupervision } } },
    (req) => supervision.ofCycle(req.params.id),
  );
  app.post(
    '/api/cycles/:id/supervision',
    { config: { roles: ['staff'] }, schema: { tags, summary: '登记视察、调研或专题询问 · Record a supervision activity', params: IdParams, body: CreateSupervisionBody, response: { 200: SupervisionActivity } } },
    (req) => supervision.record(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/supervision/opinions/:id/reply',
    { config: { roles: ['staff', 'department'] }, schema: { tags, summary: '责任单位答复意见建议 · Reply to an opinion', params: IdParams, body: OpinionReplyBody, response: { 200: SupervisionOpinion } } },
    (req) => supervision.reply(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/supervision/opinions/mine',
    { config: { roles: ['department'] }, schema: { tags, summary: '交本单位办理的意见建议 · Opinions for my unit', response: { 200: MyOpinions } } },
    (req) => supervision.mine(req.principal),
  );
};
