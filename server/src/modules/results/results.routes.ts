import {
  Announcement,
  CycleArchive,
  announcementRecordRows,
  announcementTable,
  IdParams,
  noticeNumberLine,
  NoticeNumberBody,
  NoticeNumbering,
  NoticeNumberingBody,
  PollBulletin,
  PublicCycleResults,
  PublicResultsCycles,
  vacanciesLine,
} from '@piaojue/shared';
import { Type } from 'typebox';
import { toCsv, toXlsx } from '../../lib/spreadsheet.ts';
import { fileResponse } from '../../lib/openapi.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { announcementPdf } from './announcement-pdf.ts';
import type { Announcement as AnnouncementT } from '@piaojue/shared';

/**
 * The download's sheets: the 公告's table (announcementTable, shared: the same columns as the 公告
 * on paper) with its 空缺名额 line when places stay empty, then the 表决记录 in the 公告's own
 * rows (announcementRecordRows, shared), so the spreadsheet and the 公告 say the same thing.
 */
function sheets(a: AnnouncementT) {
  const record = { name: '表决记录', header: null, rows: announcementRecordRows(a) };
  const table = announcementTable(a);
  const vacancies = vacanciesLine(a.vacancies);
  const results = { name: a.kind === 'rating' && a.rating ? '测评结果' : '票决结果', header: [...table.header], rows: vacancies ? [...table.rows, [vacancies]] : table.rows };
  return [results, record] as const;
}

/**
 * The archive is sent as its JSON text: the response serializer would keep only the columns
 * the schema names, and archive:verify reads every column of the rows.
 */
const archiveText = Type.Unsafe<string>(CycleArchive);

export const resultsRoutes: RoutesPlugin = async (app, { services }) => {
  const { results } = services;
  const tags = ['results'];
  const publicOrStaff = { roles: ['public'] as const };
  const fileName = (a: AnnouncementT, ext: string) => `attachment; filename*=UTF-8''${encodeURIComponent(`${a.title}${a.number === null ? '（草稿）' : noticeNumberLine(a.number)}.${ext}`)}`;

  app.get(
    '/api/polls/:id/announcement',
    { config: publicOrStaff, schema: { tags, summary: '公告内容（确认后公开）· The announcement', params: IdParams, response: { 200: Announcement } } },
    (req) => results.announcement(req.principal, req.params.id),
  );
  app.get(
    '/api/polls/:id/announcement.pdf',
    { config: publicOrStaff, schema: { tags, summary: '公告 PDF · Announcement as PDF', params: IdParams, response: fileResponse(['application/pdf'], '公告 PDF · The announcement as PDF') } },
    async (req, reply) => {
      const a = await results.announcementExport(req.principal, req.params.id, 'pdf');
      const pdf = await announcementPdf(a);
      return reply.type('application/pdf').header('content-disposition', fileName(a, 'pdf').replace('attachment', 'inline')).send(pdf);
    },
  );
  app.get(
    '/api/polls/:id/export.csv',
    { config: publicOrStaff, schema: { tags, summary: '结果与表决记录 CSV · Results and record as CSV', params: IdParams, response: fileResponse(['text/csv'], '结果与表决记录 · Results and record, CSV (UTF-8)') } },
    async (req, reply) => {
      const a = await results.announcementExport(req.principal, req.params.id, 'csv');
      const [res, rec] = sheets(a);
      const csv = toCsv(res.header, [...res.rows, [], ...rec.rows]);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', fileName(a, 'csv')).send(csv);
    },
  );
  app.get(
    '/api/polls/:id/export.xlsx',
    { config: publicOrStaff, schema: { tags, summary: '结果与表决记录 XLSX · Results and record as XLSX', params: IdParams, response: fileResponse(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], '结果与表决记录 · Results and record, XLSX') } },
    async (req, reply) => {
      const a = await results.announcementExport(req.principal, req.params.id, 'xlsx');
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', fileName(a, 'xlsx'))
        .send(await toXlsx(sheets(a)));
    },
  );
  app.get(
    '/api/polls/:id/bulletin',
    {
      config: publicOrStaff,
      schema: { tags, summary: '公开核验数据（加密表决，确认后公开；用 pnpm verify:poll 复核）· The poll\'s bulletin, public once certified', params: IdParams, response: { 200: PollBulletin } },
    },
    async (req, reply) => {
      const bulletin = await services.bulletin.bulletin(req.principal, req.params.id);
      reply.header('content-disposition', `attachment; filename="bulletin-${req.params.id}.json"`);
      return bulletin;
    },
  );
  app.get(
    '/api/public/cycles/:id/results',
    { config: publicOrStaff, schema: { tags: ['public'], summary: '年度票决公开结果 · Published results of a cycle', params: IdParams, response: { 200: PublicCycleResults } } },
    (req) => results.publicResults(req.params.id),
  );
  app.get(
    '/api/cycles/:id/archive',
    { config: { roles: ['staff', 'presidium', 'scrutineer'] }, schema: { tags, summary: '年度票决档案（可独立复核）· Cycle archive, re-verifiable', params: IdParams, response: { 200: { description: '档案文件（JSON，用 pnpm archive:verify 复核）· The archive file, JSON', content: { 'application/json': { schema: archiveText } } } } } },
    async (req, reply) => {
      const archive = await services.archive.export(req.principal, req.params.id);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${archive.cycle.name}-archive.json`)}`)
        .send(JSON.stringify(archive));
    },
  );
  app.get(
    '/api/sessions/:id/notice-numbers',
    { config: { roles: ['staff', 'presidium'] }, schema: { tags, summary: '公告编号 · The session’s 公告 numbers', params: IdParams, response: { 200: NoticeNumbering } } },
    (req) => services.noticeNumbers.get(req.params.id),
  );
  app.put(
    '/api/sessions/:id/notice-numbers',
    { config: { roles: ['staff'] }, schema: { tags, summary: '公告编号方式 · How the session numbers its 公告', params: IdParams, body: NoticeNumberingBody, response: { 200: NoticeNumbering } } },
    (req) => services.noticeNumbers.setNumbering(req.principal, req.params.id, req.body),
  );
  app.put(
    '/api/polls/:id/notice-number',
    { config: { roles: ['staff'] }, schema: { tags, summary: '录入公告编号（确认时生效）· Enter the 公告 number, given at certification', params: IdParams, body: NoticeNumberBody, response: { 200: NoticeNumbering } } },
    (req) => services.noticeNumbers.enter(req.principal, req.params.id, req.body.number),
  );
  app.get('/api/public/cycles', { config: publicOrStaff, schema: { tags: ['public'], summary: '年度票决列表 · Cycles', response: { 200: PublicResultsCycles } } }, () =>
    services.results.publicCycles(),
  );
};
