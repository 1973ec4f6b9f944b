import type { Level } from '@piaojue/shared';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

/** What a route's `:id` names, and how to find the cycle (and so the congress) it belongs to. */
export type ScopedKind = 'cycle' | 'session' | 'poll' | 'candidate' | 'project' | 'milestone' | 'attachment' | 'rectification' | 'opinion' | 'proposal' | 'point' | 'deputy';

export const unitsRepository = {
  userUnit(db: DbOrTx, userId: string) {
    return db.selectFrom('users').select(['unit_level', 'unit_name']).where('id', '=', userId).executeTakeFirst();
  },
  setUserUnit(db: DbOrTx, userId: string, unit: { level: Level; name: string } | null) {
    return db
      .updateTable('users')
      .set({ unit_level: unit?.level ?? null, unit_name: unit?.name ?? null })
      .where('id', '=', userId)
      .returning('id')
      .executeTakeFirst();
  },
  setCycleUnit(db: DbOrTx, cycleId: string, unitName: string | null) {
    return db.updateTable('cycles').set({ unit_name: unitName }).where('id', '=', cycleId).returning('id').executeTakeFirst();
  },
  /** The ids of a cycle's sessions. */
  sessionIdsOfCycle(db: DbOrTx, cycleId: string) {
    return db.selectFrom('sessions').select('id').where('cycle_id', '=', cycleId).execute();
  },
  /** Every congress that an account or a cycle names, with how many of each belong to it. */
  async units(db: DbOrTx) {
    const r = await sql<{ level: string; name: string; accounts: string; cycles: string }>`
      select level, name, count(*) filter (where what = 'account') as accounts, count(*) filter (where what = 'cycle') as cycles
      from (select unit_level as level, unit_name as name, 'account' as what from users where unit_name is not null
            union all select level, unit_name, 'cycle' from cycles where unit_name is not null) u
      group by level, name
      order by array_position(array['city','county','township'], level), name`.execute(db);
    return r.rows;
  },
  /** Cycles of another level than `level` whose list is not yet fixed: they can still take proposals. */
  openCyclesOfOtherLevels(db: DbOrTx, level: Level) {
    return db.selectFrom('cycles').select(['id', 'name', 'year', 'level', 'unit_name']).where('level', '<>', level).where('frozen_at', 'is', null).orderBy('year', 'desc').orderBy('name').execute();
  },
  cycles(db: DbOrTx) {
    return db.selectFrom('cycles').select(['id', 'name', 'year', 'level', 'unit_name']).orderBy('year', 'desc').orderBy('created_at', 'desc').execute();
  },
  /** The cycles (level and congress) of the given ids of one kind; ids that do not exist are left out. */
  async cyclesOf(db: DbOrTx, kind: ScopedKind, ids: string[]): Promise<{ level: string; unit_name: string | null }[]> {
    if (ids.length === 0) return [];
    const via: Record<ScopedKind, ReturnType<typeof sql>> = {
      cycle: sql`select id as cycle_id from cycles where id = any(${ids}::uuid[])`,
      session: sql`select cycle_id from sessions where id = any(${ids}::uuid[])`,
      // A poll belongs to the congress of its session (a rating may rate an earlier cycle's projects).
      poll: sql`select s.cycle_id from polls p join sessions s on s.id = p.session_id where p.id = any(${ids}::uuid[])`,
      candidate: sql`select cycle_id from candidates where id = any(${ids}::uuid[])`,
      project: sql`select cycle_id from tracking_projects where id = any(${ids}::uuid[])`,
      milestone: sql`select p.cycle_id from tracking_milestones m join tracking_projects p on p.id = m.project_id where m.id = any(${ids}::uuid[])`,
      attachment: sql`select p.cycle_id from tracking_attachments a join tracking_projects p on p.id = a.project_id where a.id = any(${ids}::uuid[])`,
      rectification: sql`select p.cycle_id from rectifications r join tracking_projects p on p.id = r.project_id where r.id = any(${ids}::uuid[])`,
      opinion: sql`select a.cycle_id from supervision_opinions o join supervision_activities a on a.id = o.activity_id where o.id = any(${ids}::uuid[])`,
      proposal: sql`select cycle_id from proposals where id = any(${ids}::uuid[])`,
      point: sql`select cycle_id from collection_points where id = any(${ids}::uuid[])`,
      deputy: sql`select s.cycle_id from deputies d join sessions s on s.id = d.session_id where d.id = any(${ids}::uuid[])`,
    };
    const r = await sql<{ level: string; unit_name: string | null }>`select c.level, c.unit_name from cycles c where c.id in (${via[kind]})`.execute(db);
    return r.rows;
  },
};
