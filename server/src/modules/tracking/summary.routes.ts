import { AsOfQuery, COMPLETION_ZH, CompletionBody, ReportCadence, ReportCadenceBody, GRADE_ZH, IdParams, Ok, OUTCOME_ZH, SUPERVISION_KIND_ZH as KIND_ZH, YearSummary, type YearSummary as YearSummaryT } from '@piaojue/shared';
import { fileResponse } from '../../lib/openapi.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';
import { toXlsx } from '../../lib/spreadsheet.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const pct = (r: number | null) => (r === null ? '' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);

function sheets(s: YearSummaryT) {
  const tally = (name: string, rows: { key: string; count: number }[]) => ({ name, header: ['分类', '件数'], rows: rows.map((r) => [r.key, r.count]) });
  return [
    { name: '总体情况', header: ['内容'], rows: s.paragraphs.map((p) => [p]) },
    {
      name: '项目完成情况',
      header: ['序号', '项目名称', '责任单位', '计划投资（万元）', '完成投资（万元）', '完成投资占比', '进度', '完成情况', '逾期未报进度（次）', '满意度测评', '满意率', '整改（次）'],
      rows: [
        ...s.projects.map((p, i) => [
          i + 1,
          p.name,
          p.department,
          p.plannedWan ?? '',
          p.investedWan ?? '',
          p.plannedWan ? pct((p.investedWan ?? 0) / p.plannedWan) : '',
          `${p.percent}%`,
          p.completion ? COMPLETION_ZH[p.completion] : '未评估',
          p.overdueReports,
          p.rating ? GRADE_ZH[p.rating.grade] : '',
          p.rating ? pct(p.rating.satisfactionRate) : '',
          p.rectifications,
        ]),
        ['合计', '', '', s.investment.plannedWan, s.investment.investedWan, pct(s.investment.ratio), '', `完成${s.completion.completed} 基本完成${s.completion.basic} 未完成${s.completion.not_completed}`, '', '', '', ''],
      ],
    },
    { name: '建议办理结果', header: ['结果', '件数'], rows: [...Object.entries(s.proposals.byOutcome).map(([k, v]) => [OUTCOME_ZH[k as keyof typeof OUTCOME_ZH], v]), ['合计', s.proposals.total]] },
    tally('建议来源渠道', s.proposals.byChannel),
    tally('建议所属领域', s.proposals.byArea),
    tally('建议所在区域', s.proposals.byDistrict),
    {
      name: '代表监督',
      header: ['项目', '数量'],
      rows: [
        ['监督活动（次）', s.supervision.activities],
        ...Object.entries(s.supervision.byKind).map(([k, v]) => [`其中${KIND_ZH[k as keyof typeof KIND_ZH]}（次）`, v]),
        ['参加代表（人次）', s.supervision.participants],
        ['意见建议（条）', s.supervision.opinions],
        ['已答复（条）', s.supervision.replied],
        ['已办结（条）', s.supervision.done],
      ],
    },
    { name: '满意度测评', header: ['测评', '总体满意率', '满意（个）', '基本满意（个）', '不满意（个）'], rows: s.ratings.map((r) => [r.title, pct(r.overallRate), r.grades.satisfied, r.grades.basic, r.grades.unsatisfied]) },
  ];
}

export const summaryRoutes: RoutesPlugin = async (app, { services }) => {
  const { summary } = services;
  const tags = ['tracking'];
  const readers = { roles: ['staff', 'presidium'] as const };

  app.get(
    '/api/cycles/:id/year-summary',
    { config: readers, schema: { tags, summary: '年度实施情况总结 · Year summary of a cycle', params: IdParams, querystring: AsOfQuery, response: { 200: YearSummary } } },
    (req) => summary.yearSummary(req.params.id, req.query.asOf),
  );
  app.get(
    '/api/cycles/:id/year-summary.xlsx',
    { config: readers, schema: { tags, summary: '年度实施情况总结 XLSX · Year summary as XLSX', params: IdParams, querystring: AsOfQuery, response: fileResponse([XLSX], '年度总结 · Year summary, XLSX') } },
    async (req, reply) => {
      const s = await summary.yearSummary(req.params.id, req.query.asOf);
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${s.cycle.name}实施情况总结.xlsx`)}`)
        .send(await toXlsx(sheets(s)));
    },
  );
  app.get(
    '/api/tracking/projects/:id/report-cadence',
    { config: { roles: ['staff', 'presidium', 'department'] }, schema: { tags, summary: '进度报告周期与本年度应报日期 · Report cadence and this year’s due dates', params: IdParams, response: { 200: ReportCadence } } },
    (req) => summary.cadence(req.principal, req.params.id),
  );
  app.put(
    '/api/tracking/projects/:id/report-cadence',
    { config: { roles: ['staff'] }, schema: { tags, summary: '进度报告周期（默认按季度）· How often progress is due', params: IdParams, body: ReportCadenceBody, response: { 200: ReportCadence } } },
    (req) => summary.setCadence(req.principal, req.params.id, req.body),
  );
  app.put(
    '/api/tracking/projects/:id/completion',
    { config: { roles: ['staff'] }, schema: { tags, summary: '年底评估完成情况 · Year-end completion', params: IdParams, body: CompletionBody, response: { 200: Ok } } },
    (req) => summary.setCompletion(req.principal, req.params.id, req.body),
  );
};
