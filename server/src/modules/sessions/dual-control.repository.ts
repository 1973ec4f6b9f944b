import type { Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { DualControlRequestsTable } from '../../db/types.ts';

/** Requests with the deputy's name and seat and the names of who asked and who decided. */
function withNames(db: DbOrTx) {
  return db
    .selectFrom('dual_control_requests as r')
    .innerJoin('deputies as d', 'd.id', 'r.deputy_id')
    .innerJoin('users as u', 'u.id', 'r.requested_by')
    .leftJoin('users as v', 'v.id', 'r.decided_by')
    .select([
      'r.id',
      'r.session_id',
      'r.poll_id',
      'r.action',
      'r.deputy_id',
      'd.name as deputy_name',
      'd.seat',
      'r.reason',
      'u.display_name as requested_by',
      'r.requested_at',
      'r.status',
      'v.display_name as decided_by',
      'r.decided_at',
      'r.decision_note',
    ]);
}

export const dualControlRepository = {
  insert(db: DbOrTx, row: Insertable<DualControlRequestsTable>) {
    return db.insertInto('dual_control_requests').values(row).returning('id').executeTakeFirstOrThrow();
  },
  lock(db: DbOrTx, id: string) {
    return db.selectFrom('dual_control_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },
  decide(db: DbOrTx, id: string, status: 'approved' | 'declined', userId: string, note: string | null) {
    return db.updateTable('dual_control_requests').set({ status, decided_by: userId, decided_at: new Date(), decision_note: note }).where('id', '=', id).execute();
  },
  markUsed(db: DbOrTx, id: string) {
    return db.updateTable('dual_control_requests').set({ status: 'used', used_at: new Date() }).where('id', '=', id).execute();
  },
  /** A session's requests, newest first, with the names people read. */
  list(db: DbOrTx, sessionId: string) {
    return withNames(db).where('r.session_id', '=', sessionId).orderBy('r.requested_at', 'desc').execute();
  },
  /** One request with the names people read. */
  one(db: DbOrTx, id: string) {
    return withNames(db).where('r.id', '=', id).executeTakeFirst();
  },
  /** How many approved actions were carried out during a poll, by kind. */
  async usedCounts(db: DbOrTx, pollId: string) {
    const rows = await db
      .selectFrom('dual_control_requests')
      .select((eb) => ['action', eb.fn.countAll<number>().as('n')])
      .where('poll_id', '=', pollId)
      .where('status', '=', 'used')
      .groupBy('action')
      .execute();
    const n = (a: string) => Number(rows.find((r) => r.action === a)?.n ?? 0);
    return { codesReissued: n('issue_code'), proxyCheckins: n('checkin') };
  },
};
