import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Paper ballots (docs/PROCEDURE.md, "Paper ballots"):
// - A poll is on paper as a whole (paper_whole), or single deputies are issued a paper ballot
//   (a failed tablet): their roll entry says so, and the database refuses to mark it voted, so
//   their tablet can no longer cast. One roll entry per deputy per poll still holds.
// - A poll whose paper ballots are still being counted is 'counting': closed to the tablets,
//   no result yet.
// - Two 计票人 enter the paper figures, one entry each (the key refuses a second entry by the
//   same account); the 总监票人's confirmation of the reconciled figures is kept apart.
// - Like the box, the paper figures of a certified result can no longer change.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table polls add column paper_whole boolean not null default false;
    alter table polls drop constraint polls_status_check;
    alter table polls add constraint polls_status_check
      check (status in ('draft','open','counting','closed','rejected','certified','published','cancelled'));

    alter table poll_roll add column paper boolean not null default false;
    alter table poll_roll add constraint poll_roll_paper_not_cast check (not (paper and voted));

    -- A whole-paper poll issues paper ballots only: at opening and to late arrivals alike.
    create function poll_roll_paper_whole() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from polls where id = new.poll_id and paper_whole) then
        new.paper := true;
      end if;
      return new;
    end $$;
    create trigger poll_roll_paper_whole before insert on poll_roll
      for each row execute function poll_roll_paper_whole();

    create table paper_entries (
      poll_id uuid not null references polls(id) on delete cascade,
      entered_by uuid not null references users(id) on delete restrict,
      figures jsonb not null,
      entered_at timestamptz not null default now(),
      amended_at timestamptz,
      primary key (poll_id, entered_by)
    );

    create table paper_counts (
      poll_id uuid primary key references polls(id) on delete cascade,
      figures jsonb not null,
      confirmed_by uuid not null references deputies(id) on delete restrict,
      confirmed_at timestamptz not null default now()
    );

    create trigger paper_entries_certified before insert or update or delete on paper_entries
      for each row execute function box_certified_guard();
    create trigger paper_counts_certified before insert or update or delete on paper_counts
      for each row execute function box_certified_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists paper_counts, paper_entries;
    drop trigger if exists poll_roll_paper_whole on poll_roll;
    drop function if exists poll_roll_paper_whole;
    alter table poll_roll drop constraint poll_roll_paper_not_cast, drop column paper;
    update polls set status = 'closed' where status = 'counting';
    alter table polls drop constraint polls_status_check;
    alter table polls add constraint polls_status_check
      check (status in ('draft','open','closed','rejected','certified','published','cancelled'));
    alter table polls drop column paper_whole;
  `.execute(db);
}
