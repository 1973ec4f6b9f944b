import {
  levelBodies,
  readRatingResult,
  type Level,
  type ProjectStatus,
  type TrackedProjectSummary,
  type TrackingAttachment,
  type TrackingChange,
  type TrackingMilestone,
  type TrackingMonitor,
  type TrackingPlan,
  type TrackingRating,
  type TrackingReport,
  type TrackingState,
} from '@piaojue/shared';
import { trackingRepository as repo, type ProjectRecord } from './tracking.repository.ts';
import { milestoneOverdue, progressAt, projectStatus, stateAt } from './tracking-status.ts';

// Rows to wire shapes: pure functions of what the repository read, and of the day asked about.

export type MilestoneRec = Awaited<ReturnType<typeof repo.milestones>>[number];
export type ReportRec = Awaited<ReturnType<typeof repo.reports>>[number];
export type ChangeRec = Awaited<ReturnType<typeof repo.changes>>[number];
export type AttachmentRec = Awaited<ReturnType<typeof repo.attachmentsMeta>>[number];
export type MonitorRec = Awaited<ReturnType<typeof repo.monitors>>[number];

/** Everything known about one project, loaded in a few queries for a whole list. */
export interface Bundle {
  p: ProjectRecord;
  milestones: MilestoneRec[];
  reports: ReportRec[];
  changes: ChangeRec[];
  attachments: AttachmentRec[];
  monitors: MonitorRec[];
  rating: TrackingRating | null;
}

export interface Computed {
  state: TrackingState;
  status: ProjectStatus;
  percent: number;
  lastReportedOn: string | null;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export function toPlan(p: ProjectRecord): TrackingPlan {
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

export function compute(b: Bundle, asOf: string): Computed {
  const state = stateAt(
    b.changes.map((c) => ({ kind: c.kind, decisionDate: c.decision_date })),
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

export function toMilestone(m: MilestoneRec, status: ProjectStatus, inForce: boolean, asOf: string): TrackingMilestone {
  const dates = { dueDate: m.due_date, reachedOn: m.reached_on };
  return { id: m.id, title: m.title, description: m.description, dueDate: m.due_date, reachedOn: m.reached_on, overdue: inForce && milestoneOverdue(dates, status, asOf) };
}

export function toMonitor(m: MonitorRec): TrackingMonitor {
  return { id: m.id, deputyId: m.deputy_id, name: m.name, delegation: m.delegation, leader: m.leader };
}

export function toAttachment(a: AttachmentRec): TrackingAttachment {
  return { id: a.id, fileName: a.file_name, contentType: a.content_type, size: a.size, sha256: a.sha256, public: a.is_public, publicRequested: a.public_requested };
}

export function toReport(r: ReportRec, b: Bundle): TrackingReport {
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

export function toChange(c: ChangeRec, level: Level): TrackingChange {
  return {
    id: c.id,
    seq: c.seq,
    kind: c.kind,
    description: c.description,
    decisionRef: c.decision_ref,
    decisionDate: c.decision_date,
    decidedBy: levelBodies(level).decides,
    recordedAt: c.recorded_at.toISOString(),
    diff: c.details,
  };
}

export function toSummary(b: Bundle, asOf: string, isPublic: boolean): TrackedProjectSummary {
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
    latestChange: latest ? { kind: latest.kind, decisionRef: latest.decision_ref, decisionDate: latest.decision_date } : null,
    ratingGrade: b.rating?.grade ?? null,
  };
}

/** The latest certified rating of each candidate, from rating polls newest first. */
export function latestRatings(polls: { id: string; result: unknown; certified_at: Date | null }[], candidateIds: string[]): Map<string, TrackingRating> {
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
