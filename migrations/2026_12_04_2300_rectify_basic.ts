import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Whether a 基本满意 grade calls for 整改 too (a 不满意 one always does) is a setting of the cycle,
// off by default (docs/PROCEDURE.md §5). A cycle that already opened 整改 after a 基本满意 keeps
// the setting on, so its records stay consistent with it. Not a frozen rule: it is set after the
// vote, when the ratings come.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cycles add column rectify_basic boolean not null default false;
    update cycles set rectify_basic = true
      where id in (select p.cycle_id from rectifications r join tracking_projects p on p.id = r.project_id where r.grade = 'basic');
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cycles drop column if exists rectify_basic`.execute(db);
}
