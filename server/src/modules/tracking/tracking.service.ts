import { createHash } from 'node:crypto';
import {
  levelBodies,
  readRatingResult,
  type Level,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  type AttachmentType,
  type AttachmentUpload,
  type ChangeBody,
  type ChangeDiff,
  type ChangeKind,
  type Grade,
  type MilestoneBody,
  type MilestonePatch,
  type MonitorsBody,
  type MyTrackedProjects,
  type ProgressReportBody,
  type ProjectStatus,
  type ProjectTrail,
  type PublicTrackedProject,
  type PutPlanBody,
  type SummaryPeriod,
  type TrackedProject,
  type TrackedProjectSummary,
  type TrackingAttachment,
  type TrackingChange,
  type TrackingInitResult,
  type TrackingMilestone,
  type TrackingMonitor,
  type TrackingPlan,
  type TrackingRating,
  type TrackingReport,
  type TrackingState,
  type TrackingSummary,
  type TrackingSummaryQuery,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { rectificationsOf } from './rectification.service.ts';
import { trackingRepository as repo, type ProjectRecord } from './tracking.repository.ts';
import { averagePercent, chinaToday, milestoneOverdue, periodDate, progressAt, projectStatus, stateAt } from './tracking-status.ts';

type User = Extract<Principal, { kind: 'user' }>;
type MilestoneRec = Awaited<ReturnType<typeof repo.milestones>>[number];
type ReportRec = Awaited<ReturnType<typeof repo.reports>>[number];
type ChangeRec = Awaited<ReturnType<typeof repo.changes>>[number];
type AttachmentRec = Awaited<ReturnType<typeof repo.attachmentsMeta>>[number];
type MonitorRec = Awaited<ReturnType<typeof repo.monitors>>[number];

/** Everything known about one project, loaded in a few queries for a whole list. */
interface Bundle {
  p: ProjectRecord;
  milestones: MilestoneRec[];
  reports: ReportRec[];
  changes: ChangeRec[];
  attachments: AttachmentRec[];
  monitors: MonitorRec[];
  rating: TrackingRating | null;
}

interface Computed {
  state: TrackingState;
  status: ProjectStatus;
  percent: number;
  lastReportedOn: string | null;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, by their signature; office files are zips named by their main part. */
export function sniffAttachment(buf: Buffer): AttachmentType | null {
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (buf.subarray(0, 8).equals(PNG_MAGIC)) return 'image/png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.subarray(0, 4).toString('latin1') === 'PK\x03\x04') {
    // Entry names are stored uncompressed in a zip's headers.
    if (buf.includes('word/document')) return DOCX;
    if (buf.includes('xl/workbook')) return XLSX;
  }
  return null;
}

function normaliseType(t: string): string {
  const base = t.split(';')[0]!.trim().toLowerCase();
  return base === 'image/jpg' ? 'image/jpeg' : base;
}

interface DecodedAttachment {
  fileName: string;
  contentType: AttachmentType;
  content: Buffer;
  sha256: string;
  isPublic: boolean;
}

function decodeAttachment(a: AttachmentUpload): DecodedAttachment {
  const contentType = normaliseType(a.contentType);
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(contentType)) throw new AppError('ATTACHMENT_TYPE', { fileName: a.fileName, contentType: a.contentType });
  if (a.contentBase64.length % 4 !== 0) throw new AppError('VALIDATION', { field: 'contentBase64', fileName: a.fileName, reason: 'not base64' });
  // Checked on the encoded length first, so an oversized file is refused before it is decoded.
  if (Math.floor(a.contentBase64.length / 4) * 3 - 2 > ATTACHMENT_MAX_BYTES) {
    throw new AppError('ATTACHMENT_TOO_LARGE', { fileName: a.fileName, max: ATTACHMENT_MAX_BYTES });
  }
  const content = Buffer.from(a.contentBase64, 'base64');
  if (content.length > ATTACHMENT_MAX_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', { fileName: a.fileName, size: content.length, max: ATTACHMENT_MAX_BYTES });
  if (content.length === 0) throw new AppError('VALIDATION', { field: 'contentBase64', fileName: a.fileName, reason: 'empty file' });
  if (sniffAttachment(content) !== contentType) throw new AppError('ATTACHMENT_TYPE', { fileName: a.fileName, contentType, reason: 'content does not match the type' });
  return {
    fileName: a.fileName.trim(),
    contentType: contentType as AttachmentType,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    isPublic: a.public ?? false,
  };
}

const isStaff = (u: User) => u.user.roles.some((r) => r === 'admin' || r === 'staff');
const seesAll = (u: User) => u.user.roles.some((r) => r === 'admin' || r === 'staff' || r === 'presidium');

function userOf(p: Principal): User {
  if (p.kind !== 'user') throw new AppError('FORBIDDEN');
  return p;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const milestoneLabel = (m: { title: string; dueDate: string }) => `${m.title}（${m.dueDate}）`;

function toPlan(p: ProjectRecord): TrackingPlan {
  return {
    department: p.department,
    targets: p.targets,
    fundingWan: num(p.funding_wan),
    fundingSource: p.funding_source,
    measures: p.measures,
    deadline: p.deadline,
    publishedAt: p.plan_published_at?.toISOString() ?? null,
  };
}

function compute(b: Bundle, asOf: string): Computed {
  const state = stateAt(
    b.changes.map((c) => ({ kind: c.kind as ChangeKind, decisionDate: c.decision_date })),
    asOf,
  );
  const { percent, lastReportedOn } = progressAt(
    b.reports.map((r) => ({ percent: r.percent, reportedOn: r.reported_on })),
    asOf,
  );
  // A plan not yet published is not in force: its dates raise no flags.
  const inForce = b.p.plan_published_at !== null;
  const status = projectStatus(
    {
      state,
      percent,
      deadline: inForce ? b.p.deadline : null,
      milestones: inForce ? b.milestones.map((m) => ({ dueDate: m.due_date, reachedOn: m.reached_on })) : [],
    },
    asOf,
  );
  return { state, status, percent, lastReportedOn };
}

function toMilestone(m: MilestoneRec, status: ProjectStatus, inForce: boolean, asOf: string): TrackingMilestone {
  const dates = { dueDate: m.due_date, reachedOn: m.reached_on };
  return { id: m.id, title: m.title, description: m.description, dueDate: m.due_date, reachedOn: m.reached_on, overdue: inForce && milestoneOverdue(dates, status, asOf) };
}

function toAttachment(a: AttachmentRec): TrackingAttachment {
  return { id: a.id, fileName: a.file_name, contentType: a.content_type as AttachmentType, size: a.size, sha256: a.sha256, public: a.is_public, publicRequested: a.public_requested };
}

function toReport(r: ReportRec, b: Bundle): TrackingReport {
  return {
    id: r.id,
    seq: r.seq,
    percent: r.percent,
    text: r.body,
    explanation: r.explanation,
    investedWan: num(r.invested_wan),
    reportedOn: r.reported_on,
    reportedAt: r.created_at.toISOString(),
    department: r.department,
    reporter: r.reporter_name,
    milestonesReached: b.milestones.filter((m) => m.reached_report_id === r.id).map((m) => ({ id: m.id, title: m.title })),
    attachments: b.attachments.filter((a) => a.report_id === r.id).map(toAttachment),
  };
}

function toChange(c: ChangeRec, level: Level): TrackingChange {
  return {
    id: c.id,
    seq: c.seq,
    kind: c.kind as ChangeKind,
    description: c.description,
    decisionRef: c.decision_ref,
    decisionDate: c.decision_date,
    decidedBy: levelBodies(level).decides,
    recordedAt: c.recorded_at.toISOString(),
    diff: (c.details as ChangeDiff[] | null) ?? [],
  };
}

function toSummary(b: Bundle, asOf: string, isPublic: boolean): TrackedProjectSummary {
  const c = compute(b, asOf);
  const inForce = b.p.plan_published_at !== null;
  const flagged = b.milestones.map((m) => toMilestone(m, c.status, inForce, asOf));
  const latest = [...b.changes].reverse().find((x) => x.decision_date <= asOf);
  return {
    id: b.p.id,
    candidateId: b.p.candidate_id,
    name: b.p.name,
    department: isPublic && !inForce ? b.p.candidate_department : b.p.department,
    state: c.state,
    status: c.status,
    percent: c.percent,
    lastReportedOn: c.lastReportedOn,
    planPublished: inForce,
    milestones: {
      total: b.milestones.length,
      reached: b.milestones.filter((m) => m.reached_on !== null && m.reached_on <= asOf).length,
      overdue: flagged.filter((m) => m.overdue).length,
    },
    latestChange: latest ? { kind: latest.kind as ChangeKind, decisionRef: latest.decision_ref, decisionDate: latest.decision_date } : null,
    ratingGrade: b.rating?.grade ?? null,
  };
}

/** The latest certified rating of each candidate, from rating polls newest first. */
function latestRatings(polls: { id: string; result: unknown; certified_at: Date | null }[], candidateIds: string[]): Map<string, TrackingRating> {
  const wanted = new Set(candidateIds);
  const out = new Map<string, TrackingRating>();
  for (const poll of polls) {
    const result = readRatingResult(poll.result);
    for (const r of result?.rows ?? []) {
      if (!wanted.has(r.candidateId) || out.has(r.candidateId)) continue;
      out.set(r.candidateId, {
        pollId: poll.id,
        certifiedAt: poll.certified_at?.toISOString() ?? null,
        grade: r.grade,
        satisfiedRate: r.satisfiedRate,
        satisfactionRate: r.satisfactionRate,
        ratingBase: result!.ratingBase,
        satisfied: r.satisfied,
        basic: r.basic,
        unsatisfied: r.unsatisfied,
        abstain: r.abstain,
      });
    }
  }
  return out;
}

export class TrackingService {
  constructor(
    private readonly db: Db,
    /** Whether a department's "public" waits for staff review (config TRACKING_PUBLIC_REVIEW). */
    private readonly publicReview = true,
  ) {}

  /** Staff publish their own attachments at once; a department's wait for review unless opted out. */
  private publishesAtOnce(u: User): boolean {
    return !this.publicReview || isStaff(u);
  }

  private async bundles(db: DbOrTx, projects: ProjectRecord[], attachments: 'none' | 'public' | 'all'): Promise<Bundle[]> {
    const ids = projects.map((p) => p.id);
    const [milestones, reports, changes, files, monitors, ratingPolls] = await Promise.all([
      repo.milestones(db, ids),
      repo.reports(db, ids),
      repo.changes(db, ids),
      attachments === 'none' ? Promise.resolve([]) : repo.attachmentsMeta(db, ids, attachments === 'public'),
      repo.monitors(db, ids),
      repo.finalRatingPolls(
        db,
        projects.map((p) => p.candidate_id),
      ),
    ]);
    const ratings = latestRatings(
      ratingPolls,
      projects.map((p) => p.candidate_id),
    );
    return projects.map((p) => ({
      p,
      milestones: milestones.filter((m) => m.project_id === p.id),
      reports: reports.filter((r) => r.project_id === p.id),
      changes: changes.filter((c) => c.project_id === p.id),
      attachments: files.filter((a) => a.project_id === p.id),
      monitors: monitors.filter((m) => m.project_id === p.id),
      rating: ratings.get(p.candidate_id) ?? null,
    }));
  }

  private async bundle(db: DbOrTx, id: string, attachments: 'none' | 'public' | 'all'): Promise<Bundle> {
    const p = await repo.project(db, id);
    if (!p) throw new AppError('NOT_FOUND');
    return (await this.bundles(db, [p], attachments))[0]!;
  }

  /** Whether the caller may see (and, for a department, report on) a project of `department`. */
  private async checkDepartment(db: DbOrTx, u: User, department: string, mode: 'read' | 'report'): Promise<void> {
    if (mode === 'read' ? seesAll(u) : isStaff(u)) return;
    if (!u.user.roles.includes('department')) throw new AppError('FORBIDDEN');
    const mine = await repo.userDepartment(db, u.user.id);
    if (mine === null || department.trim() === '' || mine.trim() !== department.trim()) {
      throw new AppError('DEPARTMENT_MISMATCH', { department: mine });
    }
  }

  private async mustLock(db: DbOrTx, id: string): Promise<ProjectRecord> {
    if (!(await repo.lockProject(db, id))) throw new AppError('NOT_FOUND');
    return (await repo.project(db, id))!;
  }

  private async detail(b: Bundle, asOf: string) {
    const c = compute(b, asOf);
    const rectifications = (await rectificationsOf(this.db, [b.p.id])).get(b.p.id) ?? [];
    const inForce = b.p.plan_published_at !== null;
    return {
      id: b.p.id,
      candidateId: b.p.candidate_id,
      cycle: { id: b.p.cycle_id, name: b.p.cycle_name, year: b.p.cycle_year },
      name: b.p.name,
      content: b.p.content,
      location: b.p.location,
      category: b.p.category,
      selection: { pollId: b.p.poll_id, certifiedAt: b.p.selected_at?.toISOString() ?? null },
      asOf,
      state: c.state,
      status: c.status,
      percent: c.percent,
      milestones: b.milestones.map((m) => toMilestone(m, c.status, inForce, asOf)),
      progress: b.reports.map((r) => toReport(r, b)),
      changes: b.changes.map((c) => toChange(c, b.p.cycle_level as Level)),
      rating: b.rating,
      rectifications,
    };
  }

  // -------------------------------------------------------------------------
  // Projects to track
  // -------------------------------------------------------------------------

  /**
   * Creates a tracking record for every project chosen in the cycle's certified votes and
   * run-offs (idempotent: a project already tracked is left as it is).
   */
  async init(actor: Principal, cycleId: string): Promise<TrackingInitResult> {
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      const polls = await repo.finalSelectionPolls(trx, cycleId);
      if (polls.length === 0) throw new AppError('NO_CERTIFIED_RESULT');
      const chosenBy = new Map<string, string>();
      for (const poll of polls) {
        for (const id of (poll.result as { chosen?: string[] } | null)?.chosen ?? []) if (!chosenBy.has(id)) chosenBy.set(id, poll.id);
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
      const all = await this.bundles(trx, await repo.projectsOfCycle(trx, cycleId), 'none');
      return { created: inserted.length, projects: all.map((b) => toSummary(b, today, false)) };
    });
  }

  private async cycleSummary(cycleId: string, asOf: string, period: SummaryPeriod | null, isPublic: boolean): Promise<TrackingSummary> {
    const cycle = await cyclesRepository.get(this.db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const projects = (await this.bundles(this.db, await repo.projectsOfCycle(this.db, cycleId), 'none')).map((b) => toSummary(b, asOf, isPublic));
    const counts = { on_track: 0, overdue: 0, completed: 0, paused: 0, cancelled: 0 };
    for (const p of projects) counts[p.status]++;
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level as TrackingSummary['cycle']['level'] },
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

  /** A department account's own projects, every cycle. */
  async mine(actor: Principal): Promise<MyTrackedProjects> {
    const u = userOf(actor);
    const department = await repo.userDepartment(this.db, u.user.id);
    if (!department) return { department: null, projects: [] };
    const today = chinaToday();
    const bundles = await this.bundles(this.db, await repo.projectsOfDepartment(this.db, department), 'none');
    return { department, projects: bundles.map((b) => toSummary(b, today, false)) };
  }

  async project(actor: Principal, id: string, asOf?: string): Promise<TrackedProject> {
    const u = userOf(actor);
    const b = await this.bundle(this.db, id, 'all');
    await this.checkDepartment(this.db, u, b.p.department, 'read');
    return {
      ...(await this.detail(b, asOf ?? chinaToday())),
      department: b.p.department,
      plan: toPlan(b.p),
      monitors: b.monitors.map((m): TrackingMonitor => ({ id: m.id, deputyId: m.deputy_id, name: m.name, delegation: m.delegation, leader: m.leader })),
    };
  }

  async publicProject(id: string, asOf?: string): Promise<PublicTrackedProject> {
    const b = await this.bundle(this.db, id, 'public');
    const published = b.p.plan_published_at !== null;
    const d = await this.detail(b, asOf ?? chinaToday());
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
    await this.checkDepartment(this.db, userOf(actor), p.department, 'read');
    return toPlan(p);
  }

  async putPlan(actor: Principal, id: string, b: PutPlanBody): Promise<TrackingPlan> {
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustLock(trx, id);
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
      const p = await this.mustLock(trx, id);
      if (p.plan_published_at) throw new AppError('PLAN_PUBLISHED');
      if (p.state === 'cancelled') throw new AppError('PROJECT_STATE', { state: p.state });
      if (p.department.trim() === '') throw new AppError('VALIDATION', { field: 'department', reason: 'the plan names no responsible department' });
      await repo.updateProject(trx, id, { plan_published_at: new Date() });
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.plan_published', subject: `tracking:${id}`, details: { department: p.department } });
      return toPlan((await repo.project(trx, id))!);
    });
  }

  private async milestoneView(db: DbOrTx, projectId: string, milestoneId: string): Promise<TrackingMilestone> {
    const b = await this.bundle(db, projectId, 'none');
    const today = chinaToday();
    const status = compute(b, today).status;
    const m = b.milestones.find((x) => x.id === milestoneId);
    if (!m) throw new AppError('NOT_FOUND');
    return toMilestone(m, status, b.p.plan_published_at !== null, today);
  }

  async addMilestone(actor: Principal, projectId: string, body: MilestoneBody): Promise<TrackingMilestone> {
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustLock(trx, projectId);
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
      const p = await this.mustLock(trx, projectId);
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
      const p = await this.mustLock(trx, projectId);
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
      const p = await this.mustLock(trx, projectId);
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
      return (await repo.monitors(trx, [projectId])).map((m) => ({ id: m.id, deputyId: m.deputy_id, name: m.name, delegation: m.delegation, leader: m.leader }));
    });
  }

  // -------------------------------------------------------------------------
  // Progress reports (责任单位)
  // -------------------------------------------------------------------------

  async report(actor: Principal, projectId: string, body: ProgressReportBody): Promise<TrackingReport> {
    const u = userOf(actor);
    // Decoded and checked before the transaction, which then only writes.
    const files = (body.attachments ?? []).map(decodeAttachment);
    const explanation = body.explanation?.trim() || null;
    return this.db.transaction().execute(async (trx) => {
      const p = await this.mustLock(trx, projectId);
      await this.checkDepartment(trx, u, p.department, 'report');
      if (p.state === 'cancelled') throw new AppError('PROJECT_STATE', { state: p.state });
      if (!p.plan_published_at) throw new AppError('PLAN_NOT_PUBLISHED');
      const previous = await repo.lastPercent(trx, projectId);
      if (previous !== null && body.percent < previous && !explanation) throw new AppError('PROGRESS_REGRESSION', { previous, percent: body.percent });
      const wanted = body.milestoneIds ?? [];
      if (wanted.length > 0) {
        const own = new Map((await repo.milestones(trx, [projectId])).map((m) => [m.id, m]));
        const bad = wanted.filter((id) => !own.has(id) || own.get(id)!.reached_on !== null);
        if (bad.length > 0) throw new AppError('VALIDATION', { field: 'milestoneIds', reason: 'not a milestone of this project, or already reached', milestoneIds: bad });
      }
      const seq = p.report_seq + 1;
      const reportedOn = chinaToday();
      await repo.updateProject(trx, projectId, { report_seq: seq });
      const { id } = await repo.insertReport(trx, {
        project_id: projectId,
        seq,
        percent: body.percent,
        body: body.text,
        explanation,
        invested_wan: body.investedWan ?? null,
        reported_on: reportedOn,
        department: p.department,
        reporter_id: u.user.id,
        reporter_name: u.user.displayName,
      });
      if (wanted.length > 0) await repo.markReached(trx, wanted, id, reportedOn);
      for (const [i, f] of files.entries()) {
        await repo.insertAttachment(trx, {
          report_id: id,
          project_id: projectId,
          position: i + 1,
          file_name: f.fileName,
          content_type: f.contentType,
          size: f.content.length,
          sha256: f.sha256,
          is_public: f.isPublic && this.publishesAtOnce(u),
          public_requested: f.isPublic,
          content: f.content,
        });
      }
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'tracking.reported',
        subject: `tracking:${projectId}`,
        details: {
          report: id,
          seq,
          percent: body.percent,
          milestones: wanted,
          attachments: files.map((f) => ({ fileName: f.fileName, size: f.content.length, sha256: f.sha256, public: f.isPublic })),
        },
      });
      const b = await this.bundle(trx, projectId, 'all');
      return toReport(b.reports.find((r) => r.id === id)!, b);
    });
  }

  /** An attachment's bytes for the console (departments: their own projects only). */
  async attachment(actor: Principal, id: string) {
    const a = await repo.attachment(this.db, id);
    if (!a) throw new AppError('NOT_FOUND');
    const p = await repo.project(this.db, a.project_id);
    await this.checkDepartment(this.db, userOf(actor), p!.department, 'read');
    return { fileName: a.file_name, contentType: a.content_type, content: a.content };
  }

  /** An attachment marked public; any other id is simply not found. */
  async publicAttachment(id: string) {
    const a = await repo.attachment(this.db, id);
    if (!a || !a.is_public) throw new AppError('NOT_FOUND');
    return { fileName: a.file_name, contentType: a.content_type, content: a.content };
  }

  async setAttachmentPublic(actor: Principal, id: string, isPublic: boolean): Promise<TrackingAttachment> {
    return this.db.transaction().execute(async (trx) => {
      const a = await repo.attachmentMeta(trx, id);
      if (!a) throw new AppError('NOT_FOUND');
      await repo.setAttachmentPublic(trx, id, isPublic);
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.attachment_visibility', subject: `tracking:${a.project_id}`, details: { attachment: id, public: isPublic } });
      return toAttachment({ ...a, is_public: isPublic });
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
      const p = await this.mustLock(trx, projectId);
      const state = p.state as TrackingState;
      const allowed: Record<ChangeKind, TrackingState[]> = { modify: ['active', 'paused'], pause: ['active'], cancel: ['active', 'paused'], resume: ['paused'] };
      if (!allowed[b.kind].includes(state)) throw new AppError('PROJECT_STATE', { state, kind: b.kind });
      const previous = (await repo.changes(trx, [projectId])).at(-1);
      if (previous && decisionDate < previous.decision_date) {
        throw new AppError('VALIDATION', { field: 'decisionDate', reason: 'earlier than the project’s previous decision', previous: previous.decision_date });
      }

      const diff: ChangeDiff[] = [];
      const planPatch: Record<string, unknown> = {};
      if (b.plan) {
        const cur = toPlan(p);
        const fields = [
          ['department', 'department'],
          ['targets', 'targets'],
          ['fundingWan', 'funding_wan'],
          ['fundingSource', 'funding_source'],
          ['measures', 'measures'],
          ['deadline', 'deadline'],
        ] as const;
        for (const [key, column] of fields) {
          const next = b.plan[key];
          if (next === undefined) continue;
          const after = key === 'department' && typeof next === 'string' ? next.trim() : next;
          if (after === cur[key]) continue;
          diff.push({ field: key, before: cur[key] === null ? null : String(cur[key]), after: after === null ? null : String(after) });
          planPatch[column] = after;
        }
      }
      const ops = b.milestones ?? {};
      const current = new Map((await repo.milestones(trx, [projectId])).map((m) => [m.id, m]));
      for (const id of [...(ops.update ?? []).map((x) => x.id), ...(ops.remove ?? [])]) {
        const m = current.get(id);
        if (!m) throw new AppError('VALIDATION', { field: 'milestones', reason: 'not a milestone of this project', milestoneId: id });
        if (m.reached_on !== null) throw new AppError('VALIDATION', { field: 'milestones', reason: 'a reached milestone is history and stays as it is', milestoneId: id });
      }
      for (const m of ops.add ?? []) diff.push({ field: 'milestone', before: null, after: milestoneLabel({ title: m.title.trim(), dueDate: m.dueDate }) });
      for (const u of ops.update ?? []) {
        const m = current.get(u.id)!;
        const before = { title: m.title, dueDate: m.due_date };
        const after = { title: u.title?.trim() ?? m.title, dueDate: u.dueDate ?? m.due_date };
        diff.push({ field: 'milestone', before: milestoneLabel(before), after: milestoneLabel(after) });
      }
      for (const id of ops.remove ?? []) {
        const m = current.get(id)!;
        diff.push({ field: 'milestone', before: milestoneLabel({ title: m.title, dueDate: m.due_date }), after: null });
      }

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
      const nextState: TrackingState = b.kind === 'pause' ? 'paused' : b.kind === 'cancel' ? 'cancelled' : b.kind === 'resume' ? 'active' : state;
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
      return toChange((await repo.changes(trx, [projectId])).find((c) => c.id === changeId)!, p.cycle_level as Level);
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
    const choosing = polls.find((p) => ((p.result as { chosen?: string[] } | null)?.chosen ?? []).includes(candidateId));
    const deciding = choosing ?? polls[0];
    const tracked = await repo.projectByCandidate(db, candidateId);
    let progress: ProjectTrail['progress'] = null;
    let rating: TrackingRating | null;
    if (tracked) {
      const [b] = await this.bundles(db, [tracked], 'none');
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
