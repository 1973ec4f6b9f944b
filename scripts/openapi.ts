/**
 * Prints the server's OpenAPI document (the one served at /api/docs/json) or writes it to the
 * file named as the first argument. Builds the app without a database: the document is the
 * route table's, nothing is queried. `pnpm lint:api` lints what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createDb } from '../server/src/db/database.ts';

const url = 'postgres://127.0.0.1:1/openapi';
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', DATABASE_URL: url });
const { db } = createDb(url, 1);
const app = await buildApp({ config, db, databaseUrl: url, listen: false });
await app.ready();
const doc = `${JSON.stringify(app.swagger(), null, 2)}\n`;
const out = process.argv[2];
if (out) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, doc);
}
else process.stdout.write(doc);
await app.close();
await db.destroy();
