import {
  DEFAULT_AREAS,
  PUBLIC_CHANNELS,
  type CollectionNotice,
  type CollectionNoticeBody,
  type CollectionPoint,
  type CollectionPointBody,
  type Posters,
} from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { cycleOr404, invalid } from './proposals.intake.ts';
import { iso, toNotice } from './proposals.mappers.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';
import { cleanText } from './proposals-text.ts';

type PublicChannel = (typeof PUBLIC_CHANNELS)[number];

/** 征集: the collection notice, its collection points and their QR posters. */
export class CollectionService {
  constructor(
    private readonly db: Db,
    private readonly publicUrl: string,
  ) {}

  async notice(cycleId: string): Promise<CollectionNotice> {
    const cycle = await cycleOr404(this.db, cycleId);
    const n = await repo.notice(this.db, cycleId);
    if (!n) throw new AppError('COLLECTION_NOT_PUBLISHED');
    return toNotice(n, cycle.frozen_at !== null);
  }

  async setNotice(actor: Principal, cycleId: string, b: CollectionNoticeBody): Promise<CollectionNotice> {
    const opens = new Date(b.opensAt);
    const closes = new Date(b.closesAt);
    if (!(closes > opens)) invalid('closesAt', 'closesAt must be after opensAt', '截止时间必须晚于开始时间');
    const areas = (b.areas ?? [...DEFAULT_AREAS]).map((a) => cleanText(a)).filter((a) => a !== '');
    const districts = (b.districts ?? []).map((d) => cleanText(d)).filter((d) => d !== '');
    if (areas.length === 0) invalid('areas', 'at least one area is needed', '至少需要一个领域');
    if (cleanText(b.title) === '') invalid('title', 'required', '请填写公告标题');
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      const row = await repo.upsertNotice(trx, {
        cycle_id: cycleId,
        title: cleanText(b.title),
        body: cleanText(b.body, true),
        opens_at: opens,
        closes_at: closes,
        areas: [...new Set(areas)],
        districts: [...new Set(districts)],
      });
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'collection.notice_set',
        subject: `cycle:${cycleId}`,
        details: { title: row.title, opensAt: b.opensAt, closesAt: b.closesAt, areas: row.areas, districts: row.districts },
      });
      return toNotice(row, cycle.frozen_at !== null);
    });
  }

  async points(cycleId: string): Promise<CollectionPoint[]> {
    await cycleOr404(this.db, cycleId);
    return (await repo.points(this.db, cycleId)).map((p) => ({
      id: p.id,
      cycleId: p.cycle_id,
      name: p.name,
      address: p.address,
      proposalCount: Number(p.proposal_count ?? 0),
    }));
  }

  async addPoint(actor: Principal, cycleId: string, b: CollectionPointBody): Promise<CollectionPoint> {
    const name = cleanText(b.name);
    if (name === '') invalid('name', 'required', '请填写收集点名称');
    return this.db.transaction().execute(async (trx) => {
      await cycleOr404(trx, cycleId);
      if (await repo.pointByName(trx, cycleId, name)) invalid('name', 'a collection point with this name exists', '已有同名收集点');
      const p = await repo.insertPoint(trx, { cycle_id: cycleId, name, address: cleanText(b.address ?? '') });
      await appendAudit(trx, { actor: actorOf(actor), action: 'collection.point_added', subject: `cycle:${cycleId}`, details: { id: p.id, name } });
      return { id: p.id, cycleId, name: p.name, address: p.address, proposalCount: 0 };
    });
  }

  async updatePoint(actor: Principal, id: string, b: CollectionPointBody): Promise<CollectionPoint> {
    const name = cleanText(b.name);
    if (name === '') invalid('name', 'required', '请填写收集点名称');
    return this.db.transaction().execute(async (trx) => {
      const cur = await repo.point(trx, id);
      if (!cur) throw new AppError('NOT_FOUND');
      const other = await repo.pointByName(trx, cur.cycle_id, name);
      if (other && other.id !== id) invalid('name', 'a collection point with this name exists', '已有同名收集点');
      const p = await repo.updatePoint(trx, id, { name, address: cleanText(b.address ?? cur.address) });
      await appendAudit(trx, { actor: actorOf(actor), action: 'collection.point_updated', subject: `cycle:${cur.cycle_id}`, details: { id, name } });
      const used = (await repo.points(trx, cur.cycle_id)).find((x) => x.id === id)?.proposal_count;
      return { id, cycleId: p.cycle_id, name: p.name, address: p.address, proposalCount: Number(used ?? 0) };
    });
  }

  async deletePoint(actor: Principal, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const cur = await repo.point(trx, id);
      if (!cur) throw new AppError('NOT_FOUND');
      if (await repo.pointInUse(trx, id)) throw new AppError('POINT_IN_USE');
      await repo.deletePoint(trx, id);
      await appendAudit(trx, { actor: actorOf(actor), action: 'collection.point_deleted', subject: `cycle:${cur.cycle_id}`, details: { id, name: cur.name } });
    });
  }

  /** The portal address each QR poster encodes: the web form, with the channel and point. */
  proposeUrl(cycleId: string, channel: PublicChannel, pointId?: string): string {
    const q = new URLSearchParams({ channel, ...(pointId ? { point: pointId } : {}) });
    return `${this.publicUrl}/portal/cycles/${cycleId}/propose?${q.toString()}`;
  }

  async posters(cycleId: string): Promise<Posters> {
    const cycle = await cycleOr404(this.db, cycleId);
    const n = await repo.notice(this.db, cycleId);
    const points = await repo.points(this.db, cycleId);
    return {
      cycleId,
      cycleName: cycle.name,
      noticeTitle: n?.title ?? null,
      opensAt: n ? iso(n.opens_at) : null,
      closesAt: n ? iso(n.closes_at) : null,
      posters: [
        { pointId: null, name: n?.title ?? cycle.name, address: '', channel: 'web', url: this.proposeUrl(cycleId, 'web') },
        ...points.map((p) => ({ pointId: p.id, name: p.name, address: p.address, channel: 'qr' as const, url: this.proposeUrl(cycleId, 'qr', p.id) })),
      ],
    };
  }
}
