import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Certified ballots stay immutable, checked once per statement instead of once per row. Closing
// a poll rewrites its box in random order (a delete and an insert of every ballot); with the
// row-level guard that was 2 × 3,000 trigger calls, each looking up the poll, inside the close
// that the hall display waits on. Updates of ballots never happen in the application; they keep
// the row-level check.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists poll_box_certified on poll_box;

    create function box_certified_rows_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from polls where status in ('certified','published') and id in (select poll_id from changed)) then
        raise exception 'certified ballots are immutable' using errcode = 'P0001', hint = 'RESULT_CERTIFIED';
      end if;
      return null;
    end $$;
    create trigger poll_box_certified_insert after insert on poll_box
      referencing new table as changed for each statement execute function box_certified_rows_guard();
    create trigger poll_box_certified_delete after delete on poll_box
      referencing old table as changed for each statement execute function box_certified_rows_guard();
    create trigger poll_box_certified_update before update on poll_box
      for each row execute function box_certified_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists poll_box_certified_insert on poll_box;
    drop trigger if exists poll_box_certified_delete on poll_box;
    drop trigger if exists poll_box_certified_update on poll_box;
    drop function if exists box_certified_rows_guard;
    create trigger poll_box_certified before insert or update or delete on poll_box
      for each row execute function box_certified_guard();
  `.execute(db);
}
