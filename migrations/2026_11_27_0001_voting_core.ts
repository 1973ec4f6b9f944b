import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null unique check (length(username) between 1 and 64),
      display_name text not null,
      password_hash text,
      roles text[] not null check (roles <@ array['admin','staff','presidium','scrutineer','department']::text[]),
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    );

    create table setup_tokens (
      token_hash text primary key,
      created_at timestamptz not null default now(),
      used_at timestamptz
    );

    create table cycles (
      id uuid primary key default gen_random_uuid(),
      level text not null check (level in ('city','county','township')),
      name text not null,
      year int not null check (year between 2000 and 2200),
      choose_n int not null check (choose_n > 0),
      ballot_type text not null check (ballot_type in ('approve','choose','rank')),
      pass_threshold text not null check (pass_threshold in ('none','seated_majority','present_majority')),
      quorum_rule text not null check (quorum_rule in ('more_than_half','two_thirds')),
      tie_rule text not null check (tie_rule in ('runoff','vacant','presidium')),
      min_extra_ratio numeric(4,2) not null default 0.10,
      max_extra_ratio numeric(4,2) not null default 0.50,
      frozen_at timestamptz,
      frozen_hash text,
      freeze_decision text,
      created_at timestamptz not null default now()
    );

    create table candidates (
      id uuid primary key default gen_random_uuid(),
      cycle_id uuid not null references cycles(id) on delete restrict,
      position int not null,
      name text not null,
      content text not null default '',
      targets text not null default '',
      department text not null default '',
      investment_wan numeric(14,2),
      funding_source text not null default '',
      deadline text not null default '',
      location text not null default '',
      category text not null default '',
      sub_items jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index candidates_cycle on candidates(cycle_id, position);

    -- A frozen candidate list cannot change, whatever the application does.
    create function candidates_frozen_guard() returns trigger language plpgsql as $$
    declare
      cid uuid := coalesce(new.cycle_id, old.cycle_id);
    begin
      if exists (select 1 from cycles where id = cid and frozen_at is not null)
         or (tg_op = 'UPDATE' and exists (select 1 from cycles where id = old.cycle_id and frozen_at is not null)) then
        raise exception 'candidate list is frozen' using errcode = 'P0001', hint = 'LIST_FROZEN';
      end if;
      return coalesce(new, old);
    end $$;
    create trigger candidates_frozen before insert or update or delete on candidates
      for each row execute function candidates_frozen_guard();

    create table sessions (
      id uuid primary key default gen_random_uuid(),
      cycle_id uuid not null references cycles(id) on delete restrict,
      name text not null,
      venue text not null default '',
      checkin_open boolean not null default false,
      created_at timestamptz not null default now()
    );

    create table deputies (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references sessions(id) on delete cascade,
      position int not null,
      name text not null,
      delegation text not null default '',
      seat text not null,
      phone text,
      login_code_hash text unique,
      code_issued_at timestamptz,
      checked_in_at timestamptz,
      checkin_method text check (checkin_method in ('tablet','paper')),
      unique (session_id, seat)
    );
    create index deputies_session on deputies(session_id, position);

    create table auth_sessions (
      token_hash text primary key,
      user_id uuid references users(id) on delete cascade,
      deputy_id uuid references deputies(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      check ((user_id is null) <> (deputy_id is null))
    );
    create index auth_sessions_user on auth_sessions(user_id);
    create index auth_sessions_deputy on auth_sessions(deputy_id);

    create table polls (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references sessions(id) on delete restrict,
      cycle_id uuid not null references cycles(id) on delete restrict,
      parent_poll_id uuid references polls(id),
      kind text not null check (kind in ('vote','runoff')),
      title text not null,
      ballot_type text not null check (ballot_type in ('approve','choose','rank')),
      choose_n int not null check (choose_n > 0),
      pass_threshold text not null,
      tie_rule text not null,
      candidate_ids jsonb not null,
      list_hash text not null,
      status text not null default 'draft' check (status in ('draft','open','closed','certified','published','cancelled')),
      countdown_seconds int check (countdown_seconds between 10 and 86400),
      seated int,
      present int,
      opened_at timestamptz,
      closes_at timestamptz,
      closed_at timestamptz,
      certified_at timestamptz,
      cancelled_at timestamptz,
      result jsonb,
      created_at timestamptz not null default now()
    );
    create index polls_session on polls(session_id, created_at);
    -- one open poll per session at a time
    create unique index polls_one_open on polls(session_id) where status = 'open';

    -- The roll: WHO was issued a ballot and whether it was returned. Nothing about WHAT.
    create table poll_roll (
      poll_id uuid not null references polls(id) on delete cascade,
      deputy_id uuid not null references deputies(id) on delete restrict,
      voted boolean not null default false,
      key_hash text,
      primary key (poll_id, deputy_id),
      check (voted = (key_hash is not null))
    );

    -- The box: WHAT was voted. No deputy, no session, no time, random ids.
    create table poll_box (
      id uuid primary key default gen_random_uuid(),
      poll_id uuid not null references polls(id) on delete cascade,
      tracker text not null,
      valid boolean not null default true,
      body jsonb,
      unique (poll_id, tracker)
    );

    create table audit_log (
      seq bigint primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      subject text not null,
      details jsonb not null default '{}',
      prev_hash text not null,
      hash text not null unique
    );
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit log is append-only' using errcode = 'P0001';
    end $$;
    create trigger audit_log_no_change before update or delete or truncate on audit_log
      for each statement execute function audit_log_append_only();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists audit_log, poll_box, poll_roll, polls, auth_sessions, deputies, sessions,
      candidates, cycles, setup_tokens, users cascade;
    drop function if exists audit_log_append_only, candidates_frozen_guard;
  `.execute(db);
}
