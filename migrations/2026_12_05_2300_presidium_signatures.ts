import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Each 主席团 member signs a decision on their own account (docs/PROCEDURE.md §3, "The 主席团's
// decisions"). The member who records a decision names the members asked to sign and signs it
// first; the decision is pending until enough of them have signed, each logged in as themselves,
// and takes effect with the last signature needed.
// - presidium_decisions.status: pending → effective (enough signatures), withdrawn (by its
//   recorder), declined (too many of the named declined for it ever to have enough) or lapsed
//   (the poll was certified or returned otherwise). Decisions recorded before this migration took
//   effect when recorded: they are effective, and have no signatures (their signers are the named).
//   Nothing else of a decision ever changes, and a decision is never deleted.
// - One pending-or-effective decision of a kind per poll (withdrawn, declined and lapsed ones stay
//   as a record and free the place).
// - presidium_decision_signatures: one answer (sign or decline) per named member per decision,
//   only while the decision is pending, never changed or deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table presidium_decisions
      add column status text not null default 'effective'
        check (status in ('pending','effective','withdrawn','declined','lapsed')),
      add column settled_at timestamptz;
    update presidium_decisions set settled_at = recorded_at;
    alter table presidium_decisions alter column status set default 'pending';
    alter table presidium_decisions add check ((status = 'pending') = (settled_at is null));
    alter table presidium_decisions drop constraint presidium_decisions_poll_id_kind_key;
    create unique index presidium_decisions_one_live on presidium_decisions (poll_id, kind) where status in ('pending','effective');

    create table presidium_decision_signatures (
      decision_id uuid not null,
      user_id uuid not null,
      answer text not null check (answer in ('sign','decline')),
      answered_at timestamptz not null default clock_timestamp(),
      primary key (decision_id, user_id),
      -- only a member the decision names answers it
      foreign key (decision_id, user_id) references presidium_decision_signers(decision_id, user_id) on delete restrict
    );

    -- A pending decision is settled once; its content never changes and it is never deleted.
    create function presidium_decision_settle_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.status = 'pending' and new.status <> 'pending'
         and (new.id, new.poll_id, new.kind, new.meeting, new.decided_on, new.chosen, new.reason, new.recorded_by, new.recorded_at)
             is not distinct from (old.id, old.poll_id, old.kind, old.meeting, old.decided_on, old.chosen, old.reason, old.recorded_by, old.recorded_at) then
        return new;
      end if;
      raise exception 'a presidium decision is fixed once recorded' using errcode = 'P0001', hint = 'DECISION_FIXED';
    end $$;
    drop trigger presidium_decisions_fixed on presidium_decisions;
    create trigger presidium_decisions_fixed before update or delete on presidium_decisions
      for each row execute function presidium_decision_settle_guard();

    create function presidium_signature_guard() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        raise exception 'a presidium signature is fixed once given' using errcode = 'P0001', hint = 'DECISION_FIXED';
      end if;
      if (select status from presidium_decisions where id = new.decision_id for share) <> 'pending' then
        raise exception 'the presidium decision is no longer pending' using errcode = 'P0001', hint = 'DECISION_NOT_PENDING';
      end if;
      return new;
    end $$;
    create trigger presidium_decision_signatures_guard before insert or update or delete on presidium_decision_signatures
      for each row execute function presidium_signature_guard();

    -- A poll certified or returned by any path leaves nothing pending on it.
    create function presidium_decisions_lapse() returns trigger language plpgsql as $$
    begin
      update presidium_decisions set status = 'lapsed', settled_at = now() where poll_id = new.id and status = 'pending';
      return null;
    end $$;
    create trigger polls_presidium_lapse after update of status on polls
      for each row when (old.status = 'closed' and new.status <> 'closed')
      execute function presidium_decisions_lapse();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger polls_presidium_lapse on polls;
    drop function presidium_decisions_lapse;
    drop table presidium_decision_signatures;
    drop function presidium_signature_guard;
    drop trigger presidium_decisions_fixed on presidium_decisions;
    drop function presidium_decision_settle_guard;
    create trigger presidium_decisions_fixed before update or delete on presidium_decisions
      for each row execute function presidium_decision_fixed();
    drop index presidium_decisions_one_live;
    alter table presidium_decisions drop column settled_at, drop column status;
    alter table presidium_decisions add unique (poll_id, kind);
  `.execute(db);
}
