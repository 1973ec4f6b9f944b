import type { UnitCycle, UnitsOverview } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { ownCycle, sameUnit, unitOf } from './unit-scope.ts';
import { unitsRepository as repo } from './units.repository.ts';

/**
 * The congresses an installation hosts (a city with its counties and townships): which accounts
 * and cycles belong to which. There is no table of congresses: a congress is the level and name
 * its accounts and cycles carry, so one exists as soon as something belongs to it.
 */
export class UnitsService {
  constructor(private readonly db: Db) {}

  /** Every congress with its counts and every cycle; an administrator of one congress sees only it. */
  async overview(actor: Principal): Promise<UnitsOverview> {
    const own = await unitOf(this.db, actor);
    const [units, cycles] = await Promise.all([repo.units(this.db), repo.cycles(this.db)]);
    return {
      own,
      units: units
        .filter((u) => own === null || sameUnit(own, { level: u.level as typeof own.level, name: u.name }))
        .map((u) => ({ level: u.level as UnitsOverview['units'][number]['level'], name: u.name, accounts: Number(u.accounts), cycles: Number(u.cycles) })),
      cycles: cycles
        .filter((c) => ownCycle(own, c))
        .map((c) => ({ id: c.id, name: c.name, year: c.year, level: c.level, unitName: c.unit_name })),
    };
  }

  /**
   * Where a proposal of this cycle can be routed to (docs/PROCEDURE.md §1): the cycles of the
   * other levels, of every congress the installation hosts, whose list is not yet fixed. Their
   * names are public (each publishes its 征集公告); their queues stay their own congress's.
   */
  async routingTargets(cycleId: string): Promise<UnitCycle[]> {
    const source = await cyclesRepository.get(this.db, cycleId);
    if (!source) throw new AppError('NOT_FOUND');
    return (await repo.openCyclesOfOtherLevels(this.db, source.level)).map((c) => ({ id: c.id, name: c.name, year: c.year, level: c.level, unitName: c.unit_name }));
  }

  /**
   * Moves a cycle to a congress of its level (null: none, so only the installation's accounts
   * see it); sockets of the old congress reading its sessions' topics stop at once. Only an administrator of the whole installation does this; one of a single
   * congress would otherwise hand its cycle to, or take one from, another congress.
   */
  async setCycleUnit(actor: Principal, cycleId: string, unitName: string | null): Promise<void> {
    if ((await unitOf(this.db, actor)) !== null) throw new AppError('FORBIDDEN', { reason: 'only an administrator of the whole installation moves cycles between congresses' });
    const name = unitName?.trim() || null;
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.setCycleUnit(trx, cycleId, name))) throw new AppError('NOT_FOUND');
      await appendAudit(trx, { actor: actorOf(actor), action: 'cycle.unit_set', subject: `cycle:${cycleId}`, details: { unitName: name } });
      // The old congress's open sockets stop reading its sessions' staff and 主席团 topics (realtime/hub.ts, rescope).
      for (const s of await repo.sessionIdsOfCycle(trx, cycleId)) await notifyInTx(trx, { sessionId: s.id, what: 'scope' });
    });
  }
}
