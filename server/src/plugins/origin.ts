import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request came from a page of this server, or not from a browser (no Origin). */
    readonly ownOrigin: boolean;
  }
}

/**
 * Whether a request was made by a page of this server. Browsers always send Origin on a
 * websocket handshake (and attach cookies regardless of it), so a socket may only act — cast —
 * when Origin is absent (not a browser) or names this host or the public address.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  try {
    const o = new URL(origin).host;
    return o === host || o === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

export const originPlugin = fp(
  async (app: FastifyInstance, opts: { publicUrl: string }) => {
    app.decorateRequest('ownOrigin', {
      getter() {
        return sameOrigin(this.headers.origin, this.host, opts.publicUrl);
      },
    });
  },
  { name: 'piaojue-origin' },
);
