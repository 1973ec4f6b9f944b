import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// The 执行主席 who announces a poll's result (docs/PROCEDURE.md §3, "The count sheet"): staff
// enter the name per poll and it is printed on the 表决结果报告单. One row per poll; a change
// replaces it (the audit log keeps the earlier name).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table poll_presiding_chairs (
      poll_id uuid primary key references polls(id) on delete cascade,
      name text not null check (char_length(name) between 1 and 50 and name = btrim(name)),
      set_by text not null,
      set_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table poll_presiding_chairs`.execute(db);
}
