import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from 'kysely';
import type { ProposalChannel, ProposalStatus } from '@piaojue/shared';
import type { DbOrTx } from '../../db/database.ts';
import { tieChosen } from '../procedure/presidium.repository.ts';
import type {
  CollectionNoticesTable,
  Database,
  CollectionPointsTable,
  ProposalEventsTable,
  ProposalsTable,
  ShortlistDecisionsTable,
} from '../../db/types.ts';

type CollectionNoticeRowShape = { opens_at: string; closes_at: string; areas: string[]; districts: string[] };

/** One row of trackingView: json columns arrive parsed (timestamps inside them as ISO text). */
export interface TrackingViewRow {
  id: string;
  tracking_code: string;
  title: string;
  content: string;
  reason: string;
  area: string;
  district: string;
  location: string;
  channel: string;
  received_at: Date;
  status: string;
  decision_reason: string | null;
  routed_to: string | null;
  cycle_id: string;
  cycle_name: string;
  cycle_year: number;
  cycle_level: string;
  cycle_frozen_at: Date | null;
  cycle_freeze_decision: string | null;
  events: { at: string; kind: string; detail: Record<string, unknown> }[];
  link: { candidate_id: string; candidate_name: string } | null;
  child: { tracking_code: string; status: string; cycle_id: string; cycle_name: string; year: number; level: string } | null;
}

/** The queue's filters, already parsed and normalised by the service. */
export interface QueueFilter {
  cycleId: string;
  statuses?: readonly ProposalStatus[];
  area?: string;
  district?: string;
  channels?: readonly ProposalChannel[];
  pointId?: string;
  candidateId?: string;
  from?: Date;
  to?: Date;
  search?: {
    /** LIKE pattern over search_text (already escaped, with %…%), null when the text has nothing to match. */
    like: string | null;
    /** Every bigram of the query: all must be present (served by the gram index). */
    grams: string[];
    code: string | null;
    no: number | null;
  };
}

export interface Keyset {
  receivedAt: Date;
  no: number;
}

/** Every query the filter serves reads `proposals as p` (joins may add more tables). */
type QueueEb = ExpressionBuilder<Database & { p: ProposalsTable }, 'p'>;

/** The queue's WHERE, built with `eb` so the compiler checks each column against the schema. */
function queueWhere(f: QueueFilter, withStatus = true) {
  return (eb: QueueEb): Expression<SqlBool> => {
    const c: Expression<SqlBool>[] = [eb('p.cycle_id', '=', f.cycleId)];
    if (withStatus && f.statuses?.length) c.push(eb('p.status', 'in', [...f.statuses]));
    if (f.area) c.push(eb('p.area', '=', f.area));
    if (f.district) c.push(eb('p.district', '=', f.district));
    if (f.channels?.length) c.push(eb('p.channel', 'in', [...f.channels]));
    if (f.pointId) c.push(eb('p.collection_point_id', '=', f.pointId));
    if (f.from) c.push(eb('p.received_at', '>=', f.from));
    if (f.to) c.push(eb('p.received_at', '<', f.to));
    if (f.candidateId) {
      c.push(
        eb.exists(
          eb
            .selectFrom('proposal_candidate_links as fl')
            .select('fl.id')
            .whereRef('fl.proposal_id', '=', 'p.id')
            .where('fl.candidate_id', '=', f.candidateId)
            .where('fl.undone_at', 'is', null),
        ),
      );
    }
    const s = f.search;
    if (s) {
      const alts: Expression<SqlBool>[] = [];
      if (s.code) alts.push(eb('p.tracking_code', '=', s.code));
      if (s.no !== null) alts.push(eb('p.no', '=', s.no));
      if (s.like !== null) {
        // Backslash is PostgreSQL's default LIKE escape, the one escapeLike writes.
        const like = eb('p.search_text', 'like', s.like);
        // Every bigram present (the gram index narrows the rows), then the exact substring.
        const withAllGrams = eb(
          'p.id',
          'in',
          eb
            .selectFrom('proposal_grams as g')
            .select('g.proposal_id')
            .where('g.cycle_id', '=', f.cycleId)
            .where('g.gram', '=', eb.fn.any(eb.val(s.grams)))
            .groupBy('g.proposal_id')
            .having(eb.fn.countAll(), '=', s.grams.length),
        );
        alts.push(s.grams.length > 0 ? eb.and([withAllGrams, like]) : like);
      }
      c.push(alts.length > 0 ? eb.or(alts) : eb.lit(false));
    }
    return eb.and(c);
  };
}

/** The columns of a queue row (never search_text, never contact details). */
function summaries(db: DbOrTx) {
  return db
    .selectFrom('proposals as p')
    .leftJoin('collection_points as cp', 'cp.id', 'p.collection_point_id')
    .leftJoin('proposal_candidate_links as l', (j) => j.onRef('l.proposal_id', '=', 'p.id').on('l.undone_at', 'is', null))
    .leftJoin('candidates as c', 'c.id', 'l.candidate_id')
    .select([
      'p.id',
      'p.no',
      'p.cycle_id',
      'p.tracking_code',
      'p.title',
      'p.content',
      'p.area',
      'p.district',
      'p.location',
      'p.channel',
      'p.collection_point_id',
      'p.status',
      'p.received_at',
      'p.carried_from_proposal_id',
      'p.carried_from_candidate_id',
      'cp.name as point_name',
      'c.id as candidate_id',
      'c.name as candidate_name',
    ]);
}
export type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];

export const proposalsRepository = {
  // ---------------------------------------------------------------- notices & points
  /** What a portal submission checks, in one query: the cycle, its notice, the named collection point. */
  async submitContext(db: DbOrTx, cycleId: string, pointId: string | null) {
    const { rows } = await sql<{
      frozen_at: Date | null;
      notice: Pick<CollectionNoticeRowShape, 'opens_at' | 'closes_at' | 'areas' | 'districts'> | null;
      point_ok: boolean;
    }>`
      select c.frozen_at,
        case when n.cycle_id is null then null
             else json_build_object('opens_at', n.opens_at, 'closes_at', n.closes_at, 'areas', n.areas, 'districts', n.districts) end as notice,
        (${pointId}::uuid is null or exists (select 1 from collection_points cp where cp.id = ${pointId}::uuid and cp.cycle_id = c.id)) as point_ok
      from cycles c left join collection_notices n on n.cycle_id = c.id
      where c.id = ${cycleId}`.execute(db);
    const r = rows[0];
    if (!r) return undefined;
    const n = r.notice;
    return {
      frozenAt: r.frozen_at,
      notice: n ? { opens_at: new Date(n.opens_at), closes_at: new Date(n.closes_at), areas: n.areas, districts: n.districts } : null,
      pointOk: r.point_ok,
    };
  },
  notice(db: DbOrTx, cycleId: string) {
    return db.selectFrom('collection_notices').selectAll().where('cycle_id', '=', cycleId).executeTakeFirst();
  },
  upsertNotice(db: DbOrTx, row: Insertable<CollectionNoticesTable>) {
    return db
      .insertInto('collection_notices')
      .values(row)
      .onConflict((oc) =>
        oc.column('cycle_id').doUpdateSet({
          title: row.title,
          body: row.body ?? '',
          opens_at: row.opens_at,
          closes_at: row.closes_at,
          areas: row.areas,
          districts: row.districts ?? [],
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  publicNotices(db: DbOrTx) {
    return db
      .selectFrom('collection_notices as n')
      .innerJoin('cycles as y', 'y.id', 'n.cycle_id')
      .select(['n.cycle_id', 'n.title', 'n.opens_at', 'n.closes_at', 'y.name', 'y.year', 'y.level', 'y.frozen_at'])
      .orderBy('n.opens_at', 'desc')
      .execute();
  },
  points(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('collection_points as cp')
      .selectAll('cp')
      .select((eb) =>
        eb.selectFrom('proposals as p').whereRef('p.collection_point_id', '=', 'cp.id').select(eb.fn.countAll<number>().as('n')).as('proposal_count'),
      )
      .where('cp.cycle_id', '=', cycleId)
      .orderBy('cp.name')
      .execute();
  },
  point(db: DbOrTx, id: string) {
    return db.selectFrom('collection_points').selectAll().where('id', '=', id).executeTakeFirst();
  },
  pointByName(db: DbOrTx, cycleId: string, name: string) {
    return db.selectFrom('collection_points').selectAll().where('cycle_id', '=', cycleId).where('name', '=', name).executeTakeFirst();
  },
  insertPoint(db: DbOrTx, row: Insertable<CollectionPointsTable>) {
    return db.insertInto('collection_points').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updatePoint(db: DbOrTx, id: string, patch: Updateable<CollectionPointsTable>) {
    return db.updateTable('collection_points').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  pointInUse(db: DbOrTx, id: string) {
    return db.selectFrom('proposals').select('id').where('collection_point_id', '=', id).limit(1).executeTakeFirst();
  },
  deletePoint(db: DbOrTx, id: string) {
    return db.deleteFrom('collection_points').where('id', '=', id).execute();
  },

  // ---------------------------------------------------------------- proposals
  setRoutedCycle(db: DbOrTx, ids: string[], cycleId: string) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.updateTable('proposals').set({ routed_to_cycle_id: cycleId }).where('id', 'in', ids).execute();
  },
  get(db: DbOrTx, id: string) {
    return db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
  },
  byCode(db: DbOrTx, code: string) {
    return db.selectFrom('proposals').selectAll().where('tracking_code', '=', code).executeTakeFirst();
  },
  /** Row locks in a stable order, so two bulk actions cannot deadlock each other. */
  lockMany(db: DbOrTx, ids: readonly string[]) {
    return db
      .selectFrom('proposals')
      .select(['id', 'no', 'cycle_id', 'status', 'decision_reason', 'routed_to', 'carried_from_proposal_id'])
      .where('id', 'in', [...ids])
      .orderBy('id')
      .forUpdate()
      .execute();
  },
  insertMany(db: DbOrTx, rows: Insertable<ProposalsTable>[]) {
    return db.insertInto('proposals').values(rows).returning(['id', 'no', 'cycle_id', 'tracking_code', 'received_at', 'status']).execute();
  },
  update(db: DbOrTx, id: string, patch: Updateable<ProposalsTable>) {
    return db.updateTable('proposals').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  setStatus(db: DbOrTx, ids: readonly string[], patch: Updateable<ProposalsTable>) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.updateTable('proposals').set(patch).where('id', 'in', [...ids]).execute();
  },
  summariesByIds(db: DbOrTx, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([] as SummaryRow[]);
    return summaries(db).where('p.id', 'in', [...ids]).execute();
  },
  page(db: DbOrTx, f: QueueFilter, sort: 'newest' | 'oldest', after: Keyset | null, limit: number) {
    let q = summaries(db).where(queueWhere(f));
    if (after) {
      q = q.where(sort === 'newest' ? sql<SqlBool>`(p.received_at, p.no) < (${after.receivedAt}, ${after.no})` : sql<SqlBool>`(p.received_at, p.no) > (${after.receivedAt}, ${after.no})`);
    }
    const dir = sort === 'newest' ? 'desc' : 'asc';
    return q.orderBy('p.received_at', dir).orderBy('p.no', dir).limit(limit).execute();
  },
  /** Matching rows per status, ignoring the status filter (the queue's tabs); the total follows. */
  statusCounts(db: DbOrTx, f: QueueFilter) {
    return db
      .selectFrom('proposals as p')
      .select(['p.status', (eb) => eb.fn.countAll<number>().as('n')])
      .where(queueWhere(f, false))
      .groupBy('p.status')
      .execute();
  },
  /** Full rows for export, in queue order. */
  exportRows(db: DbOrTx, f: QueueFilter) {
    return db
      .selectFrom('proposals as p')
      .leftJoin('collection_points as cp', 'cp.id', 'p.collection_point_id')
      .leftJoin('proposal_candidate_links as l', (j) => j.onRef('l.proposal_id', '=', 'p.id').on('l.undone_at', 'is', null))
      .leftJoin('candidates as c', 'c.id', 'l.candidate_id')
      .selectAll('p')
      .select(['cp.name as point_name', 'c.name as candidate_name'])
      .where(queueWhere(f))
      .orderBy('p.received_at', 'desc')
      .orderBy('p.no', 'desc')
      .execute();
  },
  countByCycle(db: DbOrTx, cycleId: string) {
    return db.selectFrom('proposals').select((eb) => eb.fn.countAll<number>().as('n')).where('cycle_id', '=', cycleId).executeTakeFirstOrThrow();
  },
  pendingCount(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('proposals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cycle_id', '=', cycleId)
      .where('status', 'in', ['received', 'under_review'])
      .executeTakeFirstOrThrow();
  },

  // ---------------------------------------------------------------- grams
  async insertGrams(db: DbOrTx, rows: { cycleId: string; proposalId: string; grams: readonly string[] }[]) {
    const cycles: string[] = [];
    const grams: string[] = [];
    const ids: string[] = [];
    for (const r of rows) {
      for (const g of r.grams) {
        cycles.push(r.cycleId);
        grams.push(g);
        ids.push(r.proposalId);
      }
    }
    for (let i = 0; i < grams.length; i += 50_000) {
      await sql`insert into proposal_grams (cycle_id, gram, proposal_id)
        select * from unnest(${cycles.slice(i, i + 50_000)}::uuid[], ${grams.slice(i, i + 50_000)}::text[], ${ids.slice(i, i + 50_000)}::uuid[])`.execute(db);
    }
  },
  /** Removes a proposal's postings: its own bigrams, found through the primary key. */
  async deleteGrams(db: DbOrTx, p: { cycleId: string; proposalId: string; grams: readonly string[] }) {
    if (p.grams.length === 0) return;
    await sql`delete from proposal_grams where cycle_id = ${p.cycleId} and gram = any(${p.grams as string[]}::text[]) and proposal_id = ${p.proposalId}`.execute(db);
  },
  // ---------------------------------------------------------------- events
  async insertEvents(db: DbOrTx, rows: Insertable<ProposalEventsTable>[]) {
    for (let i = 0; i < rows.length; i += 5000) await db.insertInto('proposal_events').values(rows.slice(i, i + 5000)).execute();
  },
  events(db: DbOrTx, proposalIds: readonly string[], publicOnly: boolean) {
    let q = db.selectFrom('proposal_events').selectAll().where('proposal_id', 'in', [...proposalIds]);
    if (publicOnly) q = q.where('public', '=', true);
    return q.orderBy('id').execute();
  },

  // ---------------------------------------------------------------- links
  activeLinks(db: DbOrTx, proposalIds: readonly string[]) {
    if (proposalIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('proposal_candidate_links as l')
      .innerJoin('candidates as c', 'c.id', 'l.candidate_id')
      .select(['l.id', 'l.proposal_id', 'l.candidate_id', 'c.name as candidate_name'])
      .where('l.proposal_id', 'in', [...proposalIds])
      .where('l.undone_at', 'is', null)
      .execute();
  },
  links(db: DbOrTx, proposalId: string) {
    return db
      .selectFrom('proposal_candidate_links as l')
      .innerJoin('candidates as c', 'c.id', 'l.candidate_id')
      .selectAll('l')
      .select('c.name as candidate_name')
      .where('l.proposal_id', '=', proposalId)
      .orderBy('l.linked_at')
      .execute();
  },
  insertLinks(db: DbOrTx, rows: { proposal_id: string; candidate_id: string; linked_by: string }[]) {
    if (rows.length === 0) return Promise.resolve();
    return db.insertInto('proposal_candidate_links').values(rows).execute();
  },
  undoLinks(db: DbOrTx, linkIds: readonly string[], by: string) {
    return db.updateTable('proposal_candidate_links').set({ undone_at: new Date(), undone_by: by }).where('id', 'in', [...linkIds]).execute();
  },
  /** Source proposals of a candidate with their links (active first, then undone). */
  candidateSources(db: DbOrTx, candidateId: string, includeUndone: boolean) {
    let q = db
      .selectFrom('proposal_candidate_links as l')
      .innerJoin('candidates as c', 'c.id', 'l.candidate_id')
      .selectAll('l')
      .select('c.name as candidate_name')
      .where('l.candidate_id', '=', candidateId);
    if (!includeUndone) q = q.where('l.undone_at', 'is', null);
    return q.orderBy(sql`l.undone_at is null`, 'desc').orderBy('l.linked_at').execute();
  },
  /** Per candidate of a cycle: how many proposals feed it, and the first few. */
  async sourcesByCandidate(db: DbOrTx, cycleId: string, sample: number) {
    const { rows } = await sql<{ candidate_id: string; n: number; sample: { id: string; no: number; title: string; status: string; linked_at: string }[] }>`
      select l.candidate_id, count(*)::int as n,
        (array_agg(json_build_object('id', p.id, 'no', p.no, 'title', p.title, 'status', p.status, 'linked_at', l.linked_at) order by l.linked_at, p.no))[1:${sample}] as sample
      from proposal_candidate_links l
      join candidates c on c.id = l.candidate_id
      join proposals p on p.id = l.proposal_id
      where c.cycle_id = ${cycleId} and l.undone_at is null
      group by l.candidate_id`.execute(db);
    return rows;
  },
  activeSourceIds(db: DbOrTx, candidateId: string) {
    return db.selectFrom('proposal_candidate_links').select('proposal_id').where('candidate_id', '=', candidateId).where('undone_at', 'is', null).execute();
  },

  // ---------------------------------------------------------------- submissions (double-submit folding)
  /**
   * The proposal a client already sent with this content since `since`, if any. A separate
   * statement from submitOnce, so it sees a concurrent submission that won the slot.
   */
  recentSubmission(db: DbOrTx, clientHash: string, contentHash: string, since: Date) {
    return db
      .selectFrom('proposal_submissions as s')
      .innerJoin('proposals as p', 'p.id', 's.proposal_id')
      .select(['p.id', 'p.tracking_code', 'p.received_at', 'p.status'])
      .where('s.client_hash', '=', clientHash)
      .where('s.content_hash', '=', contentHash)
      .where('s.at', '>=', since)
      .executeTakeFirst();
  },
  /**
   * A citizen's submission in one statement (one round trip, one commit): it claims the
   * (client, content) slot unless a submission newer than `since` holds it, and only then writes
   * the proposal, its bigrams and its 'received' event. No row back: the slot was taken (a
   * double-click or a resend), and recentSubmission tells by which proposal. Two identical
   * submissions at once: the second's claim waits for the first's commit, then finds it fresh.
   */
  async submitOnce(
    db: DbOrTx,
    s: { clientHash: string; contentHash: string; since: Date; proposal: Insertable<ProposalsTable> & { id: string; received_at: Date; grams: string[] }; eventDetail: string },
  ) {
    const p = s.proposal;
    const { rows } = await sql<{ id: string; no: string; tracking_code: string; received_at: Date; status: string }>`
      with claim as (
        insert into proposal_submissions as s (client_hash, content_hash, proposal_id, at)
        values (${s.clientHash}, ${s.contentHash}, ${p.id}, ${p.received_at})
        on conflict (client_hash, content_hash) do update set proposal_id = excluded.proposal_id, at = excluded.at
          where s.at < ${s.since}
        returning proposal_id
      ), ins as (
        insert into proposals (id, cycle_id, tracking_code, title, content, reason, cost_wan, area, district, location,
          proposer_name, proposer_phone, channel, collection_point_id, channel_note, search_text, grams, gram_count, received_at, created_by)
        select claim.proposal_id, ${p.cycle_id}, ${p.tracking_code}, ${p.title}, ${p.content}, ${p.reason ?? ''}, ${p.cost_wan ?? null},
          ${p.area}, ${p.district ?? ''}, ${p.location ?? ''}, ${p.proposer_name ?? null}, ${p.proposer_phone ?? null}, ${p.channel},
          ${p.collection_point_id ?? null}::uuid, ${p.channel_note ?? ''}, ${p.search_text}, ${p.grams}::text[], ${p.grams.length}, ${p.received_at}, ${p.created_by ?? 'public'}
        from claim
        returning id, no, tracking_code, received_at, status, grams
      ), grams as (
        insert into proposal_grams (cycle_id, gram, proposal_id)
        select ${p.cycle_id}::uuid, g.gram, ins.id from ins cross join unnest(ins.grams) as g(gram)
      ), events as (
        insert into proposal_events (proposal_id, at, kind, actor, public, detail)
        select ins.id, ${p.received_at}, 'received', ${p.created_by ?? 'public'}, true, ${s.eventDetail}::jsonb from ins
      )
      select id, no, tracking_code, received_at, status from ins`.execute(db);
    return rows[0];
  },
  /** Slots older than this fold nothing any more; the sweeper drops them. */
  pruneSubmissions(db: DbOrTx, before: Date) {
    return db.deleteFrom('proposal_submissions').where('at', '<', before).execute();
  },
  /**
   * Everything the tracking page shows, in one query: the proposal, its cycle, its public
   * timeline, the candidate it feeds (if any) and the proposal it was carried over to (if any).
   */
  async trackingView(db: DbOrTx, code: string) {
    const { rows } = await sql<TrackingViewRow>`
      select p.id, p.tracking_code, p.title, p.content, p.reason, p.area, p.district, p.location, p.channel,
        p.received_at, p.status, p.decision_reason, p.routed_to,
        y.id as cycle_id, y.name as cycle_name, y.year as cycle_year, y.level as cycle_level,
        y.frozen_at as cycle_frozen_at, y.freeze_decision as cycle_freeze_decision,
        coalesce((select json_agg(json_build_object('at', e.at, 'kind', e.kind, 'detail', e.detail) order by e.id)
                  from proposal_events e where e.proposal_id = p.id and e.public), '[]') as events,
        (select json_build_object('candidate_id', l.candidate_id, 'candidate_name', c.name)
           from proposal_candidate_links l join candidates c on c.id = l.candidate_id
           where l.proposal_id = p.id and l.undone_at is null limit 1) as link,
        (select json_build_object('tracking_code', k.tracking_code, 'status', k.status, 'cycle_id', k.cycle_id,
                  'cycle_name', ky.name, 'year', ky.year, 'level', ky.level)
           from proposals k join cycles ky on ky.id = k.cycle_id
           where k.carried_from_proposal_id = p.id order by k.created_at limit 1) as child
      from proposals p join cycles y on y.id = p.cycle_id
      where p.tracking_code = ${code}`.execute(db);
    return rows[0];
  },

  // ---------------------------------------------------------------- freeze, carry-over, outcomes
  decision(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('shortlist_decisions')
      .select(['organ', sql<string>`decided_on::text`.as('decided_on'), 'reference', 'list_hash', 'recorded_at'])
      .where('cycle_id', '=', cycleId)
      .executeTakeFirst();
  },
  insertDecision(db: DbOrTx, row: Insertable<ShortlistDecisionsTable>) {
    return db.insertInto('shortlist_decisions').values(row).execute();
  },
  carriedChildren(db: DbOrTx, proposalIds: readonly string[]) {
    if (proposalIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('proposals as p')
      .innerJoin('cycles as y', 'y.id', 'p.cycle_id')
      .select(['p.id', 'p.no', 'p.title', 'p.tracking_code', 'p.status', 'p.cycle_id', 'p.carried_from_proposal_id', 'y.name as cycle_name', 'y.year', 'y.level'])
      .where('p.carried_from_proposal_id', 'in', [...proposalIds])
      .orderBy('p.created_at')
      .execute();
  },
  /** Proposals made from these candidates (in one cycle, or in any when cycleId is null). */
  carriedFromCandidates(db: DbOrTx, cycleId: string | null, candidateIds: readonly string[]) {
    if (candidateIds.length === 0) return Promise.resolve([]);
    let q = db.selectFrom('proposals').select(['id', 'carried_from_candidate_id']).where('carried_from_candidate_id', 'in', [...candidateIds]);
    if (cycleId) q = q.where('cycle_id', '=', cycleId);
    return q.execute();
  },
  /** Certified or published vote/run-off results of a cycle, oldest first. */
  certifiedPolls(db: DbOrTx, cycleId: string) {
    return db
      .selectFrom('polls')
      .select(['id', 'kind', 'candidate_ids', 'result', 'certified_at', 'created_at'])
      .select(tieChosen('polls.id').as('tie_chosen'))
      .where('cycle_id', '=', cycleId)
      .where('kind', 'in', ['vote', 'runoff'])
      .where('status', 'in', ['certified', 'published'])
      .orderBy('created_at')
      .execute();
  },
  cycleRef(db: DbOrTx, id: string) {
    return db.selectFrom('cycles').select(['id', 'name', 'year', 'level', 'frozen_at', 'freeze_decision', 'frozen_hash']).where('id', '=', id).executeTakeFirst();
  },
  reserved(db: DbOrTx, cycleId: string) {
    return summaries(db).where('p.cycle_id', '=', cycleId).where('p.status', '=', 'reserved').orderBy('p.no').execute();
  },
};
