import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Ballot secrecy, second round (docs/PROCEDURE.md, "Secret ballot"):
// - Receipts leave the box. A box row held its tracker next to the ballot, so a receipt proved a
//   choice to whoever held it. The published trackers now live in poll_trackers, which holds
//   nothing but (poll, tracker); no stored row pairs a tracker with ballot content.
// - The roll keeps a keyed check of the ballot (ballot_check), so a retry with the same
//   idempotency key but another ballot is refused instead of answered as a duplicate. It is a
//   hash under the tablet's own random key, which nothing stored reveals.
// - A minimum number of ballots (min_ballots, default 5) below which no count is released.
// - A hall display key per session: the hall display may show a provisional result, the
//   anonymous public may not.
// - Dual control: while a poll is open, a new login code or a check-in on a deputy's behalf
//   needs a second person (presidium or scrutineer) to approve a request with a reason.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table poll_trackers (
      poll_id uuid not null references polls(id) on delete cascade,
      tracker text not null,
      primary key (poll_id, tracker)
    );
    insert into poll_trackers (poll_id, tracker) select poll_id, tracker from poll_box order by poll_id, tracker;
    alter table poll_box drop constraint if exists poll_box_poll_id_tracker_key;
    alter table poll_box drop column tracker;
    create index poll_box_poll on poll_box (poll_id);

    -- Certified trackers are as immutable as certified ballots.
    create trigger poll_trackers_certified_insert after insert on poll_trackers
      referencing new table as changed for each statement execute function box_certified_rows_guard();
    create trigger poll_trackers_certified_delete after delete on poll_trackers
      referencing old table as changed for each statement execute function box_certified_rows_guard();

    alter table poll_roll add column ballot_check text;

    alter table cycles add column min_ballots integer not null default 5 check (min_ballots between 1 and 1000);
    alter table polls add column min_ballots integer not null default 5 check (min_ballots between 1 and 1000);

    alter table sessions add column display_key text not null default replace(gen_random_uuid()::text, '-', '');

    create table dual_control_requests (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references sessions(id) on delete cascade,
      poll_id uuid not null references polls(id) on delete cascade,
      deputy_id uuid not null references deputies(id) on delete cascade,
      action text not null check (action in ('issue_code', 'checkin')),
      reason text not null,
      requested_by uuid not null references users(id),
      requested_at timestamptz not null default now(),
      status text not null default 'pending' check (status in ('pending', 'approved', 'declined', 'used')),
      decided_by uuid references users(id),
      decided_at timestamptz,
      decision_note text,
      used_at timestamptz,
      check (decided_by is null or decided_by <> requested_by)
    );
    create index dual_control_session on dual_control_requests (session_id, requested_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists dual_control_requests;
    alter table sessions drop column display_key;
    alter table polls drop column min_ballots;
    alter table cycles drop column min_ballots;
    alter table poll_roll drop column ballot_check;
    alter table poll_box add column tracker text;
    drop table if exists poll_trackers;
  `.execute(db);
}
