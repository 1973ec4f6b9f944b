import type { DbOrTx } from '../../db/database.ts';

/**
 * An encrypted poll's box as the count reads it, and the 监票人's partial decryptions
 * (docs/CRYPTO.md §"Polls"). Box rows carry no deputy; `proof_status` is the server's check.
 */
export const decryptionRepository = {
  /** The 监票人 who have sent a partial decryption that verified, by guardian index. */
  partials(db: DbOrTx, pollId: string) {
    return db.selectFrom('poll_decryptions').select(['guardian', 'deputy_id', 'body', 'at']).where('poll_id', '=', pollId).orderBy('guardian').execute();
  },
  insertPartial(db: DbOrTx, row: { poll_id: string; guardian: number; deputy_id: string; body: unknown }) {
    return db.insertInto('poll_decryptions').values({ ...row, body: JSON.stringify(row.body) }).execute();
  },
  /** Ballots whose proofs the server has checked and found valid, or not yet checked. */
  boxByStatus(db: DbOrTx, pollId: string, status: 'pending' | 'verified' | 'rejected') {
    return db.selectFrom('poll_box').select(['id', 'body']).where('poll_id', '=', pollId).where('proof_status', '=', status).execute();
  },
  /** The number of rejected ballots by reason (no other column: nothing that could name a deputy). */
  rejectedCounts(db: DbOrTx, pollId: string) {
    return db
      .selectFrom('poll_box')
      .select((eb) => ['reject_reason', eb.fn.countAll<number>().as('n')])
      .where('poll_id', '=', pollId)
      .where('proof_status', '=', 'rejected')
      .groupBy('reject_reason')
      .execute();
  },
  /** Records the server's verdicts on box rows still pending. */
  async setVerdicts(db: DbOrTx, pollId: string, verdicts: { id: string; ok: boolean; reason: string | null }[]) {
    const ok = verdicts.filter((v) => v.ok).map((v) => v.id);
    const bad = verdicts.filter((v) => !v.ok);
    if (ok.length) await db.updateTable('poll_box').set({ proof_status: 'verified' }).where('poll_id', '=', pollId).where('id', 'in', ok).where('proof_status', '=', 'pending').execute();
    for (const v of bad) {
      await db.updateTable('poll_box').set({ proof_status: 'rejected', reject_reason: v.reason, valid: false }).where('poll_id', '=', pollId).where('id', '=', v.id).where('proof_status', '=', 'pending').execute();
    }
  },
};
