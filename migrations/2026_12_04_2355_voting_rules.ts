import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// The 票决办法 of a session (docs/PROCEDURE.md §3): drafted from the cycle's settings, amended
// as new versions (the history stays), adopted once by the plenary with the list of 监票人.
// From adoption on, the rules no longer change: not the version adopted, not the list of
// 监票人 and 计票人, not the cycle's voting settings. The candidate list and the number of places
// stay fixed from the list's freeze, as before; the other rules, which used to lock there too,
// now lock at adoption.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table voting_rules_versions (
      session_id uuid not null references sessions(id) on delete cascade,
      version int not null check (version > 0),
      -- the cycle's settings, the 监票人 and the 计票人 as drafted: the document is rendered from them
      rules jsonb not null,
      scrutineers jsonb not null,
      counters jsonb not null,
      provisions text not null default '',
      note text not null default '',
      drafted_by text not null,
      drafted_at timestamptz not null default now(),
      primary key (session_id, version)
    );

    create table voting_rules_adoptions (
      session_id uuid primary key references sessions(id) on delete restrict,
      version int not null,
      body text not null,
      meeting text not null,
      adopted_on date not null,
      votes_for int check (votes_for >= 0),
      votes_against int check (votes_against >= 0),
      votes_abstain int check (votes_abstain >= 0),
      text_hash text not null,
      recorded_by text not null,
      recorded_at timestamptz not null default now(),
      foreign key (session_id, version) references voting_rules_versions(session_id, version),
      check (num_nulls(votes_for, votes_against, votes_abstain) in (0, 3))
    );

    create function voting_rules_adopted_guard() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'voting_rules_adoptions' then
        raise exception 'the voting rules are adopted' using errcode = 'P0001', hint = 'RULES_ADOPTED';
      end if;
      if exists (select 1 from voting_rules_adoptions where session_id = coalesce(new.session_id, old.session_id)) then
        raise exception 'the voting rules are adopted' using errcode = 'P0001',
          hint = case when tg_table_name = 'voting_rules_versions' then 'RULES_ADOPTED' else 'SCRUTINY_LOCKED' end;
      end if;
      return coalesce(new, old);
    end $$;
    create trigger voting_rules_adoptions_fixed before update or delete on voting_rules_adoptions
      for each row execute function voting_rules_adopted_guard();
    create trigger voting_rules_versions_fixed before insert or update or delete on voting_rules_versions
      for each row execute function voting_rules_adopted_guard();
    create trigger session_scrutineers_fixed before insert or update or delete on session_scrutineers
      for each row execute function voting_rules_adopted_guard();
    create trigger session_counters_fixed before insert or update or delete on session_counters
      for each row execute function voting_rules_adopted_guard();

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
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists session_scrutineers_fixed on session_scrutineers;
    drop trigger if exists session_counters_fixed on session_counters;
    drop table if exists voting_rules_adoptions, voting_rules_versions;
    drop function if exists voting_rules_adopted_guard;
  `.execute(db);
}
