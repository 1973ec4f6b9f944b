import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface SweeperOptions {
  /** Every second: polls whose countdown has run out. */
  everySecond: () => Promise<unknown>;
  /** Once a minute, by name (for the log line when one fails). */
  everyMinute: Record<string, () => Promise<unknown>>;
}

/** The periodic jobs of one instance, stopped when the app closes. */
export const sweeperPlugin = fp(
  async (app: FastifyInstance, opts: SweeperOptions) => {
    let sweeps = 0;
    const sweeper = setInterval(() => {
      opts.everySecond().catch((err) => app.log.warn({ err: String(err) }, 'countdown sweep failed'));
      if (sweeps++ % 60 === 0) {
        for (const [name, job] of Object.entries(opts.everyMinute)) job().catch((err) => app.log.warn({ err: String(err) }, `${name} failed`));
      }
    }, 1000);
    sweeper.unref();
    app.addHook('preClose', async () => clearInterval(sweeper));
  },
  { name: 'piaojue-sweeper' },
);
