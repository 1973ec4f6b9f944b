import { EndedSessions, IdParams, ResetPasswordBody, UserDisabledBody, UserRolesBody, UserStatus, UserStatusList, UserUnitBody } from '@piaojue/shared';
import { requireUser } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

/** The administrator's account management (console 用户管理); every change is audited. */
export const usersRoutes: RoutesPlugin = async (app, { services }) => {
  const { users } = services;
  const config = { roles: ['admin'] as const };
  const tags = ['auth'];

  app.get('/api/users/status', { config, schema: { summary: '用户状态（停用、在线登录数）· User status', tags, response: { 200: UserStatusList } } }, (req) => users.statuses(requireUser(req)));

  app.put(
    '/api/users/:id/roles',
    { config, schema: { summary: '修改角色（结束其登录）· Change roles', tags, params: IdParams, body: UserRolesBody, response: { 200: UserStatus } } },
    (req) => users.setRoles(requireUser(req), req.params.id, req.body.roles),
  );
  app.put(
    '/api/users/:id/disabled',
    { config, schema: { summary: '停用或启用账号 · Disable or enable', tags, params: IdParams, body: UserDisabledBody, response: { 200: UserStatus } } },
    (req) => users.setDisabled(requireUser(req), req.params.id, req.body.disabled),
  );
  app.post(
    '/api/users/:id/password',
    { config, schema: { summary: '重置密码（结束其登录）· Reset the password', tags, params: IdParams, body: ResetPasswordBody, response: { 200: UserStatus } } },
    (req) => users.resetPassword(requireUser(req), req.params.id, req.body.password),
  );
  app.put(
    '/api/users/:id/unit',
    { config, schema: { summary: '设置账号所属人大（结束其登录）· Set the congress an account works for', tags, params: IdParams, body: UserUnitBody, response: { 200: UserStatus } } },
    (req) => users.setUnit(requireUser(req), req.params.id, req.body.unit),
  );
  app.post(
    '/api/users/:id/end-sessions',
    { config, schema: { summary: '结束该用户的所有登录 · End the user’s logins', tags, params: IdParams, response: { 200: EndedSessions } } },
    (req) => users.endSessions(requireUser(req), req.params.id),
  );
};
