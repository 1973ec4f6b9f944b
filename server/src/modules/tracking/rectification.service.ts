import {
  callsForRectification,
  readRatingResult,
  type CycleRectifications,
  type RectificationPolicy,
  type OpenRectificationBody,
  type Rectification,
  type RectificationReportBody,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { rectificationRepository as repo, type RectificationRecord } from './rectification.repository.ts';
import { trackingRepository } from './tracking.repository.ts';
import { chinaToday } from './tracking-status.ts';

type PollRec = Awaited<ReturnType<typeof repo.polls>>[number];
type RatingRef = Rectification['rating'];

const FINAL = new Set(['certified', 'published']);

/** The grade one certified rating poll gave one candidate; null when it did not rate it. */
function ratingRef(poll: PollRec, candidateId: string): RatingRef | null {
  if (!FINAL.has(poll.status)) return null;
  const row = readRatingResult(poll.result)?.rows.find((r) => r.candidateId === candidateId);
  if (!row) return null;
  return { pollId: poll.id, title: poll.title, certifiedAt: poll.certified_at?.toISOString() ?? null, grade: row.grade, satisfactionRate: row.satisfactionRate };
}

/**
 * 整改 records of the given projects with their reports and re-ratings (public-safe: no
 * account ids). Used by the console and the public project page alike.
 */
export async function rectificationsOf(db: DbOrTx, projectIds: string[], today = chinaToday()): Promise<Map<string, Rectification[]>> {
  const recs = await repo.ofProjects(db, projectIds);
  return assemble(db, recs, today);
}

async function assemble(db: DbOrTx, recs: RectificationRecord[], today: string): Promise<Map<string, Rectification[]>> {
  const out = new Map<string, Rectification[]>();
  if (recs.length === 0) return out;
  const pollIds = [...new Set(recs.flatMap((r) => [r.rating_poll_id, ...(r.rerating_poll_id ? [r.rerating_poll_id] : [])]))];
  const [polls, reports, candidates] = await Promise.all([
    repo.polls(db, pollIds),
    repo.reports(
      db,
      recs.map((r) => r.id),
    ),
    Promise.all(recs.map((r) => trackingRepository.project(db, r.project_id))),
  ]);
  const pollById = new Map(polls.map((p) => [p.id, p]));
  for (const [i, r] of recs.entries()) {
    const candidateId = candidates[i]!.candidate_id;
    const first = ratingRef(pollById.get(r.rating_poll_id)!, candidateId);
    const re = r.rerating_poll_id ? pollById.get(r.rerating_poll_id) : undefined;
    const own = reports.filter((x) => x.rectification_id === r.id);
    const state = r.state;
    const item: Rectification = {
      id: r.id,
      projectId: r.project_id,
      rating: first ?? { pollId: r.rating_poll_id, title: '', certifiedAt: null, grade: r.grade, satisfactionRate: 0 },
      problems: r.problems,
      measures: r.measures,
      deadline: r.deadline,
      department: r.department,
      state,
      overdue: state === 'open' && r.deadline < today,
      reports: own.map((x) => ({ id: x.id, seq: x.seq, text: x.body, done: x.done, reportedOn: x.reported_on, department: x.department })),
      rerating: re ? { pollId: re.id, title: re.title, certified: FINAL.has(re.status), result: ratingRef(re, candidateId) } : null,
      openedAt: r.created_at.toISOString(),
    };
    out.set(r.project_id, [...(out.get(r.project_id) ?? []), item]);
  }
  return out;
}

export class RectificationService {
  constructor(private readonly db: Db) {}

  /** Opens 整改 for a project whose grade in a certified rating calls for it (the cycle's setting). */
  async open(actor: Principal, projectId: string, b: OpenRectificationBody): Promise<Rectification> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await trackingRepository.lockProject(trx, projectId))) throw new AppError('NOT_FOUND');
      const project = (await trackingRepository.project(trx, projectId))!;
      const [poll] = await repo.polls(trx, [b.ratingPollId]);
      if (!poll || poll.kind !== 'rating') throw new AppError('NOT_FOUND', { field: 'ratingPollId' });
      if (!FINAL.has(poll.status)) throw new AppError('POLL_STATE', { status: poll.status });
      const ref = ratingRef(poll, project.candidate_id);
      const includeBasic = (await repo.policy(trx, project.cycle_id))!.rectify_basic;
      if (!ref || !callsForRectification(ref.grade, includeBasic)) throw new AppError('NOT_RECTIFIABLE', { grade: ref?.grade ?? null, includeBasic });
      const existing = await repo.ofProjects(trx, [projectId]);
      if (existing.some((r) => r.rating_poll_id === poll.id)) throw new AppError('RECTIFICATION_EXISTS');
      const department = (b.department ?? project.department).trim();
      if (department === '') throw new AppError('VALIDATION', { field: 'department', reason: 'name the responsible unit' });
      const { id } = await repo.insert(trx, {
        project_id: projectId,
        rating_poll_id: poll.id,
        grade: ref.grade,
        problems: b.problems.trim(),
        measures: b.measures?.trim() ?? '',
        deadline: b.deadline,
        department,
        opened_by: actor.kind === 'user' ? actor.user.id : null,
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'rectification.opened', subject: `tracking:${projectId}`, details: { rectification: id, ratingPoll: poll.id, grade: ref.grade, deadline: b.deadline, department } });
      return this.one(trx, id);
    });
  }

  /** The responsible unit (or staff for it) reports 整改 progress; `done` marks it complete. */
  async report(actor: Principal, id: string, b: RectificationReportBody): Promise<Rectification> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.lock(trx, id))) throw new AppError('NOT_FOUND');
      const r = (await repo.get(trx, id))!;
      const staff = actor.user.roles.some((x) => x === 'admin' || x === 'staff');
      if (!staff) {
        const mine = await trackingRepository.userDepartment(trx, actor.user.id);
        if (!actor.user.roles.includes('department') || mine === null || mine.trim() !== r.department.trim()) throw new AppError('DEPARTMENT_MISMATCH', { department: mine });
      }
      if (r.state === 'closed') throw new AppError('RECTIFICATION_CLOSED');
      const seq = r.report_seq + 1;
      await repo.insertReport(trx, {
        rectification_id: id,
        seq,
        body: b.text.trim(),
        done: b.done ?? false,
        reported_on: chinaToday(),
        department: r.department,
        reporter_id: actor.user.id,
        reporter_name: actor.user.displayName,
      });
      await repo.setState(trx, id, { report_seq: seq, ...(b.done && { state: 'reported' }) });
      await appendAudit(trx, { actor: actorOf(actor), action: 'rectification.reported', subject: `tracking:${r.project_id}`, details: { rectification: id, seq, done: b.done ?? false } });
      return this.one(trx, id);
    });
  }

  /** Every 整改 record of a cycle, the projects whose grade calls for one and have none yet, and the setting. */
  async ofCycle(cycleId: string): Promise<CycleRectifications> {
    const policy = await repo.policy(this.db, cycleId);
    if (!policy) throw new AppError('NOT_FOUND');
    const includeBasic = policy.rectify_basic;
    const projects = await trackingRepository.projectsOfCycle(this.db, cycleId);
    const recs = await repo.ofCycle(this.db, cycleId);
    const built = await assemble(this.db, recs, chinaToday());
    const records = recs.map((r) => ({ ...built.get(r.project_id)!.find((x) => x.id === r.id)!, projectName: r.project_name }));
    const polls = await repo.ratingPollsOfCycle(
      this.db,
      projects.map((p) => p.candidate_id),
    );
    const due: CycleRectifications['due'] = [];
    for (const p of projects) {
      for (const poll of polls) {
        const ref = ratingRef(poll, p.candidate_id);
        if (!ref || !callsForRectification(ref.grade, includeBasic)) continue;
        if (recs.some((r) => r.project_id === p.id && r.rating_poll_id === poll.id)) continue;
        // A re-rating that graded poorly again calls for 整改 of its own.
        due.push({ projectId: p.id, name: p.name, department: p.department, rating: ref });
      }
    }
    return { records, due, policy: { includeBasic } };
  }

  /**
   * Whether a 基本满意 grade calls for 整改 too. Records already opened stay; the setting decides
   * which grades may open new ones.
   */
  async setPolicy(actor: Principal, cycleId: string, b: RectificationPolicy): Promise<RectificationPolicy> {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.setPolicy(trx, cycleId, b.includeBasic);
      if (!row) throw new AppError('NOT_FOUND');
      await appendAudit(trx, { actor: actorOf(actor), action: 'rectification.policy_set', subject: `cycle:${cycleId}`, details: { includeBasic: b.includeBasic } });
      return { includeBasic: row.rectify_basic };
    });
  }

  private async one(db: DbOrTx, id: string): Promise<Rectification> {
    const r = (await repo.get(db, id))!;
    return (await assemble(db, [r], chinaToday())).get(r.project_id)!.find((x) => x.id === id)!;
  }
}
