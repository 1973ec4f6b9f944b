/**
 * Hostile and broken requests: each gets a 4xx with the standard bilingual error body, and a
 * refused request changes nothing in the database. Also the access rules: CSRF header,
 * anonymous, deputy on staff routes, staff without the presidium role.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, defaultCycle, key, userClient, type TestApp } from './helpers/app.ts';
import { expectErrorBody, hall, snapshot, staffPair, type Hall } from './helpers/world.ts';

let t: TestApp;
let admin: Client;
let staff: Client;
let clerk: Client; // staff without 'presidium'
let h: Hall;
let other: Hall; // a second session, for a deputy who does not sit in h
let openPollId: string;
let closedPollId: string;
let draftCycleId: string;
let draftCandidateId: string;
let freezableCycleId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, staff } = await staffPair(t));
  clerk = await userClient(t, admin, 'clerk', ['staff']);
  h = await hall(t, staff, { candidates: 4, deputies: 4, cycle: { chooseN: 2 } });
  other = await hall(t, staff, { candidates: 3, deputies: 2, cycle: { chooseN: 1, name: '另一个年度' } });
  // a closed poll (for certification), then an open one (for ballots)
  const p1 = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  closedPollId = p1.body.id;
  expect((await staff.post(`/api/polls/${closedPollId}/open`, {})).status).toBe(200);
  expect((await h.deputies[0]!.client.post(`/api/polls/${closedPollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks: { [h.candidateIds[0]!]: 'for' } } })).status).toBe(200);
  expect((await staff.post(`/api/polls/${closedPollId}/close`)).status).toBe(200);
  const p2 = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  openPollId = p2.body.id;
  expect((await staff.post(`/api/polls/${openPollId}/open`, {})).status).toBe(200);
  // an unfrozen cycle, whose candidates may still be edited
  const c = await staff.post('/api/cycles', { ...defaultCycle, name: '草稿年度' });
  draftCycleId = c.body.id;
  draftCandidateId = (await staff.post(`/api/cycles/${draftCycleId}/candidates`, { name: '草稿项目' })).body.id;
  // an unfrozen cycle that could be frozen (more candidates than places)
  freezableCycleId = (await staff.post('/api/cycles', { ...defaultCycle, name: '可冻结年度', chooseN: 1 })).body.id;
  for (const name of ['项目一', '项目二']) expect((await staff.post(`/api/cycles/${freezableCycleId}/candidates`, { name })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

type Who = 'staff' | 'admin' | 'clerk' | 'deputy' | 'otherDeputy' | 'anonymous';
interface Probe {
  what: string;
  who?: Who;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string | (() => string);
  /** an object is sent as JSON; a string or Buffer as is */
  body?: unknown;
  contentType?: string;
  csrf?: boolean;
  status: number | number[];
  code?: string;
}

function cookieOf(who: Who): string | undefined {
  switch (who) {
    case 'staff':
      return staff.cookie;
    case 'admin':
      return admin.cookie;
    case 'clerk':
      return clerk.cookie;
    case 'deputy':
      return h.deputies[1]!.client.cookie;
    case 'otherDeputy':
      return other.deputies[0]!.client.cookie;
    case 'anonymous':
      return undefined;
  }
}

async function send(p: Probe) {
  const cookie = cookieOf(p.who ?? 'staff');
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = `pj_session=${cookie}`;
  if (p.csrf ?? p.method !== 'GET') headers['x-piaojue-csrf'] = '1';
  let payload: string | Buffer | undefined;
  if (p.body !== undefined) {
    if (typeof p.body === 'string' || Buffer.isBuffer(p.body)) {
      payload = p.body;
      headers['content-type'] = p.contentType ?? 'application/json';
    } else {
      payload = JSON.stringify(p.body);
      headers['content-type'] = p.contentType ?? 'application/json';
    }
  }
  const url = typeof p.url === 'function' ? p.url() : p.url;
  const res = await t.app.inject({ method: p.method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // checked below
  }
  return { status: res.statusCode, body };
}

/** What is wrong with the answer to a probe, or null when it is as expected. */
async function problem(p: Probe): Promise<string | null> {
  const r = await send(p);
  const allowed = Array.isArray(p.status) ? p.status : [p.status];
  const seen = `${p.what}: got ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
  if (!allowed.includes(r.status)) return `${seen} (expected ${allowed.join('/')})`;
  try {
    expectErrorBody(r.body, p.code);
  } catch {
    return `${seen} (expected the standard error body${p.code ? ` with ${p.code}` : ''})`;
  }
  return null;
}

/**
 * Sends every probe and lists every one that was not answered as expected. A soft assertion, so
 * the database comparison that follows is still checked and reported.
 */
async function expectProbes(list: Probe[]) {
  const problems: string[] = [];
  for (const p of list) {
    const x = await problem(p);
    if (x) problems.push(x);
  }
  expect.soft(problems).toEqual([]);
}

const R = randomUUID();
const csvB64 = Buffer.from('姓名,代表团,座位\n甲,一团,1\n').toString('base64');
const cycleBody = (over: Record<string, unknown>) => ({ ...defaultCycle, ...over });

function probes(): Probe[] {
  const poll = openPollId;
  const A = h.candidateIds[0]!;
  return [
    // --- malformed bodies
    { what: 'truncated JSON', method: 'POST', url: '/api/cycles', body: '{"level":"city","name":', status: 400, code: 'BAD_REQUEST' },
    { what: 'not JSON at all', method: 'POST', url: '/api/sessions', body: 'cycleId=1&name=x', status: 400, code: 'BAD_REQUEST' },
    { what: 'empty JSON body', method: 'POST', url: `/api/cycles/${draftCycleId}/candidates`, body: '', status: 400 },
    { what: 'JSON null', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: 'null', status: 400 },
    { what: 'JSON array', method: 'POST', url: '/api/cycles', body: '[1,2,3]', status: 400, code: 'VALIDATION' },
    { what: 'a string', method: 'POST', url: '/api/sessions', body: '"hello"', status: 400, code: 'VALIDATION' },
    { what: 'truncated ballot', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: '{"idempotencyKey":"kkkkkkkkkkkkkkkkkkkk","ballot":{"type":"approve","marks":{', status: 400, code: 'BAD_REQUEST' },
    { what: 'duplicate keys / prototype pollution', method: 'POST', url: '/api/cycles', body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', status: 400 },
    // --- wrong content type
    { what: 'xml', method: 'POST', url: '/api/cycles', body: '<cycle/>', contentType: 'application/xml', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { what: 'form', method: 'POST', url: '/api/sessions', body: 'cycleId=x&name=y', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { what: 'multipart', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: '--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--', contentType: 'multipart/form-data; boundary=b', status: 415 },
    { what: 'text/plain JSON', method: 'POST', url: '/api/cycles', body: JSON.stringify(cycleBody({})), contentType: 'text/plain', status: [400, 415] },
    { what: 'text/plain ballot', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: JSON.stringify({ idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }), contentType: 'text/plain', status: [400, 415] },
    // --- oversized
    { what: '> 1 MiB', method: 'POST', url: '/api/cycles', body: JSON.stringify(cycleBody({ name: 'x'.repeat(1024 * 1024 + 10) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { what: 'ballot > 128 KiB', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: JSON.stringify({ idempotencyKey: key(), ballot: { type: 'approve', marks: {}, pad: 'x'.repeat(140_000) } }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { what: 'roster > 12 MiB', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: JSON.stringify({ fileName: 'a.csv', contentBase64: 'A'.repeat(12 * 1024 * 1024 + 100) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { what: 'roster base64 over its schema limit', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: { fileName: 'a.csv', contentBase64: 'A'.repeat(8_000_004) }, status: 400, code: 'VALIDATION' },
    // --- missing fields
    { what: 'cycle without fields', method: 'POST', url: '/api/cycles', body: {}, status: 400, code: 'VALIDATION' },
    { what: 'session without cycleId', method: 'POST', url: '/api/sessions', body: { name: '会议' }, status: 400, code: 'VALIDATION' },
    { what: 'ballot without key', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { ballot: { type: 'approve', marks: {} } }, status: 400, code: 'VALIDATION' },
    { what: 'roster without content', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: { fileName: 'a.csv' }, status: 400, code: 'VALIDATION' },
    { what: 'paper check-in without present', method: 'POST', url: `/api/deputies/${h.deputies[3]!.id}/checkin`, body: {}, status: 400, code: 'VALIDATION' },
    { what: 'cancel without reason', method: 'POST', url: `/api/polls/${poll}/cancel`, body: {}, status: 400, code: 'VALIDATION' },
    { what: 'freeze without decision', method: 'POST', url: `/api/cycles/${draftCycleId}/shortlist/freeze`, body: {}, status: 400, code: 'VALIDATION' },
    { what: 'login without password', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: { username: 'staff1' }, status: 400, code: 'VALIDATION' },
    { what: 'candidate without name', method: 'POST', url: `/api/cycles/${draftCycleId}/candidates`, body: { department: '市教育局' }, status: 400, code: 'VALIDATION' },
    // --- wrong types and values
    { what: 'chooseN a word', method: 'POST', url: '/api/cycles', body: cycleBody({ chooseN: 'three' }), status: 400, code: 'VALIDATION' },
    { what: 'chooseN 0', method: 'POST', url: '/api/cycles', body: cycleBody({ chooseN: 0 }), status: 400, code: 'VALIDATION' },
    { what: 'chooseN 2.5', method: 'POST', url: '/api/cycles', body: cycleBody({ chooseN: 2.5 }), status: 400, code: 'VALIDATION' },
    { what: 'year 1999', method: 'POST', url: '/api/cycles', body: cycleBody({ year: 1999 }), status: 400, code: 'VALIDATION' },
    { what: 'unknown ballot type', method: 'POST', url: '/api/cycles', body: cycleBody({ ballotType: 'approval' }), status: 400, code: 'VALIDATION' },
    { what: 'unknown level', method: 'POST', url: '/api/cycles', body: cycleBody({ level: 'province' }), status: 400, code: 'VALIDATION' },
    { what: 'min ratio > max ratio', method: 'POST', url: '/api/cycles', body: cycleBody({ minExtraRatio: 0.5, maxExtraRatio: 0.1 }), status: 400, code: 'VALIDATION' },
    { what: 'present a word', method: 'POST', url: `/api/deputies/${h.deputies[3]!.id}/checkin`, body: { present: 'yes' }, status: 400, code: 'VALIDATION' },
    { what: 'key an object', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: { a: 1 }, ballot: { type: 'approve', marks: {} } }, status: 400, code: 'VALIDATION' },
    { what: 'key too short', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: 'abc', ballot: { type: 'approve', marks: {} } }, status: 400, code: 'VALIDATION' },
    { what: 'key with spaces', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: 'key with spaces 12345', ballot: { type: 'approve', marks: {} } }, status: 400, code: 'VALIDATION' },
    { what: 'ballot naming a stranger', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: { [R]: 'for' } } }, status: 400, code: 'INVALID_BALLOT' },
    { what: 'ballot with a bad mark', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: { [A]: 'yes' } } }, status: 400, code: 'INVALID_BALLOT' },
    { what: 'ballot of another type', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'choose', selected: [A] } }, status: 400, code: 'INVALID_BALLOT' },
    { what: 'ballot null', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: null }, status: 400 },
    { what: 'ballot a string', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: '{"type":"approve","marks":{}}' }, status: 400 },
    { what: 'ballot marks __proto__', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: `{"idempotencyKey":"${key()}","ballot":{"type":"approve","marks":{"__proto__":"for"}}}`, status: 400 },
    { what: 'codes for a non-uuid', method: 'POST', url: `/api/sessions/${h.sessionId}/codes`, body: { deputyIds: 'x' }, status: 400, code: 'VALIDATION' },
    { what: 'codes for a deputy of another session', method: 'POST', url: `/api/sessions/${h.sessionId}/codes`, body: { deputyIds: [other.deputies[0]!.id] }, status: 404, code: 'NOT_FOUND' },
    { what: 'reorder not listing every candidate', method: 'POST', url: `/api/cycles/${draftCycleId}/candidates/reorder`, body: { ids: [R] }, status: 400, code: 'VALIDATION' },
    { what: 'negative investment', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: { investmentWan: -1 }, status: 400, code: 'VALIDATION' },
    { what: 'investment as NaN-ish', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: '{"investmentWan": NaN}', status: 400 },
    { what: 'investment 1e400', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: '{"investmentWan": 1e400}', status: 400 },
    { what: 'user with bad name', who: 'admin', method: 'POST', url: '/api/users', body: { username: 'bad user!', displayName: 'x', password: 'long enough password', roles: ['staff'] }, status: 400, code: 'VALIDATION' },
    { what: 'user with unknown role', who: 'admin', method: 'POST', url: '/api/users', body: { username: 'eve', displayName: 'x', password: 'long enough password', roles: ['root'] }, status: 400, code: 'VALIDATION' },
    { what: 'user with weak password', who: 'admin', method: 'POST', url: '/api/users', body: { username: 'eve', displayName: 'x', password: 'short', roles: ['staff'] }, status: 400, code: 'WEAK_PASSWORD' },
    { what: 'user name taken', who: 'admin', method: 'POST', url: '/api/users', body: { username: 'clerk', displayName: 'x', password: 'long enough password', roles: ['staff'] }, status: 409, code: 'USERNAME_TAKEN' },
    { what: 'roster not a spreadsheet', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: { fileName: 'x.exe', contentBase64: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0]).toString('base64') }, status: 400, code: 'BAD_FILE' },
    { what: 'roster with a header only', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: { fileName: 'a.csv', contentBase64: Buffer.from('姓名,代表团,座位\n').toString('base64') }, status: 400, code: 'ROSTER_INVALID' },
    { what: 'wrong password', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: { username: 'staff1', password: 'not the password' }, status: 401, code: 'BAD_CREDENTIALS' },
    { what: 'wrong code', who: 'anonymous', method: 'POST', url: '/api/auth/deputy-login', body: { code: 'ZZZZZ-ZZZZZ' }, status: 401, code: 'BAD_LOGIN_CODE' },
    { what: 'setup again', who: 'anonymous', method: 'POST', url: '/api/setup', body: { token: 'x', username: 'root', displayName: 'x', password: 'long enough password' }, status: [401, 409] },
    // --- unknown ids (well-formed uuids)
    ...(
      [
        ['GET', `/api/cycles/${R}`],
        ['GET', `/api/cycles/${R}/candidates`],
        ['PATCH', `/api/cycles/${R}`, { name: '改' }],
        ['POST', `/api/cycles/${R}/shortlist/freeze`, { organ: 'director_meeting', decidedOn: '2026-12-01', reference: '会议' }],
        ['POST', `/api/cycles/${R}/candidates`, { name: '项目' }],
        ['POST', `/api/cycles/${R}/candidates/reorder`, { ids: [R] }],
        ['PATCH', `/api/candidates/${R}`, { name: '改' }],
        ['DELETE', `/api/candidates/${R}`],
        ['GET', `/api/sessions/${R}`],
        ['GET', `/api/sessions/${R}/deputies`],
        ['POST', '/api/sessions', { cycleId: R, name: '会议' }],
        ['POST', `/api/sessions/${R}/polls`, {}],
        ['GET', `/api/sessions/${R}/polls`],
        ['POST', `/api/sessions/${R}/roster`, { fileName: 'a.csv', contentBase64: csvB64 }],
        ['POST', `/api/sessions/${R}/codes`, {}],
        ['POST', `/api/sessions/${R}/checkin/open`],
        ['POST', `/api/deputies/${R}/checkin`, { present: true }],
        ['POST', `/api/deputies/${R}/revoke-code`],
        ['GET', `/api/polls/${R}`],
        ['POST', `/api/polls/${R}/open`, {}],
        ['POST', `/api/polls/${R}/close`],
        ['POST', `/api/polls/${R}/cancel`, { reason: '原因' }],
        ['POST', `/api/polls/${R}/runoff`],
        ['POST', `/api/polls/${R}/certify`],
        ['GET', `/api/polls/${R}/turnout`],
        ['GET', `/api/polls/${R}/trackers`],
        ['GET', '/api/no-such-route'],
        ['POST', '/api/no-such-route', {}],
      ] as [Probe['method'], string, unknown?][]
    ).map(([method, url, body]): Probe => ({ what: `unknown id ${method} ${url}`, method, url, ...(body !== undefined ? { body } : method === 'GET' || method === 'DELETE' ? {} : { body: {} }), status: 404, code: 'NOT_FOUND' })),
    { what: 'unknown poll, deputy', who: 'deputy', method: 'POST', url: `/api/polls/${R}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }, status: 404, code: 'NOT_FOUND' },
    { what: 'unknown session hall', who: 'anonymous', method: 'GET', url: `/api/sessions/${R}/hall`, status: 404, code: 'NOT_FOUND' },
    { what: 'a poll of another session, deputy', who: 'otherDeputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }, status: 404, code: 'NOT_FOUND' },
    { what: 'read a poll of another session, deputy', who: 'otherDeputy', method: 'GET', url: `/api/polls/${poll}`, status: 404, code: 'NOT_FOUND' },
    // --- ids that are not uuids
    ...(
      [
        ['GET', '/api/cycles/abc'],
        ['GET', '/api/cycles/1'],
        ['POST', '/api/polls/1/open', {}],
        ['PATCH', `/api/candidates/${encodeURIComponent("' or 1=1 --")}`, { name: 'x' }],
        ['DELETE', `/api/candidates/${R}x`],
        ['GET', `/api/sessions/${R.replace(/-/g, '')}0`],
        ['POST', '/api/deputies/%00/checkin', { present: true }],
        ['GET', '/api/polls/%F0%9F%98%80'],
        ['POST', '/api/sessions/..%2F..%2Fetc%2Fpasswd/codes', {}],
      ] as [Probe['method'], string, unknown?][]
    ).map(([method, url, body]): Probe => ({ what: `non-uuid ${method} ${url.slice(0, 60)}`, method, url, ...(body !== undefined ? { body } : {}), status: 400, code: 'VALIDATION' })),
    // a path parameter longer than the router accepts: 400 or 414, but still the standard body
    { what: 'a 5000-character id', method: 'GET', url: `/api/polls/${'9'.repeat(5000)}`, status: [400, 414] },
    { what: 'a broken percent-encoding in the path', method: 'GET', url: '/api/cycles/%E0%A4%A', status: 400 },
    // --- huge strings
    { what: 'name of 201 characters', method: 'POST', url: '/api/cycles', body: cycleBody({ name: '民'.repeat(201) }), status: 400, code: 'VALIDATION' },
    { what: 'name of 500 000 characters', method: 'POST', url: '/api/cycles', body: cycleBody({ name: 'x'.repeat(500_000) }), status: 400, code: 'VALIDATION' },
    { what: 'candidate content of 5001', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: { content: '内'.repeat(5001) }, status: 400, code: 'VALIDATION' },
    { what: 'username of 100 000', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: { username: 'a'.repeat(100_000), password: 'x' }, status: 400, code: 'VALIDATION' },
    { what: 'code of 41', who: 'anonymous', method: 'POST', url: '/api/auth/deputy-login', body: { code: 'A'.repeat(41) }, status: 400, code: 'VALIDATION' },
    { what: '10 000 marks', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`c${i}`, 'for'])) } }, status: [400, 413] },
    { what: 'deeply nested ballot', who: 'deputy', method: 'POST', url: `/api/polls/${poll}/ballots`, body: `{"idempotencyKey":"${key()}","ballot":${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400 },
    { what: '5000 subitems', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: { subItems: Array.from({ length: 5000 }, () => ({ name: 'x' })) }, status: 400, code: 'VALIDATION' },
  ];
}

describe('refused requests', () => {
  it('each gets a 4xx with the error body, and none changes the database', async () => {
    const before = await snapshot(t.url);
    await expectProbes(probes());
    const after = await snapshot(t.url);
    expect(after).toEqual(before);
  }, 60_000);
});

describe('unicode edge cases', () => {
  const raw = (name: string) => `{"level":"city","name":"${name}","year":2027,"chooseN":3,"ballotType":"approve","passThreshold":"none","quorumRule":"more_than_half","tieRule":"runoff"}`;

  it('emoji, RTL and zero-width characters are stored and returned exactly', async () => {
    for (const name of ['2027年度🏥🚌民生实事👨‍👩‍👧', '\u202e项目\u200f名称\u202c', 'a\u200db\ufeffc\u0301', '𠀀𪚥'.repeat(100)]) {
      const r = await staff.post('/api/cycles', cycleBody({ name }));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await staff.get(`/api/cycles/${r.body.id}`)).body.name).toBe(name);
    }
  });

  it('a lone surrogate escaped in JSON does not cause a 5xx', async () => {
    const problems: string[] = [];
    const probes: Probe[] = [
      { what: 'lone high surrogate in a cycle name', method: 'POST', url: '/api/cycles', body: raw('\\ud800'), status: 0 },
      { what: 'lone low surrogate in a cycle name', method: 'POST', url: '/api/cycles', body: raw('x\\udfffy'), status: 0 },
      { what: 'reversed pair in a cycle name', method: 'POST', url: '/api/cycles', body: raw('\\udc00\\ud800'), status: 0 },
      { what: 'lone surrogate in a session name', method: 'POST', url: '/api/sessions', body: `{"cycleId":"${h.cycleId}","name":"\\ud800"}`, status: 0 },
      { what: 'lone surrogate in a candidate name', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: '{"name":"\\udbff"}', status: 0 },
      { what: 'lone surrogate in a ballot key', who: 'deputy', method: 'POST', url: `/api/polls/${openPollId}/ballots`, body: `{"idempotencyKey":"${key()}","ballot":{"type":"approve","marks":{"\\ud800":"for"}}}`, status: 0 },
      { what: 'lone surrogate in a user name', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: '{"username":"\\ud800","password":"x"}', status: 0 },
    ];
    for (const p of probes) {
      const r = await send(p);
      if (r.status >= 500) problems.push(`${p.what}: got ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (r.status >= 400) {
        try {
          expectErrorBody(r.body);
        } catch {
          problems.push(`${p.what}: ${r.status} without the standard error body`);
        }
      }
    }
    expect.soft(problems).toEqual([]);
  });

  it('U+0000 anywhere is refused with a 4xx, never a 5xx, and changes nothing', async () => {
    const before = await snapshot(t.url);
    const nul: Probe[] = [
      { what: 'NUL in a cycle name', method: 'POST', url: '/api/cycles', body: raw('a\\u0000b'), status: 400 },
      { what: 'NUL in a session name', method: 'POST', url: '/api/sessions', body: `{"cycleId":"${h.cycleId}","name":"会议\\u0000"}`, status: 400 },
      { what: 'NUL in a candidate name', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: '{"name":"\\u0000"}', status: 400 },
      { what: 'NUL in a freeze decision', method: 'POST', url: `/api/cycles/${freezableCycleId}/shortlist/freeze`, body: '{"organ":"director_meeting","decidedOn":"2026-12-01","reference":"主任会议\\u0000"}', status: 400 },
      { what: 'NUL in a cancel reason', method: 'POST', url: `/api/polls/${closedPollId}/cancel`, body: '{"reason":"\\u0000"}', status: [400, 409] },
      { what: 'NUL in a user name', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: '{"username":"staff1\\u0000","password":"x"}', status: [400, 401] },
      { what: 'NUL in a code', who: 'anonymous', method: 'POST', url: '/api/auth/deputy-login', body: '{"code":"ABCDE\\u0000FGHIJ"}', status: [400, 401] },
      { what: 'NUL in a ballot key', who: 'deputy', method: 'POST', url: `/api/polls/${openPollId}/ballots`, body: `{"idempotencyKey":"${key()}","ballot":{"type":"approve","marks":{"\\u0000":"for"}}}`, status: 400 },
      { what: 'NUL in a roster file', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: { fileName: 'a.csv', contentBase64: Buffer.from('姓名,代表团,座位\n甲\u0000,一团,1\n').toString('base64') }, status: 400 },
      { what: 'NUL in a roster file name', method: 'POST', url: `/api/sessions/${h.sessionId}/roster`, body: `{"fileName":"a\\u0000.csv","contentBase64":"${Buffer.from('姓名,代表团,座位\n').toString('base64')}"}`, status: 400 },
    ];
    await expectProbes(nul);
    expect(await snapshot(t.url)).toEqual(before);
  });
});

describe('access', () => {
  it('a state-changing request without the anti-forgery header is refused', async () => {
    const before = await snapshot(t.url);
    const noCsrf: Probe[] = [
      { what: 'staff POST', method: 'POST', url: '/api/cycles', body: cycleBody({}), csrf: false, status: 403, code: 'CSRF' },
      { what: 'staff PATCH', method: 'PATCH', url: `/api/candidates/${draftCandidateId}`, body: { name: '改' }, csrf: false, status: 403, code: 'CSRF' },
      { what: 'staff DELETE', method: 'DELETE', url: `/api/candidates/${draftCandidateId}`, csrf: false, status: 403, code: 'CSRF' },
      { what: 'close', method: 'POST', url: `/api/polls/${openPollId}/close`, csrf: false, status: 403, code: 'CSRF' },
      { what: 'cast', who: 'deputy', method: 'POST', url: `/api/polls/${openPollId}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }, csrf: false, status: 403, code: 'CSRF' },
      { what: 'login', who: 'anonymous', method: 'POST', url: '/api/auth/login', body: { username: 'staff1', password: 'a long enough password' }, csrf: false, status: 403, code: 'CSRF' },
      { what: 'deputy login', who: 'anonymous', method: 'POST', url: '/api/auth/deputy-login', body: { code: h.deputies[2]!.code }, csrf: false, status: 403, code: 'CSRF' },
    ];
    await expectProbes(noCsrf);
    expect(await snapshot(t.url)).toEqual(before);
  });

  it('anonymous → 401, a deputy on staff routes → 403, staff without presidium cannot certify', async () => {
    const before = await snapshot(t.url);
    const staffRoutes: [Probe['method'], string, unknown?][] = [
      ['GET', '/api/cycles'],
      ['POST', '/api/cycles', cycleBody({})],
      ['PATCH', `/api/candidates/${draftCandidateId}`, { name: '改' }],
      ['GET', `/api/sessions/${h.sessionId}/deputies`],
      ['POST', `/api/sessions/${h.sessionId}/roster`, { fileName: 'a.csv', contentBase64: csvB64 }],
      ['POST', `/api/sessions/${h.sessionId}/codes`, {}],
      ['POST', `/api/deputies/${h.deputies[3]!.id}/checkin`, { present: true }],
      ['POST', `/api/deputies/${h.deputies[1]!.id}/revoke-code`],
      ['POST', `/api/sessions/${h.sessionId}/polls`, {}],
      ['GET', `/api/polls/${openPollId}/turnout`],
      ['POST', `/api/polls/${openPollId}/close`],
      ['POST', `/api/polls/${openPollId}/cancel`, { reason: '原因' }],
      ['POST', `/api/polls/${closedPollId}/certify`],
      ['GET', '/api/users'],
      ['POST', '/api/users', { username: 'eve', displayName: 'x', password: 'long enough password', roles: ['admin'] }],
    ];
    const list: Probe[] = staffRoutes.flatMap(([method, url, body]): Probe[] => [
      { what: `anonymous ${method} ${url}`, who: 'anonymous', method, url, ...(body !== undefined ? { body } : {}), status: 401, code: 'UNAUTHENTICATED' },
      { what: `deputy ${method} ${url}`, who: 'deputy', method, url, ...(body !== undefined ? { body } : {}), status: 403, code: 'FORBIDDEN' },
    ]);
    list.push({ what: 'anonymous cast', who: 'anonymous', method: 'POST', url: `/api/polls/${openPollId}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }, status: 401, code: 'UNAUTHENTICATED' });
    list.push({ what: 'staff cast', method: 'POST', url: `/api/polls/${openPollId}/ballots`, body: { idempotencyKey: key(), ballot: { type: 'approve', marks: {} } }, status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'anonymous deputy state', who: 'anonymous', method: 'GET', url: '/api/deputy/state', status: 401, code: 'UNAUTHENTICATED' });
    list.push({ what: 'staff deputy state', method: 'GET', url: '/api/deputy/state', status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'anonymous confirms a count', who: 'anonymous', method: 'POST', url: `/api/polls/${closedPollId}/confirm`, status: 401, code: 'UNAUTHENTICATED' });
    list.push({ what: 'staff confirm a count (only a 监票人 on a tablet may)', method: 'POST', url: `/api/polls/${closedPollId}/confirm`, status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'a deputy of another session confirms a count', who: 'otherDeputy', method: 'POST', url: `/api/polls/${closedPollId}/confirm`, status: 404, code: 'NOT_FOUND' });
    list.push({ what: 'staff without presidium certifies', who: 'clerk', method: 'POST', url: `/api/polls/${closedPollId}/certify`, status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'staff without presidium rejects', who: 'clerk', method: 'POST', url: `/api/polls/${closedPollId}/reject`, body: { reason: '有误' }, status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'staff (not admin) creates a user', method: 'POST', url: '/api/users', body: { username: 'eve', displayName: 'x', password: 'long enough password', roles: ['admin'] }, status: 403, code: 'FORBIDDEN' });
    list.push({ what: 'a forged cookie', who: 'anonymous', method: 'GET', url: '/api/cycles', status: 401, code: 'UNAUTHENTICATED' });
    await expectProbes(list);
    const forged = await t.app.inject({ method: 'GET', url: '/api/cycles', headers: { cookie: `pj_session=${'A'.repeat(43)}` } });
    expect(forged.statusCode).toBe(401);
    const huge = await t.app.inject({ method: 'GET', url: '/api/cycles', headers: { cookie: `pj_session=${'A'.repeat(4000)}` } });
    expect(huge.statusCode).toBe(401);
    expect((await staff.get(`/api/polls/${closedPollId}`)).body.status).toBe('closed');
    expect(await snapshot(t.url)).toEqual(before);
  });
});
