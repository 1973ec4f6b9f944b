import '@fastify/cookie';
import type { RouteRole } from '@piaojue/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.ts';
import type { AuthService, Principal } from '../modules/auth/auth.service.ts';

export const SESSION_COOKIE = 'pj_session';
export const CSRF_HEADER = 'x-piaojue-csrf';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Every /api route must say; 'public' means anyone. */
    roles?: readonly RouteRole[];
  }
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyInstance {
    /** Every /api route with the roles it declares, for the authorization matrix test. */
    routeRoles: { method: string; url: string; roles: readonly RouteRole[] }[];
  }
}

/** Whether a principal holds one of the roles a route allows. */
export function allowed(p: Principal, roles: readonly RouteRole[]): boolean {
  if (roles.includes('public')) return true;
  if (p.kind === 'deputy') return roles.includes('deputy');
  if (p.kind === 'user') return p.user.roles.some((r) => r === 'admin' || roles.includes(r));
  return false;
}

export function requireUser(req: FastifyRequest) {
  if (req.principal.kind !== 'user') throw new AppError('FORBIDDEN');
  return req.principal;
}

export function requireDeputy(req: FastifyRequest) {
  if (req.principal.kind !== 'deputy') throw new AppError('FORBIDDEN');
  return req.principal;
}

const exempt = (url: string) => !url.startsWith('/api/') || url.startsWith('/api/docs');

/**
 * Resolves the session cookie on every request, refuses a route that declares no roles at
 * registration time, and checks roles and the anti-forgery header before the handler runs.
 */
export const guardPlugin = fp(async (app: FastifyInstance, opts: { auth: AuthService }) => {
  app.decorateRequest('principal', null as never);
  app.decorate('routeRoles', [] as FastifyInstance['routeRoles']);

  app.addHook('onRoute', (route) => {
    if (exempt(route.url)) return;
    const roles = (route.config as { roles?: readonly RouteRole[] } | undefined)?.roles;
    if (!roles || roles.length === 0) throw new Error(`route ${route.method} ${route.url} declares no roles`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') app.routeRoles.push({ method, url: route.url, roles });
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    req.principal = token ? await opts.auth.resolve(token) : { kind: 'anonymous' };
  });

  app.addHook('preValidation', async (req) => {
    const url = req.routeOptions.url;
    if (!url || exempt(url)) return;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && req.headers[CSRF_HEADER] === undefined) {
      // A custom header cannot be sent cross-site without a CORS preflight, which we never grant.
      throw new AppError('CSRF');
    }
    const roles = req.routeOptions.config.roles ?? [];
    if (allowed(req.principal, roles)) return;
    throw new AppError(req.principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  });
});
