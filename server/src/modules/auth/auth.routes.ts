import {
  CreateUserBody,
  DeputyLoginBody,
  LoginBody,
  Me,
  Ok,
  SetupBody,
  SetupStatus,
  User,
  UserList,
} from '@piaojue/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.ts';
import { SESSION_COOKIE } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

export const authRoutes: RoutesPlugin = async (app, { services }) => {
  const { auth, config } = services;
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.COOKIE_SECURE,
      maxAge: Math.floor(auth.sessionMs / 1000),
    });
  // One budget per address for every way of logging in (staff, deputy, first setup). A route's
  // own rateLimit would count each route apart (the plugin's local store is per route).
  const loginBudget = app.createRateLimit({ max: config.LOGIN_RATE_PER_MINUTE, timeWindow: 60_000 });
  const loginLimit = {
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      const limit = await loginBudget(req);
      if (limit.isAllowed || !limit.isExceeded) return;
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new AppError('RATE_LIMITED');
    },
  };

  app.get('/api/setup/status', { config: { roles: ['public'] }, schema: { summary: '是否需要首次设置 · Whether setup is needed', tags: ['auth'], response: { 200: SetupStatus } } }, async () => ({
    needsSetup: await auth.needsSetup(),
  }));

  app.post(
    '/api/setup',
    { ...loginLimit, config: { roles: ['public'] }, schema: { tags: ['auth'], summary: '首次设置管理员 · First administrator', body: SetupBody, response: { 200: Me } } },
    async (req, reply) => {
      const user = await auth.setup(req.body);
      setCookie(reply, await auth.startUserSession(user.id));
      return { kind: 'user' as const, user };
    },
  );

  app.post(
    '/api/auth/login',
    { ...loginLimit, config: { roles: ['public'] }, schema: { summary: '工作人员登录 · Staff login', tags: ['auth'], body: LoginBody, response: { 200: Me } } },
    async (req, reply) => {
      const user = await auth.verifyPassword(req.body.username, req.body.password);
      await auth.logout(req.cookies[SESSION_COOKIE]);
      setCookie(reply, await auth.startUserSession(user.id));
      return { kind: 'user' as const, user };
    },
  );

  app.post(
    '/api/auth/deputy-login',
    { ...loginLimit, config: { roles: ['public'] }, schema: { tags: ['auth'], summary: '代表登录码登录 · Deputy login', body: DeputyLoginBody, response: { 200: Me } } },
    async (req, reply) => {
      const { token, deputy } = await auth.deputyLogin(req.body.code);
      await auth.logout(req.cookies[SESSION_COOKIE]);
      setCookie(reply, token);
      return { kind: 'deputy' as const, deputy };
    },
  );

  app.post('/api/auth/logout', { config: { roles: ['public'] }, schema: { summary: '退出登录 · Log out', tags: ['auth'], response: { 200: Ok } } }, async (req, reply) => {
    await auth.logout(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.post(
    '/api/auth/logout-all',
    { config: { roles: ['admin', 'staff', 'presidium', 'scrutineer', 'department', 'deputy'] }, schema: { summary: '所有设备退出登录 · Log out everywhere', tags: ['auth'], response: { 200: Ok } } },
    async (req, reply) => {
      await auth.logoutEverywhere(req.principal);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get('/api/auth/me', { config: { roles: ['public'] }, schema: { summary: '当前登录 · Who is logged in', tags: ['auth'], response: { 200: Me } } }, async (req) => req.principal);

  app.get('/api/users', { config: { roles: ['admin'] }, schema: { summary: '用户列表 · Users', tags: ['auth'], response: { 200: UserList } } }, async (req) => auth.listUsers(req.principal));

  app.post('/api/users', { config: { roles: ['admin'] }, schema: { summary: '新建用户 · New user', tags: ['auth'], body: CreateUserBody, response: { 200: User } } }, async (req) =>
    auth.createUser(req.principal, req.body),
  );
};
