import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../lib/errors.ts';

/**
 * The built web client, when there is one, with the single-page app's routes falling back to
 * index.html; anything else not found (every /api/ path) is the catalogue's NOT_FOUND.
 */
export const webPlugin = fp(
  async (app: FastifyInstance, opts: { dist: string }) => {
    const webDist = path.resolve(opts.dist);
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
  },
  { name: 'piaojue-web' },
);
