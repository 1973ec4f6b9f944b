import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Stages 征集 (collection) and 初定 (screening into the candidate list).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One 征集公告 per cycle: the public window and the form's choices.
    create table collection_notices (
      cycle_id uuid primary key references cycles(id) on delete cascade,
      title text not null,
      body text not null default '',
      opens_at timestamptz not null,
      closes_at timestamptz not null,
      areas text[] not null check (cardinality(areas) between 1 and 50),
      districts text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (closes_at > opens_at)
    );

    -- 社情民意收集点 / 代表联络站: each has its own QR poster.
    create table collection_points (
      id uuid primary key default gen_random_uuid(),
      cycle_id uuid not null references cycles(id) on delete cascade,
      name text not null,
      address text not null default '',
      created_at timestamptz not null default now(),
      unique (cycle_id, name)
    );

    create table proposals (
      id uuid primary key default gen_random_uuid(),
      -- A short number for staff and citizens on the phone ("第 1234 号").
      no bigint generated always as identity unique,
      cycle_id uuid not null references cycles(id) on delete restrict,
      -- Bearer code for the citizen's status lookup; plain, see proposals.service.ts.
      tracking_code text not null unique check (tracking_code ~ '^[2-9A-HJKMNP-TV-Z]{12}$'),
      title text not null check (length(title) between 1 and 100),
      content text not null check (length(content) between 1 and 3000),
      reason text not null default '' check (length(reason) <= 3000),
      cost_wan numeric(14,2) check (cost_wan >= 0),
      area text not null,
      district text not null default '',
      location text not null default '',
      proposer_name text,
      proposer_phone text,
      channel text not null check (channel in ('web','qr','hotline','letter','deputy','carried')),
      collection_point_id uuid references collection_points(id) on delete set null,
      channel_note text not null default '',
      status text not null default 'received'
        check (status in ('received','under_review','accepted','merged','rejected','reserved','routed')),
      decision_reason text,
      routed_to text,
      carried_from_proposal_id uuid references proposals(id) on delete restrict,
      carried_from_candidate_id uuid references candidates(id) on delete set null,
      -- NFKC + lower-case copy of the searchable fields; searched with LIKE after the gram filter.
      search_text text not null,
      gram_count int not null default 0,
      -- Millisecond precision, so a page cursor made in JavaScript finds the row again.
      received_at timestamptz not null default date_trunc('milliseconds', now()),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by text not null default 'public'
    );
    create index proposals_queue on proposals(cycle_id, received_at desc, no desc);
    create index proposals_status on proposals(cycle_id, status, received_at desc, no desc);
    create index proposals_area on proposals(cycle_id, area);
    create index proposals_district on proposals(cycle_id, district);
    create unique index proposals_carried_proposal on proposals(cycle_id, carried_from_proposal_id) where carried_from_proposal_id is not null;
    create unique index proposals_carried_candidate on proposals(cycle_id, carried_from_candidate_id) where carried_from_candidate_id is not null;

    -- Inverted index of character bigrams (computed by the application, so it does not depend
    -- on the database locale the way pg_trgm's word splitting does). Serves both substring
    -- search (every bigram of the query must be present) and duplicate suggestions (idf overlap).
    create table proposal_grams (
      cycle_id uuid not null,
      gram text not null,
      proposal_id uuid not null references proposals(id) on delete cascade,
      primary key (cycle_id, gram, proposal_id)
    );
    create index proposal_grams_proposal on proposal_grams(proposal_id);

    -- Document frequency of each bigram per cycle, kept by the database itself, so a duplicate
    -- suggestion reads one row per bigram instead of counting its postings every time.
    create table proposal_gram_df (
      cycle_id uuid not null,
      gram text not null,
      df int not null check (df >= 0),
      primary key (cycle_id, gram)
    );
    create function proposal_grams_df_insert() returns trigger language plpgsql as $$
    begin
      -- Sorted, so concurrent writers take the row locks in the same order.
      insert into proposal_gram_df (cycle_id, gram, df)
        select cycle_id, gram, count(*) from new_rows group by cycle_id, gram order by cycle_id, gram
        on conflict (cycle_id, gram) do update set df = proposal_gram_df.df + excluded.df;
      return null;
    end $$;
    create function proposal_grams_df_delete() returns trigger language plpgsql as $$
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

    -- The citizen's timeline and the staff history. public = shown on the tracking page.
    create table proposal_events (
      id bigint generated always as identity primary key,
      proposal_id uuid not null references proposals(id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null,
      actor text not null,
      public boolean not null,
      detail jsonb not null default '{}'
    );
    create index proposal_events_proposal on proposal_events(proposal_id, id);

    -- Merge links, kept when undone so the history stays traceable both ways.
    create table proposal_candidate_links (
      id uuid primary key default gen_random_uuid(),
      proposal_id uuid not null references proposals(id) on delete cascade,
      candidate_id uuid not null references candidates(id) on delete cascade,
      linked_at timestamptz not null default now(),
      linked_by text not null,
      undone_at timestamptz,
      undone_by text
    );
    create unique index proposal_links_active on proposal_candidate_links(proposal_id) where undone_at is null;
    create index proposal_links_candidate on proposal_candidate_links(candidate_id) where undone_at is null;

    -- A candidate that proposals feed cannot silently disappear: unmerge them first.
    create function candidates_linked_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from proposal_candidate_links where candidate_id = old.id and undone_at is null) then
        raise exception 'candidate has merged proposals' using errcode = 'P0001', hint = 'CANDIDATE_HAS_PROPOSALS';
      end if;
      return old;
    end $$;
    create trigger candidates_linked before delete on candidates
      for each row execute function candidates_linked_guard();

    -- Merging into or out of a frozen list is refused whatever the application does.
    create function proposal_links_frozen_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from candidates c join cycles y on y.id = c.cycle_id
                 where c.id = coalesce(new.candidate_id, old.candidate_id) and y.frozen_at is not null) then
        raise exception 'candidate list is frozen' using errcode = 'P0001', hint = 'LIST_FROZEN';
      end if;
      return coalesce(new, old);
    end $$;
    create trigger proposal_links_frozen before insert or update on proposal_candidate_links
      for each row execute function proposal_links_frozen_guard();

    -- The structured 主任会议 / 主席团 decision that froze a list through the proposals module.
    create table shortlist_decisions (
      cycle_id uuid primary key references cycles(id) on delete cascade,
      organ text not null check (organ in ('director_meeting','presidium')),
      decided_on date not null,
      reference text not null,
      list_hash text not null,
      recorded_by text not null,
      recorded_at timestamptz not null default now()
    );

    -- Short-lived: folds a double submission from the same client. Only a hash of the client
    -- is kept, and rows older than a day are pruned on insert.
    create table proposal_submissions (
      client_hash text not null,
      content_hash text not null,
      proposal_id uuid not null references proposals(id) on delete cascade,
      at timestamptz not null default now()
    );
    create index proposal_submissions_lookup on proposal_submissions(client_hash, content_hash, at desc);
    create index proposal_submissions_at on proposal_submissions(at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger if exists candidates_linked on candidates;
    drop table if exists proposal_submissions, shortlist_decisions, proposal_candidate_links, proposal_events,
      proposal_gram_df, proposal_grams, proposals, collection_points, collection_notices cascade;
    drop function if exists candidates_linked_guard, proposal_links_frozen_guard, proposal_grams_df_insert, proposal_grams_df_delete;
  `.execute(db);
}
