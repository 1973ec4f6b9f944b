import type { DbOrTx } from '../../db/database.ts';

/** The 执行主席 entered per poll for its 表决结果报告单. */
export const countSheetRepository = {
  chair(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_presiding_chairs').select(['name', 'set_by', 'set_at']).where('poll_id', '=', pollId).executeTakeFirst();
  },
  setChair(db: DbOrTx, pollId: string, name: string, setBy: string) {
    return db
      .insertInto('poll_presiding_chairs')
      .values({ poll_id: pollId, name, set_by: setBy })
      .onConflict((oc) => oc.column('poll_id').doUpdateSet({ name, set_by: setBy, set_at: new Date() }))
      .returning(['name', 'set_by', 'set_at'])
      .executeTakeFirstOrThrow();
  },
};
