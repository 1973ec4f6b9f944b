import { sql, type SqlBool } from 'kysely';
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
  /** The audit chain's last entry (its length is its seq), or none while the chain is empty. */
  chainHead(db: DbOrTx) {
    return db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  },
  /** The stored chain's entries at these seqs (to compare an archive's with). */
  auditAt(db: DbOrTx, seqs: number[]) {
    if (seqs.length === 0) return Promise.resolve([]);
    return db.selectFrom('audit_log').select(['seq', 'action', 'prev_hash', 'hash']).where('seq', 'in', seqs).orderBy('seq').execute();
  },
  /**
   * The cycle's own audit entries up to `throughSeq`: the one place that says which entries a
   * cycle archive carries (docs/OPERATIONS.md, "The archive's audit entries"). An entry is the
   * cycle's when its subject is
   * - `cycle:` the cycle;
   * - `session:` one of its sessions, `deputy:` a deputy on one of their rosters;
   * - `poll:` one of its polls (polls.cycle_id, where the archive puts the poll: a rating poll goes
   *   with the cycle whose projects it rates), `confirmation:` a dual-control request in one of them;
   * - `candidate:` one of its candidates, or one deleted from its list (its creation recorded the
   *   cycle's id);
   * - `proposal:` one of its proposals, `tracking:` one of its projects, `supervision:` one of its
   *   supervision activities.
   * Accounts (`user:`) and the installation's lexicon (`lexicon:`) belong to no cycle, and another
   * congress's cycle's entries are never among these. Left out too, until it settles: every entry
   * of a 主席团 decision still awaiting signatures, which stays with the 主席团 and staff
   * (docs/PROCEDURE.md §3) while the archive also goes to scrutineers.
   */
  audit(db: DbOrTx, cycleId: string, throughSeq: number) {
    const subjects = sql`
      select 'cycle:' || id from cycles where id = ${cycleId}
      union all select 'session:' || id from sessions where cycle_id = ${cycleId}
      union all select 'deputy:' || d.id from deputies d join sessions s on s.id = d.session_id where s.cycle_id = ${cycleId}
      union all select 'poll:' || id from polls where cycle_id = ${cycleId}
      union all select 'confirmation:' || r.id from dual_control_requests r join polls p on p.id = r.poll_id where p.cycle_id = ${cycleId}
      union all select 'candidate:' || id from candidates where cycle_id = ${cycleId}
      union all select subject from audit_log where subject like 'candidate:%' and details->>'cycleId' = ${cycleId}::text
      union all select 'proposal:' || id from proposals where cycle_id = ${cycleId}
      union all select 'tracking:' || id from tracking_projects where cycle_id = ${cycleId}
      union all select 'supervision:' || id from supervision_activities where cycle_id = ${cycleId}`;
    const pendingDecision = sql<SqlBool>`starts_with(audit_log.action, 'presidium.decision_') and exists (
      select 1 from presidium_decisions d where d.status = 'pending' and d.id::text = audit_log.details->>'decision')`;
    return db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '<=', throughSeq)
      .where(sql<SqlBool>`subject in (${subjects})`)
      .where(sql<SqlBool>`not (${pendingDecision})`)
      .orderBy('seq')
      .execute();
  },
};
