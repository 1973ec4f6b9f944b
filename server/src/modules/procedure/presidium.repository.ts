import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { PresidiumDecisionsTable } from '../../db/types.ts';
import type { DecisionStatus, SignatureAnswer } from '@piaojue/shared';

/** A congress as a cycle names it: its level and the 人大 running it (null: the installation's own). */
export interface Congress {
  level: string;
  unit_name: string | null;
}

/**
 * The accounts that work for a congress: its own, and those of the whole installation (no
 * congress), which reach every congress's polls (units/unit-scope.ts, ownCycle).
 */
const congressMembers = (c: Congress) =>
  c.unit_name === null
    ? sql<boolean>`(unit_level is null or unit_name is null)`
    : sql<boolean>`(unit_level is null or unit_name is null or (unit_level = ${c.level} and unit_name = ${c.unit_name}))`;

export type DecisionRecord = Awaited<ReturnType<typeof presidiumRepository.decisions>>[number];
export type PendingRecord = Awaited<ReturnType<typeof presidiumRepository.pending>>[number];

export const presidiumRepository = {
  /**
   * Active accounts holding the presidium role that belong to `congress` (see congressMembers);
   * null: every congress's.
   */
  members(db: DbOrTx, congress: Congress | null) {
    return db
      .selectFrom('users')
      .select(['id', 'display_name', 'username'])
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'presidium' = any(roles)`)
      .$if(congress !== null, (q) => q.where(congressMembers(congress!)))
      .orderBy('username')
      .execute();
  },
  /** Of `ids`, the active presidium members of `congress`: the members who may sign for its polls. */
  membersAmong(db: DbOrTx, ids: readonly string[], congress: Congress) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', [...ids])
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'presidium' = any(roles)`)
      .where(congressMembers(congress))
      .execute();
  },
  /**
   * A poll's decisions of the given statuses with their named members (in the order named, each
   * with their answer), those who signed (in the order they signed) and the chosen projects' names.
   */
  decisions(db: DbOrTx, pollId: string, statuses: readonly DecisionStatus[]) {
    return decisionsQuery(db).where('d.poll_id', '=', pollId).where('d.status', 'in', [...statuses]).orderBy('d.recorded_at').execute();
  },
  /** One decision, to answer or withdraw it; locked with the poll already locked by the caller. */
  decision(db: DbOrTx, id: string) {
    return decisionsQuery(db).where('d.id', '=', id).forUpdate('d').executeTakeFirst();
  },
  /** Every pending decision (or a session's), with its poll and session, oldest first. */
  pending(db: DbOrTx, sessionId?: string) {
    return decisionsQuery(db)
      .innerJoin('polls as p', 'p.id', 'd.poll_id')
      .innerJoin('sessions as s', 's.id', 'p.session_id')
      .innerJoin('cycles as c', 'c.id', 's.cycle_id')
      .select(['p.title as poll_title', 's.id as session_id', 's.name as session_name', 'c.level as cycle_level', 'c.unit_name as cycle_unit'])
      .where('d.status', '=', 'pending')
      .$if(sessionId !== undefined, (q) => q.where('s.id', '=', sessionId!))
      .orderBy('d.recorded_at')
      .execute();
  },
  /** The projects the 主席团 chose among the tied of a poll by a decision in effect; null when it has not decided. */
  async tieDecision(db: DbOrTx, pollId: string): Promise<string[] | null> {
    const r = await db
      .selectFrom('presidium_decisions')
      .select('chosen')
      .where('poll_id', '=', pollId)
      .where('kind', '=', 'tie')
      .where('status', '=', 'effective')
      .executeTakeFirst();
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
  insertSignature(db: DbOrTx, decisionId: string, userId: string, answer: SignatureAnswer) {
    return db.insertInto('presidium_decision_signatures').values({ decision_id: decisionId, user_id: userId, answer }).returning('answered_at').executeTakeFirstOrThrow();
  },
  /** A pending decision settles once: it took effect, was withdrawn or declined (the database refuses any other change). */
  settle(db: DbOrTx, id: string, status: 'effective' | 'withdrawn' | 'declined') {
    return db.updateTable('presidium_decisions').set({ status, settled_at: new Date() }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirstOrThrow();
  },
};

function decisionsQuery(db: DbOrTx) {
  return db
    .selectFrom('presidium_decisions as d')
    .innerJoin('users as r', 'r.id', 'd.recorded_by')
    .select([
      'd.id',
      'd.poll_id',
      'd.kind',
      'd.status',
      'd.meeting',
      sql<string>`d.decided_on::text`.as('decided_on'),
      'd.chosen',
      'd.reason',
      'r.display_name as recorded_by',
      'd.recorded_by as recorded_by_id',
      'd.recorded_at',
      'd.settled_at',
    ])
    .select([
      sql<{ userId: string; displayName: string; answer: SignatureAnswer | null; answeredAt: string | null }[]>`(
        select coalesce(json_agg(json_build_object('userId', u.id, 'displayName', u.display_name, 'answer', g.answer, 'answeredAt', g.answered_at) order by s.position), '[]')
        from presidium_decision_signers s join users u on u.id = s.user_id
        left join presidium_decision_signatures g on g.decision_id = s.decision_id and g.user_id = s.user_id
        where s.decision_id = d.id)`.as('named'),
      // A decision recorded before members signed on their own accounts has no signatures: it took
      // effect when recorded, signed by the members it names.
      sql<{ userId: string; displayName: string }[]>`(
        select coalesce(json_agg(json_build_object('userId', u.id, 'displayName', u.display_name) order by x.n), '[]')
        from (
          select g.user_id, row_number() over (order by g.answered_at) as n from presidium_decision_signatures g where g.decision_id = d.id and g.answer = 'sign'
          union all
          select s.user_id, s.position from presidium_decision_signers s
          where s.decision_id = d.id and not exists (select 1 from presidium_decision_signatures g where g.decision_id = d.id)
        ) x join users u on u.id = x.user_id)`.as('signers'),
      sql<{ candidateId: string; name: string }[]>`(
        select coalesce(json_agg(json_build_object('candidateId', c.id, 'name', c.name) order by e.n), '[]')
        from jsonb_array_elements_text(d.chosen) with ordinality as e(id, n) join candidates c on c.id = e.id::uuid)`.as('chosen_names'),
    ]);
}

/** For a query over polls: the 主席团's tie decision in effect of each (its chosen ids), null when none. */
export const tieChosen = (pollId: 'polls.id' | 'p.id') =>
  sql<string[] | null>`(select d.chosen from presidium_decisions d where d.poll_id = ${sql.ref(pollId)} and d.kind = 'tie' and d.status = 'effective')`;
