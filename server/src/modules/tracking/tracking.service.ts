import {
  selectionOf,
  type ChangeBody,
  type MilestoneBody,
  type MilestonePatch,
  type MonitorsBody,
  type MyTrackedProjects,
  type ProjectTrail,
  type PublicTrackedProject,
  type PutPlanBody,
  type SelectionResult,
  type SummaryPeriod,
  type TrackedProject,
  type TrackingChange,
  type TrackingInitResult,
  type TrackingMilestone,
  type TrackingMonitor,
  type TrackingPlan,
  type TrackingRating,
  type TrackingSummary,
  type TrackingSummaryQuery,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { compute, latestRatings, toChange, toMilestone, toMonitor, toPlan, toSummary } from './tracking.mappers.ts';
import { trackingRepository as repo } from './tracking.repository.ts';
import { checkDepartment, lockProject, userOf } from './tracking-access.ts';
import { loadBundle, loadBundles, projectDetail } from './tracking.views.ts';
import { milestoneChanges, planChanges, stateAfter } from './tracking-changes.ts';
import { averagePercent, chinaToday, periodDate } from './tracking-status.ts';
import { unitOf } from '../units/unit-scope.ts';

export class TrackingService {
  constructor(private readonly db: Db) {}

  // -------------------------------------------------------------------------
  // Projects to track
  // -------------------------------------------------------------------------

  /**
   * Creates a tracking record for every project chosen in the cycle's certified votes and
   * run-offs, those the 主席团 chose among tied ones included (idempotent: a project already
   * tracked is left as it is).
   */
  async init(actor: Principal, cycleId: string): Promise<TrackingInitResult> {
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      const polls = await repo.finalSelectionPolls(trx, cycleId);
      if (polls.length === 0) throw new AppError('NO_CERTIFIED_RESULT');
      const chosenBy = new Map<string, string>();
      for (const poll of polls) {
        for (const id of selectionOf(poll.result as SelectionResult | null, poll.tie_chosen)) if (!chosenBy.has(id)) chosenBy.set(id, poll.id);
      }
      const candidates = await cyclesRepository.candidatesByIds(trx, [...chosenBy.keys()]);
      const inserted = await repo.insertProjects(
        trx,
        candidates.map((c) => ({
          cycle_id: cycleId,
          candidate_id: c.id,
          poll_id: chosenBy.get(c.id)!,
          department: c.department,
          targets: c.targets,
          funding_wan: c.investment_wan,
          funding_source: c.funding_source,
        })),
      );
      if (inserted.length > 0) {
        await appendAudit(trx, {
          actor: actorOf(actor),
          action: 'tracking.initialized',
          subject: `cycle:${cycleId}`,
          details: { projects: inserted.map((r) => r.id), polls: polls.map((p) => p.id) },
        });
      }
      const today = chinaToday();
      const all = await loadBundles(trx, await repo.projectsOfCycle(trx, cycleId), 'none');
      return { created: inserted.length, projects: all.map((b) => toSummary(b, today, false)) };
    });
  }

  private async cycleSummary(cycleId: string, asOf: string, period: SummaryPeriod | null, isPublic: boolean): Promise<TrackingSummary> {
    const cycle = await cyclesRepository.get(this.db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const projects = (await loadBundles(this.db, await repo.projectsOfCycle(this.db, cycleId), 'none')).map((b) => toSummary(b, asOf, isPublic));
    const counts = { on_track: 0, overdue: 0, completed: 0, paused: 0, cancelled: 0 };
    for (const p of projects) counts[p.status]++;
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level },
      asOf,
      period,
      total: projects.length,
      counts,
      averagePercent: averagePercent(projects.filter((p) => p.state !== 'cancelled').map((p) => p.percent)),
      projects,
    };
  }

  /** 年中 / 年底 summary: counts by status and average progress on a given day. */
  async summary(cycleId: string, q: TrackingSummaryQuery): Promise<TrackingSummary> {
    const cycle = await cyclesRepository.get(this.db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const period = q.asOf ? null : (q.period ?? null);
    const asOf = q.asOf ?? (period ? periodDate(cycle.year, period) : chinaToday());
    return this.cycleSummary(cycleId, asOf, period, false);
  }

  async publicProgress(cycleId: string, asOf?: string): Promise<TrackingSummary> {
    return this.cycleSummary(cycleId, asOf ?? chinaToday(), null, true);
  }

  /**
   * A department account's own projects, every cycle of its congress: a unit's name is unique
   * within a congress only (every township has its 社会事务办), so an account of one congress
   * never lists another's projects of the same name.
   */
  async mine(actor: Principal): Promise<MyTrackedProjects> {
    const u = userOf(actor);
    const department = await repo.userDepartment(this.db, u.user.id);
    if (!department) return { department: null, projects: [] };
    const today = chinaToday();
    const bundles = await loadBundles(this.db, await repo.projectsOfDepartment(this.db, department, await unitOf(this.db, u)), 'none');
    return { department, projects: bundles.map((b) => toSummary(b, today, false)) };
  }

  async project(actor: Principal, id: string, asOf?: string): Promise<TrackedProject> {
    const u = userOf(actor);
    const b = await loadBundle(this.db, id, 'all');
    await checkDepartment(this.db, u, b.p.department, 'read');
    return {
      ...(await projectDetail(this.db, b, asOf ?? chinaToday())),
      department: b.p.department,
      plan: toPlan(b.p),
      monitors: b.monitors.map(toMonitor),
    };
  }

  async publicProject(id: string, asOf?: string): Promise<PublicTrackedProject> {
    const b = await loadBundle(this.db, id, 'public');
    const published = b.p.plan_published_at !== null;
    const d = await projectDetail(this.db, b, asOf ?? chinaToday());
    return {
      ...d,
      department: published ? b.p.department : b.p.candidate_department,
      // A draft plan is not public, and neither are its milestones.
      plan: published ? toPlan(b.p) : null,
      milestones: published ? d.milestones : [],
      monitors: b.monitors.map((m) => ({ name: m.name, delegation: m.delegation, leader: m.leader })),
    };
  }

  // -------------------------------------------------------------------------
  // Plan and milestones (free while a draft; after publication only through a decision)
  // -------------------------------------------------------------------------

  async plan(actor: Principal, id: string): Promise<TrackingPlan> {
    const p = await repo.project(this.db, id);
    if (!p) throw new AppError('NOT_FOUND');
    await checkDepartment(this.db, userOf(actor), p.department, 'read');
    return toPlan(p);
  }

  async putPlan(actor: Principal, id: string, b: PutPlanBody): Promise<TrackingPlan> {
    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, id);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      if (p.state === 'cancelled') throw new AppError('PROJECT_STATE', { state: p.state });
      await repo.updateProject(trx, id, {
        department: b.department.trim(),
        targets: b.targets,
        funding_wan: b.fundingWan,
        funding_source: b.fundingSource,
        measures: b.measures,
        deadline: b.deadline,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.plan_saved', subject: `tracking:${id}`, details: { ...b } });
      return toPlan((await repo.project(trx, id))!);
    });
  }

  /** 年初问计划: the plan becomes public and binding; from now on only a decision changes it. */
  async publishPlan(actor: Principal, id: string): Promise<TrackingPlan> {
    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, id);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      if (p.state === 'cancelled') throw new AppError('PROJECT_STATE', { state: p.state });
      if (p.department.trim() === '') throw new AppError('VALIDATION', { field: 'department', reason: 'the plan names no responsible department' });
      await repo.updateProject(trx, id, { plan_published_at: new Date() });
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.plan_published', subject: `tracking:${id}`, details: { department: p.department } });
      return toPlan((await repo.project(trx, id))!);
    });
  }

  private async milestoneView(db: DbOrTx, projectId: string, milestoneId: string): Promise<TrackingMilestone> {
    const b = await loadBundle(db, projectId, 'none');
    const today = chinaToday();
    const status = compute(b, today).status;
    const m = b.milestones.find((x) => x.id === milestoneId);
    if (!m) throw new AppError('NOT_FOUND');
    return toMilestone(m, status, b.p.plan_published_at !== null, today);
  }

  async addMilestone(actor: Principal, projectId: string, body: MilestoneBody): Promise<TrackingMilestone> {
    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, projectId);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      const { id } = await repo.insertMilestone(trx, {
        project_id: projectId,
        position: await repo.nextMilestonePosition(trx, projectId),
        title: body.title.trim(),
        description: body.description ?? '',
        due_date: body.dueDate,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.milestone_added', subject: `tracking:${projectId}`, details: { milestone: id, ...body } });
      return this.milestoneView(trx, projectId, id);
    });
  }

  private async milestoneProject(db: DbOrTx, milestoneId: string): Promise<string> {
    const m = await repo.milestoneProject(db, milestoneId);
    if (!m) throw new AppError('NOT_FOUND');
    return m.project_id;
  }

  async updateMilestone(actor: Principal, milestoneId: string, body: MilestonePatch): Promise<TrackingMilestone> {
    return this.db.transaction().execute(async (trx) => {
      const projectId = await this.milestoneProject(trx, milestoneId);
      const p = await lockProject(trx, projectId);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      await repo.updateMilestone(trx, milestoneId, {
        ...(body.title !== undefined && { title: body.title.trim() }),
        ...(body.description !== undefined && { description: body.description }),
        ...(body.dueDate !== undefined && { due_date: body.dueDate }),
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.milestone_updated', subject: `tracking:${projectId}`, details: { milestone: milestoneId, ...body } });
      return this.milestoneView(trx, projectId, milestoneId);
    });
  }

  async deleteMilestone(actor: Principal, milestoneId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const projectId = await this.milestoneProject(trx, milestoneId);
      const p = await lockProject(trx, projectId);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      await repo.deleteMilestone(trx, milestoneId);
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.milestone_deleted', subject: `tracking:${projectId}`, details: { milestone: milestoneId } });
    });
  }

  // -------------------------------------------------------------------------
  // Monitoring group (监督小组)
  // -------------------------------------------------------------------------

  async setMonitors(actor: Principal, projectId: string, body: MonitorsBody): Promise<TrackingMonitor[]> {
    const leaders = body.members.filter((m) => m.leader).length;
    if (leaders > 1) throw new AppError('VALIDATION', { field: 'members', reason: 'at most one leader (组长)' });
    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, projectId);
      const ids = [...new Set(body.members.map((m) => m.deputyId))];
      const found = await repo.deputiesOfCycle(trx, p.cycle_id, ids);
      const byId = new Map(found.map((d) => [d.id, d]));
      const unknown = ids.filter((id) => !byId.has(id));
      if (unknown.length > 0) throw new AppError('VALIDATION', { field: 'members', reason: 'not a deputy of this cycle', deputyIds: unknown });
      // One deputy may sit in several sessions of the cycle: the person counts once.
      const seen = new Set<string>();
      const rows = [];
      for (const m of body.members) {
        const d = byId.get(m.deputyId)!;
        const person = `${d.name}\u0000${d.delegation}`;
        if (seen.has(person)) continue;
        seen.add(person);
        rows.push({ project_id: projectId, deputy_id: d.id, name: d.name, delegation: d.delegation, leader: m.leader ?? false, position: rows.length + 1 });
      }
      await repo.deleteMonitors(trx, projectId);
      await repo.insertMonitors(trx, rows);
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'tracking.monitors_set',
        subject: `tracking:${projectId}`,
        details: { members: rows.map((r) => ({ deputyId: r.deputy_id, leader: r.leader })) },
      });
      return (await repo.monitors(trx, [projectId])).map(toMonitor);
    });
  }

  // -------------------------------------------------------------------------
  // Changes (常委会决定)
  // -------------------------------------------------------------------------

  /**
   * Records a modification, pause, cancellation or resumption together with the standing
   * committee's decision that ordered it; without a decision reference nothing changes.
   */
  async change(actor: Principal, projectId: string, b: ChangeBody): Promise<TrackingChange> {
    const decisionRef = b.decisionRef?.trim() ?? '';
    if (decisionRef === '' || !b.decisionDate) {
      throw new AppError('DECISION_REQUIRED', { missing: [...(decisionRef === '' ? ['decisionRef'] : []), ...(b.decisionDate ? [] : ['decisionDate'])] });
    }
    const decisionDate = b.decisionDate;
    if (decisionDate > chinaToday()) throw new AppError('VALIDATION', { field: 'decisionDate', reason: 'a decision cannot be dated in the future' });
    if (b.kind !== 'modify' && (b.plan !== undefined || b.milestones !== undefined)) {
      throw new AppError('VALIDATION', { field: 'kind', reason: 'only a modify decision carries plan or milestone changes' });
    }
    if (b.plan?.department !== undefined && b.plan.department.trim() === '') {
      throw new AppError('VALIDATION', { field: 'plan.department', reason: 'the plan needs a responsible department' });
    }

    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, projectId);
      const state = p.state;
      const nextState = stateAfter(b.kind, state);
      const previous = (await repo.changes(trx, [projectId])).at(-1);
      if (previous && decisionDate < previous.decision_date) {
        throw new AppError('VALIDATION', { field: 'decisionDate', reason: 'earlier than the project’s previous decision', previous: previous.decision_date });
      }
      const { diff, patch: planPatch } = planChanges(toPlan(p), b.plan ?? {});
      const ops = b.milestones ?? {};
      diff.push(...milestoneChanges(ops, new Map((await repo.milestones(trx, [projectId])).map((m) => [m.id, m]))));

      // The decision is written first: the database lets the plan and state move only beside it.
      const seq = p.change_seq + 1;
      const { id: changeId } = await repo.insertChange(trx, {
        project_id: projectId,
        seq,
        kind: b.kind,
        description: b.description,
        decision_ref: decisionRef,
        decision_date: decisionDate,
        details: JSON.stringify(diff),
        recorded_by: actor.kind === 'user' ? actor.user.id : null,
      });
      await repo.updateProject(trx, projectId, { change_seq: seq, ...planPatch, ...(nextState !== state && { state: nextState }) });
      let position = await repo.nextMilestonePosition(trx, projectId);
      for (const m of ops.add ?? []) {
        await repo.insertMilestone(trx, { project_id: projectId, position: position++, title: m.title.trim(), description: m.description ?? '', due_date: m.dueDate });
      }
      for (const u of ops.update ?? []) {
        await repo.updateMilestone(trx, u.id, {
          ...(u.title !== undefined && { title: u.title.trim() }),
          ...(u.description !== undefined && { description: u.description }),
          ...(u.dueDate !== undefined && { due_date: u.dueDate }),
        });
      }
      for (const id of ops.remove ?? []) await repo.deleteMilestone(trx, id);
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: `tracking.${b.kind}`,
        subject: `tracking:${projectId}`,
        details: { change: changeId, decisionRef, decisionDate, description: b.description, diff },
      });
      return toChange((await repo.changes(trx, [projectId])).find((c) => c.id === changeId)!, p.cycle_level);
    });
  }

  // -------------------------------------------------------------------------
  // The citizen's trail
  // -------------------------------------------------------------------------

  /**
   * proposal → candidate → vote → progress → rating, for one candidate: whether a certified
   * vote (or run-off) chose it, its implementation progress today, its latest certified
   * satisfaction grade. Public-safe: carries no account or deputy ids.
   */
  async projectTrail(candidateId: string, db: DbOrTx = this.db): Promise<ProjectTrail> {
    const candidate = await cyclesRepository.candidate(db, candidateId);
    if (!candidate) throw new AppError('NOT_FOUND');
    const polls = await repo.finalSelectionPollsFor(db, candidateId);
    const choosing = polls.find((p) => selectionOf(p.result as SelectionResult | null, p.tie_chosen).includes(candidateId));
    const deciding = choosing ?? polls[0];
    const tracked = await repo.projectByCandidate(db, candidateId);
    let progress: ProjectTrail['progress'] = null;
    let rating: TrackingRating | null;
    if (tracked) {
      const [b] = await loadBundles(db, [tracked], 'none');
      const s = toSummary(b!, chinaToday(), true);
      progress = { projectId: s.id, state: s.state, status: s.status, percent: s.percent, lastReportedOn: s.lastReportedOn, milestones: s.milestones };
      rating = b!.rating;
    } else {
      rating = latestRatings(await repo.finalRatingPolls(db, [candidateId]), [candidateId]).get(candidateId) ?? null;
    }
    return {
      chosen: choosing !== undefined,
      pollId: deciding?.id ?? null,
      certifiedAt: deciding?.certified_at?.toISOString() ?? null,
      progress,
      rating: rating ? { grade: rating.grade, satisfactionRate: rating.satisfactionRate, pollId: rating.pollId, certifiedAt: rating.certifiedAt } : null,
    };
  }
}
