import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

/** The versions and the adoption of a session's 票决办法. */
export const votingRulesRepository = {
  versions(db: DbOrTx, sessionId: string) {
    return db.selectFrom('voting_rules_versions').selectAll().where('session_id', '=', sessionId).orderBy('version', 'desc').execute();
  },
  insertVersion(
    db: DbOrTx,
    row: { session_id: string; version: number; rules: string; scrutineers: string; counters: string; provisions: string; note: string; drafted_by: string },
  ) {
    return db.insertInto('voting_rules_versions').values(row).execute();
  },
  adoption(db: DbOrTx, sessionId: string) {
    return db
      .selectFrom('voting_rules_adoptions')
      .select(['session_id', 'version', 'body', 'meeting', sql<string>`adopted_on::text`.as('adopted_on'), 'votes_for', 'votes_against', 'votes_abstain', 'text_hash', 'recorded_by', 'recorded_at'])
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  },
  insertAdoption(
    db: DbOrTx,
    row: {
      session_id: string;
      version: number;
      body: string;
      meeting: string;
      adopted_on: string;
      votes_for: number | null;
      votes_against: number | null;
      votes_abstain: number | null;
      text_hash: string;
      recorded_by: string;
    },
  ) {
    return db.insertInto('voting_rules_adoptions').values(row).execute();
  },
  /** Whether any session of the cycle has adopted its 票决办法: the cycle's rules are then fixed. */
  cycleAdopted(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('voting_rules_adoptions as a')
      .innerJoin('sessions as s', 's.id', 'a.session_id')
      .select('a.session_id')
      .where('s.cycle_id', '=', cycleId)
      .executeTakeFirst();
  },
};
