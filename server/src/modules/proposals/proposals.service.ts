import {
  checkShortlist,
  DEFAULT_AREAS,
  PROPOSAL_STATUSES,
  PUBLIC_CHANNELS,
  PROPOSAL_LIMITS,
  type Candidate,
  type CollectionNotice,
  type CollectionNoticeBody,
  type CollectionPoint,
  type CollectionPointBody,
  type CarryOverBody,
  type FreezeShortlistBody,
  type Level,
  type MergeBody,
  type MergeResult,
  type PollResult,
  type Posters,
  type ProposalAction,
  type ProposalActionBody,
  type ProposalChannel,
  type ProposalEventKind,
  type ProposalDetail,
  type ProposalExportQuery,
  type ProposalImportBody,
  type ProposalPage,
  type ProposalQuery,
  type ProposalStatus,
  type ProposalSummary,
  type PublicCollection,
  type PublicProposal,
  type PublicShortlist,
  type Reserve,
  type Shortlist,
  type ShortlistCheck,
  type StaffProposalBody,
  type SubmitProposalBody,
  type SubmitReceipt,
  type UpdateProposalBody,
} from '@piaojue/shared';
import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import type { CollectionNoticeRow, ProposalRow } from '../../db/types.ts';
import { sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { candidateListHash, toCandidate } from '../cycles/cycles.service.ts';
import { exportTable, toCsv, toXlsx, type ExportRow } from './proposals-export.ts';
import { parseProposalSheet } from './proposals-import.ts';
import { proposalsRepository as repo, type QueueFilter, type SummaryRow } from './proposals.repository.ts';
import {
  bigrams,
  cleanPhone,
  cleanText,
  contentHash,
  escapeLike,
  formatTrackingCode,
  normalizeText,
  normalizeTrackingCode,
  searchText,
  trackingCode,
} from './proposals-text.ts';

/** A double tap or a resent form within this window returns the first tracking code. */
export const FOLD_WINDOW_MS = 10 * 60_000;
/** How many source proposals the shortlist shows per candidate (all: GET /api/candidates/:id/proposals). */
const SHORTLIST_SAMPLE = 5;
const CHINA_OFFSET = '+08:00';

type PublicChannel = (typeof PUBLIC_CHANNELS)[number];

/**
 * The review actions: which statuses each moves to its target (`from`) and which it leaves as
 * they are (`idle`); any other status is refused. Merged proposals must be unmerged first.
 */
const UNLINKED = ['received', 'under_review', 'rejected', 'reserved', 'routed'] as const satisfies readonly ProposalStatus[];
const TRANSITIONS: Record<ProposalAction, { to: ProposalStatus; event: ProposalEventKind; from: readonly ProposalStatus[]; idle: readonly ProposalStatus[] }> = {
  review: { to: 'under_review', event: 'review_started', from: ['received'], idle: ['under_review'] },
  reject: { to: 'rejected', event: 'rejected', from: UNLINKED.filter((s) => s !== 'rejected'), idle: ['rejected'] },
  reserve: { to: 'reserved', event: 'reserved', from: UNLINKED.filter((s) => s !== 'reserved'), idle: ['reserved'] },
  route: { to: 'routed', event: 'routed', from: UNLINKED.filter((s) => s !== 'routed'), idle: ['routed'] },
  reopen: { to: 'under_review', event: 'reopened', from: ['rejected', 'reserved', 'routed'], idle: ['received', 'under_review'] },
};
type Outcome = { status: 'chosen' | 'not_chosen' | 'tied'; votesFor: number; rank: number; certifiedAt: string | null };

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

interface NewProposal {
  cycleId: string;
  title: string;
  content: string;
  reason: string;
  costWan: number | null;
  area: string;
  district: string;
  location: string;
  proposerName: string | null;
  proposerPhone: string | null;
  channel: ProposalChannel;
  pointId: string | null;
  channelNote: string;
  receivedAt: Date;
  createdBy: string;
  carriedFromProposalId?: string;
  carriedFromCandidateId?: string;
}

/** A proposal as it enters another cycle's queue (carried over a year, or routed to another level). */
function copyInto(s: ProposalRow, cycleId: string, area: string, channelNote: string, by: string, receivedAt: Date): NewProposal {
  return {
    cycleId,
    title: s.title,
    content: s.content,
    reason: s.reason,
    costWan: s.cost_wan === null ? null : Number(s.cost_wan),
    area,
    district: s.district,
    location: s.location,
    proposerName: s.proposer_name,
    proposerPhone: s.proposer_phone,
    channel: 'carried',
    pointId: null,
    channelNote,
    receivedAt,
    createdBy: by,
    carriedFromProposalId: s.id,
  };
}

const iso = (d: Date) => d.toISOString();

/** The row of a new proposal: a fresh tracking code, its search text and that text's bigrams. */
function proposalRow(p: NewProposal) {
  const text = searchText(p);
  const grams = bigrams(text);
  return {
    cycle_id: p.cycleId,
    tracking_code: trackingCode(),
    title: p.title,
    content: p.content,
    reason: p.reason,
    cost_wan: p.costWan,
    area: p.area,
    district: p.district,
    location: p.location,
    proposer_name: p.proposerName,
    proposer_phone: p.proposerPhone,
    channel: p.channel,
    collection_point_id: p.pointId,
    channel_note: p.channelNote,
    carried_from_proposal_id: p.carriedFromProposalId ?? null,
    carried_from_candidate_id: p.carriedFromCandidateId ?? null,
    search_text: text,
    grams,
    gram_count: grams.length,
    received_at: p.receivedAt,
    created_by: p.createdBy,
  };
}

/** 400 VALIDATION naming the field, with a message the form can show next to it. */
function invalid(field: string, reason: string, zh?: string): never {
  throw new AppError('VALIDATION', { field, reason }, zh ? { zh, en: `${field}: ${reason}` } : undefined);
}

export function canSeeContact(p: Principal): boolean {
  return p.kind === 'user' && p.user.roles.some((r) => r === 'staff' || r === 'admin');
}

export function toSummary(r: SummaryRow): ProposalSummary {
  return {
    id: r.id,
    no: Number(r.no),
    cycleId: r.cycle_id,
    trackingCode: formatTrackingCode(r.tracking_code),
    title: r.title,
    content: r.content,
    area: r.area,
    district: r.district,
    location: r.location,
    channel: r.channel as ProposalSummary['channel'],
    pointId: r.collection_point_id,
    pointName: r.point_name,
    status: r.status as ProposalStatus,
    receivedAt: iso(r.received_at),
    candidate: r.candidate_id && r.candidate_name !== null ? { id: r.candidate_id, name: r.candidate_name } : null,
    carried: r.carried_from_proposal_id !== null || r.carried_from_candidate_id !== null,
  };
}

function noticeState(n: { opens_at: Date; closes_at: Date }, frozen: boolean, now: Date): CollectionNotice['state'] {
  if (frozen || now >= n.closes_at) return 'closed';
  return now < n.opens_at ? 'upcoming' : 'open';
}

function toNotice(n: CollectionNoticeRow, frozen: boolean, now = new Date()): CollectionNotice {
  return {
    cycleId: n.cycle_id,
    title: n.title,
    body: n.body,
    opensAt: iso(n.opens_at),
    closesAt: iso(n.closes_at),
    areas: n.areas,
    districts: n.districts,
    state: noticeState(n, frozen, now),
    serverTime: iso(now),
  };
}

/** A YYYY-MM-DD filter is a day in China Standard Time; `end` gives the next day's start. */
function dayBound(v: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const start = new Date(`${v}T00:00:00${CHINA_OFFSET}`);
    return end ? new Date(start.getTime() + 86_400_000) : start;
  }
  return new Date(v);
}

/** Per candidate, the last certified vote or run-off that decided it. */
function outcomes(polls: { result: unknown; certified_at: Date | null }[]): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  for (const p of polls) {
    const result = p.result as PollResult | null;
    if (!result || !Array.isArray(result.rows)) continue;
    for (const row of result.rows) {
      out.set(row.candidateId, { status: row.status, votesFor: row.for, rank: row.rank, certifiedAt: p.certified_at ? iso(p.certified_at) : null });
    }
  }
  return out;
}

export class ProposalsService {
  constructor(
    private readonly db: Db,
    private readonly publicUrl: string,
  ) {}

  // ====================================================================== notice & points

  private async cycleOr404(db: DbOrTx, cycleId: string) {
    const c = await repo.cycleRef(db, cycleId);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  async notice(cycleId: string): Promise<CollectionNotice> {
    const cycle = await this.cycleOr404(this.db, cycleId);
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

  async publicCycles() {
    const now = new Date();
    return (await repo.publicNotices(this.db)).map((r) => ({
      cycle: { id: r.cycle_id, name: r.name, year: r.year, level: r.level as Level },
      title: r.title,
      opensAt: iso(r.opens_at),
      closesAt: iso(r.closes_at),
      state: noticeState(r, r.frozen_at !== null, now),
      listFrozen: r.frozen_at !== null,
    }));
  }

  async publicCollection(cycleId: string): Promise<PublicCollection> {
    const cycle = await this.cycleOr404(this.db, cycleId);
    const n = await repo.notice(this.db, cycleId);
    if (!n) throw new AppError('COLLECTION_NOT_PUBLISHED');
    const points = await repo.points(this.db, cycleId);
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level as Level },
      notice: toNotice(n, cycle.frozen_at !== null),
      points: points.map((p) => ({ id: p.id, name: p.name, address: p.address })),
      channels: [...PUBLIC_CHANNELS],
      limits: { title: PROPOSAL_LIMITS.title, content: PROPOSAL_LIMITS.content, reason: PROPOSAL_LIMITS.reason },
    };
  }

  async points(cycleId: string): Promise<CollectionPoint[]> {
    await this.cycleOr404(this.db, cycleId);
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
      await this.cycleOr404(trx, cycleId);
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
    const cycle = await this.cycleOr404(this.db, cycleId);
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

  // ====================================================================== submitting

  /** Cleans and checks the fields a citizen or staff typed; throws VALIDATION naming the field. */
  private cleanFields(
    b: Pick<SubmitProposalBody, 'title' | 'content' | 'reason' | 'costWan' | 'area' | 'district' | 'location' | 'proposerName' | 'proposerPhone'>,
    areas: readonly string[],
    districts: readonly string[],
  ) {
    const title = cleanText(b.title);
    const content = cleanText(b.content, true);
    if (title === '') invalid('title', 'required', '请填写建议标题');
    if (content === '') invalid('content', 'required', '请填写建议内容');
    const area = cleanText(b.area);
    if (!areas.includes(area)) invalid('area', `area must be one of: ${areas.join(', ')}`, '请选择所属领域');
    const district = cleanText(b.district ?? '');
    if (district !== '' && districts.length > 0 && !districts.includes(district)) invalid('district', 'unknown district', '请从列表中选择区县');
    const phone = cleanPhone(b.proposerPhone ?? '');
    if (phone === 'invalid') invalid('proposerPhone', 'phone number is invalid', '电话号码格式不正确');
    const name = cleanText(b.proposerName ?? '');
    return {
      title,
      content,
      reason: cleanText(b.reason ?? '', true),
      costWan: b.costWan === undefined || b.costWan === null ? null : Math.round(b.costWan * 100) / 100,
      area,
      district,
      location: cleanText(b.location ?? ''),
      proposerName: name === '' ? null : name,
      proposerPhone: phone,
    };
  }

  private async choicesFor(db: DbOrTx, cycleId: string) {
    const n = await repo.notice(db, cycleId);
    return { notice: n, areas: n?.areas ?? [...DEFAULT_AREAS], districts: n?.districts ?? [] };
  }

  private async pointOf(db: DbOrTx, cycleId: string, pointId: string | undefined): Promise<string | null> {
    if (!pointId) return null;
    const p = await repo.point(db, pointId);
    if (!p || p.cycle_id !== cycleId) invalid('pointId', 'unknown collection point', '收集点不存在');
    return p.id;
  }

  /** Inserts proposals with their codes, bigrams and 'received' events; rows in input order. */
  private async insertProposals(trx: Tx, items: NewProposal[], eventDetail: (p: NewProposal) => Record<string, unknown>) {
    const out: { id: string; no: number; tracking_code: string; received_at: Date; status: string }[] = [];
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      const prepared = chunk.map((p) => ({ p, row: proposalRow(p) }));
      const rows = await repo.insertMany(
        trx,
        prepared.map((x) => x.row),
      );
      const byCode = new Map(rows.map((r) => [r.tracking_code, r]));
      const ordered = prepared.map((x) => byCode.get(x.row.tracking_code)!);
      await repo.insertGrams(
        trx,
        prepared.map((x, k) => ({ cycleId: x.p.cycleId, proposalId: ordered[k]!.id, grams: x.row.grams })),
      );
      await repo.insertEvents(
        trx,
        prepared.map((x, k) => ({
          proposal_id: ordered[k]!.id,
          at: x.p.receivedAt,
          kind: 'received',
          actor: x.p.createdBy,
          public: true,
          detail: JSON.stringify(eventDetail(x.p)),
        })),
      );
      out.push(...ordered.map((r) => ({ ...r, no: Number(r.no) })));
    }
    return out;
  }

  /** A citizen's proposal through the portal: only while the notice's window is open. */
  async submit(cycleId: string, b: SubmitProposalBody, client: ClientInfo): Promise<SubmitReceipt> {
    // A field people never see: only form-filling robots write in it. A clear refusal rather than
    // a pretend success, so a person whose browser auto-filled it is told, not silently lost.
    if (b.website !== undefined && b.website.trim() !== '') throw new AppError('SUBMISSION_REFUSED');
    // Two round trips in all: one read (cycle, notice, point), one statement that writes.
    const ctx = await repo.submitContext(this.db, cycleId, b.pointId ?? null);
    if (!ctx) throw new AppError('NOT_FOUND');
    const { notice } = ctx;
    if (!notice) throw new AppError('COLLECTION_NOT_PUBLISHED');
    const now = new Date();
    const state = noticeState(notice, ctx.frozenAt !== null, now);
    if (state === 'upcoming') throw new AppError('COLLECTION_NOT_OPEN', { opensAt: iso(notice.opens_at), closesAt: iso(notice.closes_at) });
    if (state === 'closed') throw new AppError('COLLECTION_CLOSED', { opensAt: iso(notice.opens_at), closesAt: iso(notice.closes_at) });
    const f = this.cleanFields(b, notice.areas, notice.districts);
    const channel = b.channel ?? 'web';
    if (channel === 'qr' && !b.pointId) invalid('pointId', 'a QR submission names its collection point', '缺少收集点');
    if (!ctx.pointOk) invalid('pointId', 'unknown collection point', '收集点不存在');

    const clientHash = sha256(`${client.ip}|${(b.clientId ?? '').slice(0, 64) || client.userAgent.slice(0, 300)}`);
    const cHash = contentHash(cycleId, f.title, f.content);
    const since = new Date(now.getTime() - FOLD_WINDOW_MS);
    const proposal = {
      ...proposalRow({ ...f, cycleId, channel, pointId: b.pointId ?? null, channelNote: '', receivedAt: now, createdBy: 'public' }),
      id: randomUUID(),
    };
    // A lost claim means an identical submission holds the slot; read it (a fresh statement sees
    // it once committed). Should that proposal be gone by then (deleted), claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await repo.submitOnce(this.db, { clientHash, contentHash: cHash, since, proposal, eventDetail: JSON.stringify({ channel }) });
      if (row) return { trackingCode: formatTrackingCode(row.tracking_code), duplicate: false, receivedAt: iso(row.received_at), status: 'received' };
      const prior = await repo.recentSubmission(this.db, clientHash, cHash, since);
      if (prior) {
        return { trackingCode: formatTrackingCode(prior.tracking_code), duplicate: true, receivedAt: iso(prior.received_at), status: prior.status as ProposalStatus };
      }
    }
    throw new AppError('INTERNAL');
  }

  /** Drops double-submit slots older than the folding window (called by the app's sweeper). */
  async pruneSubmissions(): Promise<void> {
    await repo.pruneSubmissions(this.db, new Date(Date.now() - FOLD_WINDOW_MS));
  }

  /** Staff enter a hotline call, a letter or a deputy's suggestion; the window does not apply. */
  async enter(actor: Principal, cycleId: string, b: StaffProposalBody): Promise<ProposalDetail> {
    const id = await this.db.transaction().execute(async (trx) => {
      await this.cycleOr404(trx, cycleId);
      const { areas, districts } = await this.choicesFor(trx, cycleId);
      const f = this.cleanFields(b, areas, districts);
      const pointId = await this.pointOf(trx, cycleId, b.pointId);
      const receivedAt = b.receivedAt ? new Date(b.receivedAt) : new Date();
      if (receivedAt.getTime() > Date.now() + 86_400_000) invalid('receivedAt', 'in the future', '收到时间不能晚于今天');
      const [row] = await this.insertProposals(
        trx,
        [{ ...f, cycleId, channel: b.channel, pointId, channelNote: cleanText(b.channelNote ?? ''), receivedAt: new Date(Math.floor(receivedAt.getTime())), createdBy: actorOf(actor) }],
        (p) => ({ channel: p.channel }),
      );
      await appendAudit(trx, { actor: actorOf(actor), action: 'proposal.entered', subject: `proposal:${row!.id}`, details: { cycleId, channel: b.channel, no: row!.no } });
      return row!.id;
    });
    return this.detail(actor, id);
  }

  async importSheet(actor: Principal, cycleId: string, b: ProposalImportBody) {
    await this.cycleOr404(this.db, cycleId);
    const { areas, districts } = await this.choicesFor(this.db, cycleId);
    const pointId = await this.pointOf(this.db, cycleId, b.pointId);
    const parsed = await parseProposalSheet(Buffer.from(b.contentBase64, 'base64'), b.fileName, { areas, districts, defaultChannel: b.channel, now: new Date() });
    if (!parsed.ok) {
      if ('fileError' in parsed) throw new AppError('BAD_FILE');
      throw new AppError('PROPOSALS_INVALID', { errors: parsed.errors });
    }
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const rows = await this.insertProposals(
        trx,
        parsed.rows.map((r) => ({
          cycleId,
          title: r.title,
          content: r.content,
          reason: r.reason,
          costWan: r.costWan,
          area: r.area,
          district: r.district,
          location: r.location,
          proposerName: r.proposerName,
          proposerPhone: r.proposerPhone,
          channel: r.channel,
          pointId,
          channelNote: r.channelNote,
          receivedAt: r.receivedAt ?? now,
          createdBy: by,
        })),
        (p) => ({ channel: p.channel, imported: true }),
      );
      await appendAudit(trx, { actor: by, action: 'proposal.imported', subject: `cycle:${cycleId}`, details: { fileName: b.fileName, count: rows.length, firstNo: rows[0]?.no ?? null } });
      return {
        imported: rows.length,
        proposals: rows.map((r, i) => ({ row: parsed.rows[i]!.row, id: r.id, no: r.no, trackingCode: formatTrackingCode(r.tracking_code) })),
      };
    });
  }

  // ====================================================================== the queue

  private filterOf(cycleId: string, q: Omit<ProposalQuery, 'cursor' | 'limit' | 'sort'>): QueueFilter {
    const f: QueueFilter = { cycleId };
    if (q.status?.length) f.statuses = q.status;
    if (q.area) f.area = q.area;
    if (q.district) f.district = q.district;
    if (q.channel?.length) f.channels = q.channel;
    if (q.pointId) f.pointId = q.pointId;
    if (q.candidateId) f.candidateId = q.candidateId;
    if (q.from) f.from = dayBound(q.from, false);
    if (q.to) f.to = dayBound(q.to, true);
    const text = (q.q ?? '').trim();
    if (text !== '') {
      const normalized = normalizeText(text);
      const no = /^#?(\d{1,15})$/.exec(text.normalize('NFKC'));
      f.search = {
        like: normalized === '' ? null : `%${escapeLike(normalized)}%`,
        grams: bigrams(normalized),
        code: normalizeTrackingCode(text),
        no: no ? Number(no[1]) : null,
      };
    }
    return f;
  }

  async queue(cycleId: string, q: ProposalQuery): Promise<ProposalPage> {
    await this.cycleOr404(this.db, cycleId);
    const sort = q.sort ?? 'newest';
    const limit = q.limit ?? 50;
    let after: { receivedAt: Date; no: number } | null = null;
    if (q.cursor) {
      try {
        const [s, t, no] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [string, string, number];
        const receivedAt = new Date(t);
        if (s !== sort || Number.isNaN(receivedAt.getTime()) || !Number.isInteger(no)) throw new Error('cursor');
        after = { receivedAt, no };
      } catch {
        invalid('cursor', 'not a cursor of this query', '翻页参数无效，请从第一页重新查询');
      }
    }
    const f = this.filterOf(cycleId, q);
    const [rows, counts] = await Promise.all([repo.page(this.db, f, sort, after, limit + 1), repo.statusCounts(this.db, f)]);
    const statusCounts = Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, 0])) as Record<ProposalStatus, number>;
    for (const c of counts) statusCounts[c.status as ProposalStatus] = Number(c.n);
    const total = (f.statuses ?? PROPOSAL_STATUSES).reduce((sum, s) => sum + statusCounts[s as ProposalStatus], 0);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSummary),
      total,
      statusCounts,
      nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([sort, iso(last.received_at), Number(last.no)])).toString('base64url') : null,
    };
  }

  async detail(viewer: Principal, id: string, db: DbOrTx = this.db): Promise<ProposalDetail> {
    const row = await repo.get(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    const [summary] = await repo.summariesByIds(db, [id]);
    const [events, links, children] = await Promise.all([repo.events(db, [id], false), repo.links(db, id), repo.carriedChildren(db, [id])]);
    let carriedFrom: ProposalDetail['carriedFrom'] = null;
    if (row.carried_from_proposal_id) {
      const src = await repo.get(db, row.carried_from_proposal_id);
      const cyc = src ? await repo.cycleRef(db, src.cycle_id) : undefined;
      if (src && cyc) carriedFrom = { proposalId: src.id, candidateId: null, cycleId: cyc.id, cycleName: cyc.name, title: src.title, no: Number(src.no) };
    } else if (row.carried_from_candidate_id) {
      const cand = await cyclesRepository.candidate(db, row.carried_from_candidate_id);
      const cyc = cand ? await repo.cycleRef(db, cand.cycle_id) : undefined;
      if (cand && cyc) carriedFrom = { proposalId: null, candidateId: cand.id, cycleId: cyc.id, cycleName: cyc.name, title: cand.name, no: null };
    }
    const contact = canSeeContact(viewer);
    return {
      ...toSummary(summary!),
      reason: row.reason,
      costWan: row.cost_wan === null ? null : Number(row.cost_wan),
      proposerName: contact ? row.proposer_name : null,
      proposerPhone: contact ? row.proposer_phone : null,
      contactVisible: contact,
      channelNote: row.channel_note,
      decisionReason: row.decision_reason,
      routedTo: row.routed_to,
      createdBy: row.created_by,
      events: events.map((e) => ({ id: Number(e.id), at: iso(e.at), kind: e.kind as ProposalDetail['events'][number]['kind'], actor: e.actor, public: e.public, detail: e.detail })),
      links: links.map((l) => ({
        id: l.id,
        candidateId: l.candidate_id,
        candidateName: l.candidate_name,
        linkedAt: iso(l.linked_at),
        linkedBy: l.linked_by,
        undoneAt: l.undone_at ? iso(l.undone_at) : null,
        undoneBy: l.undone_by,
      })),
      carriedFrom,
      carriedTo: children.map((c) => ({ proposalId: c.id, candidateId: null, cycleId: c.cycle_id, cycleName: c.cycle_name, title: c.title, no: Number(c.no) })),
    };
  }

  async update(actor: Principal, id: string, b: UpdateProposalBody): Promise<ProposalDetail> {
    await this.db.transaction().execute(async (trx) => {
      const [locked] = await repo.lockMany(trx, [id]);
      if (!locked) throw new AppError('NOT_FOUND');
      const cur = (await repo.get(trx, id))!;
      const { areas, districts } = await this.choicesFor(trx, cur.cycle_id);
      // Unchanged fields pass even if the notice's lists changed since.
      const f = this.cleanFields(
        {
          title: b.title ?? cur.title,
          content: b.content ?? cur.content,
          reason: b.reason ?? cur.reason,
          costWan: b.costWan === undefined ? (cur.cost_wan === null ? null : Number(cur.cost_wan)) : b.costWan,
          area: b.area ?? cur.area,
          district: b.district ?? cur.district,
          location: b.location ?? cur.location,
        },
        b.area === undefined ? [...areas, cur.area] : areas,
        b.district === undefined ? [] : districts,
      );
      const fields = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
      const text = searchText(f);
      const regram = text !== cur.search_text;
      const grams = regram ? bigrams(text) : [];
      await repo.update(trx, id, {
        title: f.title,
        content: f.content,
        reason: f.reason,
        cost_wan: f.costWan,
        area: f.area,
        district: f.district,
        location: f.location,
        ...(b.channelNote !== undefined && { channel_note: cleanText(b.channelNote) }),
        ...(regram && { search_text: text, grams, gram_count: grams.length }),
        updated_at: new Date(),
      });
      if (regram) {
        await repo.deleteGrams(trx, { cycleId: cur.cycle_id, proposalId: id, grams: cur.grams });
        await repo.insertGrams(trx, [{ cycleId: cur.cycle_id, proposalId: id, grams }]);
      }
      await repo.insertEvents(trx, [{ proposal_id: id, kind: 'edited', actor: actorOf(actor), public: false, detail: JSON.stringify({ fields }) }]);
      await appendAudit(trx, { actor: actorOf(actor), action: 'proposal.edited', subject: `proposal:${id}`, details: { fields } });
    });
    return this.detail(actor, id);
  }

  // ====================================================================== review actions

  /** Locks the proposals, all of one cycle; refuses unknown ids and ones already carried on. */
  private async lockForAction(trx: Tx, cycleId: string, ids: readonly string[]) {
    const rows = await repo.lockMany(trx, ids);
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new AppError('NOT_FOUND', { missing: ids.filter((i) => !found.has(i)) });
    }
    const foreign = rows.filter((r) => r.cycle_id !== cycleId);
    if (foreign.length > 0) throw new AppError('WRONG_CYCLE', { proposals: foreign.map((r) => Number(r.no)) });
    const carried = await repo.carriedChildren(trx, ids);
    if (carried.length > 0) {
      throw new AppError('PROPOSAL_STATE', { reason: 'carried into another cycle', proposals: carried.map((c) => c.carried_from_proposal_id) });
    }
    return rows;
  }

  async act(actor: Principal, cycleId: string, b: ProposalActionBody): Promise<{ changed: number; unchanged: number }> {
    const reason = cleanText(b.reason ?? '', true);
    const routedTo = cleanText(b.routedTo ?? '');
    if (b.action === 'reject' && reason === '') invalid('reason', 'a rejection needs a reason the citizen will see', '请填写不予采纳的理由（群众可见）');
    if (b.action === 'route' && routedTo === '') invalid('routedTo', 'say where it is routed', '请填写转交的层级或单位');
    const t = TRANSITIONS[b.action];
    const keepsReason = b.action === 'reject' || b.action === 'reserve' || b.action === 'route';
    const newReason = keepsReason && reason !== '' ? reason : null;
    const newRoutedTo = b.action === 'route' ? routedTo : null;
    if (b.routedToCycleId !== undefined && b.action !== 'route') invalid('routedToCycleId', 'only a routing names a receiving cycle', '只有转交时才能指定接收年度');
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const source = await cyclesRepository.get(trx, cycleId);
      if (!source) throw new AppError('NOT_FOUND');
      const target = b.routedToCycleId === undefined ? null : await cyclesRepository.lock(trx, b.routedToCycleId);
      if (b.routedToCycleId !== undefined) {
        if (!target) throw new AppError('NOT_FOUND', { field: 'routedToCycleId' });
        if (target.level === source.level) invalid('routedToCycleId', 'routing goes to another level', '转交须转到其他层级的年度');
        if (target.frozen_at) throw new AppError('LIST_FROZEN');
      }
      const rows = await this.lockForAction(trx, cycleId, b.proposalIds);
      const wrong = rows.filter((r) => !t.from.includes(r.status as ProposalStatus) && !t.idle.includes(r.status as ProposalStatus));
      if (wrong.length > 0) {
        throw new AppError('PROPOSAL_STATE', {
          action: b.action,
          ...(wrong.some((r) => r.status === 'accepted' || r.status === 'merged') && { hint: 'unmerge first' }),
          proposals: wrong.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })),
        });
      }
      // Already there: still a change the citizen should see if the reason or destination is new.
      const ids = rows
        .filter((r) => t.from.includes(r.status as ProposalStatus) || (r.status === t.to && keepsReason && (r.decision_reason !== newReason || r.routed_to !== newRoutedTo)))
        .map((r) => r.id);
      await repo.setStatus(trx, ids, { status: t.to, decision_reason: newReason, routed_to: newRoutedTo, updated_at: new Date() });
      const detail = { ...(newReason !== null && { reason: newReason }), ...(newRoutedTo !== null && { routedTo: newRoutedTo }) };
      await repo.insertEvents(trx, ids.map((id) => ({ proposal_id: id, kind: t.event, actor: by, public: true, detail: JSON.stringify(detail) })));
      if (ids.length > 0) await appendAudit(trx, { actor: by, action: `proposal.${b.action}`, subject: `cycle:${cycleId}`, details: { proposals: ids, ...detail } });
      if (target) await this.deliverRouted(trx, by, source.name, target, ids);
      return { changed: ids.length, unchanged: rows.length - ids.length };
    });
  }

  /** A routed proposal lands in the receiving level's queue as a new proposal that links back. */
  private async deliverRouted(trx: Tx, by: string, sourceName: string, target: { id: string; name: string }, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const already = await repo.carriedChildren(trx, ids);
    const fresh = ids.filter((id) => !already.some((c) => c.carried_from_proposal_id === id));
    const { areas } = await this.choicesFor(trx, target.id);
    const now = new Date();
    const sources: ProposalRow[] = [];
    for (const id of fresh) sources.push((await repo.get(trx, id))!);
    const area = (a: string) => (areas.includes(a) ? a : areas.includes('其他') ? '其他' : a);
    const created = await this.insertProposals(
      trx,
      sources.map((s) => copyInto(s, target.id, area(s.area), `${sourceName} 第 ${Number(s.no)} 号（转办）`, by, now)),
      () => ({ carriedFrom: 'proposal' }),
    );
    await repo.setRoutedCycle(trx, ids, target.id);
    await repo.insertEvents(trx, [
      ...created.map((row) => ({ proposal_id: row.id, kind: 'carried_in', actor: by, public: true, detail: JSON.stringify({ cycleName: sourceName }) })),
      ...sources.map((s) => ({ proposal_id: s.id, kind: 'carried_out', actor: by, public: true, detail: JSON.stringify({ cycleId: target.id, cycleName: target.name }) })),
    ]);
    await appendAudit(trx, { actor: by, action: 'proposal.delivered', subject: `cycle:${target.id}`, details: { proposals: fresh, created: created.map((c) => c.id) } });
  }

  // ====================================================================== merge

  async merge(actor: Principal, cycleId: string, b: MergeBody): Promise<MergeResult> {
    if ((b.candidateId === undefined) === (b.newCandidate === undefined)) {
      invalid('candidateId', 'give exactly one of candidateId and newCandidate', '请选择已有候选项目或新建候选项目（二选一）');
    }
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const rows = await this.lockForAction(trx, cycleId, b.proposalIds);
      const links = await repo.activeLinks(trx, b.proposalIds);
      let candidate: Candidate;
      if (b.candidateId) {
        const c = await cyclesRepository.candidate(trx, b.candidateId);
        if (!c) throw new AppError('NOT_FOUND');
        if (c.cycle_id !== cycleId) throw new AppError('WRONG_CYCLE');
        candidate = toCandidate(c);
      } else {
        const n = b.newCandidate!;
        const { max } = await cyclesRepository.maxPosition(trx, cycleId);
        const row = await cyclesRepository.insertCandidate(trx, {
          cycle_id: cycleId,
          position: Number(max) + 1,
          name: cleanText(n.name),
          ...(n.content !== undefined && { content: n.content }),
          ...(n.targets !== undefined && { targets: n.targets }),
          ...(n.department !== undefined && { department: n.department }),
          ...(n.investmentWan !== undefined && { investment_wan: n.investmentWan }),
          ...(n.fundingSource !== undefined && { funding_source: n.fundingSource }),
          ...(n.deadline !== undefined && { deadline: n.deadline }),
          ...(n.location !== undefined && { location: n.location }),
          ...(n.category !== undefined && { category: n.category }),
          ...(n.subItems !== undefined && { sub_items: JSON.stringify(n.subItems) }),
        });
        candidate = toCandidate(row);
        await appendAudit(trx, { actor: by, action: 'candidate.created', subject: `candidate:${row.id}`, details: { cycleId, name: row.name, fromProposals: b.proposalIds.length } });
      }
      const elsewhere = links.filter((l) => l.candidate_id !== candidate.id);
      if (elsewhere.length > 0) {
        const no = new Map(rows.map((r) => [r.id, Number(r.no)]));
        throw new AppError('PROPOSAL_MERGED_ELSEWHERE', { proposals: elsewhere.map((l) => ({ id: l.proposal_id, no: no.get(l.proposal_id), candidateId: l.candidate_id, candidateName: l.candidate_name })) });
      }
      const already = new Set(links.map((l) => l.proposal_id));
      const ids = rows.filter((r) => !already.has(r.id)).map((r) => r.id);
      const status: ProposalStatus = b.newCandidate ? 'accepted' : 'merged';
      await repo.insertLinks(trx, ids.map((id) => ({ proposal_id: id, candidate_id: candidate.id, linked_by: by })));
      await repo.setStatus(trx, ids, { status, decision_reason: null, routed_to: null, updated_at: new Date() });
      await repo.insertEvents(
        trx,
        ids.map((id) => ({ proposal_id: id, kind: status, actor: by, public: true, detail: JSON.stringify({ candidateId: candidate.id, candidateName: candidate.name }) })),
      );
      if (ids.length > 0) {
        await appendAudit(trx, { actor: by, action: 'proposal.merged', subject: `candidate:${candidate.id}`, details: { cycleId, proposals: ids, newCandidate: !!b.newCandidate } });
      }
      return { candidate, linked: ids.length, unchanged: rows.length - ids.length };
    });
  }

  /** Undoes merges before the freeze: the links stay in the history, marked undone. */
  async unmerge(actor: Principal, cycleId: string, proposalIds: string[], reason?: string): Promise<{ changed: number; unchanged: number }> {
    const by = actorOf(actor);
    const why = cleanText(reason ?? '', true);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const rows = await this.lockForAction(trx, cycleId, proposalIds);
      const links = await repo.activeLinks(trx, proposalIds);
      const linked = new Set(links.map((l) => l.proposal_id));
      const loose = rows.filter((r) => !linked.has(r.id));
      if (loose.length > 0) throw new AppError('PROPOSAL_NOT_MERGED', { proposals: loose.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })) });
      await repo.undoLinks(trx, links.map((l) => l.id), by);
      await repo.setStatus(trx, proposalIds, { status: 'under_review', updated_at: new Date() });
      await repo.insertEvents(
        trx,
        links.map((l) => ({
          proposal_id: l.proposal_id,
          kind: 'unmerged',
          actor: by,
          public: true,
          detail: JSON.stringify({ candidateId: l.candidate_id, candidateName: l.candidate_name, ...(why ? { reason: why } : {}) }),
        })),
      );
      await appendAudit(trx, {
        actor: by,
        action: 'proposal.unmerged',
        subject: `cycle:${cycleId}`,
        details: { links: links.map((l) => ({ proposal: l.proposal_id, candidate: l.candidate_id })), ...(why ? { reason: why } : {}) },
      });
      return { changed: links.length, unchanged: 0 };
    });
  }

  async candidateProposals(candidateId: string, includeUndone: boolean) {
    const cand = await cyclesRepository.candidate(this.db, candidateId);
    if (!cand) throw new AppError('NOT_FOUND');
    const links = await repo.candidateSources(this.db, candidateId, includeUndone);
    const summaries = new Map((await repo.summariesByIds(this.db, [...new Set(links.map((l) => l.proposal_id))])).map((s) => [s.id, toSummary(s)]));
    return links.map((l) => ({
      link: {
        id: l.id,
        candidateId: l.candidate_id,
        candidateName: l.candidate_name,
        linkedAt: iso(l.linked_at),
        linkedBy: l.linked_by,
        undoneAt: l.undone_at ? iso(l.undone_at) : null,
        undoneBy: l.undone_by,
      },
      proposal: summaries.get(l.proposal_id)!,
    }));
  }

  // ====================================================================== shortlist & freeze

  async shortlist(cycleId: string, db: DbOrTx = this.db): Promise<Shortlist> {
    const cycle = await cyclesRepository.get(db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const [candidates, sources, pending, decision] = await Promise.all([
      cyclesRepository.candidates(db, cycleId),
      repo.sourcesByCandidate(db, cycleId, SHORTLIST_SAMPLE),
      repo.pendingCount(db, cycleId),
      repo.decision(db, cycleId),
    ]);
    const bySource = new Map(sources.map((s) => [s.candidate_id, s]));
    const minRatio = Number(cycle.min_extra_ratio);
    const maxRatio = Number(cycle.max_extra_ratio);
    const verdict = checkShortlist(candidates.length, cycle.choose_n, minRatio, maxRatio);
    const check: ShortlistCheck = {
      places: cycle.choose_n,
      candidates: candidates.length,
      minExtraRatio: minRatio,
      maxExtraRatio: maxRatio,
      minCandidates: verdict.minCandidates,
      maxCandidates: verdict.maxCandidates,
      ok: verdict.status === 'ok',
      pendingProposals: Number(pending.n),
      unsourcedCandidates: candidates.filter((c) => !bySource.has(c.id)).length,
    };
    return {
      cycleId,
      frozen: cycle.frozen_at
        ? {
            at: iso(cycle.frozen_at),
            hash: cycle.frozen_hash ?? '',
            decision: cycle.freeze_decision ?? '',
            organ: (decision?.organ as 'presidium' | undefined) ?? null,
            decidedOn: decision?.decided_on ?? null,
            reference: decision?.reference ?? null,
          }
        : null,
      check,
      candidates: candidates.map((c) => {
        const s = bySource.get(c.id);
        return {
          ...toCandidate(c),
          sourceCount: s ? Number(s.n) : 0,
          sources: (s?.sample ?? []).map((x) => ({ id: x.id, no: Number(x.no), title: x.title, status: x.status as ProposalStatus, linkedAt: iso(new Date(x.linked_at)) })),
        };
      }),
    };
  }

  /**
   * Records the 主任会议 (township: 主席团) decision and freezes the list in one transaction:
   * the 差额 range is enforced (shared/src/domain/shortlist.ts), the list hashed, and from
   * then on the database refuses candidate changes and merges.
   */
  async freeze(actor: Principal, cycleId: string, b: FreezeShortlistBody): Promise<Shortlist> {
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const list = (await cyclesRepository.candidates(trx, cycleId)).map(toCandidate);
      if (list.length === 0) throw new AppError('LIST_EMPTY');
      const verdict = checkShortlist(list.length, cycle.choose_n, Number(cycle.min_extra_ratio), Number(cycle.max_extra_ratio));
      if (verdict.status !== 'ok') {
        throw new AppError('SHORTLIST_RATIO', { candidates: list.length, places: cycle.choose_n, minCandidates: verdict.minCandidates, maxCandidates: verdict.maxCandidates });
      }
      const hash = candidateListHash(list);
      const organ = b.organ === 'presidium' ? '主席团' : '主任会议';
      const reference = cleanText(b.reference);
      const decision = `${reference}（${b.decidedOn}）`;
      await cyclesRepository.update(trx, cycleId, { frozen_at: new Date(), frozen_hash: hash, freeze_decision: decision });
      await repo.insertDecision(trx, { cycle_id: cycleId, organ: b.organ, decided_on: b.decidedOn, reference, list_hash: hash, recorded_by: by });
      await appendAudit(trx, {
        actor: by,
        action: 'cycle.frozen',
        subject: `cycle:${cycleId}`,
        details: { decision, organ, decidedOn: b.decidedOn, reference, hash, candidates: list.length, places: cycle.choose_n },
      });
      return this.shortlist(cycleId, trx);
    });
  }

  // ====================================================================== reserve & carry-over

  async reserve(cycleId: string): Promise<Reserve> {
    await this.cycleOr404(this.db, cycleId);
    const reserved = await repo.reserved(this.db, cycleId);
    const carriedOn = new Set((await repo.carriedChildren(this.db, reserved.map((r) => r.id))).map((c) => c.carried_from_proposal_id));
    const results = outcomes(await repo.certifiedPolls(this.db, cycleId));
    const candidates = (await cyclesRepository.candidates(this.db, cycleId)).filter((c) => results.get(c.id)?.status === 'not_chosen');
    const carriedCands = new Set((await repo.carriedFromCandidates(this.db, null, candidates.map((c) => c.id))).map((c) => c.carried_from_candidate_id));
    const sources = new Map((await repo.sourcesByCandidate(this.db, cycleId, 0)).map((s) => [s.candidate_id, Number(s.n)]));
    return {
      cycleId,
      proposals: reserved.filter((r) => !carriedOn.has(r.id)).map(toSummary),
      candidates: candidates
        .filter((c) => !carriedCands.has(c.id))
        .map((c) => ({ candidate: toCandidate(c), outcome: results.get(c.id)!, sourceCount: sources.get(c.id) ?? 0 })),
    };
  }

  /**
   * Carries reserved proposals and candidates not chosen into another cycle as new proposals
   * (channel 'carried') that point back to where they came from; both sides get a timeline entry.
   */
  async carryOver(actor: Principal, targetCycleId: string, b: CarryOverBody) {
    const by = actorOf(actor);
    const proposalIds = b.proposalIds ?? [];
    const candidateIds = b.candidateIds ?? [];
    if (proposalIds.length + candidateIds.length === 0) invalid('proposalIds', 'nothing to carry', '请选择要转入的建议或候选项目');
    return this.db.transaction().execute(async (trx) => {
      const target = await cyclesRepository.lock(trx, targetCycleId);
      if (!target) throw new AppError('NOT_FOUND');
      if (target.frozen_at) throw new AppError('LIST_FROZEN');
      const { areas } = await this.choicesFor(trx, targetCycleId);
      const fallbackArea = (a: string) => (areas.includes(a) ? a : areas.includes('其他') ? '其他' : a);
      const items: NewProposal[] = [];
      /** Per item, the cycle it comes from (for the citizen's timeline). */
      const fromNames: string[] = [];
      const now = new Date();
      const sourceCycleNames = new Map<string, string>();
      const cycleName = async (id: string) => {
        if (!sourceCycleNames.has(id)) sourceCycleNames.set(id, (await repo.cycleRef(trx, id))?.name ?? '');
        return sourceCycleNames.get(id)!;
      };

      const locked = proposalIds.length ? await repo.lockMany(trx, proposalIds) : [];
      if (locked.length !== proposalIds.length) throw new AppError('NOT_FOUND');
      const bad = locked.filter((r) => r.status !== 'reserved' || r.cycle_id === targetCycleId);
      if (bad.length > 0) throw new AppError('NOT_CARRIABLE', { proposals: bad.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })) });
      const children = await repo.carriedChildren(trx, proposalIds);
      if (children.length > 0) throw new AppError('ALREADY_CARRIED', { proposals: children.map((c) => c.carried_from_proposal_id) });
      const sources: ProposalRow[] = [];
      for (const id of proposalIds) sources.push((await repo.get(trx, id))!);
      for (const s of sources) {
        items.push(copyInto(s, targetCycleId, fallbackArea(s.area), `${await cycleName(s.cycle_id)} 第 ${Number(s.no)} 号`, by, now));
        fromNames.push(await cycleName(s.cycle_id));
      }

      const cands = await cyclesRepository.candidatesByIds(trx, candidateIds);
      if (cands.length !== candidateIds.length) throw new AppError('NOT_FOUND');
      const carriedCands = await repo.carriedFromCandidates(trx, targetCycleId, candidateIds);
      if (carriedCands.length > 0) throw new AppError('ALREADY_CARRIED', { candidates: carriedCands.map((c) => c.carried_from_candidate_id) });
      const sourceLinks: { candidateId: string; proposalIds: string[] }[] = [];
      for (const c of cands) {
        const results = outcomes(await repo.certifiedPolls(trx, c.cycle_id));
        if (c.cycle_id === targetCycleId || results.get(c.id)?.status !== 'not_chosen') {
          throw new AppError('NOT_CARRIABLE', { candidates: [{ id: c.id, name: c.name, outcome: results.get(c.id)?.status ?? null }] });
        }
        items.push({
          cycleId: targetCycleId,
          title: c.name.slice(0, PROPOSAL_LIMITS.title),
          content: [c.content, c.targets].filter((x) => x !== '').join('\n').slice(0, PROPOSAL_LIMITS.content) || c.name,
          reason: '',
          costWan: c.investment_wan === null ? null : Number(c.investment_wan),
          area: fallbackArea(c.category || '其他'),
          district: '',
          location: c.location.slice(0, PROPOSAL_LIMITS.location),
          proposerName: null,
          proposerPhone: null,
          channel: 'carried',
          pointId: null,
          channelNote: `${await cycleName(c.cycle_id)} 候选项目（未入选）`,
          receivedAt: now,
          createdBy: by,
          carriedFromCandidateId: c.id,
        });
        fromNames.push(await cycleName(c.cycle_id));
        sourceLinks.push({ candidateId: c.id, proposalIds: (await repo.activeSourceIds(trx, c.id)).map((x) => x.proposal_id) });
      }

      const created = await this.insertProposals(trx, items, (p) => ({
        carriedFrom: p.carriedFromProposalId ? 'proposal' : 'candidate',
      }));
      const targetName = target.name;
      await repo.insertEvents(trx, [
        ...created.map((row, i) => ({
          proposal_id: row.id,
          kind: 'carried_in',
          actor: by,
          public: true,
          detail: JSON.stringify({ cycleName: fromNames[i] ?? '' }),
        })),
        ...sources.map((s) => ({ proposal_id: s.id, kind: 'carried_out', actor: by, public: true, detail: JSON.stringify({ cycleId: targetCycleId, cycleName: targetName }) })),
        ...sourceLinks.flatMap((l) =>
          l.proposalIds.map((pid) => ({ proposal_id: pid, kind: 'candidate_carried', actor: by, public: true, detail: JSON.stringify({ candidateId: l.candidateId, cycleId: targetCycleId, cycleName: targetName }) })),
        ),
      ]);
      await appendAudit(trx, {
        actor: by,
        action: 'proposal.carried',
        subject: `cycle:${targetCycleId}`,
        details: { proposals: proposalIds, candidates: candidateIds, created: created.map((c) => c.id) },
      });
      return { created: (await repo.summariesByIds(trx, created.map((c) => c.id))).map(toSummary).sort((a, b) => a.no - b.no) };
    });
  }

  // ====================================================================== export

  async export(viewer: Principal, cycleId: string, q: ProposalExportQuery): Promise<{ body: Buffer; contentType: string; fileName: string }> {
    const cycle = await this.cycleOr404(this.db, cycleId);
    const withContact = q.contact === true;
    if (withContact && !canSeeContact(viewer)) throw new AppError('FORBIDDEN');
    const rows = (await repo.exportRows(this.db, this.filterOf(cycleId, q))) as unknown as ExportRow[];
    const table = exportTable(rows, withContact);
    const format = q.format ?? 'xlsx';
    await appendAudit(this.db, { actor: actorOf(viewer), action: 'proposal.exported', subject: `cycle:${cycleId}`, details: { count: rows.length, format, contact: withContact } });
    const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const fileName = `proposals-${cycle.year}-${stamp}.${format}`;
    if (format === 'csv') return { body: toCsv(table), contentType: 'text/csv; charset=utf-8', fileName };
    return { body: await toXlsx(table, `${cycle.year}年度建议`), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName };
  }

  // ====================================================================== public views

  async track(codeInput: string): Promise<PublicProposal> {
    const code = normalizeTrackingCode(codeInput);
    const p = code ? await repo.trackingView(this.db, code) : undefined;
    if (!p) throw new AppError('TRACKING_CODE_UNKNOWN');
    const frozen = p.cycle_frozen_at !== null;
    let candidate: PublicProposal['candidate'] = null;
    if (p.link) {
      // Only a proposal that fed a candidate of a frozen list can have an outcome: the rare case.
      const outcome = frozen ? (outcomes(await repo.certifiedPolls(this.db, p.cycle_id)).get(p.link.candidate_id) ?? null) : null;
      candidate = { id: p.link.candidate_id, name: p.link.candidate_name, listFrozen: frozen, listDecision: p.cycle_freeze_decision, outcome };
    }
    const child = p.child;
    return {
      trackingCode: formatTrackingCode(p.tracking_code),
      cycle: { id: p.cycle_id, name: p.cycle_name, year: p.cycle_year, level: p.cycle_level as Level },
      title: p.title,
      content: p.content,
      reason: p.reason,
      area: p.area,
      district: p.district,
      location: p.location,
      channel: p.channel as PublicProposal['channel'],
      receivedAt: iso(p.received_at),
      status: p.status as ProposalStatus,
      decisionReason: p.status === 'rejected' || p.status === 'reserved' || p.status === 'routed' ? p.decision_reason : null,
      routedTo: p.status === 'routed' ? p.routed_to : null,
      candidate,
      // Only the whitelisted fields of each entry: never who did it.
      timeline: p.events.map((e) => {
        const d = e.detail ?? {};
        const str = (k: string) => (typeof d[k] === 'string' ? { [k]: d[k] as string } : {});
        return { at: iso(new Date(e.at)), kind: e.kind as PublicProposal['timeline'][number]['kind'], ...str('candidateName'), ...str('reason'), ...str('routedTo'), ...str('cycleName') };
      }),
      carriedTo: child
        ? { trackingCode: formatTrackingCode(child.tracking_code), cycle: { id: child.cycle_id, name: child.cycle_name, year: child.year, level: child.level as Level }, status: child.status as ProposalStatus }
        : null,
    };
  }

  async publicShortlist(cycleId: string): Promise<PublicShortlist> {
    const cycle = await this.cycleOr404(this.db, cycleId);
    if (!cycle.frozen_at) throw new AppError('LIST_NOT_FROZEN');
    const [candidates, sources] = await Promise.all([cyclesRepository.candidates(this.db, cycleId), repo.sourcesByCandidate(this.db, cycleId, 0)]);
    const counts = new Map(sources.map((s) => [s.candidate_id, Number(s.n)]));
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level as Level },
      frozenAt: iso(cycle.frozen_at),
      hash: cycle.frozen_hash ?? '',
      decision: cycle.freeze_decision ?? '',
      candidates: candidates.map((c) => ({
        id: c.id,
        position: c.position,
        name: c.name,
        content: c.content,
        targets: c.targets,
        category: c.category,
        department: c.department,
        investmentWan: c.investment_wan === null ? null : Number(c.investment_wan),
        location: c.location,
        sourceCount: counts.get(c.id) ?? 0,
      })),
    };
  }
}
