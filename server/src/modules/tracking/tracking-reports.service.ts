import type { ProgressReportBody, TrackingAttachment, TrackingReport } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { decodeAttachment } from '../../lib/attachments.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { checkDepartment, isStaff, lockProject, userOf, type User } from './tracking-access.ts';
import { toAttachment, toReport } from './tracking.mappers.ts';
import { trackingRepository as repo } from './tracking.repository.ts';
import { loadBundle } from './tracking.views.ts';
import { chinaToday } from './tracking-status.ts';

/** 责任单位 progress reports and their attachments. */
export class TrackingReportsService {
  constructor(
    private readonly db: Db,
    /** Whether a department's "public" waits for staff review (config TRACKING_PUBLIC_REVIEW). */
    private readonly publicReview = true,
  ) {}

  /** Staff publish their own attachments at once; a department's wait for review unless opted out. */
  private publishesAtOnce(u: User): boolean {
    return !this.publicReview || isStaff(u);
  }

  async report(actor: Principal, projectId: string, body: ProgressReportBody): Promise<TrackingReport> {
    const u = userOf(actor);
    // Decoded and checked before the transaction, which then only writes.
    const files = (body.attachments ?? []).map(decodeAttachment);
    const explanation = body.explanation?.trim() || null;
    return this.db.transaction().execute(async (trx) => {
      const p = await lockProject(trx, projectId);
      await checkDepartment(trx, u, p.department, 'report');
      if (p.state === 'cancelled') throw new AppError('PROJECT_STATE', { state: p.state });
      if (!p.plan_published_at) throw new AppError('PLAN_NOT_PUBLISHED');
      const previous = await repo.lastPercent(trx, projectId);
      if (previous !== null && body.percent < previous && !explanation) throw new AppError('PROGRESS_REGRESSION', { previous, percent: body.percent });
      const wanted = body.milestoneIds ?? [];
      if (wanted.length > 0) {
        const own = new Map((await repo.milestones(trx, [projectId])).map((m) => [m.id, m]));
        const bad = wanted.filter((id) => !own.has(id) || own.get(id)!.reached_on !== null);
        if (bad.length > 0) throw new AppError('VALIDATION', { field: 'milestoneIds', reason: 'not a milestone of this project, or already reached', milestoneIds: bad });
      }
      const seq = p.report_seq + 1;
      const reportedOn = chinaToday();
      await repo.updateProject(trx, projectId, { report_seq: seq });
      const { id } = await repo.insertReport(trx, {
        project_id: projectId,
        seq,
        percent: body.percent,
        body: body.text,
        explanation,
        invested_wan: body.investedWan ?? null,
        reported_on: reportedOn,
        department: p.department,
        reporter_id: u.user.id,
        reporter_name: u.user.displayName,
      });
      if (wanted.length > 0) await repo.markReached(trx, wanted, id, reportedOn);
      for (const [i, f] of files.entries()) {
        await repo.insertAttachment(trx, {
          report_id: id,
          project_id: projectId,
          position: i + 1,
          file_name: f.fileName,
          content_type: f.contentType,
          size: f.content.length,
          sha256: f.sha256,
          is_public: f.isPublic && this.publishesAtOnce(u),
          public_requested: f.isPublic,
          content: f.content,
        });
      }
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'tracking.reported',
        subject: `tracking:${projectId}`,
        details: {
          report: id,
          seq,
          percent: body.percent,
          milestones: wanted,
          attachments: files.map((f) => ({ fileName: f.fileName, size: f.content.length, sha256: f.sha256, public: f.isPublic })),
        },
      });
      const b = await loadBundle(trx, projectId, 'all');
      return toReport(b.reports.find((r) => r.id === id)!, b);
    });
  }

  /** An attachment's bytes for the console (departments: their own projects only). */
  async attachment(actor: Principal, id: string) {
    const a = await repo.attachment(this.db, id);
    if (!a) throw new AppError('NOT_FOUND');
    const p = await repo.project(this.db, a.project_id);
    await checkDepartment(this.db, userOf(actor), p!.department, 'read');
    return { fileName: a.file_name, contentType: a.content_type, content: a.content };
  }

  /** An attachment marked public; any other id is simply not found. */
  async publicAttachment(id: string) {
    const a = await repo.attachment(this.db, id);
    if (!a || !a.is_public) throw new AppError('NOT_FOUND');
    return { fileName: a.file_name, contentType: a.content_type, content: a.content };
  }

  async setAttachmentPublic(actor: Principal, id: string, isPublic: boolean): Promise<TrackingAttachment> {
    return this.db.transaction().execute(async (trx) => {
      const a = await repo.attachmentMeta(trx, id);
      if (!a) throw new AppError('NOT_FOUND');
      await repo.setAttachmentPublic(trx, id, isPublic);
      await appendAudit(trx, { actor: actorOf(actor), action: 'tracking.attachment_visibility', subject: `tracking:${a.project_id}`, details: { attachment: id, public: isPublic } });
      return toAttachment({ ...a, is_public: isPublic });
    });
  }
}
