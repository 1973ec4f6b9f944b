import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
//
// 监票人, 总监票人 and 计票人 (docs/PROCEDURE.md §3): the plenary names the 监票人 among the
// session's deputies, one of them the 总监票人; the 计票人 are staff accounts who count under
// them. 监票人 confirm a count on their own tablet, so a confirmation is signed by a deputy.
// The number of confirmations needed becomes nullable: null = every 监票人 present at the
// poll, and at least 2 (the new default).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table deputies add constraint deputies_id_session unique (id, session_id);

    create table session_scrutineers (
      session_id uuid not null references sessions(id) on delete cascade,
      deputy_id uuid not null,
      chief boolean not null default false,
      position int not null,
      primary key (session_id, deputy_id),
      -- a 监票人 is a deputy of this very session
      foreign key (deputy_id, session_id) references deputies(id, session_id) on delete restrict
    );
    create unique index session_scrutineers_one_chief on session_scrutineers(session_id) where chief;

    create table session_counters (
      session_id uuid not null references sessions(id) on delete cascade,
      user_id uuid not null references users(id) on delete restrict,
      position int not null,
      primary key (session_id, user_id)
    );

    alter table poll_signoffs drop constraint poll_signoffs_pkey;
    alter table poll_signoffs alter column user_id drop not null;
    alter table poll_signoffs add column deputy_id uuid references deputies(id) on delete restrict;
    alter table poll_signoffs add constraint poll_signoffs_one_signer check (num_nonnulls(user_id, deputy_id) = 1);
    create unique index poll_signoffs_user on poll_signoffs(poll_id, user_id, role) where user_id is not null;
    create unique index poll_signoffs_deputy on poll_signoffs(poll_id, deputy_id) where deputy_id is not null;

    alter table cycles alter column scrutineer_confirmations drop not null;
    alter table cycles alter column scrutineer_confirmations set default null;
    alter table polls alter column scrutineer_confirmations drop not null;
    alter table polls alter column scrutineer_confirmations set default null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update cycles set scrutineer_confirmations = 0 where scrutineer_confirmations is null;
    update polls set scrutineer_confirmations = 0 where scrutineer_confirmations is null;
    alter table cycles alter column scrutineer_confirmations set not null, alter column scrutineer_confirmations set default 0;
    alter table polls alter column scrutineer_confirmations set not null, alter column scrutineer_confirmations set default 0;
    delete from poll_signoffs where deputy_id is not null;
    drop index poll_signoffs_user;
    drop index poll_signoffs_deputy;
    alter table poll_signoffs drop constraint poll_signoffs_one_signer, drop column deputy_id;
    alter table poll_signoffs alter column user_id set not null;
    alter table poll_signoffs add primary key (poll_id, user_id, role);
    drop table session_counters, session_scrutineers;
    alter table deputies drop constraint deputies_id_session;
  `.execute(db);
}
