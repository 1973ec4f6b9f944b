import fs from 'node:fs';
import path from 'node:path';
import { announcementRecordRows, announcementTable, type Announcement } from '@piaojue/shared';
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRules, adminClient, Client, createTestApp, key, userClient, type TestApp } from './helpers/app.ts';
import { castOk, fixList, hall, openPoll } from './helpers/world.ts';

let t: TestApp;
let clerk: Client;
let cycleId: string;
let pollId: string;
const names = ['新建改扩建中小学幼儿园', '老旧小区改造及加装电梯', '社区嵌入式养老服务中心', '城乡公交一体化提升'];

async function pdfText(buf: Buffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(buf));
  const { text } = await extractText(pdf, { mergePages: true });
  return (text as string).replace(/\s+/g, '');
}

/** The workbook's sheets, each as its rows of cell values (exceljs counts columns from 1). */
async function xlsxSheets(buf: Buffer): Promise<Map<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const sheets = new Map<string, unknown[][]>();
  for (const ws of wb.worksheets) {
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    sheets.set(ws.name, rows);
  }
  return sheets;
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await adminClient(t);
  clerk = await userClient(t, admin, 'clerk', ['staff', 'presidium']);
  const cycle = await clerk.post('/api/cycles', { level: 'city', name: '2027年度宿迁市民生实事项目', year: 2027, chooseN: 2, ballotType: 'approve', passThreshold: 'seated_majority', quorumRule: 'more_than_half', tieRule: 'vacant', scrutineerConfirmations: 0, maxExtraRatio: 1, ballotMode: 'plain' });
  cycleId = cycle.body.id;
  const ids: string[] = [];
  for (const [i, name] of names.entries()) ids.push((await clerk.post(`/api/cycles/${cycleId}/candidates`, { name, department: i % 2 ? '市住房和城乡建设局' : '市教育局', investmentWan: 10000 + i })).body.id);
  await fixList(clerk, cycleId, { organ: 'director_meeting', decidedOn: '2026-12-08', reference: '第32次主任会议' });
  const session = await clerk.post('/api/sessions', { cycleId, name: '宿迁市第六届人民代表大会第三次会议' });
  const csv = ['姓名,代表团,座位', ...Array.from({ length: 5 }, (_, i) => `代表${i},宿城区代表团,${i + 1}`)].join('\n');
  await clerk.post(`/api/sessions/${session.body.id}/roster`, { fileName: 'r.csv', contentBase64: Buffer.from(csv).toString('base64') });
  const codes = (await clerk.post(`/api/sessions/${session.body.id}/codes`, {})).body as { code: string; deputyId: string }[];
  await adoptRules(clerk, session.body.id, [codes[0]!.deputyId, codes[1]!.deputyId]);
  await clerk.post(`/api/sessions/${session.body.id}/checkin/open`);
  const deputies: Client[] = [];
  for (const c of codes) {
    const d = new Client(t.app);
    await d.post('/api/auth/deputy-login', { code: c.code });
    await d.post('/api/deputy/checkin');
    deputies.push(d);
  }
  const poll = await clerk.post(`/api/sessions/${session.body.id}/polls`, {});
  pollId = poll.body.id;
  await clerk.post(`/api/polls/${pollId}/open`, {});
  // names[0]: 5 for; names[1]: 3 for; names[2]: 2 for (not more than 5/2); names[3]: 0.
  const plan = [[0, 1], [0, 1], [0, 1], [0, 2], [0, 2]];
  for (const [i, d] of deputies.entries()) {
    const marks = Object.fromEntries(plan[i]!.map((j) => [ids[j]!, 'for']));
    const r = await d.post(`/api/polls/${pollId}/ballots`, { idempotencyKey: key(), ballot: { type: 'approve', marks } });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  }
  await clerk.post(`/api/polls/${pollId}/close`);
});
afterAll(async () => {
  await t?.close();
});

describe('announcement (公告)', () => {
  it('is a draft for staff only until certified', async () => {
    const anon = new Client(t.app);
    expect((await anon.get(`/api/polls/${pollId}/announcement`)).status).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/announcement.pdf` })).statusCode).toBe(401);
    const draft = await clerk.get(`/api/polls/${pollId}/announcement`);
    expect(draft.status).toBe(200);
    expect(draft.body.draft).toBe(true);
    expect(draft.body.chosen.map((c: { name: string }) => c.name)).toEqual([names[0], names[1]]);
    expect(draft.body.paragraphs.join('')).toContain('应到代表5名，实到代表5名，符合法定人数。共发出表决票5张，收回5张，其中有效票5张，无效票0张，表决有效。');
    // The fixture's cycle chose plain ballots explicitly: the 公告 says so.
    expect(draft.body.rules.ballotMode).toBe('plain');
    expect(draft.body.paragraphs[0]).toContain('电子表决票未加密（明文表决）');
    const pdf = await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/announcement.pdf`, headers: { cookie: `pj_session=${clerk.cookie}` } });
    expect(pdf.statusCode).toBe(200);
    expect(await pdfText(pdf.rawPayload)).toContain('草稿');
  });

  it('exports the 表决记录 in the 公告’s own rows (announcementRecordRows), in the XLSX and the CSV', async () => {
    const a = (await clerk.get(`/api/polls/${pollId}/announcement`)).body as Announcement;
    const record = announcementRecordRows(a);
    expect(record).toContainEqual(['主席团确认', '尚未确认（草稿）']);
    const cookie = { cookie: `pj_session=${clerk.cookie}` };
    const xlsx = await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/export.xlsx`, headers: cookie });
    expect(xlsx.statusCode).toBe(200);
    expect((await xlsxSheets(xlsx.rawPayload)).get('表决记录')).toEqual(record);
    const csv = (await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/export.csv`, headers: cookie })).rawPayload.toString('utf8');
    expect(csv.trimEnd().split('\r\n').slice(-record.length)).toEqual(record.map((r) => r.join(',')));
  });

  it('once certified is public as JSON, a PDF with Chinese text, CSV and XLSX', async () => {
    const draft0 = (await clerk.get(`/api/polls/${pollId}/announcement`)).body;
    const certified = await clerk.post(`/api/polls/${pollId}/certify`);
    expect(certified.body.status).toBe('certified');
    const anon = new Client(t.app);
    const pub = await anon.get(`/api/polls/${pollId}/announcement`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ draft: false, number: 1, issuer: '宿迁市第六届人民代表大会第三次会议主席团', certifiedBy: ['clerk'] });
    expect(pub.body.auditAnchor.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(draft0.auditAnchor).toBeNull();
    expect(pub.body.chosen[0]).toMatchObject({ rank: 1, name: names[0], department: '市教育局', investmentWan: 10000, for: 5 });

    const pdf = await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/announcement.pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('公告');
    expect(text).toContain(names[0]);
    expect(text).toContain(names[1]);
    expect(text).toContain('宿迁市第六届人民代表大会第三次会议主席团');
    expect(text).toContain('票决结果统计表');
    expect(text).not.toContain('草稿');
    expect(text).toContain(pub.body.auditAnchor.hash);

    const csvRes = await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/export.csv` });
    const csvText = csvRes.rawPayload.toString('utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText).toContain(`1,${names[0]},5,0,0,入选`);

    const xlsx = await t.app.inject({ method: 'GET', url: `/api/polls/${pollId}/export.xlsx` });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['票决结果', '表决记录']);
    expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, 1, names[0], 5, 0, 0, '入选']);
    // the 公告's table, headings and cells as on paper (announcementTable, shared), in the XLSX and the CSV
    const table = announcementTable(pub.body as Announcement);
    expect(table.header).toEqual(['名次', '候选项目', '赞成', '反对', '弃权', '结果']);
    expect((await xlsxSheets(xlsx.rawPayload)).get('票决结果')).toEqual([[...table.header], ...table.rows]);
    expect(csvText.slice(1).split('\r\n').slice(0, 1 + table.rows.length)).toEqual([table.header, ...table.rows].map((r) => r.join(',')));
    // no place left empty: no 空缺名额 line
    expect(csvText).not.toContain('空缺名额');
    // the certified 表决记录, as the 公告 words it: times, certification and the audit anchor
    const record = announcementRecordRows(pub.body as Announcement);
    expect(record.map(([label]) => label)).toEqual(expect.arrayContaining(['出席情况', '表决票', '开始时间', '结束时间', '主席团确认', '审计日志锚点']));
    expect((await xlsxSheets(xlsx.rawPayload)).get('表决记录')).toEqual(record);

    const results = await anon.get(`/api/public/cycles/${cycleId}/results`);
    expect(results.body.announcements).toHaveLength(1);
  });
});

/**
 * The 公告 of a 差额勾选 and of a rank poll: its table shows the figures of the ballot form, as the
 * count sheet does (docs/PROCEDURE.md §3, "Counting"), in the JSON, the PDF and the download alike.
 * With PDF_DUMP=<dir> it saves the two PDFs there (announcement-choose.pdf, announcement-rank.pdf).
 */
describe('the 公告 of a 差额勾选 and of a rank poll', () => {
  // five deputies, 项目1–3, two places; ballots by position in the list
  const cases = [
    {
      form: 'choose' as const,
      // 项目1 ticked 4 times, 项目2 3 times, 项目3 once; unticked: 5 − ticks
      ballots: [[0, 1], [0, 1], [0, 2], [0], [1]].map((picked) => (ids: string[]) => ({ type: 'choose', selected: picked.map((i) => ids[i]!) })),
      header: ['名次', '候选项目', '赞成（勾选）', '未勾选', '结果'],
      rows: [
        [1, '项目1', 4, 1, '入选'],
        [2, '项目2', 3, 2, '入选'],
        [3, '项目3', 1, 4, '未入选'],
      ],
    },
    {
      form: 'rank' as const,
      // first place 2 points, second 1: 项目2 6 points (ranked 3 times), 项目3 5 (3), 项目1 4 (4):
      // ranked by the most ballots, 项目1 is last by points and not chosen
      ballots: [[2, 0], [2, 0], [1, 0], [1, 0], [1, 2]].map((order) => (ids: string[]) => ({ type: 'rank', ranking: order.map((i) => ids[i]!) })),
      header: ['名次', '候选项目', '被排序次数', '得分', '未排序', '结果'],
      rows: [
        [1, '项目2', 3, 6, 2, '入选'],
        [2, '项目3', 3, 5, 2, '入选'],
        [3, '项目1', 4, 4, 1, '未入选'],
      ],
    },
  ];

  for (const c of cases) {
    it(`${c.form}: the table headed and filled by the ballot form, in the 公告, its PDF, the XLSX and the CSV`, async () => {
      const h = await hall(t, clerk, { candidates: 3, deputies: 5, cycle: { chooseN: 2, ballotType: c.form, passThreshold: 'none' } });
      const id = await openPoll(clerk, h.sessionId);
      for (const [i, ballot] of c.ballots.entries()) await castOk(h.deputies[i]!.client, id, ballot(h.candidateIds));
      expect((await clerk.post(`/api/polls/${id}/close`)).status).toBe(200);
      expect((await clerk.post(`/api/polls/${id}/certify`)).body.status).toBe('certified');

      const a = (await new Client(t.app).get(`/api/polls/${id}/announcement`)).body as Announcement;
      expect(a.rules.ballotType).toBe(c.form);
      const table = announcementTable(a);
      expect(table.header).toEqual(c.header);
      expect(table.rows).toEqual(c.rows);
      // How the places were filled, in the body and the 表决记录: a rank poll by points, not by 赞成.
      const order = c.form === 'rank' ? '按照得分高低确定' : '按照得票多少确定';
      expect(a.paragraphs.join('')).toContain(order);
      expect(a.paragraphs.join('')).not.toContain(c.form === 'rank' ? '得票多少' : '得分');
      const rule = announcementRecordRows(a).find(([label]) => label === '通过规则')?.[1];
      expect(rule).toBe(c.form === 'rank' ? '不设过半数条件（按得分排名）' : '不设过半数条件（按赞成票排名）');

      // the PDF's 附件: the same headings and rows, and no 反对 anywhere (the form has none)
      const pdf = await t.app.inject({ method: 'GET', url: `/api/polls/${id}/announcement.pdf` });
      expect(pdf.statusCode).toBe(200);
      if (process.env.PDF_DUMP) fs.writeFileSync(path.join(process.env.PDF_DUMP, `announcement-${c.form}.pdf`), pdf.rawPayload);
      const text = await pdfText(pdf.rawPayload);
      expect(text).toContain(c.header.join(''));
      for (const row of c.rows) expect(text, row.join(' ')).toContain(row.join(''));
      expect(text).not.toContain('反对');

      // the download: the same table, numbers as numbers
      const xlsx = await t.app.inject({ method: 'GET', url: `/api/polls/${id}/export.xlsx` });
      expect((await xlsxSheets(xlsx.rawPayload)).get('票决结果')).toEqual([c.header, ...c.rows]);
      const csv = (await t.app.inject({ method: 'GET', url: `/api/polls/${id}/export.csv` })).rawPayload.toString('utf8').replace(/^\uFEFF/, '');
      expect(csv.split('\r\n').slice(0, 1 + c.rows.length)).toEqual([c.header, ...c.rows].map((r) => r.join(',')));
    });
  }
});
