import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// Encrypted ballots (docs/CRYPTO.md, docs/PROCEDURE.md §"加密表决"):
// - A cycle's ballot mode: 'encrypted' for new cycles, 'plain' only where a cycle chooses it;
//   cycles and polls made before this migration are 'plain'. A poll copies its cycle's mode.
// - An encrypted poll is bound to its session's complete key ceremony, and fixes at opening the
//   context its ballots are proved in (crypto_spec: kind, candidates, places, maxBallots…).
// - Its box rows hold the tablet's ciphertexts and proofs (body) and the state of the server's
//   proof check: 'pending' until checked, then 'verified' or 'rejected' with the failing part
//   as reason. Plain rows have no check (null). No plaintext mark is ever stored.
// - 'decrypting': closed to ballots, the verified ciphertexts summed (encrypted_sums, over
//   encrypted_ballots ballots), waiting for t 监票人's partial decryptions (poll_decryptions,
//   one per 监票人, each proved; the server keeps only those whose proofs verify).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table cycles add column ballot_mode text not null default 'plain' check (ballot_mode in ('encrypted', 'plain'));
    alter table cycles alter column ballot_mode set default 'encrypted';

    alter table polls add column ballot_mode text not null default 'plain' check (ballot_mode in ('encrypted', 'plain'));
    alter table polls add column ceremony_id uuid references key_ceremonies(id) on delete restrict;
    alter table polls add column crypto_spec jsonb;
    alter table polls add column encrypted_sums jsonb;
    alter table polls add column encrypted_ballots integer;
    alter table polls add constraint polls_encrypted_ceremony check (ballot_mode = 'plain' or ceremony_id is not null);
    alter table polls drop constraint polls_status_check;
    alter table polls add constraint polls_status_check
      check (status in ('draft','open','counting','decrypting','closed','rejected','certified','published','cancelled'));

    alter table poll_box add column proof_status text check (proof_status in ('pending', 'verified', 'rejected'));
    alter table poll_box add column reject_reason text;

    create table poll_decryptions (
      poll_id uuid not null references polls(id) on delete cascade,
      guardian int not null check (guardian >= 1),
      deputy_id uuid not null references deputies(id) on delete restrict,
      body jsonb not null,
      at timestamptz not null default now(),
      primary key (poll_id, guardian)
    );
    create trigger poll_decryptions_certified before insert or update or delete on poll_decryptions
      for each row execute function box_certified_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists poll_decryptions;
    alter table poll_box drop column reject_reason, drop column proof_status;
    update polls set status = 'cancelled' where status = 'decrypting';
    alter table polls drop constraint polls_status_check;
    alter table polls add constraint polls_status_check
      check (status in ('draft','open','counting','closed','rejected','certified','published','cancelled'));
    alter table polls drop constraint polls_encrypted_ceremony;
    alter table polls drop column encrypted_ballots, drop column encrypted_sums, drop column crypto_spec, drop column ceremony_id, drop column ballot_mode;
    alter table cycles drop column ballot_mode;
  `.execute(db);
}
