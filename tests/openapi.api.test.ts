/**
 * The API contract (server/src/lib/openapi.ts): what the document at /api/docs/json promises for
 * every operation, the explorer's headers, and the response checker that holds every API test's
 * answers to the document (helpers/contract.ts) — shown here to catch what it must catch.
 * `pnpm lint:api` lints the same document with Redocly's recommended rules (CI runs it).
 */
import { checkShortlist, type BallotBody, type Shortlist } from '@piaojue/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, defaultCycle, ok, type TestApp } from './helpers/app.ts';
import { contractChecker, type OpenApi } from './helpers/contract.ts';
import { castOk, hall, openPoll, staffPair } from './helpers/world.ts';

type Operation = {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

let t: TestApp;
let doc: OpenApi & { servers: { url: string }[]; info: { license?: { name: string } }; paths: Record<string, Record<string, Operation>> };
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://piaojue.example.gov.cn' });
  const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await t?.close();
});

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
const fastifyUrl = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

describe('the API document', () => {
  it('names the public address, a license and the error body once', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://piaojue.example.gov.cn' })]);
    expect(doc.info.license?.name).toBe('MIT');
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('documents every /api route: operationId, summary, security from its roles, 4xx with the error body, the CSRF header on writes', () => {
    const ops = operations();
    const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${fastifyUrl(o.path)}`));
    const routes = t.app.routeRoles.filter((r) => r.url !== '/api/ws');
    expect(routes.length).toBeGreaterThan(80);
    for (const r of routes) expect(documented.has(`${r.method} ${r.url}`), `${r.method} ${r.url} is in the document`).toBe(true);

    const ids = new Set<string>();
    for (const { method, path, op } of ops) {
      const name = `${method} ${path}`;
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(ids.has(op.operationId!), `${name}: operationId unique`).toBe(false);
      ids.add(op.operationId!);
      expect(op.summary, `${name}: a summary in Chinese · English`).toMatch(/\p{Script=Han}.*·.*[A-Za-z]/u);
      const roles = t.app.routeRoles.find((r) => r.method === method.toUpperCase() && r.url === fastifyUrl(path))!.roles;
      expect(op.security, name).toEqual(roles.includes('public') ? [] : [{ cookie: [] }]);
      const fours = Object.keys(op.responses).filter((c) => c.startsWith('4'));
      expect(fours, name).toContain('400');
      if (!roles.includes('public')) expect(fours, name).toEqual(expect.arrayContaining(['401', '403']));
      for (const c of fours) expect(op.responses[c]!.content?.['application/json']?.schema?.$ref, `${name} ${c}`).toBe('#/components/schemas/Error');
      const csrf = op.parameters?.find((p) => p.in === 'header' && p.name === 'x-piaojue-csrf');
      if (method === 'get') expect(csrf, name).toBeUndefined();
      else expect(csrf?.required, `${name} declares the CSRF header`).toBe(true);
    }
  });

  it('types the ballot: one shape per ballot type, and the packed encrypted ballot, not {}', () => {
    const body = doc.paths['/api/polls/{id}/ballots']!.post!.requestBody!.content['application/json']!.schema as {
      properties: { ballot: { anyOf?: { properties: { type?: { enum: string[] }; encrypted?: { type: string; pattern: string } } }[] } };
    };
    const shapes = body.properties.ballot.anyOf ?? [];
    const types = shapes.flatMap((b) => (b.properties.type ? [b.properties.type.enum[0]] : []));
    expect(types.sort()).toEqual(['approve', 'choose', 'rank', 'rating']);
    const encrypted = shapes.filter((b) => b.properties.encrypted);
    expect(encrypted).toHaveLength(1);
    expect(encrypted[0]!.properties.encrypted).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]+$' });
    expect(shapes).toHaveLength(5);
  });

  it('the explorer runs under the app’s own CSP: no framing, scripts from self only', async () => {
    const csp = (await t.app.inject({ method: 'GET', url: '/api/health' })).headers['content-security-policy'];
    for (const url of ['/api/docs', '/api/docs/static/index.html', '/api/docs/json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      expect(res.headers['content-security-policy'], url).toBe(csp);
    }
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('the response checker', () => {
  it('passes the real answers and catches a wrong body, an undocumented status or content type, and an unknown route', async () => {
    const check = contractChecker(doc);
    const health = await new Client(t.app).get('/api/health');
    expect(check('GET', '/api/health', 200, 'application/json; charset=utf-8', JSON.stringify(health.body))).toBeNull();
    expect(check('GET', '/api/health', 200, 'application/json', JSON.stringify({ ok: 'yes' }))).toMatch(/does not match/);
    expect(check('GET', '/api/health', 200, 'text/html', '<p>')).toMatch(/content type/);
    expect(check('GET', '/api/health', 302, 'application/json', '{}')).toMatch(/status not documented/);
    expect(check('GET', '/api/polls/:id', 404, 'application/json', JSON.stringify({ message: 'nope' }))).toMatch(/does not match/);
    expect(check('GET', '/api/polls/:id', 409, 'application/json', JSON.stringify({ error: { code: 'NOT_A_CODE', message: '', messageZh: '', messageEn: '' } }))).toMatch(/does not match/);
    expect(check('GET', '/api/no-such-route', 200, 'application/json', '{}')).toMatch(/not in the API document/);
    expect(check('GET', '/api/polls/:id/export.csv', 200, 'text/csv; charset=utf-8', 'a,b')).toBeNull();
    expect(check('GET', '/api/polls/:id/export.csv', 200, 'application/json', '{}')).toMatch(/content type/);
  });

  it('holds the cycle archive and the shortlist check to the schemas of what the server sends', async () => {
    const check = contractChecker(doc);
    const { staff } = await staffPair(t);
    const h = await hall(t, staff, { deputies: 3, candidates: 4 });
    const pollId = await openPoll(staff, h.sessionId);
    const approve = (...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'against'])) });
    for (const [i, b] of [approve(0, 1), approve(0, 2), approve(1)].entries()) await castOk(h.deputies[i]!.client, pollId, b);
    expect((await staff.post(`/api/polls/${pollId}/close`)).status).toBe(200);

    // the archive: a JSON document with a schema, not a file any JSON passes for
    const download = await t.app.inject({ method: 'GET', url: `/api/cycles/${h.cycleId}/archive`, headers: { cookie: `pj_session=${staff.cookie}` } });
    expect(download.statusCode).toBe(200);
    const type = String(download.headers['content-type']);
    expect(check('GET', '/api/cycles/:id/archive', 200, type, download.body)).toBeNull();
    const archive = JSON.parse(download.body) as { format: string; sessions: { deputies: Record<string, unknown>[] }[]; polls: { box: unknown[]; roll: Record<string, unknown>[] }[] };
    expect(archive.polls[0]!.box).toHaveLength(3);
    const wrong = (change: (a: typeof archive) => void) => {
      const a = structuredClone(archive);
      change(a);
      return check('GET', '/api/cycles/:id/archive', 200, type, JSON.stringify(a));
    };
    expect(wrong((a) => (a.format = 'piaojue-cycle-archive/4'))).toMatch(/does not match/);
    expect(wrong((a) => (a.polls = [{ box: [] }] as never))).toMatch(/does not match/);
    // the rows chosen column by column are closed: a deputy's phone or a roll's key would break the contract
    expect(wrong((a) => (a.sessions[0]!.deputies[0]!.phone = '13800000000'))).toMatch(/does not match/);
    expect(wrong((a) => (a.polls[0]!.roll[0]!.key_hash = 'x'))).toMatch(/does not match/);

    // the shortlist's 差额 check carries the shared verdict whole: status and widened too
    const shortlist = ok(await staff.read<Shortlist>(`/api/cycles/${h.cycleId}/shortlist`));
    const c = shortlist.check;
    expect(c).toMatchObject({ candidates: 4, places: defaultCycle.chooseN });
    const verdict = checkShortlist(c.candidates, c.places, c.minExtraRatio, c.maxExtraRatio);
    expect(shortlist.check).toMatchObject({ status: verdict.status, widened: verdict.widened, ok: verdict.status === 'ok', minCandidates: verdict.minCandidates, maxCandidates: verdict.maxCandidates });
    expect(check('GET', '/api/cycles/:id/shortlist', 200, 'application/json; charset=utf-8', JSON.stringify(shortlist))).toBeNull();
    for (const field of ['status', 'widened'] as const) {
      const { [field]: _, ...without } = shortlist.check;
      expect(check('GET', '/api/cycles/:id/shortlist', 200, 'application/json', JSON.stringify({ ...shortlist, check: without })), field).toMatch(/does not match/);
    }
  });
});
