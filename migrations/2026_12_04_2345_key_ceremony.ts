import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// The 监票人's key ceremony (docs/PROCEDURE.md §"密钥生成", docs/CRYPTO.md): one per session at a
// time, its guardians the session's 监票人 in list order when it started. The server keeps only
// what the 监票人's tablets publish — commitments with their proofs, shares sealed to their
// recipients, and each 监票人's public share g^s — never a coefficient or an opened share.
// `body` is the round's message in the bulletin's JSON layout, so the transcript is these rows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table key_ceremonies (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references sessions(id) on delete cascade,
      threshold int not null check (threshold >= 1),
      -- deputy ids of the 监票人, guardian index = position + 1
      guardians uuid[] not null check (cardinality(guardians) between 1 and 255 and threshold <= cardinality(guardians)),
      status text not null default 'running' check (status in ('running', 'complete', 'failed', 'abandoned')),
      joint_key text,
      fingerprint text,
      -- in a complaint: the guardian indexes whose shares did not verify
      failure jsonb,
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      check ((status = 'complete') = (joint_key is not null and fingerprint is not null and completed_at is not null))
    );
    -- at most one ceremony of a session is running or complete
    create unique index key_ceremonies_current on key_ceremonies(session_id) where status in ('running', 'complete');

    create table key_ceremony_messages (
      ceremony_id uuid not null references key_ceremonies(id) on delete cascade,
      guardian int not null check (guardian >= 1),
      round smallint not null check (round between 1 and 3),
      body jsonb not null,
      at timestamptz not null default now(),
      primary key (ceremony_id, guardian, round)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table key_ceremony_messages, key_ceremonies;`.execute(db);
}
