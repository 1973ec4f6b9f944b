import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/database.ts';
import type { LexiconEntryValue } from './lexicon.ts';

export const similarityRepository = {
  /** Adds the seed entries not yet there (a removed one stays, marked removed, so it is not re-added). */
  async seed(db: DbOrTx, entries: readonly LexiconEntryValue[]) {
    if (entries.length === 0) return;
    await sql`insert into similarity_lexicon (kind, value, origin)
      select k, v, 'seed' from unnest(${entries.map((e) => e.kind)}::text[], ${entries.map((e) => e.value)}::text[]) as t(k, v)
      on conflict (kind, value) do nothing`.execute(db);
  },
  /**
   * In one round trip, what a request needs to know whether its cycle's index is current: the
   * cycle (of a proposal, when asked by proposal), its proposal count and latest change, its
   * gazetteer (districts, collection points) and the lexicon's version. Undefined: no such row.
   */
  async state(db: DbOrTx, by: { proposalId: string } | { cycleId: string }) {
    const cycle = 'proposalId' in by ? sql`(select cycle_id from proposals where id = ${by.proposalId})` : sql`(select id from cycles where id = ${by.cycleId})`;
    const { rows } = await sql<{ cycle_id: string; n: number; at: Date | null; places: string; lexicon: string }>`
      with c as (select ${cycle} as cycle_id)
      select c.cycle_id,
        (select count(*)::int from proposals p where p.cycle_id = c.cycle_id) as n,
        (select max(updated_at) from proposals p where p.cycle_id = c.cycle_id) as at,
        coalesce((select array_to_string(districts, '|') from collection_notices n where n.cycle_id = c.cycle_id), '') || '#' ||
          coalesce((select string_agg(name || '@' || address, '|' order by name) from collection_points pt where pt.cycle_id = c.cycle_id), '') as places,
        (select count(*)::text || ':' || coalesce(max(greatest(created_at, coalesce(removed_at, created_at)))::text, '') from similarity_lexicon) as lexicon
      from c where c.cycle_id is not null`.execute(db);
    return rows[0];
  },
  activeEntries(db: DbOrTx) {
    return db.selectFrom('similarity_lexicon').selectAll().where('removed_at', 'is', null).orderBy('kind').orderBy('origin').orderBy('created_at').orderBy('value').execute();
  },
  entry(db: DbOrTx, id: string) {
    return db.selectFrom('similarity_lexicon').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** A new entry, or a removed one brought back. Undefined when it is already in force. */
  async add(db: DbOrTx, e: LexiconEntryValue, by: string) {
    return db
      .insertInto('similarity_lexicon')
      .values({ kind: e.kind, value: e.value, origin: 'staff', created_by: by })
      .onConflict((oc) =>
        oc
          .columns(['kind', 'value'])
          .doUpdateSet({ removed_at: null, removed_by: null, origin: 'staff', created_by: by })
          .where('similarity_lexicon.removed_at', 'is not', null),
      )
      .returningAll()
      .executeTakeFirst();
  },
  remove(db: DbOrTx, id: string, by: string) {
    return db.updateTable('similarity_lexicon').set({ removed_at: new Date(), removed_by: by }).where('id', '=', id).where('removed_at', 'is', null).returningAll().executeTakeFirst();
  },

  /** Proposals of a cycle changed at or after a time (all of them without one). */
  rows(db: DbOrTx, cycleId: string, since: Date | null) {
    let q = db
      .selectFrom('proposals')
      .select(['id', 'no', 'status', 'title', 'content', 'reason', 'location', 'district', 'updated_at'])
      .where('cycle_id', '=', cycleId);
    if (since) q = q.where('updated_at', '>=', since);
    return q.execute();
  },
  /** The cycle's own place names: districts of its 征集公告 and its collection points. */
  async gazetteer(db: DbOrTx, cycleId: string) {
    const [notice, points] = await Promise.all([
      db.selectFrom('collection_notices').select('districts').where('cycle_id', '=', cycleId).executeTakeFirst(),
      db.selectFrom('collection_points').select(['name', 'address']).where('cycle_id', '=', cycleId).execute(),
    ]);
    return { districts: notice?.districts ?? [], points };
  },
};
