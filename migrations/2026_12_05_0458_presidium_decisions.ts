import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// The 主席团 as a body (docs/PROCEDURE.md §3, "The 主席团's decisions"): certifying a result,
// returning it (退回) and deciding a tie at the cut-off are decisions of a 主席团 meeting, recorded
// with the meeting, the day and the members who signed. A decision, once written, stays as it is.
// - presidium_reject_alone: the cycle lets one member return a result alone (default: no; a
//   return then needs as many members as a certification). Locked with the rules at adoption.
// - A certification or return decision also writes each signer's sign-off, marked with the
//   decision it came from, so a result's sign-offs stay the one list of who signed it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cycles add column presidium_reject_alone boolean not null default false;

    create table presidium_decisions (
      id uuid primary key default gen_random_uuid(),
      poll_id uuid not null references polls(id) on delete restrict,
      kind text not null check (kind in ('certify','reject','tie')),
      meeting text not null check (length(meeting) between 1 and 100),
      decided_on date not null,
      -- tie: the tied candidates that take the places left open, in the order decided
      chosen jsonb not null default '[]'::jsonb check (jsonb_typeof(chosen) = 'array'),
      reason text,
      recorded_by uuid not null references users(id) on delete restrict,
      recorded_at timestamptz not null default now(),
      -- one decision of each kind per poll
      unique (poll_id, kind),
      check (kind = 'tie' or chosen = '[]'::jsonb),
      check (kind <> 'tie' or jsonb_array_length(chosen) > 0)
    );

    create table presidium_decision_signers (
      decision_id uuid not null references presidium_decisions(id) on delete restrict,
      user_id uuid not null references users(id) on delete restrict,
      position int not null,
      primary key (decision_id, user_id)
    );

    create function presidium_decision_fixed() returns trigger language plpgsql as $$
    begin
      raise exception 'a presidium decision is fixed once recorded' using errcode = 'P0001', hint = 'DECISION_FIXED';
    end $$;
    create trigger presidium_decisions_fixed before update or delete on presidium_decisions
      for each row execute function presidium_decision_fixed();
    create trigger presidium_decision_signers_fixed before update or delete on presidium_decision_signers
      for each row execute function presidium_decision_fixed();

    alter table poll_signoffs add column decision_id uuid references presidium_decisions(id) on delete restrict;

    create or replace function cycles_frozen_guard() returns trigger language plpgsql as $$
    begin
      if old.frozen_at is not null and (
           new.frozen_at is distinct from old.frozen_at
        or new.frozen_hash is distinct from old.frozen_hash
        or new.freeze_decision is distinct from old.freeze_decision
        or new.choose_n is distinct from old.choose_n) then
        raise exception 'candidate list is frozen' using errcode = 'P0001', hint = 'LIST_FROZEN';
      end if;
      if (new.ballot_type is distinct from old.ballot_type
        or new.pass_threshold is distinct from old.pass_threshold
        or new.quorum_rule is distinct from old.quorum_rule
        or new.tie_rule is distinct from old.tie_rule
        or new.certify_k is distinct from old.certify_k
        or new.presidium_reject_alone is distinct from old.presidium_reject_alone
        or new.scrutineer_confirmations is distinct from old.scrutineer_confirmations
        or new.min_ballots is distinct from old.min_ballots)
        and exists (select 1 from voting_rules_adoptions a join sessions s on s.id = a.session_id where s.cycle_id = old.id) then
        raise exception 'the voting rules are adopted' using errcode = 'P0001', hint = 'RULES_ADOPTED';
      end if;
      return new;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function cycles_frozen_guard() returns trigger language plpgsql as $$
    begin
      if old.frozen_at is not null and (
           new.frozen_at is distinct from old.frozen_at
        or new.frozen_hash is distinct from old.frozen_hash
        or new.freeze_decision is distinct from old.freeze_decision
        or new.choose_n is distinct from old.choose_n) then
        raise exception 'candidate list is frozen' using errcode = 'P0001', hint = 'LIST_FROZEN';
      end if;
      if (new.ballot_type is distinct from old.ballot_type
        or new.pass_threshold is distinct from old.pass_threshold
        or new.quorum_rule is distinct from old.quorum_rule
        or new.tie_rule is distinct from old.tie_rule
        or new.certify_k is distinct from old.certify_k
        or new.scrutineer_confirmations is distinct from old.scrutineer_confirmations
        or new.min_ballots is distinct from old.min_ballots)
        and exists (select 1 from voting_rules_adoptions a join sessions s on s.id = a.session_id where s.cycle_id = old.id) then
        raise exception 'the voting rules are adopted' using errcode = 'P0001', hint = 'RULES_ADOPTED';
      end if;
      return new;
    end $$;
    alter table poll_signoffs drop column decision_id;
    drop table presidium_decision_signers, presidium_decisions;
    drop function presidium_decision_fixed;
    alter table cycles drop column presidium_reject_alone;
  `.execute(db);
}
