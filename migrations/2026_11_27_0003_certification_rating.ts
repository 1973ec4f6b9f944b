import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cycles
      add column certify_k int not null default 1 check (certify_k between 1 and 100),
      add column scrutineer_confirmations int not null default 0 check (scrutineer_confirmations between 0 and 100);

    alter table polls drop constraint polls_kind_check;
    alter table polls add constraint polls_kind_check check (kind in ('vote','runoff','rating'));
    alter table polls drop constraint polls_ballot_type_check;
    alter table polls add constraint polls_ballot_type_check check (ballot_type in ('approve','choose','rank','rating'));
    alter table polls drop constraint polls_status_check;
    alter table polls add constraint polls_status_check
      check (status in ('draft','open','closed','rejected','certified','published','cancelled'));
    alter table polls
      add column grading_rule text,
      add column allow_abstain boolean not null default true,
      add column certify_k int not null default 1,
      add column scrutineer_confirmations int not null default 0,
      add column rejected_at timestamptz;

    -- Each scrutineer's confirmation and each presidium member's certification or rejection.
    create table poll_signoffs (
      poll_id uuid not null references polls(id) on delete cascade,
      user_id uuid not null references users(id),
      role text not null check (role in ('scrutineer','presidium')),
      decision text not null check (decision in ('confirm','certify','reject')),
      reason text,
      at timestamptz not null default now(),
      primary key (poll_id, user_id, role),
      check ((role = 'scrutineer') = (decision = 'confirm'))
    );

    -- A certified result is immutable: its tally, its list and its ballots stay as certified.
    create function polls_certified_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.status in ('certified','published') then
          raise exception 'certified result is immutable' using errcode = 'P0001', hint = 'RESULT_CERTIFIED';
        end if;
        return old;
      end if;
      if old.status in ('certified','published') and (
           new.result is distinct from old.result
        or new.candidate_ids is distinct from old.candidate_ids
        or new.status not in ('certified','published')
        or new.certified_at is distinct from old.certified_at) then
        raise exception 'certified result is immutable' using errcode = 'P0001', hint = 'RESULT_CERTIFIED';
      end if;
      return new;
    end $$;
    create trigger polls_certified before update or delete on polls
      for each row execute function polls_certified_guard();

    create function box_certified_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from polls where id = coalesce(new.poll_id, old.poll_id) and status in ('certified','published')) then
        raise exception 'certified ballots are immutable' using errcode = 'P0001', hint = 'RESULT_CERTIFIED';
      end if;
      return coalesce(new, old);
    end $$;
    create trigger poll_box_certified before insert or update or delete on poll_box
      for each row execute function box_certified_guard();

    create function signoffs_certified_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from polls where id = coalesce(new.poll_id, old.poll_id) and status in ('certified','published')) then
        raise exception 'certified result is immutable' using errcode = 'P0001', hint = 'RESULT_CERTIFIED';
      end if;
      return coalesce(new, old);
    end $$;
    create trigger poll_signoffs_certified before insert or update or delete on poll_signoffs
      for each row execute function signoffs_certified_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists polls_certified on polls;
    drop trigger if exists poll_box_certified on poll_box;
    drop table if exists poll_signoffs;
    drop function if exists polls_certified_guard, box_certified_guard, signoffs_certified_guard;
    alter table polls drop column grading_rule, drop column allow_abstain, drop column certify_k,
      drop column scrutineer_confirmations, drop column rejected_at;
    alter table cycles drop column certify_k, drop column scrutineer_confirmations;
  `.execute(db);
}
