/**
 * Security headers on every answer: set once from a fixed list (server/src/lib/security-headers.ts),
 * on success, on errors, before any route is found; HSTS only when cookies are HTTPS-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

const CSP =
  "default-src 'self';script-src 'self' 'wasm-unsafe-eval';style-src 'self' 'unsafe-inline';img-src 'self' data: blob:;font-src 'self' data:;" +
  "connect-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

let t: TestApp;
let secure: TestApp;
beforeAll(async () => {
  [t, secure] = await Promise.all([createTestApp(), createTestApp({ COOKIE_SECURE: 'true' })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), secure?.close()]);
});

function expectHardened(headers: Record<string, unknown>) {
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(headers['x-dns-prefetch-control']).toBe('off');
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  it('go out on answers, errors and unknown paths alike', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(ok.statusCode).toBe(200);
    expectHardened(ok.headers);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expectHardened(unknown.headers);
    const refused = await t.app.inject({ method: 'GET', url: '/api/cycles' });
    expect(refused.statusCode).toBe(401);
    expectHardened(refused.headers);
    const badJson = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json', 'x-piaojue-csrf': '1' }, payload: '{' });
    expect(badJson.statusCode).toBe(400);
    expectHardened(badJson.headers);
  });

  it('pin HTTPS only when the deployment says cookies travel over HTTPS', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).headers['strict-transport-security']).toBeUndefined();
    const r = await secure.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    expectHardened(r.headers);
  });
});
