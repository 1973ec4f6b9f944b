import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Stage 监督 (implementation tracking): plans, milestones, monitoring groups, progress reports,
// attachments and standing-committee change decisions.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The 责任单位 a 'department' account reports for; matched against a project's department.
    alter table users add column department text check (department is null or length(btrim(department)) between 1 and 200);

    -- One row per chosen project: its implementation plan and its lifecycle state.
    create table tracking_projects (
      id uuid primary key default gen_random_uuid(),
      cycle_id uuid not null references cycles(id) on delete restrict,
      candidate_id uuid not null unique references candidates(id) on delete restrict,
      -- the certified poll (vote or run-off) that chose it
      poll_id uuid not null references polls(id) on delete restrict,
      state text not null default 'active' check (state in ('active','paused','cancelled')),
      department text not null default '',
      targets text not null default '',
      funding_wan numeric(14,2) check (funding_wan >= 0),
      funding_source text not null default '',
      measures text not null default '',
      deadline date,
      plan_published_at timestamptz,
      report_seq int not null default 0,
      change_seq int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index tracking_projects_cycle on tracking_projects(cycle_id);
    create index tracking_projects_department on tracking_projects(department);

    create table tracking_changes (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references tracking_projects(id) on delete restrict,
      seq int not null,
      kind text not null check (kind in ('modify','pause','cancel','resume')),
      description text not null check (length(btrim(description)) > 0),
      -- 常委会决定文号 (township: 人大主席团): no change is recorded without one.
      decision_ref text not null check (length(btrim(decision_ref)) > 0),
      decision_date date not null,
      details jsonb not null default '[]',
      recorded_by uuid references users(id),
      recorded_at timestamptz not null default now(),
      unique (project_id, seq)
    );

    create table tracking_reports (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references tracking_projects(id) on delete restrict,
      seq int not null,
      percent int not null check (percent between 0 and 100),
      body text not null check (length(btrim(body)) > 0),
      explanation text,
      reported_on date not null,
      department text not null,
      reporter_id uuid references users(id),
      reporter_name text not null,
      created_at timestamptz not null default now(),
      unique (project_id, seq)
    );

    create table tracking_milestones (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references tracking_projects(id) on delete restrict,
      position int not null,
      title text not null check (length(btrim(title)) > 0),
      description text not null default '',
      due_date date not null,
      reached_on date,
      reached_report_id uuid references tracking_reports(id),
      created_at timestamptz not null default now(),
      check ((reached_on is null) = (reached_report_id is null))
    );
    create index tracking_milestones_project on tracking_milestones(project_id, position);

    -- Stored here, not on disk, so a database backup holds everything.
    create table tracking_attachments (
      id uuid primary key default gen_random_uuid(),
      report_id uuid not null references tracking_reports(id) on delete restrict,
      project_id uuid not null references tracking_projects(id) on delete restrict,
      position int not null,
      file_name text not null check (length(file_name) between 1 and 200),
      content_type text not null check (content_type in (
        'application/pdf','image/png','image/jpeg',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
      size int not null check (size between 1 and 5242880),
      sha256 text not null,
      is_public boolean not null default false,
      content bytea not null,
      created_at timestamptz not null default now(),
      check (octet_length(content) = size)
    );
    create index tracking_attachments_report on tracking_attachments(report_id, position);

    -- 监督小组: a snapshot of the deputy's name and delegation (deputies are per-session rows).
    create table tracking_monitors (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references tracking_projects(id) on delete cascade,
      deputy_id uuid references deputies(id) on delete set null,
      name text not null,
      delegation text not null default '',
      leader boolean not null default false,
      position int not null,
      unique (project_id, name, delegation)
    );
    create unique index tracking_monitors_one_leader on tracking_monitors(project_id) where leader;

    -- Progress never goes down silently: lower than the latest report needs an explanation.
    create function tracking_reports_guard() returns trigger language plpgsql as $$
    begin
      if coalesce(length(btrim(new.explanation)), 0) = 0 and new.percent < (
        select percent from tracking_reports where project_id = new.project_id order by seq desc limit 1
      ) then
        raise exception 'progress lower than before without explanation' using errcode = 'P0001', hint = 'PROGRESS_REGRESSION';
      end if;
      return new;
    end $$;
    create trigger tracking_reports_monotonic before insert on tracking_reports
      for each row execute function tracking_reports_guard();

    -- Reports and change decisions are the public record: never edited, never removed.
    create function tracking_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = 'P0001';
    end $$;
    create trigger tracking_reports_append_only before update or delete or truncate on tracking_reports
      for each statement execute function tracking_append_only();
    create trigger tracking_changes_append_only before update or delete or truncate on tracking_changes
      for each statement execute function tracking_append_only();

    -- A state change, or a change to a published plan, commits only together with a recorded
    -- decision of the matching kind (same transaction: recorded_at = now()).
    create function tracking_change_recorded(pid uuid, k text) returns boolean language sql stable as $$
      select exists (select 1 from tracking_changes where project_id = pid and kind = k and recorded_at = now())
    $$;

    create function tracking_projects_guard() returns trigger language plpgsql as $$
    begin
      if old.plan_published_at is not null and new.plan_published_at is distinct from old.plan_published_at then
        raise exception 'a published plan stays published' using errcode = 'P0001', hint = 'PLAN_PUBLISHED';
      end if;
      if new.state is distinct from old.state and not tracking_change_recorded(new.id,
           case new.state when 'paused' then 'pause' when 'cancelled' then 'cancel' else 'resume' end) then
        raise exception 'state change without a recorded decision' using errcode = 'P0001', hint = 'DECISION_REQUIRED';
      end if;
      if old.plan_published_at is not null and (
           new.department is distinct from old.department
        or new.targets is distinct from old.targets
        or new.funding_wan is distinct from old.funding_wan
        or new.funding_source is distinct from old.funding_source
        or new.measures is distinct from old.measures
        or new.deadline is distinct from old.deadline)
        and not tracking_change_recorded(new.id, 'modify') then
        raise exception 'published plan changed without a recorded decision' using errcode = 'P0001', hint = 'PLAN_PUBLISHED';
      end if;
      return new;
    end $$;
    create trigger tracking_projects_changes before update on tracking_projects
      for each row execute function tracking_projects_guard();

    create function tracking_milestones_guard() returns trigger language plpgsql as $$
    declare
      pid uuid := coalesce(new.project_id, old.project_id);
    begin
      if tg_op = 'UPDATE' and new.project_id is distinct from old.project_id then
        raise exception 'a milestone cannot move to another project' using errcode = 'P0001';
      end if;
      -- Reaching a milestone (a progress report) is not a change of the plan.
      if tg_op = 'UPDATE'
         and new.title = old.title and new.description = old.description and new.due_date = old.due_date
         and new.position = old.position then
        return new;
      end if;
      if exists (select 1 from tracking_projects where id = pid and plan_published_at is not null)
         and not tracking_change_recorded(pid, 'modify') then
        raise exception 'published plan changed without a recorded decision' using errcode = 'P0001', hint = 'PLAN_PUBLISHED';
      end if;
      return coalesce(new, old);
    end $$;
    create trigger tracking_milestones_changes before insert or update or delete on tracking_milestones
      for each row execute function tracking_milestones_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists tracking_monitors, tracking_attachments, tracking_milestones, tracking_reports,
      tracking_changes, tracking_projects cascade;
    drop function if exists tracking_projects_guard, tracking_milestones_guard, tracking_change_recorded,
      tracking_append_only, tracking_reports_guard;
    alter table users drop column if exists department;
  `.execute(db);
}
