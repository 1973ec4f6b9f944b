import fs from 'node:fs';
import path from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ERRORS, type ErrorCode } from '@piaojue/shared';
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { guardPlugin, SESSION_COOKIE } from './auth/guard.ts';
import { sessionInScope, unitScopePlugin } from './modules/units/unit-scope.ts';
import { unitsRoutes } from './modules/units/units.routes.ts';
import { LoginCodes, loadLoginCodeKey } from './auth/login-codes.ts';
import { sha256 } from './lib/crypto.ts';
import { checkDocumented, errorSchema, openapiOptions } from './lib/openapi.ts';
import { AppError, errorBody } from './lib/errors.ts';
import { securityHeaders } from './lib/security-headers.ts';
import { serializerCompiler } from './lib/serializer.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { usersRoutes } from './modules/auth/users.routes.ts';
import { UsersAdminService } from './modules/auth/users.service.ts';
import { UnitsService } from './modules/units/units.service.ts';
import { CyclesService } from './modules/cycles/cycles.service.ts';
import { cyclesRoutes } from './modules/cycles/cycles.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { CastService } from './modules/polls/cast.service.ts';
import { PollViewsService } from './modules/polls/poll-views.service.ts';
import { PollsService } from './modules/polls/polls.service.ts';
import { ScrutinyService } from './modules/procedure/scrutiny.service.ts';
import { procedureRoutes } from './modules/procedure/procedure.routes.ts';
import { ProposalsService } from './modules/proposals/proposals.service.ts';
import { proposalsRoutes } from './modules/proposals/proposals.routes.ts';
import { SimilarityService } from './modules/proposals/similarity/similarity.service.ts';
import { similarityRoutes } from './modules/proposals/similarity/similarity.routes.ts';
import { ArchiveService } from './modules/results/archive.service.ts';
import { ResultsService } from './modules/results/results.service.ts';
import { resultsRoutes } from './modules/results/results.routes.ts';
import { pollsRoutes } from './modules/polls/polls.routes.ts';
import { DualControlService } from './modules/sessions/dual-control.service.ts';
import { SessionsService } from './modules/sessions/sessions.service.ts';
import { sessionsRoutes } from './modules/sessions/sessions.routes.ts';
import { TrackingService } from './modules/tracking/tracking.service.ts';
import { TrackingReportsService } from './modules/tracking/tracking-reports.service.ts';
import { trackingRoutes } from './modules/tracking/tracking.routes.ts';
import { RectificationService } from './modules/tracking/rectification.service.ts';
import { rectificationRoutes } from './modules/tracking/rectification.routes.ts';
import { SupervisionService } from './modules/tracking/supervision.service.ts';
import { supervisionRoutes } from './modules/tracking/supervision.routes.ts';
import { SummaryService } from './modules/tracking/summary.service.ts';
import { summaryRoutes } from './modules/tracking/summary.routes.ts';
import { Hub, MAX_CLIENT_MESSAGE } from './realtime/hub.ts';
import { NoticeListener } from './realtime/listener.ts';
import { TurnoutNotifier } from './realtime/notify.ts';

export interface Services {
  config: Config;
  db: Db;
  auth: AuthService;
  users: UsersAdminService;
  units: UnitsService;
  cycles: CyclesService;
  sessions: SessionsService;
  dualControl: DualControlService;
  polls: PollsService;
  casts: CastService;
  pollViews: PollViewsService;
  scrutiny: ScrutinyService;
  results: ResultsService;
  archive: ArchiveService;
  tracking: TrackingService;
  trackingReports: TrackingReportsService;
  rectification: RectificationService;
  supervision: SupervisionService;
  summary: SummaryService;
  proposals: ProposalsService;
  similarity: SimilarityService;
  hub: Hub;
}

export interface BuildOptions {
  config: Config;
  db: Db;
  databaseUrl: string;
  /** A stream to write the request log to (tests read it to prove no ballot appears). */
  logStream?: NodeJS.WritableStream;
  /**
   * false: no LISTEN connection and no start-up writes (the lexicon seed), so the app becomes
   * ready without a database (scripts/openapi.ts only reads the route table). Default true.
   */
  listen?: boolean;
}

/** Text PostgreSQL cannot store (U+0000) or that is not well-formed Unicode (a lone surrogate). */
const BAD_TEXT = 'text contains U+0000 or malformed Unicode';

function badText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => badText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => badText(k, depth + 1) || badText(v, depth + 1));
}

/**
 * Whether a websocket was opened by a page of this server. Browsers always send Origin on a
 * websocket handshake (and attach cookies regardless of it), so a socket may only act — cast —
 * when Origin is absent (not a browser) or names this host or the public address.
 */
function sameOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  try {
    const o = new URL(origin).host;
    return o === host || o === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

function toAppError(err: FastifyError & { hint?: string; validation?: unknown }): AppError | null {
  if (err instanceof AppError) return err;
  if (err.hint && err.hint in ERRORS) return new AppError(err.hint as ErrorCode);
  if (err.validation) return new AppError('VALIDATION', err.validation);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST');
    case '22021':
    case '22P05':
      return new AppError('VALIDATION');
    case '23505':
    case '40001':
    case '40P01':
      return null;
    default:
      break;
  }
  if (err.statusCode === 429) return new AppError('RATE_LIMITED');
  if (err.code && PG_UNAVAILABLE.has(err.code)) return new AppError('DB_UNAVAILABLE');
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(err.message)) return new AppError('DB_UNAVAILABLE');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('BAD_REQUEST');
  return null;
}

export async function buildApp(opts: BuildOptions) {
  const { config, db } = opts;
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      // Method and route only: never a body, never a query string, never a cookie.
      serializers: {
        req: (req) => ({ method: req.method, url: req.routeOptions?.url ?? req.url.split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    trustProxy: config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((a) => a.trim()) : false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true } },
    // Errors the router raises before any route (bad URL encoding, over-long parameters).
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as unknown as FastifyReply).status(status).send(errorBody('BAD_REQUEST'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The answers a live session waits on: compiled in full at start-up (lib/serializer.ts).
  app.setSerializerCompiler(
    serializerCompiler(new Set(['POST /api/polls/:id/open', 'POST /api/polls/:id/close', 'GET /api/polls/:id', 'GET /api/sessions/:id/hall', 'POST /api/polls/:id/certify'])),
  );

  const turnoutNotifier = new TurnoutNotifier(db);
  const loginCodes = new LoginCodes(loadLoginCodeKey(config));
  const auth = new AuthService(db, config, loginCodes);
  const cycles = new CyclesService(db);
  const sessions = new SessionsService(db, config, loginCodes);
  const dualControl = new DualControlService(db);
  const polls = new PollsService(db, app.log);
  const casts = new CastService(db, turnoutNotifier);
  const pollViews = new PollViewsService(db);
  const scrutiny = new ScrutinyService(db);
  const results = new ResultsService(db);
  const tracking = new TrackingService(db);
  const trackingReports = new TrackingReportsService(db, config.TRACKING_PUBLIC_REVIEW);
  const rectification = new RectificationService(db);
  const supervision = new SupervisionService(db);
  const summary = new SummaryService(db, tracking);
  const proposals = new ProposalsService(db, config.publicUrl);
  const similarity = new SimilarityService(db);
  if (opts.listen !== false) await similarity.seedLexicon();
  const hub = new Hub(
    {
      hall: async (id, forPublic) => ({ kind: 'hall', state: await pollViews.hallState(id, forPublic) }),
      seesProvisional: (principal, id, key) => sessions.seesProvisional(principal, id, key),
      inScope: (principal, id) => sessionInScope(db, principal, id),
      staff: async (id) => ({ kind: 'staff', state: await pollViews.staffState(id) }),
      turnout: (id) => pollViews.focusTurnout(id),
    },
    app.log,
    {
      // The same checks, in the same order, as POST /api/polls/:id/ballots.
      async cast(token, msg) {
        try {
          const p = await auth.resolve(token);
          if (p.kind !== 'deputy') throw new AppError(p.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
          if (badText(msg.ballot)) throw new AppError('VALIDATION', { reason: BAD_TEXT });
          return await casts.cast(p.deputy, msg.pollId, msg.idempotencyKey, msg.ballot);
        } catch (err) {
          throw toAppError(err as FastifyError) ?? err;
        }
      },
      principal: (token) => auth.resolve(token),
    },
  );
  const services: Services = { config, db, auth, users: new UsersAdminService(db), units: new UnitsService(db), cycles, sessions, dualControl, polls, casts, pollViews, scrutiny, results, archive: new ArchiveService(db), tracking, trackingReports, rectification, supervision, summary, proposals, similarity, hub };
  const listener = new NoticeListener(opts.databaseUrl, (n) => hub.notice(n), () => hub.refreshAll(), app.log, (n) => hub.ended(n));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appErr = toAppError(err);
    if (appErr) {
      if (appErr.status >= 500) req.log.warn({ code: appErr.code }, 'request failed');
      return reply.status(appErr.status).send(errorBody(appErr.code, appErr.details, appErr.messages));
    }
    req.log.error({ err: { message: err.message, code: err.code, stack: err.stack } }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL'));
  });

  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Vue and ECharts set style attributes at run time; scripts stay strict.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: config.COOKIE_SECURE ? { maxAge: 15552000 } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  // Tablets on hall Wi-Fi: the client bundle goes out compressed.
  await app.register(fastifyCompress, { threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) });
  app.addSchema(errorSchema);
  app.addHook('onRoute', checkDocumented);
  await app.register(fastifySwagger, openapiOptions(config));
  // No CSP of its own: the API explorer runs under the app's policy (no framing, scripts from 'self').
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { validatorUrl: null } });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
  await app.register(guardPlugin, { auth });
  await app.register(unitScopePlugin, { db });
  app.addHook('preValidation', async (req) => {
    if (badText(req.body) || badText(req.query) || badText(req.params)) throw new AppError('VALIDATION', { reason: BAD_TEXT });
  });

  for (const routes of [healthRoutes, authRoutes, usersRoutes, cyclesRoutes, sessionsRoutes, pollsRoutes, procedureRoutes, resultsRoutes, trackingRoutes, rectificationRoutes, supervisionRoutes, summaryRoutes, unitsRoutes, proposalsRoutes, similarityRoutes]) await app.register(routes, { services });

  app.get('/api/ws', { websocket: true, config: { roles: ['public'] } }, (socket, req) => {
    const token = req.cookies[SESSION_COOKIE];
    // A login's socket closes when the login ends; only a live login is worth watching.
    const session = token && req.principal.kind !== 'anonymous' ? sha256(token) : undefined;
    hub.attach(socket, req.principal, { token, session, sameOrigin: sameOrigin(req.headers.origin, req.host, config.publicUrl) });
  });

  const webDist = path.resolve(config.WEB_DIST);
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt client is served without a restart.
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: true,
      index: ['index.html'],
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
        else res.header('cache-control', 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !hasWeb || req.method !== 'GET') return reply.status(404).send(errorBody('NOT_FOUND'));
    // A client-side route: the single-page app handles it.
    return reply.type('text/html').sendFile('index.html');
  });

  let sweeps = 0;
  const sweeper = setInterval(() => {
    polls.closeDue().catch((err) => app.log.warn({ err: String(err) }, 'countdown sweep failed'));
    // Once a minute: submission slots past the folding window fold nothing any more.
    if (sweeps++ % 60 === 0) {
      proposals.pruneSubmissions().catch((err) => app.log.warn({ err: String(err) }, 'submission prune failed'));
      auth.pruneLoginFailures().catch((err) => app.log.warn({ err: String(err) }, 'login failure prune failed'));
    }
  }, 1000);
  sweeper.unref();

  app.addHook('onReady', async () => {
    if (opts.listen !== false) await listener.start();
  });
  app.addHook('preClose', async () => {
    clearInterval(sweeper);
    turnoutNotifier.stop();
    hub.close();
    await listener.stop();
  });

  return Object.assign(app, { services });
}

export type App = Awaited<ReturnType<typeof buildApp>>;
