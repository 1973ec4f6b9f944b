import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Services } from '../app.ts';
import { SESSION_COOKIE } from '../auth/guard.ts';
import { sha256 } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';
import { sessionInScope, unitOf } from '../modules/units/unit-scope.ts';
import { Hub } from '../realtime/hub.ts';
import { NoticeListener } from '../realtime/listener.ts';
import type { TurnoutNotifier } from '../realtime/notify.ts';
import { toAppError } from './errors.ts';
import { BAD_TEXT, badText } from './text-check.ts';

/** The websocket hub, wired to the services that load its topics and take a cast over a socket. */
export function createHub(s: Pick<Services, 'db' | 'auth' | 'sessions' | 'pollViews' | 'casts' | 'presidium'>, log: FastifyBaseLogger): Hub {
  return new Hub(
    {
      hall: async (id, forPublic) => ({ kind: 'hall', state: await s.pollViews.hallState(id, forPublic) }),
      seesProvisional: (principal, id, key) => s.sessions.seesProvisional(principal, id, key),
      inScope: (principal, id) => sessionInScope(s.db, principal, id),
      staff: async (id) => ({ kind: 'staff', state: await s.pollViews.staffState(id) }),
      presidium: async (id) => ({ kind: 'presidium', state: await s.presidium.pendingOfSession(id) }),
      turnout: (id) => s.pollViews.focusTurnout(id),
      congressOf: (principal) => unitOf(s.db, principal),
      sessions: async (congress) => ({ kind: 'sessions', state: { sessionIds: await s.sessions.idsOf(congress) } }),
    },
    log,
    {
      // The same checks, in the same order, as POST /api/polls/:id/ballots.
      async cast(token, msg, onRejected) {
        try {
          const p = await s.auth.resolve(token);
          if (p.kind !== 'deputy') throw new AppError(p.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
          if (badText(msg.ballot)) throw new AppError('VALIDATION', { reason: BAD_TEXT });
          return await s.casts.cast(p.deputy, msg.pollId, msg.idempotencyKey, msg.ballot, onRejected);
        } catch (err) {
          throw toAppError(err as FastifyError) ?? err;
        }
      },
      principal: (token) => s.auth.resolve(token),
    },
  );
}

export interface HubPluginOptions {
  hub: Hub;
  notifier: TurnoutNotifier;
  databaseUrl: string;
  /** false: no LISTEN connection (an app built without a database). */
  listen: boolean;
}

/**
 * GET /api/ws and the hub's life: the LISTEN connection that brings other instances' changes
 * starts when the app is ready; hub, notifier and listener stop when it closes.
 */
export const hubPlugin = fp(
  async (app: FastifyInstance, { hub, notifier, databaseUrl, listen }: HubPluginOptions) => {
    const listener = new NoticeListener(databaseUrl, (n) => hub.notice(n), () => hub.refreshAll(), app.log, (n) => hub.ended(n));

    app.get('/api/ws', { websocket: true, config: { roles: ['public'] } }, (socket, req) => {
      const token = req.cookies[SESSION_COOKIE];
      // A login's socket closes when the login ends; only a live login is worth watching.
      const session = token && req.principal.kind !== 'anonymous' ? sha256(token) : undefined;
      hub.attach(socket, req.principal, { token, session, sameOrigin: req.ownOrigin });
    });

    app.addHook('onReady', async () => {
      if (listen) await listener.start();
    });
    app.addHook('preClose', async () => {
      notifier.stop();
      hub.close();
      await listener.stop();
    });
  },
  { name: 'piaojue-hub', dependencies: ['@fastify/websocket', 'piaojue-origin'] },
);
