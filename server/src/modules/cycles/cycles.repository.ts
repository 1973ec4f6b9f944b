import type { Insertable, Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { CandidatesTable, CyclesTable } from '../../db/types.ts';

export const cyclesRepository = {
  list(db: DbOrTx) {
    return db
      .selectFrom('cycles as c')
      .selectAll('c')
      .select((eb) => eb.selectFrom('candidates').whereRef('candidates.cycle_id', '=', 'c.id').select(eb.fn.countAll<number>().as('n')).as('candidate_count'))
      .orderBy('c.year', 'desc')
      .orderBy('c.created_at', 'desc')
      .execute();
  },
  get(db: DbOrTx, id: string) {
    return db
      .selectFrom('cycles as c')
      .selectAll('c')
      .select((eb) => eb.selectFrom('candidates').whereRef('candidates.cycle_id', '=', 'c.id').select(eb.fn.countAll<number>().as('n')).as('candidate_count'))
      .where('c.id', '=', id)
      .executeTakeFirst();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('cycles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
  insert(db: DbOrTx, row: Insertable<CyclesTable>) {
    return db.insertInto('cycles').values(row).returning('id').executeTakeFirstOrThrow();
  },
  update(db: DbOrTx, id: string, patch: Updateable<CyclesTable>) {
    return db.updateTable('cycles').set(patch).where('id', '=', id).execute();
  },
  candidates(db: DbOrTx, cycleId: string) {
    return db.selectFrom('candidates').selectAll().where('cycle_id', '=', cycleId).orderBy('position').orderBy('created_at').execute();
  },
  candidate(db: DbOrTx, id: string) {
    return db.selectFrom('candidates').selectAll().where('id', '=', id).executeTakeFirst();
  },
  candidatesByIds(db: DbOrTx, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('candidates').selectAll().where('id', 'in', ids).execute();
  },
  maxPosition(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('candidates')
      .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(0)).as('max'))
      .where('cycle_id', '=', cycleId)
      .executeTakeFirstOrThrow();
  },
  insertCandidate(db: DbOrTx, row: Insertable<CandidatesTable>) {
    return db.insertInto('candidates').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updateCandidate(db: DbOrTx, id: string, patch: Updateable<CandidatesTable>) {
    return db.updateTable('candidates').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  deleteCandidate(db: DbOrTx, id: string) {
    return db.deleteFrom('candidates').where('id', '=', id).execute();
  },
};
