// Shared by the browser tests: the app on a fresh database serving the built web client, and
// Debian's Chromium driven by playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { buildApp, type App } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createDb } from '../../server/src/db/database.ts';
import { cloneDatabase } from '../helpers/db.ts';
import { CHROMIUM } from './chromium.ts';

export const WEB_DIST = path.resolve(import.meta.dirname, '../../web/dist');

export interface Harness {
  app: App;
  /** http://127.0.0.1:<port> */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`web client not built: run \`pnpm --filter @piaojue/web build\` first (looked in ${WEB_DIST})`);
  }
  const database = await cloneDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn', WEB_DIST, DATABASE_URL: database.url, LOGIN_RATE_PER_MINUTE: '100000', PROOF_WORKERS_NICE: '0', ...env });
  const { db } = createDb(database.url, config.DB_POOL_SIZE);
  const app = await buildApp({ config, db, databaseUrl: database.url });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    app,
    base,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await app.close();
      await db.destroy();
      await database.drop();
    },
  };
}
