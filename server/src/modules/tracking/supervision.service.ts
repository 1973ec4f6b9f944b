import type {
  CreateSupervisionBody,
  CycleSupervision,
  MyOpinions,
  OpinionReplyBody,
  SupervisionActivity,
  SupervisionCounts,
  SupervisionOpinion,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { supervisionRepository as repo, type ActivityRecord, type OpinionRecord } from './supervision.repository.ts';
import { trackingRepository } from './tracking.repository.ts';
import { unitOf } from '../units/unit-scope.ts';

const toOpinion = (o: OpinionRecord): SupervisionOpinion => ({
  id: o.id,
  activityId: o.activity_id,
  position: o.position,
  body: o.body,
  department: o.department,
  status: o.status,
  reply: o.reply,
  repliedAt: o.replied_at?.toISOString() ?? null,
});

function toActivity(a: ActivityRecord, opinions: OpinionRecord[]): SupervisionActivity {
  return {
    id: a.id,
    cycleId: a.cycle_id,
    projectId: a.project_id,
    projectName: a.project_name,
    kind: a.kind,
    heldOn: a.held_on,
    title: a.title,
    participants: a.participants,
    findings: a.findings,
    opinions: opinions.filter((o) => o.activity_id === a.id).map(toOpinion),
  };
}

/** 监督活动N次（视察/调研/专题询问），参加代表N人次，提出意见建议N条，已答复N条，已办结N条. */
export function supervisionCounts(activities: readonly SupervisionActivity[]): SupervisionCounts {
  const byKind = { inspection: 0, research: 0, inquiry: 0 };
  let participants = 0;
  const opinions = activities.flatMap((a) => a.opinions);
  for (const a of activities) {
    byKind[a.kind]++;
    participants += a.participants.length;
  }
  return {
    activities: activities.length,
    byKind,
    participants,
    opinions: opinions.length,
    replied: opinions.filter((o) => o.status !== 'open').length,
    done: opinions.filter((o) => o.status === 'done').length,
  };
}

export async function supervisionOfCycle(db: DbOrTx, cycleId: string): Promise<CycleSupervision> {
  const acts = await repo.ofCycle(db, cycleId);
  const ops = await repo.opinions(
    db,
    acts.map((a) => a.id),
  );
  const activities = acts.map((a) => toActivity(a, ops));
  return { activities, counts: supervisionCounts(activities) };
}

export class SupervisionService {
  constructor(private readonly db: Db) {}

  ofCycle(cycleId: string): Promise<CycleSupervision> {
    return supervisionOfCycle(this.db, cycleId);
  }

  /** Records a 视察/调研/专题询问 with its participants, findings and the opinions raised. */
  async record(actor: Principal, cycleId: string, b: CreateSupervisionBody): Promise<SupervisionActivity> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await cyclesRepository.get(trx, cycleId))) throw new AppError('NOT_FOUND');
      if (b.projectId !== undefined) {
        const p = await trackingRepository.project(trx, b.projectId);
        if (!p || p.cycle_id !== cycleId) throw new AppError('VALIDATION', { field: 'projectId', reason: 'not a tracked project of this cycle' });
      }
      const participants = b.participants.map((p) => ({ name: p.name.trim(), level: p.level, ...(p.note?.trim() && { note: p.note.trim() }) }));
      const { id } = await repo.insert(trx, {
        cycle_id: cycleId,
        project_id: b.projectId ?? null,
        kind: b.kind,
        held_on: b.heldOn,
        title: b.title.trim(),
        participants: JSON.stringify(participants),
        findings: b.findings?.trim() ?? '',
        recorded_by: actor.kind === 'user' ? actor.user.id : null,
      });
      await repo.insertOpinions(
        trx,
        (b.opinions ?? []).map((o, i) => ({ activity_id: id, position: i + 1, body: o.body.trim(), department: o.department.trim() })),
      );
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'supervision.recorded',
        subject: `cycle:${cycleId}`,
        details: { activity: id, kind: b.kind, heldOn: b.heldOn, participants: participants.length, opinions: b.opinions?.length ?? 0 },
      });
      const a = (await repo.get(trx, id))!;
      return toActivity(a, await repo.opinions(trx, [id]));
    });
  }

  /** The responsible unit answers an opinion (staff may enter the answer for it). */
  async reply(actor: Principal, opinionId: string, b: OpinionReplyBody): Promise<SupervisionOpinion> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    return this.db.transaction().execute(async (trx) => {
      const o = await repo.opinion(trx, opinionId);
      if (!o) throw new AppError('NOT_FOUND');
      const staff = actor.user.roles.some((r) => r === 'admin' || r === 'staff');
      if (!staff) {
        const mine = await trackingRepository.userDepartment(trx, actor.user.id);
        if (!actor.user.roles.includes('department') || mine === null || mine.trim() !== o.department.trim()) throw new AppError('DEPARTMENT_MISMATCH', { department: mine });
      }
      await repo.reply(trx, opinionId, { reply: b.reply.trim(), status: b.status, replied_by: actor.user.id });
      await appendAudit(trx, { actor: actorOf(actor), action: 'supervision.replied', subject: `supervision:${o.activity_id}`, details: { opinion: opinionId, status: b.status } });
      return toOpinion((await repo.opinions(trx, [o.activity_id])).find((x) => x.id === opinionId)!);
    });
  }

  /** Opinions addressed to the caller's unit in its congress's cycles, open ones first. */
  async mine(actor: Principal): Promise<MyOpinions> {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
    const department = await trackingRepository.userDepartment(this.db, actor.user.id);
    if (!department) return { department: null, opinions: [] };
    const ops = await repo.opinionsOfDepartment(this.db, department, await unitOf(this.db, actor));
    const acts = new Map(
      (
        await repo.activitiesByIds(
          this.db,
          [...new Set(ops.map((o) => o.activity_id))],
        )
      ).map((a) => [a.id, a]),
    );
    return {
      department,
      opinions: ops.map((o) => {
        const a = acts.get(o.activity_id)!;
        return { opinion: toOpinion(o), activity: { title: a.title, kind: a.kind, heldOn: a.held_on, projectName: a.project_name } };
      }),
    };
  }
}
