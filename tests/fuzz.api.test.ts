/**
 * Bad input, property-based: every route the server registers (taken from its own OpenAPI
 * document, checked against the router's table so none is missed) gets random path parameters,
 * query strings, headers, content types and bodies — schema-shaped values with one field broken,
 * fc.anything(), raw garbage, huge strings, emoji, CJK, RTL marks, U+0000, lone surrogates — as
 * an anonymous visitor, a staff member and a deputy. Properties: never a 5xx, no request hangs,
 * every 4xx carries {error:{code, messageZh, messageEn}}, and a 4xx changes no row count (checked
 * around every non-GET request, and around each GET route's batch). Then random websocket frames
 * and raw bytes on /api/ws, casts among them: an error reply or nothing, never a crash.
 *
 * FUZZ_RUNS=<n> sets the runs per route (default 14); FUZZ_SEED=<n> replays a run; FUZZ_TIMING=1
 * prints the time each route took.
 */
import net from 'node:net';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, createTestApp, key, userClient, type TestApp } from './helpers/app.ts';
import { castOk, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 14);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const REQUEST_TIMEOUT_MS = 15_000;

type Schema = Record<string, any>;
interface Route {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  body: Schema | null;
}
type Who = 'anonymous' | 'staff' | 'deputy';

let t: TestApp;
let staff: Client;
let deputy: Client;
/** A scrutineer who approves re-issuing the fuzzed deputy's code while a poll is open. */
let approver: Client;
let h: Hall;
let routes: Route[];
let ids: string[];
/** The poll left open: casts over the websocket reach it. */
let openPollId: string;
/** Real ids by table, so a route gets ids of the kind it expects most of the time. */
const idsByTable = new Map<string, string[]>();
let trackingCodes: string[];
let countsSql: string;
/** One connection for the row counts taken around every request. */
let counter: pg.Client;
let cases = 0;
/** Answers by status, to show the fuzzing reaches the handlers and not only the validator. */
const byStatus = new Map<number, number>();
const STAFF_PASSWORD = 'a long enough password';

// ---------------------------------------------------------------------------------------------
// Values

/** Characters that break naive code: NUL, lone surrogates, bidi controls, BOM, emoji, CJK, escapes. */
const EDGE_CHARS = [
  '\u0000', '\ud800', '\udfff', '\u200f', '\u202e', '\u2066', '\ufeff', '\uffff', '\u0085', '\u2028',
  '😀', '👨‍👩‍👧', '🗳️', '中', '票', '𠀀', 'ع', 'א', 'é', 'ß', '\n', '\r', '\t', '\b', '"', "'", '\\',
  '%', '&', '=', '?', '#', '/', '<', '>', ';', '$', '{', '}', '[', ']', ' ',
];
const edgeChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_CHARS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const edgeString = (maxLength = 40, minLength = 0) => fc.string({ unit: edgeChar, minLength, maxLength });
const HUGE = ['x'.repeat(100_000), '中'.repeat(200_000), '😀'.repeat(70_000), '\u0000'.repeat(5000), 'a'.repeat(2 * 1024 * 1024)];
const hugeString = fc.constantFrom(...HUGE);
const wildNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53, 2 ** 31, -(2 ** 31), 0.1, Number.MAX_SAFE_INTEGER + 2),
);
/** Any single JSON value, from a literal to a nested structure. */
const wild = fc.oneof(
  { weight: 12, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5 }) },
  { weight: 8, arbitrary: edgeString() },
  { weight: 4, arbitrary: wildNumber },
  { weight: 4, arbitrary: fc.constantFrom(null, true, false, [], {}, '', ' ', '0', 'null', 'undefined', 'NaN', '__proto__') },
  { weight: 1, arbitrary: hugeString },
);

/** Percent-encodes anything, lone surrogates included (as the invalid UTF-8 a raw client could send). */
function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

const TABLE_OF_SEGMENT: Record<string, string> = {
  polls: 'polls', cycles: 'cycles', sessions: 'sessions', candidates: 'candidates', deputies: 'deputies', proposals: 'proposals',
  projects: 'tracking_projects', milestones: 'tracking_milestones', attachments: 'tracking_attachments', 'collection-points': 'collection_points', users: 'users',
};

/** Real ids of the table a path parameter names (the segment before it), else every real id. */
function idsFor(path: string, param: string): string[] {
  const segment = path.split('/').at(path.split('/').indexOf(`{${param}}`) - 1) ?? '';
  const found = idsByTable.get(TABLE_OF_SEGMENT[segment] ?? '') ?? [];
  return found.length ? found : ids;
}

/** A path parameter: a real id (usually of the right kind), any UUID, or something no route expects (some sent raw). */
const pathValue = (route: Route, param: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...idsFor(route.path, param)).map(encodeSegment) },
    { weight: 2, arbitrary: fc.constantFrom(...ids).map(encodeSegment) },
    { weight: 1, arbitrary: fc.constantFrom(...trackingCodes, 'ABCD-1234').map(encodeSegment) },
    { weight: 2, arbitrary: fc.uuid().map(encodeSegment) },
    { weight: 3, arbitrary: edgeString(60, 1).map(encodeSegment) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%zz', '%FF', '%ED%A0%80', '%00', '%C0%AF', '..', '.', '%2F', '%2e%2e%2f', '00000000-0000-0000-0000-000000000000', 'x'.repeat(5000), '-1', '1e9'),
    },
  );

/** A value for a JSON schema: valid most of the time, with edge-case content where the schema allows. */
function fromSchema(s: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (!s || Object.keys(s).length === 0 || depth > 5) return wild;
  const base = baseFromSchema(s, name, depth);
  return s.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function charClassUnit(pattern: string): fc.Arbitrary<string> | null {
  const m = /^\^\[([^\]]+)\][+*](?:\{[0-9,]+\})?\$$/.exec(pattern);
  if (!m) return null;
  const chars: string[] = [];
  const body = m[1]!;
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) chars.push(String.fromCharCode(c));
      i += 2;
    } else if (body[i] !== '\\') chars.push(body[i]!);
  }
  return chars.length ? fc.constantFrom(...chars) : null;
}

function baseFromSchema(s: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => fromSchema(x, name, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 60, Math.max(min, 60));
      if (s.format === 'uuid') return fc.oneof(fc.constantFrom(...ids), fc.uuid());
      if (s.format === 'date') return fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2026-02-29', '2024-02-29', '0001-01-01', '9999-12-31'));
      if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (/base64/i.test(name)) return base64Payload;
      if (s.pattern) {
        const unit = charClassUnit(s.pattern);
        if (unit) return fc.string({ unit, minLength: Math.max(min, 1), maxLength: Math.max(max, 1) });
        return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity));
      }
      return fc.oneof({ weight: 4, arbitrary: edgeString(max, min) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: max }) });
    }
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
      return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(min, max));
    }
    case 'number': {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1e9;
      const max = s.maximum ?? s.exclusiveMaximum ?? 1e9;
      return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = fromSchema(s.items, name, depth + 1);
      const constraints = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) };
      return s.uniqueItems ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(item, constraints);
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = fromSchema(v, k, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return wild;
  }
}

/** File uploads: base64 of nothing, of random bytes, of a zip header with junk, of awkward text. */
const base64Payload = fc
  .oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(b)])),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.from(b)])),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(b)])),
    fc.array(fc.array(edgeString(12), { maxLength: 6 }), { maxLength: 8 }).map((rows) => Buffer.from(rows.map((r) => r.join(',')).join('\n'))),
    fc.constantFrom(Buffer.from('\ufeff姓名,代表团,座位\n张三,,001\n'), Buffer.from([0xff, 0xfe, 0x41, 0x00]), Buffer.alloc(0)),
  )
  .chain((b) => fc.constantFrom(b.toString('base64'), b.toString('base64url'), `${b.toString('base64')}!`, b.toString('base64').slice(1)));

/** A schema-valid body with one field replaced by something wild (or removed, or an extra key). */
function mutated(s: Schema): fc.Arbitrary<unknown> {
  return fc.tuple(fromSchema(s), wild, fc.nat(), fc.constantFrom('replace', 'delete', 'extra', 'wrap')).map(([v, w, n, how]) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return how === 'wrap' ? [v] : w;
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(s.properties ?? {});
    const k = keys.length ? keys[n % keys.length]! : '__proto__';
    if (how === 'replace') o[k] = w;
    else if (how === 'delete') delete o[k];
    else if (how === 'extra') Object.defineProperty(o, n % 2 ? '__proto__' : `x${n}`, { value: w, enumerable: true });
    else o[k] = [o[k]];
    return o;
  });
}

/** A plausible or implausible ballot for the cast route, whose schema leaves the ballot open. */
function ballot(candidates: string[]): fc.Arbitrary<unknown> {
  const mark = fc.oneof(fc.constantFrom('for', 'against', 'abstain', 'FOR', '', null, 1), wild);
  const cand = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...candidates) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: edgeString(40, 1) });
  return fc.oneof(
    fc.record({ type: fc.constantFrom('approve', 'choose', 'rank', 'rating', 'x'), marks: fc.dictionary(cand, mark, { maxKeys: 6 }) }),
    fc.record({ type: fc.constantFrom('choose', 'approve'), chosen: fc.array(cand, { maxLength: 6 }) }),
    fc.record({ type: fc.constantFrom('rank', 'choose'), ranking: fc.array(cand, { maxLength: 6 }) }),
    fc.record({ type: fc.constant('rating'), grades: fc.dictionary(cand, fc.oneof(fc.constantFrom('satisfied', 'basic', 'dissatisfied', 'abstain'), wild), { maxKeys: 4 }) }),
    wild,
  );
}

type Payload = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

function bodyArb(route: Route): fc.Arbitrary<Payload> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((value): Payload => ({ kind: 'json', value }));
  const schemaValue =
    route.path === '/api/polls/{id}/ballots'
      ? fc.record({ idempotencyKey: fc.oneof(fc.constant(key()), fromSchema(route.body?.properties?.idempotencyKey)), ballot: ballot(h.candidateIds) })
      : fromSchema(route.body ?? undefined);
  const raw = fc.oneof(
    edgeString(80),
    fc.constantFrom('{', '[', '{"a":', 'null', '1e999', '"\\ud800"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '['.repeat(5000), '{"a":'.repeat(2000), '\u0000', '\ufeff{}', '{}garbage', 'a=1&b=2'),
  );
  return fc.oneof(
    { weight: route.body ? 5 : 1, arbitrary: json(schemaValue) },
    { weight: route.body ? 4 : 1, arbitrary: json(route.body ? mutated(route.body) : wild) },
    { weight: 2, arbitrary: json(wild) },
    { weight: 2, arbitrary: raw.map((text): Payload => ({ kind: 'raw', text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Payload => ({ kind: 'bytes', bytes })) },
    { weight: route.method === 'GET' || route.method === 'DELETE' ? 4 : 1, arbitrary: fc.constant<Payload>({ kind: 'none' }) },
  );
}

function queryArb(route: Route): fc.Arbitrary<string> {
  const declared = route.query.map((q) =>
    fc.option(
      fromSchema(q.schema, q.name).map((v) => {
        const vals = Array.isArray(v) ? v : [v];
        return vals.map((x) => `${encodeSegment(q.name)}=${encodeSegment(typeof x === 'string' ? x : JSON.stringify(x) ?? '')}`).join('&');
      }),
      { nil: '' },
    ),
  );
  const extra = fc.array(fc.tuple(edgeString(10, 1), fc.oneof(edgeString(20), wild.map((w) => JSON.stringify(w) ?? ''))), { maxLength: 3 }).map((kv) => kv.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&'));
  const junk = fc.constantFrom('', '', '', '%', '&&&', '=x', 'a[b]=c', '__proto__[x]=1', 'constructor[prototype][x]=1', 'limit=-1', 'limit=1e9', 'q=' + 'x'.repeat(5000), 'asOf=2026-13-45', 'asOf=%00');
  return fc.tuple(fc.tuple(...declared), extra, junk).map(([d, e, j]) => [...d, e, j].filter(Boolean).join('&'));
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'text/html',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/octet-stream', 'application/xml',
  'application/json, text/plain', ';;;', 'application/vnd.api+json', '*/*',
];
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ''));
interface Hdr {
  contentType: string | null;
  csrf: boolean;
  cookie: string;
  extra: Record<string, string>;
}
const headersArb: fc.Arbitrary<Hdr> = fc.record({
  contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: headerValue }, { weight: 1, arbitrary: fc.constant(null) }),
  csrf: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  cookie: fc.oneof({ weight: 10, arbitrary: fc.constant('principal') }, { weight: 1, arbitrary: headerValue.map((v) => `pj_session=${v}`) }, { weight: 1, arbitrary: fc.constantFrom(`pj_session=${'a'.repeat(5000)}`, 'pj_session=', 'pj_session=%00', '=;=;', 'pj_session=a; pj_session=b') }),
  extra: fc.dictionary(fc.constantFrom('accept', 'accept-language', 'accept-encoding', 'origin', 'referer', 'user-agent', 'x-forwarded-for', 'if-none-match', 'range', 'x-requested-with', 'authorization'), headerValue, { maxKeys: 3 }),
});

// ---------------------------------------------------------------------------------------------
// The server's routes

/** Every route in the router's own table, from printRoutes' tree (method names per path). */
function routerTable(text: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (m[3]) for (const method of m[3].split(', ')) out.push({ method, path: stack.join('') });
  }
  return out;
}

function routesFromOpenApi(doc: any): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (op.parameters ?? []) as { in: string; name: string; schema: Schema }[];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Requests and checks

function cookieOf(who: Who): string | undefined {
  if (who === 'staff') return staff.cookie;
  if (who === 'deputy') return deputy.cookie;
  return undefined;
}

/** Login and session routes act on the caller's own session; they are fuzzed anonymously. */
const ANONYMOUS_ONLY = new Set(['/api/auth/login', '/api/auth/deputy-login', '/api/auth/logout', '/api/auth/logout-all', '/api/setup']);

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

function buildRequest(route: Route, who: Who, params: string[], query: string, hdr: Hdr, body: Payload): Sent {
  let url = route.path;
  route.pathParams.forEach((p, i) => (url = url.replace(`{${p}}`, params[i]!)));
  if (query) url += `?${query}`;
  const headers: Record<string, string> = { ...hdr.extra };
  if (hdr.cookie !== 'principal') headers.cookie = hdr.cookie;
  else if (cookieOf(who)) headers.cookie = `pj_session=${cookieOf(who)}`;
  if (hdr.csrf) headers['x-piaojue-csrf'] = '1';
  let payload: string | Buffer | undefined;
  if (body.kind === 'json') payload = JSON.stringify(body.value) ?? 'null';
  else if (body.kind === 'raw') payload = body.text;
  else if (body.kind === 'bytes') payload = Buffer.from(body.bytes);
  if (payload !== undefined && hdr.contentType) headers['content-type'] = hdr.contentType;
  return { method: route.method, url, headers, ...(payload !== undefined ? { payload } : {}) };
}

const describeSent = (s: Sent) =>
  JSON.stringify({ ...s, payload: typeof s.payload === 'string' ? s.payload.slice(0, 600) : s.payload ? `<${s.payload.length} bytes>` : undefined }).slice(0, 1500);

async function rowCounts(): Promise<Record<string, number>> {
  return (await counter.query(countsSql)).rows[0].counts;
}

async function send(s: Sent) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`request hung for ${REQUEST_TIMEOUT_MS} ms: ${describeSent(s)}`)), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([t.app.inject({ method: s.method as 'GET', url: s.url, headers: s.headers, ...(s.payload !== undefined ? { payload: s.payload } : {}) }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkErrorBody(status: number, text: string, s: Sent) {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${status} without a JSON body (${text.slice(0, 200)}) for ${describeSent(s)}`);
  }
  const e = body?.error;
  if (!e || typeof e.code !== 'string' || typeof e.messageZh !== 'string' || !e.messageZh || typeof e.messageEn !== 'string' || !e.messageEn) {
    throw new Error(`${status} without {error:{code,messageZh,messageEn}}: ${text.slice(0, 300)} for ${describeSent(s)}`);
  }
}

function diffCounts(a: Record<string, number>, b: Record<string, number>) {
  return Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k]} → ${b[k]}`);
}

/** One request with every property checked; returns its status. */
async function probe(s: Sent): Promise<number> {
  cases++;
  const before = s.method === 'GET' ? null : await rowCounts();
  const res = await send(s);
  byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
  if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)} for ${describeSent(s)}`);
  if (res.statusCode >= 400) {
    checkErrorBody(res.statusCode, res.body, s);
    if (before) {
      const changed = diffCounts(before, await rowCounts());
      if (changed.length) throw new Error(`${res.statusCode} ${JSON.parse(res.body).error.code} yet rows changed (${changed.join(', ')}) for ${describeSent(s)}`);
    }
  }
  return res.statusCode;
}

/** Puts back the staff and deputy logins if a fuzzed request ended them (e.g. a revoked code). */
async function ensurePrincipals() {
  if ((await staff.get('/api/auth/me')).body?.kind !== 'user') {
    const r = await staff.post('/api/auth/login', { username: 'staff1', password: STAFF_PASSWORD });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  if ((await deputy.get('/api/auth/me')).body?.kind !== 'deputy') {
    // A poll is open: a new code needs a second person's approval (dual control).
    const deputyId = h.deputies[0]!.id;
    const ask = await staff.post(`/api/sessions/${h.sessionId}/confirmations`, { action: 'issue_code', deputyId, reason: '测试：恢复代表登录' });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    expect((await approver.post(`/api/confirmations/${ask.body.id}/approve`, {})).status).toBe(200);
    const codes = await staff.post(`/api/sessions/${h.sessionId}/codes`, { deputyIds: [deputyId], confirmationId: ask.body.id });
    expect(codes.status, JSON.stringify(codes.body)).toBe(200);
    const r = await deputy.post('/api/auth/deputy-login', { code: codes.body[0].code });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'warn' });
  let admin: Client;
  ({ admin, staff } = await staffPair(t));
  approver = await userClient(t, admin, 'approver', ['scrutineer']);
  h = await hall(t, staff, { candidates: 4, deputies: 5, cycle: { chooseN: 2 } });
  deputy = h.deputies[0]!.client;
  // A certified poll (results, trackers, exports, tracking) and an open one (casts).
  const done = await openPoll(staff, h.sessionId);
  for (const d of h.deputies.slice(0, 3)) await castOk(d.client, done, { type: 'approve', marks: { [h.candidateIds[0]!]: 'for', [h.candidateIds[1]!]: 'for' } });
  expect((await staff.post(`/api/polls/${done}/close`)).status).toBe(200);
  expect((await staff.post(`/api/polls/${done}/certify`)).body.status).toBe('certified');
  expect((await staff.post(`/api/cycles/${h.cycleId}/tracking/init`)).status).toBe(200);
  openPollId = await openPoll(staff, h.sessionId);
  // Proposals give the proposal routes real ids to work on.
  const point = await staff.post(`/api/cycles/${h.cycleId}/collection-points`, { name: '市民中心' });
  expect(point.status, JSON.stringify(point.body)).toBe(200);
  const proposal = await staff.post(`/api/cycles/${h.cycleId}/proposals`, { title: '增设公交站台', content: '在人民路增设公交站台', area: '交通出行', channel: 'hotline' });
  expect(proposal.status, JSON.stringify(proposal.body)).toBe(200);

  const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(doc.statusCode).toBe(200);
  routes = routesFromOpenApi(doc.json());

  await withPg(t.url, async (c) => {
    const { rows: cols } = await c.query<{ table_name: string }>(
      `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'id' and data_type = 'uuid' order by 1`,
    );
    ids = [];
    for (const { table_name } of cols) {
      const found = (await c.query(`select id::text from "${table_name}" limit 3`)).rows.map((r) => r.id as string);
      idsByTable.set(table_name, found);
      ids.push(...found);
    }
    trackingCodes = (await c.query(`select tracking_code from proposals limit 3`)).rows.map((r) => r.tracking_code as string);
    // A refused login is counted in login_failures on purpose (the back-off, tests/login-limits).
    const { rows: tables } = await c.query<{ t: string }>(`select relname as t from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and relname <> 'login_failures' order by 1`);
    // The countdown sweeper may close a poll a fuzzed request opened with a countdown: its audit entry is not the request's.
    const count = (name: string) => (name === 'audit_log' ? `(select count(*) from audit_log where actor <> 'system:countdown')` : `(select count(*) from "${name}")`);
    countsSql = `select json_build_object(${tables.map(({ t: name }) => `'${name}', ${count(name)}`).join(', ')}) as counts`;
  });
  counter = new pg.Client({ connectionString: t.url });
  await counter.connect();
}, 120_000);

afterAll(async () => {
  await counter?.end();
  await t?.close();
});

describe('bad input on every route', () => {
  it('the OpenAPI document lists every route the router has', () => {
    const table = routerTable(t.app.printRoutes({ commonPrefix: false }))
      .filter((r) => r.path.startsWith('/api/') && !r.path.startsWith('/api/docs') && r.path !== '/api/ws' && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(table.length).toBeGreaterThan(50);
    expect(table.filter((r) => !documented.has(r))).toEqual([]);
    expect(routes.length).toBe(new Set(table).size);
  });

  it('never answers 5xx, always with the error shape on 4xx, and changes nothing on 4xx', async () => {
    const failures: string[] = [];
    const started = Date.now();
    for (const route of routes) {
      const whoArb = ANONYMOUS_ONLY.has(route.path)
        ? fc.constant<Who>('anonymous')
        : fc.oneof({ weight: 1, arbitrary: fc.constant<Who>('anonymous') }, { weight: 3, arbitrary: fc.constant<Who>('staff') }, { weight: 2, arbitrary: fc.constant<Who>('deputy') });
      const statuses: number[] = [];
      const routeStarted = Date.now();
      const before = route.method === 'GET' ? await rowCounts() : null;
      try {
        await fc.assert(
          fc.asyncProperty(
            whoArb,
            fc.tuple(...route.pathParams.map((p) => pathValue(route, p))),
            queryArb(route),
            headersArb,
            bodyArb(route),
            async (who, params, query, hdr, body) => {
              statuses.push(await probe(buildRequest(route, who, params, query, hdr, body)));
            },
          ),
          { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: false, interruptAfterTimeLimit: 20_000 },
        );
      } catch (err) {
        // The seed (to replay with FUZZ_SEED), the shrunk counterexample, and what the server answered.
        const e = err as Error & { cause?: unknown };
        const lines = e.message.split('\n').filter((l) => /seed|Counterexample|Got error/.test(l));
        if (e.cause instanceof Error) lines.push(e.cause.message);
        failures.push(`${route.method} ${route.path}:\n  ${lines.join('\n  ').slice(0, 3000)}`);
      }
      if (before && statuses.every((s) => s >= 400)) {
        const changed = diffCounts(before, await rowCounts());
        if (changed.length) failures.push(`${route.method} ${route.path}: only 4xx answers, yet rows changed (${changed.join(', ')})`);
      }
      await ensurePrincipals();
      expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      if (process.env.FUZZ_TIMING) console.log(`${route.method} ${route.path} ${Date.now() - routeStarted} ms`);
    }
    console.log(`fuzz: ${cases} requests over ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s; by status ${JSON.stringify(Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])))}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(t.logs()).not.toMatch(/unhandled error/);
  }, 60_000 + RUNS * 25_000);

  it('random websocket frames get an error reply or nothing, and never crash the server', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as net.AddressInfo).port;
    const url = `ws://127.0.0.1:${port}/api/ws`;
    const KNOWN = new Set(['hello', 'pong', 'error', 'snapshot', 'event', 'cast']);
    const topic = fc.oneof(
      fc.constantFrom(`hall:${h.sessionId}`, `staff:${h.sessionId}`, `hall:${ids[0]}`, 'hall:', 'staff:x', ''),
      edgeString(50),
      wild,
    );
    // Casts over the socket: real and broken refs, polls, keys and ballots.
    const cast = fc.record(
      {
        type: fc.constant('cast'),
        ref: fc.oneof(fc.constantFrom('r1', 'x'.repeat(64), 'x'.repeat(65), ''), edgeString(70), wild),
        pollId: fc.oneof(fc.constantFrom(openPollId, ids[0]!, '00000000-0000-4000-8000-000000000000'), edgeString(40), wild),
        idempotencyKey: fc.oneof(fc.constant(key()), edgeString(70), wild),
        ballot: fc.oneof(
          fc.record({ type: fc.constantFrom('approve', 'choose', 'rank'), marks: fc.dictionary(fc.oneof(fc.constantFrom(...h.candidateIds), edgeString(40)), fc.oneof(fc.constantFrom('for', 'against', 'abstain'), wild)) }),
          wild,
        ),
      },
      { requiredKeys: ['type'] },
    );
    const message = fc.oneof(
      fc.record({ type: fc.constantFrom('subscribe', 'unsubscribe', 'resync', 'ping'), topic, t: wild }, { requiredKeys: ['type'] }),
      cast,
      fc.record({ type: wild, topic: wild }),
      wild,
    );
    const frame = fc.oneof(
      { weight: 5, arbitrary: message.map((m) => ({ text: JSON.stringify(m) ?? 'null' })) },
      { weight: 2, arbitrary: edgeString(100).map((text) => ({ text })) },
      { weight: 1, arbitrary: fc.constantFrom(4097, 8000, 9000, 100_000).map((n) => ({ text: 'x'.repeat(n) })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => ({ binary: Buffer.from(b) })) },
    );
    let frames = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Who>('anonymous', 'staff', 'deputy'), fc.array(frame, { minLength: 1, maxLength: 6 }), async (who, list) => {
        const cookie = cookieOf(who);
        const ws = new WebSocket(url, cookie ? { headers: { cookie: `pj_session=${cookie}` } } : {});
        const got: any[] = [];
        let closed = false;
        ws.on('message', (raw) => {
          try {
            got.push(JSON.parse(raw.toString()));
          } catch {
            got.push({ type: 'not JSON', raw: raw.toString().slice(0, 200) });
          }
        });
        ws.on('close', () => (closed = true));
        ws.on('error', () => undefined);
        await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
        for (const f of list) {
          frames++;
          if (ws.readyState !== WebSocket.OPEN) break;
          ws.send('binary' in f ? f.binary! : f.text!);
        }
        // A ping after the noise: answered unless the server closed an over-long frame's connection.
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', t: 4242 }));
        const deadline = Date.now() + 5000;
        while (!closed && !got.some((m) => m.type === 'pong' && m.t === 4242) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const overLong = list.some((f) => 'text' in f && f.text!.length > 8192);
        if (!overLong) expect(got.some((m) => m.type === 'pong' && m.t === 4242), JSON.stringify({ who, list: list.map((f) => ('text' in f ? f.text!.slice(0, 200) : '<binary>')), got }).slice(0, 2000)).toBe(true);
        for (const m of got) expect(KNOWN.has(m.type), JSON.stringify(m).slice(0, 300)).toBe(true);
        // A cast is answered with a receipt or a 4xx in both languages, never a server error.
        for (const m of got.filter((x) => x.type === 'cast')) {
          if (m.ok) expect(typeof m.receipt, JSON.stringify(m)).toBe('string');
          else expect(m.status >= 400 && m.status < 500 && m.error.messageZh && m.error.messageEn, JSON.stringify(m).slice(0, 300)).toBeTruthy();
        }
        ws.terminate();
      }),
      { numRuns: Math.max(20, RUNS * 4), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );

    // Raw bytes after a real upgrade: broken frame headers, unmasked frames, absurd lengths.
    const garbage = [
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // unmasked text frame
      Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), // 2^63-byte frame
      Buffer.from([0xf1, 0x80, 1, 2, 3, 4]), // RSV bits set
      Buffer.from([0x09, 0xfe, 0x01, 0x00, 1, 2, 3, 4]), // fragmented ping
      Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)),
    ];
    for (const g of garbage) {
      const sock = net.connect(port, '127.0.0.1');
      let reply = '';
      // Reading keeps the socket flowing, so the server's close reaches us.
      sock.on('data', (d) => (reply += d.toString('latin1')));
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write(
        `GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      await new Promise((r) => setTimeout(r, 50));
      sock.write(g);
      sock.on('error', () => undefined);
      const closedByServer = await new Promise<boolean>((r) => {
        sock.once('close', () => r(true));
        setTimeout(() => (sock.destroy(), r(false)), 3000);
      });
      expect(reply.startsWith('HTTP/1.1 101'), reply.slice(0, 200)).toBe(true);
      // The protocol violation fails the connection (close code 1002 or 1009), promptly.
      expect(closedByServer, `${g.subarray(0, 4).toString('hex')}: ${JSON.stringify(reply.slice(-40))}`).toBe(true);
      frames++;
    }
    // Still serving: HTTP, and a fresh websocket gets its hello and a snapshot.
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const ws = new WebSocket(url);
    const snap = await new Promise<any>((resolve, reject) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString());
        if (m.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', topic: `hall:${h.sessionId}` }));
        if (m.type === 'snapshot') resolve(m);
      });
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no snapshot')), 5000);
    });
    expect(snap.data.kind).toBe('hall');
    ws.terminate();
    console.log(`fuzz: ${frames} websocket frames and raw byte sequences`);
    expect(t.logs()).not.toMatch(/unhandled error/);
  }, 120_000);
});
