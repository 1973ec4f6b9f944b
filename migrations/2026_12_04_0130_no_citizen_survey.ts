import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// The residents' survey (群众评) is not offered: the portal no longer promises it, and the
// unused table and setting that 0008 prepared for it go.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists citizen_ratings;
    alter table cycles drop column if exists citizen_rating;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cycles add column citizen_rating boolean not null default false;
    create table citizen_ratings (
      project_id uuid not null references tracking_projects(id) on delete cascade,
      device_hash text not null,
      mark text not null check (mark in ('satisfied','basic','unsatisfied')),
      created_at timestamptz not null default now(),
      primary key (project_id, device_hash)
    );
  `.execute(db);
}
