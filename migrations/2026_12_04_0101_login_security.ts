import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// - A department's attachment marked public waits for staff review (public_requested) before
//   the public site shows it.
// - Failed logins per account or code, shared by every server instance, for the back-off.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table tracking_attachments add column public_requested boolean not null default false;
    update tracking_attachments set public_requested = is_public;

    create table login_failures (
      key text primary key,
      failures integer not null,
      locked_until timestamptz,
      last_failed_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists login_failures;
    alter table tracking_attachments drop column if exists public_requested;
  `.execute(db);
}
