import type { Completion } from '@piaojue/shared';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

function figures(db: DbOrTx) {
  return db
    .selectFrom('tracking_projects as p')
    .select(['p.id', 'p.report_every_months', 'p.completion', 'p.completion_note', 'p.funding_wan'])
    .select(sql<string | null>`(p.plan_published_at at time zone 'Asia/Shanghai')::date::text`.as('published_on'));
}

export const summaryRepository = {
  /** Every proposal of the cycle with the candidate it is merged into (if any). */
  proposals(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('proposals as p')
      .leftJoin('proposal_candidate_links as l', (j) => j.onRef('l.proposal_id', '=', 'p.id').on('l.undone_at', 'is', null))
      .select(['p.channel', 'p.area', 'p.district', 'p.status', 'l.candidate_id'])
      .where('p.cycle_id', '=', cycleId)
      .execute();
  },
  /** Tracked projects with what the summary needs beyond the tracking record. */
  projectFigures(db: DbOrTx, cycleId: string) {
    return figures(db).where('p.cycle_id', '=', cycleId).execute();
  },
  projectFigure(db: DbOrTx, id: string) {
    return figures(db).where('p.id', '=', id).executeTakeFirst();
  },
  /** The latest 完成投资 each project reported. */
  latestInvested(db: DbOrTx, projectIds: string[]) {
    if (projectIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('tracking_reports')
      .distinctOn('project_id')
      .select(['project_id', 'invested_wan'])
      .where('project_id', 'in', projectIds)
      .where('invested_wan', 'is not', null)
      .orderBy('project_id')
      .orderBy('seq', 'desc')
      .execute();
  },
  setCadence(db: DbOrTx, id: string, everyMonths: number) {
    return db.updateTable('tracking_projects').set({ report_every_months: everyMonths, updated_at: new Date() }).where('id', '=', id).execute();
  },
  setCompletion(db: DbOrTx, id: string, completion: Completion, note: string) {
    return db.updateTable('tracking_projects').set({ completion, completion_note: note, updated_at: new Date() }).where('id', '=', id).execute();
  },
};
