import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Encrypted ballots are stored packed: one base64url string of ~5 kB for a 15-project ballot
// (docs/CRYPTO.md §"Wire and tablet"). PostgreSQL moves any row over ~2 kB to the TOAST table
// (after trying to compress it: random ciphertexts do not compress), which cost every cast a
// compression attempt and a few TOAST rows and index entries. A row of the box stays whole in its
// page up to 8,160 bytes now; only the largest ballots (rank polls of many projects) are still
// moved out. Nothing in the rows changes.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table poll_box set (toast_tuple_target = 8160)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table poll_box reset (toast_tuple_target)`.execute(db);
}
