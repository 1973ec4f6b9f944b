import type { DbOrTx } from '../../db/database.ts';

/** A result is public once the presidium has certified it; a run-off is announced with its round. */
const PUBLIC_STATUSES = ['certified', 'published'] as const;

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
            .where('p.status', 'in', PUBLIC_STATUSES)
            .where('p.kind', '!=', 'runoff'),
        ),
      )
      .orderBy('c.year', 'desc')
      .orderBy('c.created_at', 'desc')
      .execute();
  },
  /** A cycle's certified results in the order they were held, run-offs left to their rounds. */
  publicPolls(db: DbOrTx, cycleId: string) {
    return db.selectFrom('polls').selectAll().where('cycle_id', '=', cycleId).where('status', 'in', PUBLIC_STATUSES).where('kind', '!=', 'runoff').orderBy('created_at').execute();
  },
};
