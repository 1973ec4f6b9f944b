import type { DbOrTx } from '../../db/database.ts';

/** Paper ballots: the roll's paper entries, the 计票人's entries and the confirmed figures. */
export const paperRepository = {
  setWhole(db: DbOrTx, pollId: string, whole: boolean) {
    return db.updateTable('polls').set({ paper_whole: whole }).where('id', '=', pollId).returningAll().executeTakeFirstOrThrow();
  },
  /** Issues the deputy's ballot on paper, unless the deputy has voted on the tablet already. */
  issueOnPaper(db: DbOrTx, pollId: string, deputyId: string) {
    return db
      .updateTable('poll_roll')
      .set({ paper: true })
      .where('poll_id', '=', pollId)
      .where('deputy_id', '=', deputyId)
      .where('voted', '=', false)
      .returning('deputy_id')
      .executeTakeFirst();
  },
  rollEntry(db: DbOrTx, pollId: string, deputyId: string) {
    return db.selectFrom('poll_roll').select(['voted', 'paper']).where('poll_id', '=', pollId).where('deputy_id', '=', deputyId).executeTakeFirst();
  },
  async issuedOnPaper(db: DbOrTx, pollId: string): Promise<number> {
    const r = await db
      .selectFrom('poll_roll')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('poll_id', '=', pollId)
      .where('paper', '=', true)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  paperDeputies(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_roll as r')
      .innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select(['d.id', 'd.name', 'd.delegation', 'd.seat'])
      .where('r.poll_id', '=', pollId)
      .where('r.paper', '=', true)
      .orderBy('d.position')
      .execute();
  },
  entries(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('paper_entries as e')
      .innerJoin('users as u', 'u.id', 'e.entered_by')
      .select(['e.entered_by', 'u.display_name', 'e.figures', 'e.entered_at', 'e.amended_at'])
      .where('e.poll_id', '=', pollId)
      .orderBy('e.entered_at')
      .execute();
  },
  insertEntry(db: DbOrTx, pollId: string, userId: string, figures: unknown) {
    return db.insertInto('paper_entries').values({ poll_id: pollId, entered_by: userId, figures: JSON.stringify(figures) }).execute();
  },
  updateEntry(db: DbOrTx, pollId: string, userId: string, figures: unknown) {
    return db
      .updateTable('paper_entries')
      .set({ figures: JSON.stringify(figures), amended_at: new Date() })
      .where('poll_id', '=', pollId)
      .where('entered_by', '=', userId)
      .executeTakeFirst();
  },
  count(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('paper_counts as c')
      .innerJoin('deputies as d', 'd.id', 'c.confirmed_by')
      .select(['c.figures', 'c.confirmed_at', 'd.name'])
      .where('c.poll_id', '=', pollId)
      .executeTakeFirst();
  },
  insertCount(db: DbOrTx, pollId: string, deputyId: string, figures: unknown) {
    return db.insertInto('paper_counts').values({ poll_id: pollId, confirmed_by: deputyId, figures: JSON.stringify(figures) }).execute();
  },
  /** The poll's ballots, resealed at close (see pollsRepository.reseal). */
  box(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_box').select(['valid', 'body']).where('poll_id', '=', pollId).execute();
  },
};
