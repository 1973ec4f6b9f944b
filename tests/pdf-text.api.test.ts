/**
 * Every PDF the server makes, fetched through its route: its text reads back as printed (no CJK
 * radical in place of an ideograph, server/src/lib/pdf.ts), the 公告 states the electronic and
 * paper parts of a mixed poll as the web 公告 does, and each download by a signed-in reader is
 * in the audit chain while an anonymous one is not (docs/PROCEDURE.md, "The count sheet").
 * With PDF_DUMP=<dir> it saves the certified PDFs there (e.g. for `pdftoppm -png -r 80`): the demo's list
 * of 15 gives docs/screenshots/announcement-page1.png and announcement-annex.png (pages 1 and 4),
 * the mixed poll announcement-pdf-paper.png (page 3), the rating announcement-rating-pdf.png (page 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import { announcedProjectLines, announcementAnnex, announcementPaperRows, announcementRecordRows, announcementTable, paperFiguresOf, RATING_TABLE_HEADER, RESULT_STATUS_ZH, type Announcement, type BallotBody, type PaperPoll } from '@piaojue/shared';
import ExcelJS from 'exceljs';
import { getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { DEMO_CANDIDATES } from '../scripts/demo-data.ts';
import { adoptRules, Client, createTestApp, defaultCycle, rosterCsv, userClient, type TestApp } from './helpers/app.ts';
import { castOk, fixList, hall, openPoll, staffPair, withPg, type Hall } from './helpers/world.ts';

let t: TestApp;
let staff: Client, teller1: Client, teller2: Client;
let h: Hall;
let pollId: string;

// A session and a cycle named as if pasted from a PDF that another tool made badly: 人 as the
// Kangxi radical ⼈ (U+2F08), 民 as ⺠ (U+2EA0), 大 as ⼤ (U+2F24).
const SESSION = '宿迁市第六届\u2F08\u2EA0代表\u2F24会第三次会议';
const CYCLE = '2027年度宿迁市\u2EA0生实事项目';
const RADICAL = /[\u2E80-\u2FDF]/u;
/** A string as the PDF's text reads back: no white space, the radicals above as the ideographs printed. */
const printed = (s: string) => s.replace(/\s+/g, '').replace(/\u2F08/g, '人').replace(/\u2EA0/g, '民').replace(/\u2F24/g, '大');

/** The text as a copy, a search or a screen reader gets it: the ToUnicode map, not normalised. */
async function rawText(buf: Buffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(buf));
  let text = '';
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent({ disableNormalization: true });
    text += content.items.map((it) => ('str' in it ? it.str : '')).join('');
  }
  return text.replace(/\s+/g, '');
}

async function download(c: Client | null, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: c?.cookie ? { cookie: `pj_session=${c.cookie}` } : {} });
  // the last one of each kind stays, i.e. the certified documents
  if (process.env.PDF_DUMP && res.statusCode === 200 && url.endsWith('.pdf')) fs.writeFileSync(path.join(process.env.PDF_DUMP, url.split('/').slice(-2).join('-')), res.rawPayload);
  return res;
}

async function exportsAudited(): Promise<{ actor: string; details: Record<string, unknown> }[]> {
  const r = await withPg(t.url, (c) => c.query(`select actor, details from audit_log where action = 'poll.exported' and subject = $1 order by seq`, [`poll:${pollId}`]));
  return r.rows;
}

beforeAll(async () => {
  t = await createTestApp();
  const pair = await staffPair(t);
  staff = pair.staff;
  teller1 = await userClient(t, pair.admin, 'jipiao1', ['staff']);
  teller2 = await userClient(t, pair.admin, 'jipiao2', ['staff']);
  const tellerIds = await Promise.all([teller1, teller2].map(async (c) => (await c.get('/api/auth/me')).body.user.id as string));
  h = await hall(t, staff, { deputies: 8, candidates: 5, adopt: false, sessionName: SESSION, cycle: { name: CYCLE } });
  const list = await staff.req('PUT', `/api/sessions/${h.sessionId}/scrutiny`, {
    scrutineers: [
      { deputyId: h.deputies[0]!.id, chief: true },
      { deputyId: h.deputies[1]!.id, chief: false },
    ],
    counterIds: tellerIds,
  });
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  await adoptRules(staff, h.sessionId);
  const poll = await staff.post(`/api/sessions/${h.sessionId}/polls`, {});
  pollId = poll.body.id;
  expect((await staff.post(`/api/polls/${pollId}/open`, {})).status).toBe(200);
  // six deputies on their tablets, the last two on paper (tests/paper.api.test.ts)
  const approve = (...forIdx: number[]): BallotBody => ({ type: 'approve', marks: Object.fromEntries(h.candidateIds.map((id, i) => [id, forIdx.includes(i) ? 'for' : 'abstain'])) });
  for (const d of h.deputies.slice(6)) expect((await staff.post(`/api/polls/${pollId}/paper/deputies`, { deputyId: d.id })).status).toBe(200);
  for (const [i, b] of [approve(0, 1, 2), approve(0, 1), approve(0, 3), approve(1, 2), approve(0, 1, 4), approve(0)].entries()) await castOk(h.deputies[i]!.client, pollId, b);
  expect((await staff.post(`/api/polls/${pollId}/close`)).body.status).toBe('counting');
  const form: PaperPoll = { ballotType: 'approve', choose: 3, candidateIds: h.candidateIds, allowAbstain: true };
  const figures = paperFiguresOf(form, [approve(0, 2, 4), approve(1, 3)], { issued: 2 });
  for (const teller of [teller1, teller2]) expect((await teller.post(`/api/polls/${pollId}/paper/entries`, { figures })).status).toBe(200);
  const chief = h.deputies[0]!.client;
  const review = await chief.get(`/api/polls/${pollId}/paper/review`);
  expect((await chief.post(`/api/polls/${pollId}/paper/confirm`, { figuresHash: review.body.reconciled.figuresHash })).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('the PDFs the server makes', () => {
  it('are these two, and each reads back as printed: the ideographs, never a CJK radical', async () => {
    // a new PDF route joins this test (and lib/pdf.ts's officialPdf) or this fails
    const spec = t.app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => p.endsWith('.pdf')).sort()).toEqual(['/api/polls/{id}/announcement.pdf', '/api/polls/{id}/count-sheet.pdf']);
    // the input really carries the radicals
    const a = (await staff.read<Announcement>(`/api/polls/${pollId}/announcement`)).body as Announcement;
    expect(a.issuer).toMatch(RADICAL);

    for (const [doc, phrases] of [
      ['count-sheet.pdf', ['宿迁市第六届人民代表大会第三次会议', '2027年度宿迁市民生实事项目票决', '表决结果报告单', '入选', '未入选', '总监票人', '执行主席']],
      ['announcement.pdf', ['宿迁市第六届人民代表大会第三次会议主席团', '公告', '2027年度宿迁市民生实事项目', '入选', '特此公告', '表决记录']],
    ] as const) {
      const res = await download(staff, `/api/polls/${pollId}/${doc}`);
      expect(res.statusCode, res.body).toBe(200);
      const text = await rawText(res.rawPayload);
      for (const p of phrases) expect(text, doc).toContain(p);
      expect([...text].filter((ch) => RADICAL.test(ch)).map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`), doc).toEqual([]);
    }
  });

  it('the 公告 states the electronic and the paper part of a mixed poll, worded as the web 公告', async () => {
    const a = (await staff.read<Announcement>(`/api/polls/${pollId}/announcement`)).body as Announcement;
    expect(a.paper?.electronic).toMatchObject({ issued: 6, returned: 6, valid: 6, invalid: 0 });
    expect(a.paper?.paper).toMatchObject({ issued: 2, returned: 2, valid: 2, invalid: 0 });
    const rows = announcementPaperRows(a.paper);
    expect(rows).toEqual([
      ['其中电子表决', '发出6张，收回6张，有效6张，无效0张'],
      ['其中纸质表决票', '发出2张，收回2张，有效2张，无效0张；经两名计票人分别录入核对一致，总监票人确认'],
    ]);
    const text = await rawText((await download(staff, `/api/polls/${pollId}/announcement.pdf`)).rawPayload);
    expect(text).toContain('表决票发出8张，收回8张，有效8张，无效0张');
    for (const [label, value] of rows) expect(text).toContain(`${label}${value}`);
    // the whole 表决记录, row by row as the web 公告 states it (one wording: announcementRecordRows)
    for (const [label, value] of announcementRecordRows(a)) expect(text).toContain(printed(`${label}${value}`));
    // and the XLSX download's 表决记录 sheet is the same rows, the paper part included
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(staff, `/api/polls/${pollId}/export.xlsx`)).rawPayload as unknown as ArrayBuffer);
    const sheet: unknown[][] = [];
    wb.getWorksheet('表决记录')!.eachRow({ includeEmpty: true }, (row) => sheet.push((row.values as unknown[]).slice(1)));
    expect(sheet).toEqual(announcementRecordRows(a));
  });

  it('a download by a signed-in reader is audited (who, which document, which format; no figure); an anonymous one is not', async () => {
    // the tests above downloaded as staff before certification; from here on:
    const start = (await exportsAudited()).length;
    // before certification: drafts, for the counting side only
    expect((await download(staff, `/api/polls/${pollId}/count-sheet.pdf`)).statusCode).toBe(200);
    expect((await download(staff, `/api/polls/${pollId}/export.csv`)).statusCode).toBe(200);
    expect((await download(null, `/api/polls/${pollId}/announcement.pdf`)).statusCode).toBe(401);
    expect((await download(h.deputies[2]!.client, `/api/polls/${pollId}/count-sheet.pdf`)).statusCode).toBe(403);
    // a refused download is not a download
    expect((await exportsAudited()).slice(start)).toEqual([
      { actor: 'user:staff1', details: { document: 'count_sheet', format: 'pdf', draft: true } },
      { actor: 'user:staff1', details: { document: 'announcement', format: 'csv', draft: true } },
    ]);

    expect((await staff.post(`/api/polls/${pollId}/certify`)).body.status).toBe('certified');
    const before = (await exportsAudited()).length;
    // the public: certified documents, not recorded however often fetched
    for (const doc of ['announcement.pdf', 'export.csv', 'export.xlsx', 'count-sheet.pdf', 'announcement.pdf']) expect((await download(null, `/api/polls/${pollId}/${doc}`)).statusCode).toBe(200);
    expect(await exportsAudited()).toHaveLength(before);
    // signed in, a deputy and staff: recorded
    expect((await download(h.deputies[2]!.client, `/api/polls/${pollId}/announcement.pdf`)).statusCode).toBe(200);
    expect((await download(staff, `/api/polls/${pollId}/export.xlsx`)).statusCode).toBe(200);
    expect((await download(teller1, `/api/polls/${pollId}/count-sheet.pdf`)).statusCode).toBe(200);
    const after = (await exportsAudited()).slice(before);
    expect(after).toEqual([
      { actor: `deputy:${h.deputies[2]!.id}`, details: { document: 'announcement', format: 'pdf', draft: false } },
      { actor: 'user:staff1', details: { document: 'announcement', format: 'xlsx', draft: false } },
      { actor: 'user:jipiao1', details: { document: 'count_sheet', format: 'pdf', draft: false } },
    ]);
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);

    // a room of readers at once: every download answered, one entry each, the chain intact
    const n = (await exportsAudited()).length;
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => download(i % 2 ? staff : teller1, `/api/polls/${pollId}/export.csv`)));
    expect(many.map((r) => r.statusCode)).toEqual(many.map(() => 200));
    expect(await exportsAudited()).toHaveLength(n + 12);
    expect((await verifyAuditChain(t.app.services.db)).ok).toBe(true);
  });

  it('a satisfaction rating’s 公告: the table in the body, and the 附件 with the table and the 表决记录 as on the web 公告; its text reads back', async () => {
    const rating = await staff.post(`/api/sessions/${h.sessionId}/rating-polls`, { title: '2027年度宿迁市\u2EA0生实事项目满意度测评', candidateIds: h.candidateIds.slice(0, 2) });
    expect(rating.status, JSON.stringify(rating.body)).toBe(200);
    const id = rating.body.id as string;
    expect((await staff.post(`/api/polls/${id}/open`, {})).status).toBe(200);
    for (const [i, mark] of (['satisfied', 'satisfied', 'basic', 'basic', 'unsatisfied', 'satisfied'] as const).entries()) {
      await castOk(h.deputies[i]!.client, id, { type: 'rating', marks: { [h.candidateIds[0]!]: mark, [h.candidateIds[1]!]: 'basic' } });
    }
    expect((await staff.post(`/api/polls/${id}/close`)).status).toBe(200);
    expect((await staff.post(`/api/polls/${id}/certify`)).body.status).toBe('certified');
    const res = await download(null, `/api/polls/${id}/announcement.pdf`);
    expect(res.statusCode).toBe(200);
    const text = await rawText(res.rawPayload);
    for (const p of ['宿迁市第六届人民代表大会第三次会议主席团', '满意率', '测评等次', '项目1', '特此公告']) expect(text).toContain(p);
    const a = (await staff.read<Announcement>(`/api/polls/${id}/announcement`)).body as Announcement;
    const annex = announcementAnnex(a);
    expect(annex).toEqual({ title: '满意度测评结果统计表', note: '附件：满意度测评结果统计表及表决记录' });
    expect(text).toContain(annex.note);
    expect(text).toContain(printed(`附件${a.cycleName}${annex.title}`));
    const record = announcementRecordRows(a);
    expect(record.map(([label]) => label)).toEqual(expect.arrayContaining(['表决事项', '测评等次', '出席情况', '表决票', '监票人确认', '主席团确认', '候选清单校验值', '审计日志锚点']));
    for (const [label, value] of record) expect(text).toContain(printed(`${label}${value}`));
    // the table, in the body and in the 附件, headed and filled as the web 公告 and the download
    // are (announcementTable, shared): both rates and the 测评等次, twice each
    const table = announcementTable(a);
    expect(table.header).toEqual(RATING_TABLE_HEADER);
    const times = (s: string) => text.split(printed(s)).length - 1;
    expect(times(table.header.join(''))).toBe(2);
    for (const row of table.rows) expect(times(row.join('')), row.join(' ')).toBe(2);
    expect(table.rows[0]).toEqual([1, '项目1', 3, 2, 1, 0, '50.00%', '83.33%', '基本满意']);
    expect(text).not.toMatch(RADICAL);
    // the download: the same table, headings and cells, in the XLSX and the CSV
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(null, `/api/polls/${id}/export.xlsx`)).rawPayload as unknown as ArrayBuffer);
    const sheet: unknown[][] = [];
    wb.getWorksheet('测评结果')!.eachRow({ includeEmpty: true }, (row) => sheet.push((row.values as unknown[]).slice(1)));
    expect(sheet).toEqual([[...table.header], ...table.rows]);
    const csv = (await download(null, `/api/polls/${id}/export.csv`)).rawPayload.toString('utf8').replace(/^\uFEFF/, '');
    expect(csv.split('\r\n').slice(0, 1 + table.rows.length)).toEqual([table.header, ...table.rows].map((r) => r.join(',')));
  });

  it('a city’s list of 15 for 10 (the demo’s): each chosen project with its unit, money, deadline and targets, all 15 in the 附件', async () => {
    const cycle = await staff.post('/api/cycles', { ...defaultCycle, name: '2027年度宿迁市民生实事项目', chooseN: 10, passThreshold: 'seated_majority', ballotMode: 'plain' });
    expect(cycle.status, JSON.stringify(cycle.body)).toBe(200);
    const ids: string[] = [];
    for (const c of DEMO_CANDIDATES) ids.push((await staff.post(`/api/cycles/${cycle.body.id}/candidates`, c)).body.id);
    expect((await fixList(staff, cycle.body.id)).status).toBe(200);
    const session = await staff.post('/api/sessions', { cycleId: cycle.body.id, name: '宿迁市第六届人民代表大会第三次会议' });
    const sessionId = session.body.id as string;
    expect((await staff.post(`/api/sessions/${sessionId}/roster`, { fileName: 'roster.csv', contentBase64: Buffer.from(rosterCsv(30)).toString('base64') })).status).toBe(200);
    const codes = (await staff.post(`/api/sessions/${sessionId}/codes`, {})).body as { deputyId: string; code: string }[];
    await staff.post(`/api/sessions/${sessionId}/checkin/open`);
    const deputies: Client[] = [];
    for (const [i, c] of codes.entries()) {
      const client = new Client(t.app);
      await client.post('/api/auth/deputy-login', { code: c.code });
      if (i < 28) expect((await client.post('/api/deputy/checkin')).status).toBe(200);
      deputies.push(client);
    }
    await adoptRules(staff, sessionId, codes.slice(1, 3).map((c) => c.deputyId));
    const id = await openPoll(staff, sessionId);
    // most approve the first ten; some swap one or two for later ones
    for (const [i, d] of deputies.slice(0, 27).entries()) {
      const chosen = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      if (i % 3 === 0) (chosen.delete(9 - (i % 4)), chosen.add(10 + (i % 5)));
      if (i % 7 === 0) (chosen.delete(8), chosen.add(11));
      await castOk(d, id, { type: 'approve', marks: Object.fromEntries(ids.map((c, k) => [c, chosen.has(k) ? 'for' : k % 2 ? 'against' : 'abstain'])) });
    }
    expect((await staff.post(`/api/polls/${id}/close`)).status).toBe(200);
    expect((await staff.post(`/api/polls/${id}/certify`)).body.status).toBe('certified');
    const a = (await staff.read<Announcement>(`/api/polls/${id}/announcement`)).body as Announcement;
    expect(a.chosen).toHaveLength(10);
    const text = await rawText((await download(null, `/api/polls/${id}/announcement.pdf`)).rawPayload);
    for (const c of a.chosen) {
      const { heading, details } = announcedProjectLines(c);
      for (const line of [heading, ...details]) expect(text).toContain(printed(line));
    }
    for (const r of a.rows) expect(text).toContain(printed(`${r.name}${r.for}${r.against}${r.abstain}${RESULT_STATUS_ZH[r.status]}`));
  });
});
