import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Whatever ends a login — logout, log out everywhere, a revoked or reissued code, an
// administrator ending a user's sessions — deletes its auth_sessions rows. Each such delete
// tells every server instance (on the hub's channel, at commit) which logins ended, so the
// websockets opened with them close at once, on whichever instance holds them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function auth_sessions_ended() returns trigger language plpgsql as $$
    begin
      -- 100 hashes of 64 characters stay well inside NOTIFY's 8,000-byte payload.
      perform pg_notify('piaojue_events', json_build_object('ended', array_agg(token_hash))::text)
        from (select token_hash, (row_number() over ()) / 100 as chunk from ended) e
        group by chunk;
      return null;
    end $$;
    create trigger auth_sessions_ended after delete on auth_sessions
      referencing old table as ended for each statement execute function auth_sessions_ended();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists auth_sessions_ended on auth_sessions;
    drop function if exists auth_sessions_ended;
  `.execute(db);
}
