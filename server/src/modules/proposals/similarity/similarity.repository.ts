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
  /** Changes whenever an entry is added or removed. */
  async lexiconVersion(db: DbOrTx) {
    const { rows } = await sql<{ n: number; at: Date | null }>`
      select count(*)::int as n, max(greatest(created_at, coalesce(removed_at, created_at))) as at from similarity_lexicon`.execute(db);
    return `${rows[0]!.n}:${rows[0]!.at?.getTime() ?? 0}`;
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

  /** What a cycle's index needs to know whether it is current. */
  async cycleVersion(db: DbOrTx, cycleId: string) {
    const { rows } = await sql<{ n: number; at: Date | null }>`
      select count(*)::int as n, max(updated_at) as at from proposals where cycle_id = ${cycleId}`.execute(db);
    return { n: rows[0]!.n, at: rows[0]!.at };
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
