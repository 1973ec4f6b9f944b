import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// 公告 numbers (docs/PROCEDURE.md, "The 公告 and its number"):
// - A session numbers its 主席团's 公告 itself: the number of a poll's 公告 is given at its
//   certification, in the same transaction, from the session's counter (starting at
//   notice_first), or as staff entered it beforehand (notice_numbering = 'entered' requires that).
// - A number, once given, is unique in its session, never changes and is never freed: a
//   returned (退回) or cancelled poll never had one, so it consumes none.
// - A run-off is announced with its round and has no number of its own.
// - Polls certified before this migration keep the number their 公告 already showed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sessions add column notice_numbering text not null default 'session'
      check (notice_numbering in ('session', 'entered'));
    alter table sessions add column notice_first integer not null default 1
      check (notice_first between 1 and 9999);

    create table notice_numbers (
      poll_id uuid primary key references polls(id) on delete cascade,
      session_id uuid not null references sessions(id) on delete cascade,
      number integer not null check (number between 1 and 9999),
      -- entered by staff (entered_by) or given by the session's counter
      entered_by uuid references users(id) on delete restrict,
      entered_at timestamptz,
      -- null while an entered number waits for the certification
      assigned_at timestamptz,
      check ((entered_by is null) = (entered_at is null)),
      check (entered_by is not null or assigned_at is not null)
    );
    create unique index notice_numbers_session_number on notice_numbers (session_id, number) where assigned_at is not null;

    create function notice_numbers_guard() returns trigger language plpgsql as $$
    declare p record;
    begin
      if tg_op <> 'INSERT' and old.assigned_at is not null then
        raise exception 'the 公告 number % of session % is given and never changes', old.number, old.session_id
          using errcode = 'P0001', hint = 'NOTICE_NUMBER_GIVEN';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      select session_id, kind, status into p from polls where id = new.poll_id;
      if p.session_id <> new.session_id or p.kind = 'runoff' then
        raise exception 'poll % cannot take a 公告 number of session %', new.poll_id, new.session_id using errcode = 'P0001';
      end if;
      if new.assigned_at is not null and p.status <> 'certified' then
        raise exception 'a 公告 number is given at certification (poll % is %)', new.poll_id, p.status using errcode = 'P0001';
      end if;
      return new;
    end $$;
    create trigger notice_numbers_guard before insert or update or delete on notice_numbers
      for each row execute function notice_numbers_guard();

    -- Polls certified before numbers were kept: the number their 公告 showed, counted then over
    -- the session's counted polls (run-offs aside) in the order they were created.
    insert into notice_numbers (poll_id, session_id, number, assigned_at)
    select id, session_id, n, coalesce(certified_at, now()) from (
      select id, session_id, status, certified_at,
             row_number() over (partition by session_id order by created_at, id) as n
      from polls
      where kind <> 'runoff' and status in ('closed', 'rejected', 'certified', 'published')
    ) counted
    where status in ('certified', 'published');

    -- Certified means numbered: checked at commit, so the certification and its number are one.
    create function polls_certified_numbered() returns trigger language plpgsql as $$
    begin
      if new.kind <> 'runoff' and new.status in ('certified', 'published')
         and not exists (select 1 from notice_numbers where poll_id = new.id and assigned_at is not null) then
        raise exception 'poll % is certified without a 公告 number', new.id using errcode = 'P0001';
      end if;
      return null;
    end $$;
    create constraint trigger polls_certified_numbered after update of status on polls
      deferrable initially deferred for each row execute function polls_certified_numbered();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists polls_certified_numbered on polls;
    drop function if exists polls_certified_numbered();
    drop table if exists notice_numbers;
    drop function if exists notice_numbers_guard();
    alter table sessions drop column if exists notice_first;
    alter table sessions drop column if exists notice_numbering;
  `.execute(db);
}
