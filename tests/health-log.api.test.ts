// Probes call /api/health every few seconds: at LOG_LEVEL=info it must not fill the log, while
// ordinary requests are still logged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await t?.close();
});

it('logs health checks only when they fail, other requests as usual', async () => {
  for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  await t.app.inject({ method: 'GET', url: '/api/public/cycles' });
  expect(t.logs()).toContain('/api/public/cycles');
  expect(t.logs()).not.toContain('/api/health');
});
