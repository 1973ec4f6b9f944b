import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyPluginAsync, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../app.ts';

export type TypedApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A module's routes: a plugin that receives the services it adapts to HTTP. */
export type RoutesPlugin = FastifyPluginAsync<{ services: Services }, RawServerDefault, TypeBoxTypeProvider>;
