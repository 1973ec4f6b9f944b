/**
 * The roster (代表名单): CSV and XLSX import, all-or-nothing validation, the lock once a poll
 * opened; login codes (hash only, re-issue and revoke end sessions at once); check-in.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, Client, createTestApp, defaultCycle, type TestApp } from './helpers/app.ts';
import { expectErrorBody, fixList, staffPair, withPg } from './helpers/world.ts';

// exceljs is a dependency of the server package, not of the workspace root.
const requireFromServer = createRequire(new URL('../server/package.json', import.meta.url));
const ExcelJS = requireFromServer('exceljs') as typeof import('../server/node_modules/exceljs');

let t: TestApp;
let staff: Client;
let frozenCycleId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
  const cycle = await staff.post('/api/cycles', { ...defaultCycle, chooseN: 1 });
  frozenCycleId = cycle.body.id;
  for (const name of ['项目甲', '项目乙']) await staff.post(`/api/cycles/${frozenCycleId}/candidates`, { name });
  const frozen = await fixList(staff, frozenCycleId);
  expect(frozen.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function newSession(name = '市十届人大三次会议'): Promise<string> {
  const s = await staff.post('/api/sessions', { cycleId: frozenCycleId, name });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  return s.body.id;
}

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('代表名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type DeputyView = { id: string; position: number; name: string; delegation: string; seat: string; phone: string | null; hasCode: boolean; checkedInAt: string | null; checkinMethod: string | null };
const deputies = async (sessionId: string): Promise<DeputyView[]> => {
  const r = await staff.get(`/api/sessions/${sessionId}/deputies`);
  expect(r.status).toBe(200);
  return r.body;
};
const attendance = async (sessionId: string) => (await staff.get(`/api/sessions/${sessionId}`)).body.attendance as { seated: number; present: number };

describe('roster import', () => {
  it('imports CSV, replaces it with XLSX, and a file with bad rows changes nothing', async () => {
    const sessionId = await newSession();
    const csv = ['姓名,代表团,座位,电话', '张三,宿城区代表团,001,13800000001', '李四,宿豫区代表团,002,', '王五,沭阳县代表团,003,'].join('\r\n');
    const r1 = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: '代表名单.csv', contentBase64: b64(csv) });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body).toEqual({ imported: 3 });
    expect((await deputies(sessionId)).map((d) => [d.position, d.name, d.delegation, d.seat, d.phone, d.hasCode, d.checkedInAt])).toEqual([
      [1, '张三', '宿城区代表团', '001', '13800000001', false, null],
      [2, '李四', '宿豫区代表团', '002', null, false, null],
      [3, '王五', '沭阳县代表团', '003', null, false, null],
    ]);
    expect(await attendance(sessionId)).toMatchObject({ seated: 3, present: 0 });

    const book = await xlsx([
      ['姓名', '代表团', '座位号', '手机'],
      ['赵六', '泗阳县代表团', 101, '13900000002'],
      ['钱七', '泗洪县代表团', 102, ''],
      ['孙八', '宿城区代表团', 103, ''],
      ['周九', '宿城区代表团', 104, ''],
    ]);
    const r2 = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.xlsx', contentBase64: b64(book) });
    expect(r2.status, JSON.stringify(r2.body)).toBe(200);
    expect(r2.body).toEqual({ imported: 4 });
    const afterXlsx = await deputies(sessionId);
    expect(afterXlsx.map((d) => [d.position, d.name, d.delegation, d.seat, d.phone])).toEqual([
      [1, '赵六', '泗阳县代表团', '101', '13900000002'],
      [2, '钱七', '泗洪县代表团', '102', null],
      [3, '孙八', '宿城区代表团', '103', null],
      [4, '周九', '宿城区代表团', '104', null],
    ]);
    expect(await attendance(sessionId)).toMatchObject({ seated: 4, present: 0 });

    // Row 3: no name · row 4: a phone that is not one · row 5: seat 101 again (row 2 has it).
    const bad = ['姓名,代表团,座位,电话', '吴十,宿城区代表团,101,', ',宿城区代表团,102,', '郑一,宿城区代表团,103,not-a-phone', '冯二,宿城区代表团,101,'].join('\n');
    const r3 = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'bad.csv', contentBase64: b64(bad) });
    expect(r3.status).toBe(400);
    expect(r3.body.error.code).toBe('ROSTER_INVALID');
    expect(r3.body.error.details.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code])).toEqual([
      [3, 'name', 'REQUIRED'],
      [4, 'phone', 'BAD_PHONE'],
      [5, 'seat', 'DUPLICATE_SEAT'],
    ]);
    for (const e of r3.body.error.details) expect(e.message).toContain(`第 ${e.row} 行`);
    expect(await deputies(sessionId)).toEqual(afterXlsx);

    // The same in a workbook: a formula-like name (CSV injection) in row 3 is refused.
    const badBook = await xlsx([
      ['姓名', '代表团', '座位号'],
      ['陈三', '宿城区代表团', 201],
      ['=HYPERLINK("http://x","点我")', '宿城区代表团', 202],
    ]);
    const r4 = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'bad.xlsx', contentBase64: b64(badBook) });
    expect(r4.status).toBe(400);
    expect(r4.body.error.code).toBe('ROSTER_INVALID');
    expect(r4.body.error.details.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([[3, 'FORMULA_NOT_ALLOWED']]);
    expect(await deputies(sessionId)).toEqual(afterXlsx);

    // Not a spreadsheet at all.
    const r5 = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.xlsx', contentBase64: b64(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3])) });
    expect(r5.status).toBe(400);
    expect(r5.body.error.code).toBe('BAD_FILE');
    expect(await deputies(sessionId)).toEqual(afterXlsx);
  });

  it('cannot be replaced once a poll of the session has opened, even after it was cancelled', async () => {
    const sessionId = await newSession('锁定测试');
    const csv = ['姓名,代表团,座位', '甲,一团,1', '乙,一团,2', '丙,二团,3'].join('\n');
    expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'a.csv', contentBase64: b64(csv) })).status).toBe(200);
    const list = await deputies(sessionId);
    // Before the 票决办法 is adopted the roster may still be replaced; the adoption names 监票人 from it.
    expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'a.csv', contentBase64: b64(csv) })).status).toBe(200);
    const current = await deputies(sessionId);
    await adoptRules(staff, sessionId, [current[0]!.id]);
    expectErrorBody((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'a.csv', contentBase64: b64(csv) })).body, 'ROSTER_ADOPTED');
    const poll = await staff.post(`/api/sessions/${sessionId}/polls`, {});
    expect(poll.status).toBe(200);
    for (const d of current.slice(0, 2)) expect((await staff.post(`/api/deputies/${d.id}/checkin`, { present: true })).status).toBe(200);
    const open = await staff.post(`/api/polls/${poll.body.id}/open`, {});
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(list).toHaveLength(3);

    const locked = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'b.csv', contentBase64: b64(['姓名,代表团,座位', '丁,一团,9'].join('\n')) });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('ROSTER_LOCKED');
    const before = await deputies(sessionId);
    expect(before.map((d) => d.id)).toEqual(current.map((d) => d.id));

    expect((await staff.post(`/api/polls/${poll.body.id}/cancel`, { reason: '议程调整' })).status).toBe(200);
    const still = await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'b.csv', contentBase64: b64(['姓名,代表团,座位', '丁,一团,9'].join('\n')) });
    expect(still.status).toBe(409);
    expect(still.body.error.code).toBe('ROSTER_LOCKED');
    expect(await deputies(sessionId)).toEqual(before);
  });
});

describe('login codes', () => {
  it('log in; only a hash is stored; re-issue and revoke void the old code and end its sessions at once', async () => {
    const sessionId = await newSession('登录码测试');
    const csv = ['姓名,代表团,座位', '甲,一团,1', '乙,一团,2', '丙,二团,3'].join('\n');
    expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'a.csv', contentBase64: b64(csv) })).status).toBe(200);
    const issued = await staff.post(`/api/sessions/${sessionId}/codes`, {});
    expect(issued.status).toBe(200);
    expect(issued.body).toHaveLength(3);
    for (const c of issued.body) expect(c.code).toMatch(/^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$/);
    const [a, b, c] = issued.body as { deputyId: string; code: string; name: string }[];
    expect(new Set([a!.code, b!.code, c!.code]).size).toBe(3);
    // Everyone has a code now: asking again issues none.
    expect((await staff.post(`/api/sessions/${sessionId}/codes`, {})).body).toEqual([]);

    const ca = new Client(t.app);
    const la = await ca.post('/api/auth/deputy-login', { code: a!.code });
    expect(la.status, JSON.stringify(la.body)).toBe(200);
    expect(la.body).toMatchObject({ kind: 'deputy', deputy: { id: a!.deputyId, name: '甲', sessionId } });
    // typed on a tablet: lower case, no dash
    const cb = new Client(t.app);
    expect((await cb.post('/api/auth/deputy-login', { code: b!.code.replace('-', '').toLowerCase() })).status).toBe(200);
    const cc = new Client(t.app);
    expect((await cc.post('/api/auth/deputy-login', { code: c!.code })).status).toBe(200);
    const wrong = await new Client(t.app).post('/api/auth/deputy-login', { code: 'ZZZZZ-ZZZZZ' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('BAD_LOGIN_CODE');

    // Only hashes: no form of any code anywhere in the deputies table or the audit log.
    await withPg(t.url, async (pgc) => {
      const rows = (await pgc.query('select row_to_json(d)::text as j from deputies d')).rows.map((r) => r.j as string).join('\n');
      const audit = (await pgc.query('select row_to_json(a)::text as j from audit_log a')).rows.map((r) => r.j as string).join('\n');
      for (const x of issued.body as { code: string }[]) {
        for (const form of [x.code, x.code.replace('-', ''), x.code.replace('-', '').toLowerCase()]) {
          expect(rows).not.toContain(form);
          expect(audit).not.toContain(form);
          expect(t.logs()).not.toContain(form);
        }
      }
      const hashes = (await pgc.query('select login_code_hash from deputies where session_id = $1', [sessionId])).rows.map((r) => r.login_code_hash);
      for (const h of hashes) expect(h).toMatch(/^k1:[0-9a-f]{64}$/);
    });

    // Re-issue for 甲: the old code stops working and 甲's open session ends at once.
    expect((await ca.get('/api/deputy/state')).status).toBe(200);
    const re = await staff.post(`/api/sessions/${sessionId}/codes`, { deputyIds: [a!.deputyId] });
    expect(re.status).toBe(200);
    expect(re.body).toHaveLength(1);
    expect(re.body[0].deputyId).toBe(a!.deputyId);
    expect(re.body[0].code).not.toBe(a!.code);
    expect((await ca.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    const gone = await ca.get('/api/deputy/state');
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('UNAUTHENTICATED');
    const old = await new Client(t.app).post('/api/auth/deputy-login', { code: a!.code });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('BAD_LOGIN_CODE');
    const fresh = new Client(t.app);
    expect((await fresh.post('/api/auth/deputy-login', { code: re.body[0].code })).status).toBe(200);
    // the others are untouched
    expect((await cb.get('/api/auth/me')).body).toMatchObject({ kind: 'deputy', deputy: { id: b!.deputyId } });
    expect((await cc.get('/api/auth/me')).body).toMatchObject({ kind: 'deputy', deputy: { id: c!.deputyId } });

    // Revoke 乙's code: same effect, and no code at all afterwards.
    const rv = await staff.post(`/api/deputies/${b!.deputyId}/revoke-code`);
    expect(rv.status).toBe(200);
    expect((await cb.get('/api/auth/me')).body).toEqual({ kind: 'anonymous' });
    expect((await new Client(t.app).post('/api/auth/deputy-login', { code: b!.code })).body.error.code).toBe('BAD_LOGIN_CODE');
    const list = await deputies(sessionId);
    expect(list.map((d) => [d.name, d.hasCode])).toEqual([
      ['甲', true],
      ['乙', false],
      ['丙', true],
    ]);
    expect((await cc.get('/api/auth/me')).body).toMatchObject({ kind: 'deputy', deputy: { id: c!.deputyId } });
    expect((await fresh.get('/api/auth/me')).body).toMatchObject({ kind: 'deputy', deputy: { id: a!.deputyId } });
    // 乙 can get a new code afterwards (every deputy without one gets one).
    const again = await staff.post(`/api/sessions/${sessionId}/codes`, {});
    expect(again.body.map((x: { deputyId: string }) => x.deputyId)).toEqual([b!.deputyId]);
  });
});

describe('check-in (签到)', () => {
  it('paper check-in by staff moves 实到; tablet check-in only while check-in is open', async () => {
    const sessionId = await newSession('签到测试');
    const csv = ['姓名,代表团,座位', '甲,一团,1', '乙,一团,2', '丙,二团,3', '丁,二团,4'].join('\n');
    expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'a.csv', contentBase64: b64(csv) })).status).toBe(200);
    const codes = (await staff.post(`/api/sessions/${sessionId}/codes`, {})).body as { deputyId: string; code: string }[];
    const [a, b, c] = codes;
    expect(await attendance(sessionId)).toMatchObject({ seated: 4, present: 0 });

    // Check-in is not open yet (a new session starts closed): paper works, the tablet does not.
    const p1 = await staff.post(`/api/deputies/${a!.deputyId}/checkin`, { present: true });
    expect(p1.status, JSON.stringify(p1.body)).toBe(200);
    expect(p1.body).toMatchObject({ id: a!.deputyId, checkinMethod: 'paper' });
    expect(p1.body.checkedInAt).not.toBeNull();
    expect(await attendance(sessionId)).toMatchObject({ seated: 4, present: 1 });
    expect((await staff.post(`/api/deputies/${b!.deputyId}/checkin`, { present: true })).status).toBe(200);
    expect(await attendance(sessionId)).toMatchObject({ present: 2 });
    // checking in twice counts once
    expect((await staff.post(`/api/deputies/${b!.deputyId}/checkin`, { present: true })).status).toBe(200);
    expect(await attendance(sessionId)).toMatchObject({ present: 2 });
    const undo = await staff.post(`/api/deputies/${a!.deputyId}/checkin`, { present: false });
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ checkedInAt: null, checkinMethod: null });
    expect(await attendance(sessionId)).toMatchObject({ present: 1 });

    const tablet = new Client(t.app);
    expect((await tablet.post('/api/auth/deputy-login', { code: c!.code })).status).toBe(200);
    const closed = await tablet.post('/api/deputy/checkin');
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('CHECKIN_CLOSED');
    expect(await attendance(sessionId)).toMatchObject({ present: 1 });

    expect((await staff.post(`/api/sessions/${sessionId}/checkin/open`)).status).toBe(200);
    const ok = await tablet.post('/api/deputy/checkin');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.deputy).toMatchObject({ id: c!.deputyId, checkedIn: true });
    expect(await attendance(sessionId)).toMatchObject({ present: 2 });
    expect((await deputies(sessionId)).find((d) => d.id === c!.deputyId)!.checkinMethod).toBe('tablet');

    expect((await staff.post(`/api/sessions/${sessionId}/checkin/close`)).status).toBe(200);
    const other = new Client(t.app);
    expect((await other.post('/api/auth/deputy-login', { code: codes[3]!.code })).status).toBe(200);
    const late = await other.post('/api/deputy/checkin');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CHECKIN_CLOSED');
    expect(await attendance(sessionId)).toMatchObject({ seated: 4, present: 2 });
  });
});
