import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Duplicate detection by words and places (issue 15):
// - similarity_lexicon: the synonym groups, place names, segmenter words and stop words in force.
//   The server fills it from the repository's seed file (origin 'seed', once per entry: a seed
//   entry staff removed stays removed); staff add and remove entries in the console.
// - proposals(cycle_id, updated_at): the duplicate index of a cycle re-reads only what changed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table similarity_lexicon (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('synonym','place','word','stop')),
      value text not null check (length(value) between 1 and 500),
      origin text not null check (origin in ('seed','staff')),
      created_at timestamptz not null default now(),
      created_by text,
      removed_at timestamptz,
      removed_by text,
      unique (kind, value)
    );
    create index proposals_cycle_updated on proposals(cycle_id, updated_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists proposals_cycle_updated; drop table if exists similarity_lexicon;`.execute(db);
}
