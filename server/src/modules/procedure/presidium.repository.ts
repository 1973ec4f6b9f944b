import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { PresidiumDecisionsTable } from '../../db/types.ts';

export type DecisionRecord = Awaited<ReturnType<typeof presidiumRepository.decisions>>[number];

export const presidiumRepository = {
  /** Active accounts holding the presidium role: the members who may sign. */
  members(db: DbOrTx) {
    return db
      .selectFrom('users')
      .select(['id', 'display_name', 'username'])
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'presidium' = any(roles)`)
      .orderBy('username')
      .execute();
  },
  /** Of `ids`, the active presidium members. */
  membersAmong(db: DbOrTx, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', [...ids])
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'presidium' = any(roles)`)
      .execute();
  },
  /** A poll's decisions with their signers (in the order signed) and the chosen projects' names. */
  decisions(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('presidium_decisions as d')
      .innerJoin('users as r', 'r.id', 'd.recorded_by')
      .select([
        'd.id',
        'd.poll_id',
        'd.kind',
        'd.meeting',
        sql<string>`d.decided_on::text`.as('decided_on'),
        'd.chosen',
        'd.reason',
        'r.display_name as recorded_by',
        'd.recorded_at',
      ])
      .select([
        sql<{ userId: string; displayName: string }[]>`(
          select coalesce(json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by s.position), '[]')
          from presidium_decision_signers s join users u on u.id = s.user_id where s.decision_id = d.id)`.as('signers'),
        sql<{ candidateId: string; name: string }[]>`(
          select coalesce(json_agg(json_build_object('candidateId', c.id, 'name', c.name) order by e.n), '[]')
          from jsonb_array_elements_text(d.chosen) with ordinality as e(id, n) join candidates c on c.id = e.id::uuid)`.as('chosen_names'),
      ])
      .where('d.poll_id', '=', pollId)
      .orderBy('d.recorded_at')
      .execute();
  },
  /** The projects the 主席团 chose among the tied of a poll; null when it has not decided. */
  async tieDecision(db: DbOrTx, pollId: string): Promise<string[] | null> {
    const r = await db.selectFrom('presidium_decisions').select('chosen').where('poll_id', '=', pollId).where('kind', '=', 'tie').executeTakeFirst();
    return r?.chosen ?? null;
  },
  /** Whether the poll's cycle lets one member return a result alone. */
  async rejectAlone(db: DbOrTx, pollId: string): Promise<boolean> {
    const r = await db.selectFrom('polls as p').innerJoin('cycles as c', 'c.id', 'p.cycle_id').select('c.presidium_reject_alone').where('p.id', '=', pollId).executeTakeFirst();
    return r?.presidium_reject_alone ?? false;
  },
  insert(db: DbOrTx, row: Insertable<PresidiumDecisionsTable>) {
    return db.insertInto('presidium_decisions').values(row).returning('id').executeTakeFirstOrThrow();
  },
  insertSigners(db: DbOrTx, decisionId: string, userIds: readonly string[]) {
    return db
      .insertInto('presidium_decision_signers')
      .values(userIds.map((user_id, i) => ({ decision_id: decisionId, user_id, position: i + 1 })))
      .execute();
  },
};

/** For a query over polls: the 主席团's tie decision of each (its chosen ids), null when none. */
export const tieChosen = (pollId: 'polls.id' | 'p.id') =>
  sql<string[] | null>`(select d.chosen from presidium_decisions d where d.poll_id = ${sql.ref(pollId)} and d.kind = 'tie')`;
