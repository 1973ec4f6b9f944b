// Behind a reverse proxy (TRUST_PROXY): the citizen's address comes from X-Forwarded-For, so each
// citizen has their own rate limit; without the setting the header is ignored (anyone could
// forge it), and a forwarded address from a proxy that is not trusted changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../server/src/config.ts';
import { adminClient, createTestApp, defaultCycle, type TestApp } from './helpers/app.ts';
import { SUBMIT_RATE } from '../server/src/modules/proposals/proposals.routes.ts';

const DAY = 86_400_000;
let proxied: TestApp;
let direct: TestApp;

async function openCycle(t: TestApp): Promise<string> {
  const admin = await adminClient(t);
  const id = (await admin.post('/api/cycles', { ...defaultCycle })).body.id as string;
  const r = await admin.req('PUT', `/api/cycles/${id}/collection`, {
    title: '关于征集建议的公告',
    body: '欢迎提出建议。',
    opensAt: new Date(Date.now() - DAY).toISOString(),
    closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
  });
  expect(r.status).toBe(200);
  return id;
}

/** A submission arriving from `from` (the connection) on behalf of `forwardedFor`. */
async function submit(t: TestApp, cycleId: string, from: string, forwardedFor: string, n: number) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/public/cycles/${cycleId}/proposals`,
    remoteAddress: from,
    headers: { 'x-piaojue-csrf': '1', 'x-forwarded-for': forwardedFor },
    payload: { title: `建议${n}`, content: `第${n}条建议的内容，写明要办的事和地点。`, area: '其他' },
  });
  return res.statusCode;
}

beforeAll(async () => {
  proxied = await createTestApp({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
  direct = await createTestApp();
});
afterAll(async () => {
  await proxied?.close();
  await direct?.close();
});

describe('TRUST_PROXY', () => {
  it('behind a trusted proxy, each citizen has their own limit', async () => {
    const cycleId = await openCycle(proxied);
    for (let i = 0; i < SUBMIT_RATE.max; i++) expect(await submit(proxied, cycleId, '127.0.0.1', '203.0.113.7', i)).toBe(200);
    expect(await submit(proxied, cycleId, '127.0.0.1', '203.0.113.7', 99)).toBe(429);
    // another citizen through the same proxy is not held back
    expect(await submit(proxied, cycleId, '127.0.0.1', '198.51.100.23', 100)).toBe(200);
    // a connection from an address that is not a trusted proxy counts as itself, whatever it forwards
    for (let i = 0; i < SUBMIT_RATE.max; i++) expect(await submit(proxied, cycleId, '192.0.2.50', `198.18.0.${i}`, 200 + i)).toBe(200);
    expect(await submit(proxied, cycleId, '192.0.2.50', '198.18.1.1', 300)).toBe(429);
  });

  it('without it, a forged X-Forwarded-For does not escape the limit', async () => {
    const cycleId = await openCycle(direct);
    for (let i = 0; i < SUBMIT_RATE.max; i++) expect(await submit(direct, cycleId, '127.0.0.1', `203.0.113.${i}`, i)).toBe(200);
    expect(await submit(direct, cycleId, '127.0.0.1', '203.0.113.200', 99)).toBe(429);
  });

  it('refuses a setting that is not an address, a range or a named range', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1, nginx' })).toThrow(ConfigError);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1, fd00::/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8, ::1, fd00::/8');
  });
});
