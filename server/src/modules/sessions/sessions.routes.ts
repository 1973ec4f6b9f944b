import {
  Confirmation,
  CreateConfirmationBody,
  DecideConfirmationBody,
  DisplayLink,
  CreateSessionBody,
  Deputy,
  DeputyState,
  IdParams,
  IssueCodesBody,
  IssuedCodes,
  Ok,
  PaperCheckinBody,
  RosterImportBody,
  RosterImportResult,
  Session,
} from '@piaojue/shared';
import { Type } from 'typebox';
import { requireDeputy } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

const STAFF = ['staff'] as const;
const READERS = ['staff', 'presidium', 'scrutineer'] as const;
const APPROVERS = ['presidium', 'scrutineer'] as const;

export const sessionsRoutes: RoutesPlugin = async (app, { services }) => {
  const { sessions, pollViews, dualControl } = services;
  const tags = ['sessions'];

  app.get('/api/sessions', { config: { roles: READERS }, schema: { summary: '会议列表 · Sessions', tags, response: { 200: Type.Array(Session) } } }, (req) => sessions.list(req.principal));
  app.post('/api/sessions', { config: { roles: STAFF }, schema: { tags, summary: '新建会议 · New session', body: CreateSessionBody, response: { 200: Session } } }, (req) =>
    sessions.create(req.principal, req.body),
  );
  app.get('/api/sessions/:id', { config: { roles: READERS }, schema: { summary: '会议 · A session', tags, params: IdParams, response: { 200: Session } } }, (req) => sessions.get(req.params.id));
  app.post(
    '/api/sessions/:id/roster',
    {
      config: { roles: STAFF },
      bodyLimit: 12 * 1024 * 1024,
      schema: { tags, summary: '导入代表名单（CSV/XLSX）· Import roster', params: IdParams, body: RosterImportBody, response: { 200: RosterImportResult } },
    },
    (req) => sessions.importRoster(req.principal, req.params.id, req.body.fileName, Buffer.from(req.body.contentBase64, 'base64')),
  );
  app.get('/api/sessions/:id/deputies', { config: { roles: READERS }, schema: { summary: '代表名单 · Deputies of a session', tags, params: IdParams, response: { 200: Type.Array(Deputy) } } }, (req) =>
    sessions.deputies(req.params.id),
  );
  app.post(
    '/api/sessions/:id/codes',
    { config: { roles: STAFF }, schema: { tags, summary: '发放登录码（仅显示一次）· Issue login codes', params: IdParams, body: IssueCodesBody, response: { 200: IssuedCodes } } },
    (req) => sessions.issueCodes(req.principal, req.params.id, req.body.deputyIds, req.body.confirmationId),
  );
  app.post('/api/deputies/:id/revoke-code', { config: { roles: STAFF }, schema: { summary: '作废登录码 · Revoke a login code', tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await sessions.revokeCode(req.principal, req.params.id);
    return { ok: true as const };
  });
  app.post('/api/sessions/:id/checkin/open', { config: { roles: STAFF }, schema: { summary: '开始签到 · Open check-in', tags, params: IdParams, response: { 200: Session } } }, (req) =>
    sessions.setCheckinOpen(req.principal, req.params.id, true),
  );
  app.post('/api/sessions/:id/checkin/close', { config: { roles: STAFF }, schema: { summary: '结束签到 · Close check-in', tags, params: IdParams, response: { 200: Session } } }, (req) =>
    sessions.setCheckinOpen(req.principal, req.params.id, false),
  );
  app.post(
    '/api/deputies/:id/checkin',
    { config: { roles: STAFF }, schema: { tags, summary: '工作人员登记纸质签到 · Paper sign-in', params: IdParams, body: PaperCheckinBody, response: { 200: Deputy } } },
    (req) => sessions.checkIn(req.principal, req.params.id, req.body.present, 'paper', req.body.confirmationId),
  );
  app.get(
    '/api/sessions/:id/display-link',
    { config: { roles: STAFF }, schema: { tags, summary: '大屏链接（含显示密钥）· Hall display link', params: IdParams, response: { 200: DisplayLink } } },
    (req) => sessions.displayLink(req.params.id),
  );
  app.get(
    '/api/sessions/:id/confirmations',
    { config: { roles: READERS }, schema: { tags, summary: '双人确认申请 · Dual-control requests', params: IdParams, response: { 200: Type.Array(Confirmation) } } },
    (req) => dualControl.list(req.params.id),
  );
  app.post(
    '/api/sessions/:id/confirmations',
    {
      config: { roles: STAFF },
      schema: { tags, summary: '申请双人确认（表决进行中补发登录码、代为签到）· Ask for a second person', params: IdParams, body: CreateConfirmationBody, response: { 200: Confirmation } },
    },
    (req) => dualControl.request(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/confirmations/:id/approve',
    { config: { roles: APPROVERS }, schema: { tags, summary: '确认申请 · Approve a request', params: IdParams, body: DecideConfirmationBody, response: { 200: Confirmation } } },
    (req) => dualControl.decide(req.principal, req.params.id, 'approved', req.body.note),
  );
  app.post(
    '/api/confirmations/:id/decline',
    { config: { roles: APPROVERS }, schema: { tags, summary: '驳回申请 · Decline a request', params: IdParams, body: DecideConfirmationBody, response: { 200: Confirmation } } },
    (req) => dualControl.decide(req.principal, req.params.id, 'declined', req.body.note),
  );

  app.get('/api/deputy/state', { config: { roles: ['deputy'] }, schema: { summary: '代表端状态 · The deputy’s tablet state', tags: ['deputy'], response: { 200: DeputyState } } }, (req) =>
    pollViews.deputyState(requireDeputy(req).deputy),
  );
  app.post('/api/deputy/checkin', { config: { roles: ['deputy'] }, schema: { tags: ['deputy'], summary: '代表签到 · Check in', response: { 200: DeputyState } } }, async (req) => {
    const { deputy } = requireDeputy(req);
    await sessions.checkIn(req.principal, deputy.id, true, 'tablet');
    return pollViews.deputyState(deputy);
  });
};
