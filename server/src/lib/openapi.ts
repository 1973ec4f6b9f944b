import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { ErrorResponse, type RouteRole } from '@piaojue/shared';
import type { RouteOptions } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/guard.ts';
import type { Config } from '../config.ts';

/**
 * The API contract, derived in one place from what every route already declares, so a route
 * added anywhere is documented the same way (`pnpm lint:api` lints the result with Redocly's
 * recommended rules):
 * - security from `config.roles`: the session cookie, or none for 'public' routes;
 * - the anti-forgery header on every write (the guard refuses a write without it);
 * - the 4xx answers with the shared error body: 400 always, 401/403 where a login is needed,
 *   403 for a write without the header, 404 where the path names something, 429 where a rate
 *   limit applies, and 409/413/415 as the catalogue's other refusals;
 * - an operationId from the method and path unless the route names one.
 * The one thing a route must write itself is its summary: registration fails without one.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The request body as the document shows it, when the route validates a looser shape on
     * purpose (a ballot is checked by the shared ballot rules, which give precise codes).
     */
    documentedBody?: TSchema;
  }
}

/** The shared error body as a named schema (app.ts adds it once): every 4xx answer points to it. */
export const errorSchema = { ...ErrorResponse, $id: 'Error', description: '错误（稳定的错误码与中英文说明）· Error: a stable code and a message in Chinese and English' };
const ERROR_REF = { $ref: 'Error#' } as const;

/**
 * A download in one of the given content types (the response validator holds a route to them).
 * Not for JSON: a JSON download is documented by its schema, so its contract can be checked.
 */
export function fileResponse(contentTypes: readonly string[], description: string) {
  if (contentTypes.some((t) => t.endsWith('json'))) throw new Error(`fileResponse(${contentTypes.join(', ')}): document a JSON download by its schema`);
  return { 200: { description, content: Object.fromEntries(contentTypes.map((t) => [t, { schema: Type.Unsafe<Buffer | string>({ type: 'string', format: 'binary' }) }])) } };
}

const documented = (url: string) => url.startsWith('/api/') && !url.startsWith('/api/docs');
const writes = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

/** `POST /api/polls/:id/ballots` → `postPollsByIdBallots`. */
export function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split(/[/.\-_]+/)
    .filter(Boolean)
    .flatMap((part) => (part.startsWith(':') ? ['by', part.slice(1)] : [part]));
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

function errorResponses(route: { url: string; roles: readonly RouteRole[]; rateLimited: boolean; write: boolean }) {
  const answer = (description: string) => ({ description, ...ERROR_REF });
  const out: Record<string, unknown> = { 400: answer('输入无效 · Bad input (VALIDATION, BAD_REQUEST and the route’s own codes)') };
  const needsLogin = !route.roles.includes('public');
  if (needsLogin) out[401] = answer('未登录 · Not logged in (UNAUTHENTICATED)');
  if (needsLogin || route.write) out[403] = answer(route.write ? '无权限或缺少防伪请求头 · Not allowed (FORBIDDEN), or the anti-forgery header is missing (CSRF)' : '无权限 · Not allowed (FORBIDDEN)');
  if (route.url.includes(':')) out[404] = answer('不存在 · Not found (NOT_FOUND)');
  if (route.rateLimited) out[429] = answer('请求过于频繁 · Too many requests (RATE_LIMITED)');
  out['4xx'] = answer('其他拒绝（状态冲突、文件过大或类型不符）· Other refusals: a state conflict (409), too large (413), wrong type (415)');
  return out;
}

/** Registration-time checks: a route without a summary or a response is refused at start-up. */
export function checkDocumented(route: RouteOptions) {
  if (!documented(route.url) || route.method === 'HEAD' || (route as { websocket?: boolean }).websocket) return;
  const schema = (route.schema ?? {}) as { summary?: string; response?: Record<string, unknown> };
  const name = `${[route.method].flat().join(',')} ${route.url}`;
  if (!schema.summary) throw new Error(`route ${name} has no schema.summary (the OpenAPI document needs one: server/src/lib/openapi.ts)`);
  if (!schema.response || !Object.keys(schema.response).some((c) => c.startsWith('2'))) {
    throw new Error(`route ${name} declares no 2xx response schema (use fileResponse() for a download: server/src/lib/openapi.ts)`);
  }
}

export function openapiOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Piaojue 票决 API',
        version: '0.1.0',
        description: [
          '民生实事项目人大代表票决系统 · People’s-livelihood project vote.',
          '',
          `Logins set the \`${SESSION_COOKIE}\` cookie. Every write (POST, PATCH, PUT, DELETE) must carry the \`${CSRF_HEADER}\` header with any value;`,
          'without it the answer is 403 CSRF. Errors answer `{ error: { code, message, messageZh, messageEn, details? } }` with a stable code.',
        ].join('\n'),
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: config.publicUrl, description: 'PUBLIC_URL' }],
      components: {
        securitySchemes: { cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: '登录后的会话 · The session a login sets' } },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      if (!documented(url)) return { schema, url };
      const method = [route.method].flat()[0]!;
      const roles = route.config?.roles ?? [];
      const write = writes(method);
      const s = (schema ?? {}) as Record<string, unknown>;
      const headers = write
        ? Type.Object({ [CSRF_HEADER]: Type.String({ minLength: 1, description: '防伪请求头，任意值 · Anti-forgery header, any value' }) })
        : undefined;
      const documentedBody = route.config?.documentedBody;
      return {
        url,
        schema: {
          ...s,
          operationId: (s.operationId as string | undefined) ?? operationId(method, url),
          security: roles.includes('public') ? [] : [{ cookie: [] }],
          ...(headers ? { headers } : {}),
          ...(documentedBody ? { body: documentedBody } : {}),
          response: {
            ...((s.response as object | undefined) ?? {}),
            ...errorResponses({ url, roles, rateLimited: Boolean((route.config as { rateLimit?: unknown } | undefined)?.rateLimit), write }),
          },
        },
      } as never;
    },
  };
}
