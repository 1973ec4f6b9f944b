// Login codes are stored as HMAC-SHA-256 under a key kept outside the database, so a stolen
// backup cannot be searched for the ~49-bit codes offline. With no setup the key is a file under
// DATA_DIR made on first start (0600); codes stored before keyed hashing work until reissued.
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLoginCodeKey, LOGIN_CODE_KEY_FILE } from '../server/src/auth/login-codes.ts';
import { Client, createTestApp, type TestApp } from './helpers/app.ts';
import { scenario, type Scenario, withPg } from './helpers/world.ts';

let t: TestApp;
let s: Scenario;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-codes-'));
  t = await createTestApp({ DATA_DIR: path.join(dataDir, 'fresh') });
  s = await scenario(t, { candidates: 4, deputies: 3 });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const stored = (deputyId: string) => withPg(t.url, async (c) => (await c.query(`select login_code_hash from deputies where id = $1`, [deputyId])).rows[0].login_code_hash as string);
const plain = (code: string) => code.replace(/-/g, '');

describe('login codes at rest', () => {
  it('keeps a keyed hash under a key file made at first start, readable by the server user only', async () => {
    const file = path.join(dataDir, 'fresh', LOGIN_CODE_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    const d = s.deputies[0]!;
    const value = await stored(d.id);
    expect(value).not.toBe(createHash('sha256').update(plain(d.code)).digest('hex'));
    expect(value).toBe(`k1:${createHmac('sha256', key).update(plain(d.code)).digest('hex')}`);
    // Nothing in the database is the code or its plain hash.
    const dump = await withPg(t.url, async (c) => JSON.stringify((await c.query(`select * from deputies`)).rows));
    expect(dump).not.toContain(plain(d.code));
    expect(dump).not.toContain(createHash('sha256').update(plain(d.code)).digest('hex'));
  });

  it('accepts a code stored the old way (plain SHA-256) until it is reissued', async () => {
    const d = s.deputies[1]!;
    await withPg(t.url, (c) => c.query(`update deputies set login_code_hash = $2 where id = $1`, [d.id, createHash('sha256').update(plain(d.code)).digest('hex')]));
    expect((await new Client(t.app).post('/api/auth/deputy-login', { code: d.code.toLowerCase() })).status).toBe(200);
    const again = await s.staff.post(`/api/sessions/${s.sessionId}/codes`, { deputyIds: [d.id] });
    expect(again.status).toBe(200);
    expect(await stored(d.id)).toMatch(/^k1:[0-9a-f]{64}$/);
    expect((await new Client(t.app).post('/api/auth/deputy-login', { code: d.code })).status).toBe(401);
    expect((await new Client(t.app).post('/api/auth/deputy-login', { code: again.body[0].code })).status).toBe(200);
  });

  it('reads the same key file on every start, and prefers LOGIN_CODE_KEY when set (no file then)', () => {
    const dir = path.join(dataDir, 'again');
    const first = loadLoginCodeKey({ dataDir: dir });
    expect(loadLoginCodeKey({ dataDir: dir }).equals(first)).toBe(true);
    const envDir = path.join(dataDir, 'env');
    const fromEnv = loadLoginCodeKey({ dataDir: envDir, LOGIN_CODE_KEY: 'x'.repeat(40) });
    expect(fromEnv.toString()).toBe('x'.repeat(40));
    expect(fs.existsSync(envDir)).toBe(false);
  });
});
