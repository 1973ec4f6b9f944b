import type { Level, OpinionStatus } from '@piaojue/shared';
import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { SupervisionActivitiesTable, SupervisionOpinionsTable } from '../../db/types.ts';

function activities(db: DbOrTx) {
  return db
    .selectFrom('supervision_activities as a')
    .leftJoin('tracking_projects as p', 'p.id', 'a.project_id')
    .leftJoin('candidates as c', 'c.id', 'p.candidate_id')
    .select(['a.id', 'a.cycle_id', 'a.project_id', 'a.kind', 'a.title', 'a.participants', 'a.findings', 'c.name as project_name'])
    .select(sql<string>`a.held_on::text`.as('held_on'));
}

export type ActivityRecord = Awaited<ReturnType<typeof supervisionRepository.ofCycle>>[number];
export type OpinionRecord = Awaited<ReturnType<typeof supervisionRepository.opinions>>[number];

export const supervisionRepository = {
  ofCycle(db: DbOrTx, cycleId: string) {
    return activities(db).where('a.cycle_id', '=', cycleId).orderBy('a.held_on').orderBy('a.created_at').execute();
  },
  get(db: DbOrTx, id: string) {
    return activities(db).where('a.id', '=', id).executeTakeFirst();
  },
  insert(db: DbOrTx, row: Insertable<SupervisionActivitiesTable>) {
    return db.insertInto('supervision_activities').values(row).returning('id').executeTakeFirstOrThrow();
  },
  insertOpinions(db: DbOrTx, rows: Insertable<SupervisionOpinionsTable>[]) {
    if (rows.length === 0) return Promise.resolve([]);
    return db.insertInto('supervision_opinions').values(rows).execute();
  },
  opinions(db: DbOrTx, activityIds: string[]) {
    if (activityIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('supervision_opinions')
      .select(['id', 'activity_id', 'position', 'body', 'department', 'status', 'reply', 'replied_at'])
      .where('activity_id', 'in', activityIds)
      .orderBy('activity_id')
      .orderBy('position')
      .execute();
  },
  opinion(db: DbOrTx, id: string) {
    return db.selectFrom('supervision_opinions').select(['id', 'activity_id', 'department', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
  },
  /** Opinions addressed to a unit, in one congress's cycles (`unit`) or in every cycle (null). */
  opinionsOfDepartment(db: DbOrTx, department: string, unit: { level: Level; name: string } | null) {
    let q = db
      .selectFrom('supervision_opinions as o')
      .innerJoin('supervision_activities as sa', 'sa.id', 'o.activity_id')
      .innerJoin('cycles as cy', 'cy.id', 'sa.cycle_id')
      .select(['o.id', 'o.activity_id', 'o.position', 'o.body', 'o.department', 'o.status', 'o.reply', 'o.replied_at'])
      .where(sql<string>`btrim(o.department)`, '=', department.trim());
    if (unit) q = q.where('cy.level', '=', unit.level).where('cy.unit_name', '=', unit.name);
    return q.orderBy('o.status').orderBy('o.activity_id').orderBy('o.position').execute();
  },
  activitiesByIds(db: DbOrTx, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return activities(db).where('a.id', 'in', ids).execute();
  },
  reply(db: DbOrTx, id: string, patch: { reply: string; status: OpinionStatus; replied_by: string | null }) {
    return db.updateTable('supervision_opinions').set({ ...patch, replied_at: new Date() }).where('id', '=', id).execute();
  },
};
