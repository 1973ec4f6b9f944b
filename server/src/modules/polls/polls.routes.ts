import {
  CancelPollBody,
  CastBody,
  CastBodyDocumented,
  CastReceipt,
  CreateRatingPollBody,
  RejectBody,
  CreatePollBody,
  HallState,
  IdParams,
  OpenPollBody,
  Poll,
  StaffTurnout,
  Trackers,
} from '@piaojue/shared';
import { Type } from 'typebox';
import { requireDeputy } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

const STAFF = ['staff', 'presidium'] as const;
const READERS = ['staff', 'presidium', 'scrutineer'] as const;

export const pollsRoutes: RoutesPlugin = async (app, { services }) => {
  const { polls, casts, pollViews } = services;
  const tags = ['polls'];

  app.get('/api/sessions/:id/polls', { config: { roles: READERS }, schema: { summary: '会议的表决 · Polls of a session', tags, params: IdParams, response: { 200: Type.Array(Poll) } } }, (req) =>
    pollViews.list(req.principal, req.params.id),
  );
  app.post(
    '/api/sessions/:id/polls',
    { config: { roles: ['staff'] }, schema: { tags, summary: '新建表决 · New poll', params: IdParams, body: CreatePollBody, response: { 200: Poll } } },
    (req) => polls.create(req.principal, req.params.id, req.body),
  );
  app.get('/api/polls/:id', { config: { roles: [...READERS, 'deputy'] }, schema: { summary: '表决 · A poll', tags, params: IdParams, response: { 200: Poll } } }, (req) =>
    pollViews.get(req.principal, req.params.id),
  );
  app.post(
    '/api/polls/:id/open',
    { config: { roles: STAFF }, schema: { tags, summary: '开始表决 · Open', params: IdParams, body: Type.Optional(OpenPollBody), response: { 200: Poll } } },
    (req) => polls.open(req.principal, req.params.id, req.body?.countdownSeconds),
  );
  app.post('/api/polls/:id/close', { config: { roles: STAFF }, schema: { tags, summary: '结束表决并计票 · Close and count', params: IdParams, response: { 200: Poll } } }, (req) =>
    polls.close(req.principal, req.params.id),
  );
  app.post('/api/polls/:id/cancel', { config: { roles: STAFF }, schema: { summary: '取消表决 · Cancel a poll', tags, params: IdParams, body: CancelPollBody, response: { 200: Poll } } }, (req) =>
    polls.cancel(req.principal, req.params.id, req.body.reason),
  );
  app.post(
    '/api/polls/:id/certify',
    { config: { roles: ['presidium'] }, schema: { tags, summary: '主席团成员确认结果（k/n）· Presidium member certifies', params: IdParams, response: { 200: Poll } } },
    (req) => polls.signoff(req.principal, req.params.id, 'certify'),
  );
  app.post(
    '/api/polls/:id/reject',
    { config: { roles: ['presidium'] }, schema: { tags, summary: '主席团退回结果 · Presidium rejects with a reason', params: IdParams, body: RejectBody, response: { 200: Poll } } },
    (req) => polls.signoff(req.principal, req.params.id, 'reject', req.body.reason),
  );
  app.post(
    '/api/sessions/:id/rating-polls',
    { config: { roles: ['staff'] }, schema: { tags, summary: '新建满意度测评 · New satisfaction rating', params: IdParams, body: CreateRatingPollBody, response: { 200: Poll } } },
    (req) => polls.createRating(req.principal, req.params.id, req.body),
  );
  app.post('/api/polls/:id/runoff', { config: { roles: STAFF }, schema: { tags, summary: '并列项目再次投票 · Run-off', params: IdParams, response: { 200: Poll } } }, (req) =>
    polls.runoff(req.principal, req.params.id),
  );
  app.get('/api/polls/:id/turnout', { config: { roles: READERS }, schema: { summary: '投票进度 · Turnout', tags, params: IdParams, response: { 200: StaffTurnout } } }, (req) =>
    pollViews.staffTurnout(req.params.id),
  );
  app.get('/api/polls/:id/trackers', { config: { roles: [...READERS, 'deputy'] }, schema: { summary: '回执清单 · Published receipts', tags, params: IdParams, response: { 200: Trackers } } }, (req) =>
    pollViews.trackers(req.principal, req.params.id),
  );
  app.post(
    '/api/polls/:id/ballots',
    {
      config: { roles: ['deputy'], documentedBody: CastBodyDocumented },
      // An encrypted ballot: ~9 kB for 15 candidates 赞成/反对/弃权, ~50 kB ranking 10 of 15.
      bodyLimit: 128 * 1024,
      // The answer is a receipt of ~100 bytes: no compression hooks on the busiest route.
      compress: false,
      schema: { tags, summary: '投票（无记名）· Cast a secret ballot', params: IdParams, body: CastBody, response: { 200: CastReceipt } },
    },
    (req) => casts.cast(requireDeputy(req).deputy, req.params.id, req.body.idempotencyKey, req.body.ballot),
  );
  app.get(
    '/api/sessions/:id/hall',
    {
      config: { roles: ['public'] },
      schema: {
        tags: ['display'],
        summary: '大屏状态 · Hall display state',
        description: 'Anyone may read it; the provisional result (closed, not yet certified) only with the header x-piaojue-display-key, a staff login or a deputy login of this session.',
        params: IdParams,
        response: { 200: HallState },
      },
    },
    async (req) => {
      const key = req.headers['x-piaojue-display-key'];
      const provisional = await services.sessions.seesProvisional(req.principal, req.params.id, typeof key === 'string' ? key : undefined);
      return pollViews.hallState(req.params.id, !provisional);
    },
  );
};
