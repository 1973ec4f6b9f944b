import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// After the vote (docs/PROCEDURE.md §4–§5): the rating poll's base and body, 整改 after a poor
// grade and its re-rating, 代表小组 supervision records, year-end figures, congress units that
// scope accounts and cycles, and the residents' survey a cycle may promise.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Rating polls: what 满意 is counted against (all members of the rating body, or those who
    -- rated), who rates (代表 or 常委会组成人员), and the earlier poll a re-rating follows.
    alter table polls
      add column rating_base text check (rating_base in ('members','raters')),
      add column rating_body text check (rating_body in ('deputies','standing_committee')),
      add column rerating_of uuid references polls(id);

    -- The congress a cycle belongs to (e.g. 宿迁市人大), and whether it promises 群众评.
    alter table cycles
      add column unit_name text check (unit_name is null or length(btrim(unit_name)) between 1 and 100),
      add column citizen_rating boolean not null default false;

    -- The congress an account works for; none = the whole installation.
    alter table users
      add column unit_level text check (unit_level in ('city','county','township')),
      add column unit_name text check (unit_name is null or length(btrim(unit_name)) between 1 and 100),
      add constraint users_unit_pair check ((unit_level is null) = (unit_name is null));

    -- A proposal routed to another level is delivered into a cycle of that level.
    alter table proposals add column routed_to_cycle_id uuid references cycles(id);

    -- Progress reports: how often they are due, what has been invested, the year-end verdict.
    alter table tracking_projects
      add column report_every_months int not null default 3 check (report_every_months in (1,2,3,6,12)),
      add column completion text check (completion in ('completed','basic','not_completed')),
      add column completion_note text not null default '';
    alter table tracking_reports add column invested_wan numeric(14,2) check (invested_wan >= 0);

    -- 整改: opened after a 不满意 (or 基本满意) grade in a certified rating poll.
    create table rectifications (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references tracking_projects(id) on delete restrict,
      rating_poll_id uuid not null references polls(id) on delete restrict,
      grade text not null check (grade in ('basic','unsatisfied')),
      problems text not null check (length(btrim(problems)) > 0),
      department text not null check (length(btrim(department)) > 0),
      measures text not null default '',
      deadline date not null,
      state text not null default 'open' check (state in ('open','reported','closed')),
      rerating_poll_id uuid references polls(id),
      report_seq int not null default 0,
      opened_by uuid references users(id),
      created_at timestamptz not null default now(),
      unique (project_id, rating_poll_id)
    );
    create index rectifications_rerating on rectifications(rerating_poll_id);

    create table rectification_reports (
      id uuid primary key default gen_random_uuid(),
      rectification_id uuid not null references rectifications(id) on delete restrict,
      seq int not null,
      body text not null check (length(btrim(body)) > 0),
      done boolean not null default false,
      reported_on date not null,
      department text not null,
      reporter_id uuid references users(id),
      reporter_name text not null,
      created_at timestamptz not null default now(),
      unique (rectification_id, seq)
    );
    create trigger rectification_reports_append_only before update or delete or truncate on rectification_reports
      for each statement execute function tracking_append_only();

    -- 代表小组 supervision: 视察 / 调研 / 专题询问, with the opinions raised and the replies.
    create table supervision_activities (
      id uuid primary key default gen_random_uuid(),
      cycle_id uuid not null references cycles(id) on delete restrict,
      project_id uuid references tracking_projects(id) on delete restrict,
      kind text not null check (kind in ('inspection','research','inquiry')),
      held_on date not null,
      title text not null check (length(btrim(title)) between 1 and 200),
      participants jsonb not null default '[]',
      findings text not null default '',
      recorded_by uuid references users(id),
      created_at timestamptz not null default now()
    );
    create index supervision_activities_cycle on supervision_activities(cycle_id, held_on);

    create table supervision_opinions (
      id uuid primary key default gen_random_uuid(),
      activity_id uuid not null references supervision_activities(id) on delete cascade,
      position int not null,
      body text not null check (length(btrim(body)) > 0),
      department text not null check (length(btrim(department)) > 0),
      status text not null default 'open' check (status in ('open','replied','done')),
      reply text,
      replied_at timestamptz,
      replied_by uuid references users(id),
      unique (activity_id, position),
      check ((status = 'open') = (reply is null))
    );

    -- 群众评: one response per device per project, never mixed with the deputies' rating.
    create table citizen_ratings (
      project_id uuid not null references tracking_projects(id) on delete cascade,
      device_hash text not null,
      mark text not null check (mark in ('satisfied','basic','unsatisfied')),
      created_at timestamptz not null default now(),
      primary key (project_id, device_hash)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists citizen_ratings, supervision_opinions, supervision_activities, rectification_reports, rectifications;
    alter table tracking_reports drop column if exists invested_wan;
    alter table tracking_projects drop column if exists report_every_months, drop column if exists completion, drop column if exists completion_note;
    alter table proposals drop column if exists routed_to_cycle_id;
    alter table users drop constraint if exists users_unit_pair, drop column if exists unit_level, drop column if exists unit_name;
    alter table cycles drop column if exists unit_name, drop column if exists citizen_rating;
    alter table polls drop column if exists rating_base, drop column if exists rating_body, drop column if exists rerating_of;
  `.execute(db);
}
