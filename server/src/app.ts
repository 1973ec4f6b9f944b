import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { guardPlugin } from './auth/guard.ts';
import { unitScopePlugin } from './modules/units/unit-scope.ts';
import { unitsRoutes } from './modules/units/units.routes.ts';
import { LoginCodes, loadLoginCodeKey } from './auth/login-codes.ts';
import { checkDocumented, errorSchema, openapiOptions } from './lib/openapi.ts';
import { errorBody } from './lib/errors.ts';
import { serializerCompiler } from './lib/serializer.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { usersRoutes } from './modules/auth/users.routes.ts';
import { UsersAdminService } from './modules/auth/users.service.ts';
import { UnitsService } from './modules/units/units.service.ts';
import { CyclesService } from './modules/cycles/cycles.service.ts';
import { cyclesRoutes } from './modules/cycles/cycles.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { ProofPool } from './lib/proof-pool.ts';
import { CastService } from './modules/polls/cast.service.ts';
import { DecryptionService } from './modules/polls/decryption.service.ts';
import { PollViewsService } from './modules/polls/poll-views.service.ts';
import { PollsService } from './modules/polls/polls.service.ts';
import { PaperService } from './modules/paper/paper.service.ts';
import { paperRoutes } from './modules/paper/paper.routes.ts';
import { PresidiumService } from './modules/procedure/presidium.service.ts';
import { ScrutinyService } from './modules/procedure/scrutiny.service.ts';
import { cryptoReady } from '@piaojue/shared/crypto';
import { CeremonyService } from './modules/ceremony/ceremony.service.ts';
import { ceremonyRoutes } from './modules/ceremony/ceremony.routes.ts';
import { VotingRulesService } from './modules/procedure/voting-rules.service.ts';
import { procedureRoutes } from './modules/procedure/procedure.routes.ts';
import { ProposalsService } from './modules/proposals/proposals.service.ts';
import { proposalsRoutes } from './modules/proposals/proposals.routes.ts';
import { SimilarityService } from './modules/proposals/similarity/similarity.service.ts';
import { similarityRoutes } from './modules/proposals/similarity/similarity.routes.ts';
import { ArchiveService } from './modules/results/archive.service.ts';
import { BulletinService } from './modules/results/bulletin.service.ts';
import { CountSheetService } from './modules/results/count-sheet.service.ts';
import { countSheetRoutes } from './modules/results/count-sheet.routes.ts';
import { NoticeNumbersService } from './modules/results/notice-numbers.service.ts';
import { ResultsService } from './modules/results/results.service.ts';
import { resultsRoutes } from './modules/results/results.routes.ts';
import { encryptedPollsRoutes } from './modules/polls/encrypted.routes.ts';
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
import { errorsPlugin, frameworkErrors } from './plugins/errors.ts';
import { createHub, hubPlugin } from './plugins/hub.ts';
import { originPlugin } from './plugins/origin.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { sweeperPlugin } from './plugins/sweeper.ts';
import { textCheckPlugin } from './plugins/text-check.ts';
import { webPlugin } from './plugins/web.ts';
import { type Hub, MAX_CLIENT_MESSAGE } from './realtime/hub.ts';
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
  decryption: DecryptionService;
  pollViews: PollViewsService;
  scrutiny: ScrutinyService;
  presidium: PresidiumService;
  paper: PaperService;
  ceremony: CeremonyService;
  votingRules: VotingRulesService;
  results: ResultsService;
  countSheets: CountSheetService;
  archive: ArchiveService;
  noticeNumbers: NoticeNumbersService;
  bulletin: BulletinService;
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
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The answers a live session waits on: compiled in full at start-up (lib/serializer.ts).
  app.setSerializerCompiler(
    serializerCompiler(new Set(['POST /api/polls/:id/open', 'POST /api/polls/:id/close', 'GET /api/polls/:id', 'GET /api/sessions/:id/hall', 'POST /api/polls/:id/certify'])),
  );

  const turnoutNotifier = new TurnoutNotifier(db);
  const loginCodes = new LoginCodes(loadLoginCodeKey(config));
  // The key ceremony checks proofs with libsodium's WASM build, loaded once here.
  await cryptoReady();
  const auth = new AuthService(db, config, loginCodes);
  const cycles = new CyclesService(db);
  const sessions = new SessionsService(db, config, loginCodes);
  const dualControl = new DualControlService(db);
  // Encrypted ballots' proofs are checked in worker threads (docs/CRYPTO.md §"Cost"). A listening
  // server starts them at boot, not in the first storm of casts; an app only injected into (the
  // tests) starts them at its first encrypted ballot.
  const proofs = new ProofPool({ size: config.PROOF_WORKERS, nice: config.PROOF_WORKERS_NICE, log: (m) => app.log.error(m) });
  app.addHook('onListen', async () => proofs.start());
  app.addHook('onClose', () => proofs.close());
  const casts = new CastService(db, turnoutNotifier, proofs, app.log);
  const decryption = new DecryptionService(db, casts);
  const polls = new PollsService(db, app.log, decryption);
  // A stop right after a close must not leave the old ballot row versions for later: the rewrite
  // that drops them (PollsService.compactLater) runs before the pool goes.
  app.addHook('onClose', () => polls.compacted());
  const pollViews = new PollViewsService(db);
  const scrutiny = new ScrutinyService(db);
  const paper = new PaperService(db);
  const votingRules = new VotingRulesService(db);
  const results = new ResultsService(db);
  const tracking = new TrackingService(db);
  const trackingReports = new TrackingReportsService(db, config.TRACKING_PUBLIC_REVIEW);
  const rectification = new RectificationService(db);
  const supervision = new SupervisionService(db);
  const summary = new SummaryService(db, tracking);
  const proposals = new ProposalsService(db, config.publicUrl);
  const similarity = new SimilarityService(db);
  if (opts.listen !== false) await similarity.seedLexicon();
  const presidium = new PresidiumService(db);
  const hub = createHub({ db, auth, sessions, pollViews, casts, presidium }, app.log);
  const services: Services = { config, db, auth, users: new UsersAdminService(db), units: new UnitsService(db), cycles, sessions, dualControl, polls, casts, decryption, pollViews, scrutiny, presidium, votingRules, paper, ceremony: new CeremonyService(db), results, countSheets: new CountSheetService(db, scrutiny), archive: new ArchiveService(db), bulletin: new BulletinService(db), noticeNumbers: new NoticeNumbersService(db), tracking, trackingReports, rectification, supervision, summary, proposals, similarity, hub };

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin, { hsts: config.COOKIE_SECURE });
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
  await app.register(textCheckPlugin);
  await app.register(originPlugin, { publicUrl: config.publicUrl });
  await app.register(sweeperPlugin, {
    everySecond: () => polls.closeDue(),
    // Submission slots past the folding window fold nothing any more; runs of failed logins end.
    everyMinute: { 'submission prune': () => proposals.pruneSubmissions(), 'login failure prune': () => auth.pruneLoginFailures() },
  });
  await app.register(hubPlugin, { hub, notifier: turnoutNotifier, databaseUrl: opts.databaseUrl, listen: opts.listen !== false });
  await app.register(webPlugin, { dist: config.WEB_DIST });

  for (const routes of [healthRoutes, authRoutes, usersRoutes, cyclesRoutes, sessionsRoutes, pollsRoutes, encryptedPollsRoutes, paperRoutes, procedureRoutes, ceremonyRoutes, resultsRoutes, countSheetRoutes, trackingRoutes, rectificationRoutes, supervisionRoutes, summaryRoutes, unitsRoutes, proposalsRoutes, similarityRoutes]) await app.register(routes, { services });

  return Object.assign(app, { services });
}

export type App = Awaited<ReturnType<typeof buildApp>>;
