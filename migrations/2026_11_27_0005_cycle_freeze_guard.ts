import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Once frozen, a cycle's list and rules stay frozen: no un-freezing, no re-hashing,
    -- no rule changes, whatever the application does.
    create function cycles_frozen_guard() returns trigger language plpgsql as $$
    begin
      if old.frozen_at is not null and (
           new.frozen_at is distinct from old.frozen_at
        or new.frozen_hash is distinct from old.frozen_hash
        or new.freeze_decision is distinct from old.freeze_decision
        or new.choose_n is distinct from old.choose_n
        or new.ballot_type is distinct from old.ballot_type
        or new.pass_threshold is distinct from old.pass_threshold
        or new.quorum_rule is distinct from old.quorum_rule
        or new.tie_rule is distinct from old.tie_rule
        or new.certify_k is distinct from old.certify_k
        or new.scrutineer_confirmations is distinct from old.scrutineer_confirmations) then
        raise exception 'candidate list is frozen' using errcode = 'P0001', hint = 'LIST_FROZEN';
      end if;
      return new;
    end $$;
    create trigger cycles_frozen before update on cycles
      for each row execute function cycles_frozen_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists cycles_frozen on cycles;
    drop function if exists cycles_frozen_guard;
  `.execute(db);
}
