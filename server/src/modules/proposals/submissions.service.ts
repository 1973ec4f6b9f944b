import type { ProposalDetail, ProposalImportBody, ProposalStatus, StaffProposalBody, SubmitProposalBody, SubmitReceipt } from '@piaojue/shared';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { parseProposalSheet } from './proposals-import.ts';
import { choicesFor, cleanFields, cycleOr404, insertProposals, invalid, pointOf, proposalRow } from './proposals.intake.ts';
import { iso, noticeState } from './proposals.mappers.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';
import { cleanText, contentHash, formatTrackingCode } from './proposals-text.ts';
import type { ReviewService } from './review.service.ts';

/** A double tap or a resent form within this window returns the first tracking code. */
const FOLD_WINDOW_MS = 10 * 60_000;

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

/** Proposals coming in: a citizen through the portal, staff on a citizen's behalf, a sheet. */
export class SubmissionsService {
  constructor(
    private readonly db: Db,
    private readonly review: ReviewService,
  ) {}

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
    const f = cleanFields(b, notice.areas, notice.districts);
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
      await cycleOr404(trx, cycleId);
      const { areas, districts } = await choicesFor(trx, cycleId);
      const f = cleanFields(b, areas, districts);
      const pointId = await pointOf(trx, cycleId, b.pointId);
      const receivedAt = b.receivedAt ? new Date(b.receivedAt) : new Date();
      if (receivedAt.getTime() > Date.now() + 86_400_000) invalid('receivedAt', 'in the future', '收到时间不能晚于今天');
      const [row] = await insertProposals(
        trx,
        [{ ...f, cycleId, channel: b.channel, pointId, channelNote: cleanText(b.channelNote ?? ''), receivedAt: new Date(Math.floor(receivedAt.getTime())), createdBy: actorOf(actor) }],
        (p) => ({ channel: p.channel }),
      );
      await appendAudit(trx, { actor: actorOf(actor), action: 'proposal.entered', subject: `proposal:${row!.id}`, details: { cycleId, channel: b.channel, no: row!.no } });
      return row!.id;
    });
    return this.review.detail(actor, id);
  }

  async importSheet(actor: Principal, cycleId: string, b: ProposalImportBody) {
    await cycleOr404(this.db, cycleId);
    const { areas, districts } = await choicesFor(this.db, cycleId);
    const pointId = await pointOf(this.db, cycleId, b.pointId);
    const parsed = await parseProposalSheet(Buffer.from(b.contentBase64, 'base64'), b.fileName, { areas, districts, defaultChannel: b.channel, now: new Date() });
    if (!parsed.ok) {
      if ('fileError' in parsed) throw new AppError('BAD_FILE');
      throw new AppError('PROPOSALS_INVALID', { errors: parsed.errors });
    }
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const rows = await insertProposals(
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
}
