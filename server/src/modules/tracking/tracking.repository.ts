import type { Level } from '@piaojue/shared';
import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import { tieChosen } from '../procedure/presidium.repository.ts';
import type {
  TrackingAttachmentsTable,
  TrackingChangesTable,
  TrackingMilestonesTable,
  TrackingMonitorsTable,
  TrackingProjectsTable,
  TrackingReportsTable,
} from '../../db/types.ts';

const FINAL = ['certified', 'published'] as const;

// `date` columns are read as text: pg would turn them into Dates at local midnight.
const projectColumns = [
  'p.id',
  'p.cycle_id',
  'p.candidate_id',
  'p.poll_id',
  'p.state',
  'p.department',
  'p.targets',
  'p.funding_wan',
  'p.funding_source',
  'p.measures',
  'p.plan_published_at',
  'p.report_seq',
  'p.change_seq',
  'c.name',
  'c.content',
  'c.location',
  'c.category',
  'c.department as candidate_department',
  'cy.name as cycle_name',
  'cy.year as cycle_year',
  'cy.level as cycle_level',
  'po.certified_at as selected_at',
] as const;

function projects(db: DbOrTx) {
  return db
    .selectFrom('tracking_projects as p')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .innerJoin('cycles as cy', 'cy.id', 'p.cycle_id')
    .innerJoin('polls as po', 'po.id', 'p.poll_id')
    .select(projectColumns)
    .select(sql<string | null>`p.deadline::text`.as('deadline'));
}

export type ProjectRecord = NonNullable<Awaited<ReturnType<typeof trackingRepository.project>>>;

export const trackingRepository = {
  /** The certified (or published) votes and run-offs of a cycle, oldest first, with the 主席团's tie decision of each. */
  finalSelectionPolls(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('polls')
      .select(['id', 'kind', 'result', 'candidate_ids', 'certified_at'])
      .select(tieChosen('polls.id').as('tie_chosen'))
      .where('cycle_id', '=', cycleId)
      .where('kind', 'in', ['vote', 'runoff'])
      .where('status', 'in', FINAL)
      .orderBy('certified_at')
      .orderBy('created_at')
      .execute();
  },
  /** Certified votes and run-offs whose ballot listed the candidate, newest first. */
  finalSelectionPollsFor(db: DbOrTx, candidateId: string) {
    return db
      .selectFrom('polls')
      .select(['id', 'result', 'certified_at'])
      .select(tieChosen('polls.id').as('tie_chosen'))
      .where('kind', 'in', ['vote', 'runoff'])
      .where('status', 'in', FINAL)
      .where(sql<boolean>`candidate_ids @> jsonb_build_array(${candidateId}::text)`)
      .orderBy('certified_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  },
  /** Certified rating polls over any of the candidates, newest first. */
  finalRatingPolls(db: DbOrTx, candidateIds: string[]) {
    if (candidateIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('polls')
      .select(['id', 'result', 'certified_at'])
      .where('kind', '=', 'rating')
      .where('status', 'in', FINAL)
      .where(sql<boolean>`candidate_ids ?| ${candidateIds}::text[]`)
      .orderBy('certified_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  },
  insertProjects(db: DbOrTx, rows: Insertable<TrackingProjectsTable>[]) {
    if (rows.length === 0) return Promise.resolve([]);
    return db.insertInto('tracking_projects').values(rows).onConflict((oc) => oc.column('candidate_id').doNothing()).returning('id').execute();
  },
  project(db: DbOrTx, id: string) {
    return projects(db).where('p.id', '=', id).executeTakeFirst();
  },
  projectByCandidate(db: DbOrTx, candidateId: string) {
    return projects(db).where('p.candidate_id', '=', candidateId).executeTakeFirst();
  },
  projectsOfCycle(db: DbOrTx, cycleId: string) {
    return projects(db).where('p.cycle_id', '=', cycleId).orderBy('c.position').execute();
  },
  /** A unit's projects, of one congress's cycles (`unit`) or of every cycle (null). */
  projectsOfDepartment(db: DbOrTx, department: string, unit: { level: Level; name: string } | null) {
    let q = projects(db).where(sql<string>`btrim(p.department)`, '=', department.trim());
    if (unit) q = q.where('cy.level', '=', unit.level).where('cy.unit_name', '=', unit.name);
    return q.orderBy('cy.year', 'desc').orderBy('c.position').execute();
  },
  lockProject(db: DbOrTx, id: string) {
    return db.selectFrom('tracking_projects').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  },
  updateProject(db: DbOrTx, id: string, patch: Updateable<TrackingProjectsTable>) {
    return db.updateTable('tracking_projects').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute();
  },

  milestones(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('tracking_milestones')
      .select(['id', 'project_id', 'position', 'title', 'description', 'reached_report_id'])
      .select([sql<string>`due_date::text`.as('due_date'), sql<string | null>`reached_on::text`.as('reached_on')])
      .where('project_id', 'in', projectIds)
      .orderBy('due_date')
      .orderBy('position')
      .execute();
  },
  nextMilestonePosition(db: DbOrTx, projectId: string) {
    return db
      .selectFrom('tracking_milestones')
      .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(0)).as('max'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.max) + 1);
  },
  milestoneProject(db: DbOrTx, id: string) {
    return db.selectFrom('tracking_milestones').select('project_id').where('id', '=', id).executeTakeFirst();
  },
  insertMilestone(db: DbOrTx, row: Insertable<TrackingMilestonesTable>) {
    return db.insertInto('tracking_milestones').values(row).returning('id').executeTakeFirstOrThrow();
  },
  updateMilestone(db: DbOrTx, id: string, patch: Updateable<TrackingMilestonesTable>) {
    return db.updateTable('tracking_milestones').set(patch).where('id', '=', id).execute();
  },
  deleteMilestone(db: DbOrTx, id: string) {
    return db.deleteFrom('tracking_milestones').where('id', '=', id).execute();
  },
  markReached(db: DbOrTx, ids: string[], reportId: string, on: string) {
    return db
      .updateTable('tracking_milestones')
      .set({ reached_on: on, reached_report_id: reportId })
      .where('id', 'in', ids)
      .where('reached_on', 'is', null)
      .execute();
  },

  reports(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('tracking_reports')
      .select(['id', 'project_id', 'seq', 'percent', 'body', 'explanation', 'invested_wan', 'department', 'reporter_name', 'created_at'])
      .select(sql<string>`reported_on::text`.as('reported_on'))
      .where('project_id', 'in', projectIds)
      .orderBy('project_id')
      .orderBy('seq')
      .execute();
  },
  lastPercent(db: DbOrTx, projectId: string) {
    return db
      .selectFrom('tracking_reports')
      .select('percent')
      .where('project_id', '=', projectId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
      .then((r) => r?.percent ?? null);
  },
  insertReport(db: DbOrTx, row: Insertable<TrackingReportsTable>) {
    return db.insertInto('tracking_reports').values(row).returning('id').executeTakeFirstOrThrow();
  },

  attachmentsMeta(db: DbOrTx, projectIds: string[], publicOnly: boolean) {
    if (projectIds.length === 0) return Promise.resolve([]);
    let q = db
      .selectFrom('tracking_attachments')
      .select(['id', 'report_id', 'project_id', 'file_name', 'content_type', 'size', 'sha256', 'is_public', 'public_requested'])
      .where('project_id', 'in', projectIds);
    if (publicOnly) q = q.where('is_public', '=', true);
    return q.orderBy('report_id').orderBy('position').execute();
  },
  attachment(db: DbOrTx, id: string) {
    return db.selectFrom('tracking_attachments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  attachmentMeta(db: DbOrTx, id: string) {
    return db
      .selectFrom('tracking_attachments')
      .select(['id', 'report_id', 'project_id', 'file_name', 'content_type', 'size', 'sha256', 'is_public', 'public_requested'])
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertAttachment(db: DbOrTx, row: Insertable<TrackingAttachmentsTable>) {
    return db.insertInto('tracking_attachments').values(row).execute();
  },
  setAttachmentPublic(db: DbOrTx, id: string, isPublic: boolean) {
    return db.updateTable('tracking_attachments').set({ is_public: isPublic }).where('id', '=', id).execute();

  },

  changes(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('tracking_changes')
      .select(['id', 'project_id', 'seq', 'kind', 'description', 'decision_ref', 'details', 'recorded_at'])
      .select(sql<string>`decision_date::text`.as('decision_date'))
      .where('project_id', 'in', projectIds)
      .orderBy('project_id')
      .orderBy('seq')
      .execute();
  },
  insertChange(db: DbOrTx, row: Insertable<TrackingChangesTable>) {
    return db.insertInto('tracking_changes').values(row).returning('id').executeTakeFirstOrThrow();
  },

  monitors(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('tracking_monitors').selectAll().where('project_id', 'in', projectIds).orderBy('position').execute();
  },
  deleteMonitors(db: DbOrTx, projectId: string) {
    return db.deleteFrom('tracking_monitors').where('project_id', '=', projectId).execute();
  },
  insertMonitors(db: DbOrTx, rows: Insertable<TrackingMonitorsTable>[]) {
    if (rows.length === 0) return Promise.resolve([]);
    return db.insertInto('tracking_monitors').values(rows).execute();
  },
  /** Deputies of the given ids seated in any session of the cycle. */
  deputiesOfCycle(db: DbOrTx, cycleId: string, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('deputies as d')
      .innerJoin('sessions as s', 's.id', 'd.session_id')
      .select(['d.id', 'd.name', 'd.delegation'])
      .where('s.cycle_id', '=', cycleId)
      .where('d.id', 'in', ids)
      .execute();
  },

  userDepartment(db: DbOrTx, userId: string) {
    return db
      .selectFrom('users')
      .select('department')
      .where('id', '=', userId)
      .executeTakeFirst()
      .then((r) => r?.department ?? null);
  },
  setUserDepartment(db: DbOrTx, userId: string, department: string | null) {
    return db.updateTable('users').set({ department }).where('id', '=', userId).execute();
  },
};
