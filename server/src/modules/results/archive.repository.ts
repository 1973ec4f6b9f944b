import type { DbOrTx } from '../../db/database.ts';

/** The statuses in which a poll's ballots have been counted and resealed (see pollsRepository.reseal). */
export const SEALED_STATUSES = ['closed', 'rejected', 'certified', 'published'] as const;

export const archiveRepository = {
  cycle(db: DbOrTx, cycleId: string) {
    return db.selectFrom('cycles').selectAll().where('id', '=', cycleId).executeTakeFirst();
  },
  candidates(db: DbOrTx, cycleId: string) {
    return db.selectFrom('candidates').selectAll().where('cycle_id', '=', cycleId).orderBy('position').execute();
  },
  /** Sessions without their hall display key, which is a credential, not a record. */
  sessions(db: DbOrTx, cycleId: string) {
    return db.selectFrom('sessions').select(['id', 'cycle_id', 'name', 'venue', 'checkin_open', 'created_at']).where('cycle_id', '=', cycleId).orderBy('created_at').execute();
  },
  deputies(db: DbOrTx, sessionId: string) {
    return db.selectFrom('deputies').select(['id', 'name', 'delegation', 'seat', 'checked_in_at', 'checkin_method']).where('session_id', '=', sessionId).orderBy('position').execute();
  },
  polls(db: DbOrTx, cycleId: string) {
    return db.selectFrom('polls').selectAll().where('cycle_id', '=', cycleId).orderBy('created_at').execute();
  },
  roll(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_roll').select(['deputy_id', 'voted', 'paper']).where('poll_id', '=', pollId).orderBy('deputy_id').execute();
  },
  /**
   * The ballots of a sealed poll, in an order that depends on their content alone (so the file
   * says nothing of the order of voting), without receipts.
   */
  box(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_box')
      .select(['valid', 'body'])
      .where('poll_id', '=', pollId)
      .orderBy('valid', 'desc')
      .orderBy((eb) => eb.cast('body', 'text'))
      .execute();
  },
  trackers(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_trackers').select('tracker').where('poll_id', '=', pollId).orderBy('tracker').execute();
  },
  /** The 计票人's entries of a paper count (figures only: counts, never ballots). */
  paperEntries(db: DbOrTx, pollId: string) {
    return db.selectFrom('paper_entries').select(['entered_by', 'figures', 'entered_at', 'amended_at']).where('poll_id', '=', pollId).orderBy('entered_at').execute();
  },
  paperCount(db: DbOrTx, pollId: string) {
    return db.selectFrom('paper_counts').select(['figures', 'confirmed_by', 'confirmed_at']).where('poll_id', '=', pollId).executeTakeFirst();
  },
  signoffs(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_signoffs').selectAll().where('poll_id', '=', pollId).orderBy('at').execute();
  },
  audit(db: DbOrTx) {
    return db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  },
};
