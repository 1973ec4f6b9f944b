import {
  levelBodies,
  readRatingResult,
  selectionOf,
  type CompletionBody,
  type ReportCadence,
  type ReportCadenceBody,
  type SelectionResult,
  type ProposalOutcome,
  type SummaryProject,
  type YearSummary,
} from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { rectificationRepository } from './rectification.repository.ts';
import { supervisionOfCycle } from './supervision.service.ts';
import { summaryRepository as repo } from './summary.repository.ts';
import { formatMoneyWan, formatShare, investmentTotals, reportSchedule } from './summary-figures.ts';
import type { TrackingService } from './tracking.service.ts';
import { trackingRepository } from './tracking.repository.ts';
import { checkDepartment, userOf } from './tracking-access.ts';
import { chinaToday, periodDate } from './tracking-status.ts';

const OUTCOME_BY_STATUS: Partial<Record<string, ProposalOutcome>> = { rejected: 'rejected', reserved: 'reserved', routed: 'routed', received: 'pending', under_review: 'pending' };

function tally(values: string[]): { key: string; count: number }[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v || '—', (m.get(v || '—') ?? 0) + 1);
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key, 'zh-CN'));
}

/** 年底问效果: the year summary of a cycle, for the 常委会 (township: 乡镇人民代表大会). */
export class SummaryService {
  constructor(
    private readonly db: Db,
    private readonly tracking: TrackingService,
  ) {}

  async yearSummary(cycleId: string, asOfQuery?: string): Promise<YearSummary> {
    const cycle = await cyclesRepository.get(this.db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const asOf = asOfQuery ?? (chinaToday() < periodDate(cycle.year, 'year_end') ? chinaToday() : periodDate(cycle.year, 'year_end'));
    const progress = await this.tracking.summary(cycleId, { asOf });
    const ids = progress.projects.map((p) => p.id);
    const [figures, invested, reports, rectifications, proposals, supervision, ratingPolls, selection] = await Promise.all([
      repo.projectFigures(this.db, cycleId),
      repo.latestInvested(this.db, ids),
      trackingRepository.reports(this.db, ids),
      rectificationRepository.ofCycle(this.db, cycleId),
      repo.proposals(this.db, cycleId),
      supervisionOfCycle(this.db, cycleId),
      rectificationRepository.ratingPollsOfCycle(
        this.db,
        progress.projects.map((p) => p.candidateId),
      ),
      trackingRepository.finalSelectionPolls(this.db, cycleId),
    ]);
    const fig = new Map(figures.map((f) => [f.id, f]));
    const inv = new Map(invested.map((r) => [r.project_id, r.invested_wan === null ? null : Number(r.invested_wan)]));
    const ratings = ratingPolls.map((p) => ({ poll: p, result: readRatingResult(p.result) }));

    const projects: SummaryProject[] = progress.projects.map((p) => {
      const f = fig.get(p.id)!;
      const due = reportSchedule({
        year: cycle.year,
        everyMonths: f.report_every_months,
        publishedOn: f.published_on,
        reports: reports.filter((r) => r.project_id === p.id && r.reported_on <= asOf).map((r) => ({ reportedOn: r.reported_on })),
        asOf,
      });
      const lastRating = [...ratings].reverse().map((r) => r.result?.rows.find((x) => x.candidateId === p.candidateId)).find((x) => x !== undefined);
      return {
        id: p.id,
        name: p.name,
        department: p.department,
        plannedWan: f.funding_wan === null ? null : Number(f.funding_wan),
        investedWan: inv.get(p.id) ?? null,
        percent: p.percent,
        completion: f.completion,
        completionNote: f.completion_note,
        reports: due,
        overdueReports: due.filter((d) => d.overdue).length,
        rating: lastRating ? { grade: lastRating.grade, satisfactionRate: lastRating.satisfactionRate } : null,
        rectifications: rectifications.filter((r) => r.project_id === p.id).length,
      };
    });

    const investment = investmentTotals(projects);
    const completion = { completed: 0, basic: 0, not_completed: 0, unassessed: 0 };
    for (const p of projects) completion[p.completion ?? 'unassessed']++;

    const chosen = new Set(selection.flatMap((s) => selectionOf(s.result as SelectionResult | null, s.tie_chosen)));
    const byOutcome: Record<ProposalOutcome, number> = { chosen: 0, not_chosen: 0, reserved: 0, routed: 0, rejected: 0, pending: 0 };
    for (const pr of proposals) {
      const direct = OUTCOME_BY_STATUS[pr.status];
      if (direct) byOutcome[direct]++;
      else if (pr.candidate_id && chosen.has(pr.candidate_id)) byOutcome.chosen++;
      else byOutcome[selection.length > 0 ? 'not_chosen' : 'pending']++;
    }

    const ratingRows = ratings
      .filter((r) => r.result)
      .map(({ poll, result }) => {
        const rows = result!.rows.filter((x) => progress.projects.some((p) => p.candidateId === x.candidateId));
        const valid = rows.reduce((s, x) => s + x.satisfied + x.basic + x.unsatisfied + x.abstain, 0);
        const content = rows.reduce((s, x) => s + x.satisfied + x.basic, 0);
        const grades = { satisfied: 0, basic: 0, unsatisfied: 0 };
        for (const x of rows) grades[x.grade]++;
        return { pollId: poll.id, title: poll.title, certifiedAt: poll.certified_at?.toISOString() ?? null, overallRate: valid === 0 ? 0 : content / valid, grades };
      });

    const sc = supervision.counts;
    const paragraphs = [
      `${cycle.name}共${projects.length}个项目，计划投资${formatMoneyWan(investment.plannedWan)}，完成投资${formatMoneyWan(investment.investedWan)}${investment.ratio === null ? '' : `，占年度计划的${formatShare(investment.ratio)}`}。`,
      `对照目标任务，完成${completion.completed}个，基本完成${completion.basic}个，未完成${completion.not_completed}个${completion.unassessed ? `，尚未评估${completion.unassessed}个` : ''}。`,
      `征集阶段共收到群众建议${proposals.length}条，其中所涉项目入选${byOutcome.chosen}条，列入候选未入选${byOutcome.not_chosen}条，列入项目储备库${byOutcome.reserved}条，转有关方面办理${byOutcome.routed}条，不予采纳${byOutcome.rejected}条${byOutcome.pending ? `，尚在办理${byOutcome.pending}条` : ''}。`,
      `代表小组开展监督活动${sc.activities}次（视察${sc.byKind.inspection}次、调研${sc.byKind.research}次、专题询问${sc.byKind.inquiry}次），参加代表${sc.participants}人次，提出意见建议${sc.opinions}条，已答复${sc.replied}条，已办结${sc.done}条。`,
      ...ratingRows.map((r) => `${r.title}：总体满意率${formatShare(r.overallRate)}，测评满意${r.grades.satisfied}个、基本满意${r.grades.basic}个、不满意${r.grades.unsatisfied}个。`),
      `以上情况报${levelBodies(cycle.level).decides}。`,
    ];

    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level, unitName: cycle.unit_name },
      asOf,
      generatedAt: new Date().toISOString(),
      projects,
      investment,
      completion,
      proposals: {
        total: proposals.length,
        merged: proposals.filter((p) => p.candidate_id !== null).length,
        byChannel: tally(proposals.map((p) => p.channel)),
        byArea: tally(proposals.map((p) => p.area)),
        byDistrict: tally(proposals.map((p) => p.district)),
        byOutcome,
      },
      supervision: sc,
      ratings: ratingRows,
      paragraphs,
    };
  }

  /** How often the unit must report, and this year's due dates as of today, each answered or not. */
  async cadence(actor: Principal, projectId: string): Promise<ReportCadence> {
    const p = await trackingRepository.project(this.db, projectId);
    if (!p) throw new AppError('NOT_FOUND');
    await checkDepartment(this.db, userOf(actor), p.department, 'read');
    const [f, reports] = await Promise.all([repo.projectFigure(this.db, projectId), trackingRepository.reports(this.db, [projectId])]);
    const everyMonths = f!.report_every_months;
    const today = chinaToday();
    return {
      everyMonths,
      reports: reportSchedule({ year: p.cycle_year, everyMonths, publishedOn: f!.published_on, reports: reports.map((r) => ({ reportedOn: r.reported_on })), asOf: today }),
    };
  }

  /** How often the unit must report (quarterly unless the plan says otherwise). */
  async setCadence(actor: Principal, projectId: string, b: ReportCadenceBody): Promise<ReportCadence> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await trackingRepository.lockProject(trx, projectId))) throw new AppError('NOT_FOUND');
      await repo.setCadence(trx, projectId, b.everyMonths);
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.report_cadence', subject: `tracking:${projectId}`, details: { everyMonths: b.everyMonths } });
    });
    return this.cadence(actor, projectId);
  }

  /** 年底: 完成 / 基本完成 / 未完成 against the targets, recorded by staff. */
  async setCompletion(actor: Principal, projectId: string, b: CompletionBody): Promise<{ ok: true }> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await trackingRepository.lockProject(trx, projectId))) throw new AppError('NOT_FOUND');
      await repo.setCompletion(trx, projectId, b.completion, b.note?.trim() ?? '');
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.completion_assessed', subject: `tracking:${projectId}`, details: { completion: b.completion, note: b.note ?? '' } });
      return { ok: true as const };
    });
  }
}
