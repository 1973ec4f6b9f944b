import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { securityHeaders } from '../lib/security-headers.ts';

/** The content security policy and helmet's other headers, on every response. */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, opts: { hsts: boolean }) => {
    const headers = securityHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // 'wasm-unsafe-eval' lets the tablet compile the crypto core's WebAssembly (libsodium,
          // docs/CRYPTO.md); it allows no JavaScript eval.
          scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
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
      hsts: opts.hsts ? { maxAge: 15552000 } : false,
      referrerPolicy: { policy: 'same-origin' },
    });
    app.addHook('onRequest', (_req, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'piaojue-security-headers' },
);
