import { CountSheet, IdParams, PresidingChair, PresidingChairBody } from '@piaojue/shared';
import { fileResponse } from '../../lib/openapi.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { countSheetPdf } from './count-sheet-pdf.ts';

/** 表决结果报告单 (docs/PROCEDURE.md §3, "The count sheet"): who may read it is the 公告's rule (CountSheetService). */
export const countSheetRoutes: RoutesPlugin = async (app, { services }) => {
  const { countSheets } = services;
  const tags = ['results'];

  app.get(
    '/api/polls/:id/count-sheet',
    { config: { roles: ['public'] }, schema: { tags, summary: '表决结果报告单 · The count sheet', params: IdParams, response: { 200: CountSheet } } },
    (req) => countSheets.sheet(req.principal, req.params.id),
  );
  app.get(
    '/api/polls/:id/count-sheet.pdf',
    {
      config: { roles: ['public'] },
      schema: { tags, summary: '表决结果报告单 PDF · The count sheet as PDF', params: IdParams, response: fileResponse(['application/pdf'], '表决结果报告单 PDF · The count sheet as PDF') },
    },
    async (req, reply) => {
      const sheet = await countSheets.sheetExport(req.principal, req.params.id);
      const name = encodeURIComponent(`${sheet.pollTitle}表决结果报告单.pdf`);
      return reply.type('application/pdf').header('content-disposition', `inline; filename*=UTF-8''${name}`).send(await countSheetPdf(sheet));
    },
  );
  app.put(
    '/api/polls/:id/presiding-chair',
    {
      config: { roles: ['staff'] },
      schema: { tags, summary: '登记宣布结果的执行主席 · Enter the presiding chair', params: IdParams, body: PresidingChairBody, response: { 200: PresidingChair } },
    },
    (req) => countSheets.setChair(req.principal, req.params.id, req.body),
  );
};
