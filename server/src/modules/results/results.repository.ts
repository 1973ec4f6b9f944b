import type { DbOrTx } from '../../db/database.ts';

export const resultsRepository = {
  /** Cycles with at least one result the presidium has certified: the ones the public results list shows. */
  cyclesWithPublicResults(db: DbOrTx) {
    return db
      .selectFrom('cycles as c')
      .select(['c.id', 'c.name', 'c.year', 'c.level'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('polls as p')
            .select('p.id')
            .whereRef('p.cycle_id', '=', 'c.id')
            .where('p.status', 'in', ['certified', 'published'])
            .where('p.kind', '!=', 'runoff'),
        ),
      )
      .orderBy('c.year', 'desc')
      .orderBy('c.created_at', 'desc')
      .execute();
  },
};
