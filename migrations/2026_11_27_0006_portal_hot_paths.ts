import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// The portal's submit path, made to scale (BENCHMARKS.md, "The portal"):
// - Document frequencies of bigrams are no longer kept by a trigger on every insert. Each
//   submission upserted ~100 shared counters (小区, 建议, …) and held their row locks to its
//   commit, so submissions queued behind each other. The duplicate finder now counts the
//   postings it needs when staff open a proposal.
// - Bigram postings without a foreign key or a second index; the proposal row keeps its bigrams.
// - One row per (client, content) in proposal_submissions, unique, so a submission claims its
//   slot in the same statement that writes the proposal; no advisory lock, no extra round trips.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists proposal_grams_df_ins on proposal_grams;
    drop trigger if exists proposal_grams_df_del on proposal_grams;
    drop function if exists proposal_grams_df_insert, proposal_grams_df_delete;
    drop table if exists proposal_gram_df;

    delete from proposal_submissions s using proposal_submissions t
      where s.client_hash = t.client_hash and s.content_hash = t.content_hash
        and (s.at, s.ctid) < (t.at, t.ctid);
    drop index if exists proposal_submissions_lookup;
    alter table proposal_submissions
      add constraint proposal_submissions_slot unique (client_hash, content_hash);

    -- The tracking page asks "was this proposal carried over?" by the parent alone; the unique
    -- index (cycle_id, carried_from_proposal_id) cannot answer that without a full scan.
    create index proposals_carried_from on proposals(carried_from_proposal_id) where carried_from_proposal_id is not null;

    -- A proposal keeps its own bigrams; the postings lose their foreign key (a hundred
    -- referential checks per submission) and their proposal_id index (a hundred more index
    -- entries). Postings are written and removed only with their proposal's bigrams, in one
    -- statement, and proposals are never deleted (cycles refuse deletion while they have any).
    alter table proposals add column grams text[] not null default '{}';
    update proposals p set grams = g.grams
      from (select proposal_id, array_agg(gram order by gram) as grams from proposal_grams group by proposal_id) g
      where g.proposal_id = p.id;
    alter table proposal_grams drop constraint if exists proposal_grams_proposal_id_fkey;
    drop index if exists proposal_grams_proposal;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create index if not exists proposal_grams_proposal on proposal_grams(proposal_id);
    alter table proposal_grams add constraint proposal_grams_proposal_id_fkey foreign key (proposal_id) references proposals(id) on delete cascade;
    alter table proposals drop column if exists grams;
    drop index if exists proposals_carried_from;
    alter table proposal_submissions drop constraint if exists proposal_submissions_slot;
    create index if not exists proposal_submissions_lookup on proposal_submissions(client_hash, content_hash, at desc);
    create table if not exists proposal_gram_df (
      cycle_id uuid not null,
      gram text not null,
      df int not null check (df >= 0),
      primary key (cycle_id, gram)
    );
    insert into proposal_gram_df (cycle_id, gram, df)
      select cycle_id, gram, count(*) from proposal_grams group by cycle_id, gram
      on conflict do nothing;
    create or replace function proposal_grams_df_insert() returns trigger language plpgsql as $$
    begin
      insert into proposal_gram_df (cycle_id, gram, df)
        select cycle_id, gram, count(*) from new_rows group by cycle_id, gram order by cycle_id, gram
        on conflict (cycle_id, gram) do update set df = proposal_gram_df.df + excluded.df;
      return null;
    end $$;
    create or replace function proposal_grams_df_delete() returns trigger language plpgsql as $$
    begin
      update proposal_gram_df d set df = d.df - o.n
        from (select cycle_id, gram, count(*) as n from old_rows group by cycle_id, gram order by cycle_id, gram) o
        where d.cycle_id = o.cycle_id and d.gram = o.gram;
      return null;
    end $$;
    create trigger proposal_grams_df_ins after insert on proposal_grams
      referencing new table as new_rows for each statement execute function proposal_grams_df_insert();
    create trigger proposal_grams_df_del after delete on proposal_grams
      referencing old table as old_rows for each statement execute function proposal_grams_df_delete();
  `.execute(db);
}
