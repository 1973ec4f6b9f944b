import type { RectificationState } from '@piaojue/shared';
import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { RectificationReportsTable, RectificationsTable } from '../../db/types.ts';

const columns = [
  'r.id',
  'r.project_id',
  'r.rating_poll_id',
  'r.grade',
  'r.problems',
  'r.department',
  'r.measures',
  'r.state',
  'r.rerating_poll_id',
  'r.report_seq',
  'r.created_at',
  'c.name as project_name',
  'p.cycle_id',
] as const;

function records(db: DbOrTx) {
  return db
    .selectFrom('rectifications as r')
    .innerJoin('tracking_projects as p', 'p.id', 'r.project_id')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .select(columns)
    .select(sql<string>`r.deadline::text`.as('deadline'));
}

export type RectificationRecord = NonNullable<Awaited<ReturnType<typeof rectificationRepository.get>>>;

export const rectificationRepository = {
  get(db: DbOrTx, id: string) {
    return records(db).where('r.id', '=', id).executeTakeFirst();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('rectifications').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  },
  ofProjects(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return records(db).where('r.project_id', 'in', projectIds).orderBy('r.created_at').execute();
  },
  ofCycle(db: DbOrTx, cycleId: string) {
    return records(db).where('p.cycle_id', '=', cycleId).orderBy('c.position').orderBy('r.created_at').execute();
  },
  insert(db: DbOrTx, row: Insertable<RectificationsTable>) {
    return db.insertInto('rectifications').values(row).returning('id').executeTakeFirstOrThrow();
  },
  setState(db: DbOrTx, id: string, patch: { state?: RectificationState; report_seq?: number }) {
    return db.updateTable('rectifications').set(patch).where('id', '=', id).execute();
  },
  /** A re-rating poll over these candidates follows `firstPollId`: link the 整改 it checks. */
  linkRerating(db: DbOrTx, firstPollId: string, candidateIds: string[], reratingPollId: string) {
    if (candidateIds.length === 0) return Promise.resolve([]);
    return db
      .updateTable('rectifications')
      .set({ rerating_poll_id: reratingPollId })
      .where('rating_poll_id', '=', firstPollId)
      .where('project_id', 'in', (eb) => eb.selectFrom('tracking_projects').select('id').where('candidate_id', 'in', candidateIds))
      .execute();
  },
  reports(db: DbOrTx, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('rectification_reports')
      .select(['id', 'rectification_id', 'seq', 'body', 'done', 'department', 'reporter_name'])
      .select(sql<string>`reported_on::text`.as('reported_on'))
      .where('rectification_id', 'in', ids)
      .orderBy('rectification_id')
      .orderBy('seq')
      .execute();
  },
  insertReport(db: DbOrTx, row: Insertable<RectificationReportsTable>) {
    return db.insertInto('rectification_reports').values(row).returning('id').executeTakeFirstOrThrow();
  },
  /** Rating polls by id, for titles, certification and results. */
  polls(db: DbOrTx, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('polls').select(['id', 'title', 'status', 'result', 'certified_at', 'candidate_ids', 'kind']).where('id', 'in', ids).execute();
  },
  /** Certified rating polls over the cycle's tracked projects, oldest first. */
  ratingPollsOfCycle(db: DbOrTx, candidateIds: string[]) {
    if (candidateIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('polls')
      .select(['id', 'title', 'status', 'result', 'certified_at', 'candidate_ids', 'kind'])
      .where('kind', '=', 'rating')
      .where('status', 'in', ['certified', 'published'])
      .where(sql<boolean>`candidate_ids ?| ${candidateIds}::text[]`)
      .orderBy('certified_at')
      .execute();
  },
  /** The cycle's 整改 setting (undefined: no such cycle). */
  policy(db: DbOrTx, cycleId: string) {
    return db.selectFrom('cycles').select('rectify_basic').where('id', '=', cycleId).executeTakeFirst();
  },
  setPolicy(db: DbOrTx, cycleId: string, includeBasic: boolean) {
    return db.updateTable('cycles').set({ rectify_basic: includeBasic }).where('id', '=', cycleId).returning('rectify_basic').executeTakeFirst();
  },
};
