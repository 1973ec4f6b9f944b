import {
  ATTACHMENT_TYPES,
  AsOfQuery,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENTS_PER_REPORT,
  AttachmentVisibilityBody,
  ChangeBody,
  IdParams,
  MilestoneBody,
  MilestonePatch,
  MonitorsBody,
  MyTrackedProjects,
  Ok,
  ProgressReportBody,
  ProjectTrail,
  PublicTrackedProject,
  PutPlanBody,
  TrackedProject,
  TrackingAttachment,
  TrackingChange,
  TrackingInitResult,
  TrackingMilestone,
  TrackingMonitor,
  TrackingPlan,
  TrackingReport,
  TrackingSummary,
  TrackingSummaryQuery,
} from '@piaojue/shared';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { fileResponse } from '../../lib/openapi.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

const STAFF = ['staff'] as const;
const OVERSIGHT = ['staff', 'presidium'] as const;
const READERS = ['staff', 'presidium', 'department'] as const;
const REPORTERS = ['staff', 'department'] as const;
const PUBLIC = ['public'] as const;

// Every attachment at its limit, base64-encoded, plus the report's text.
const REPORT_BODY_LIMIT = Math.ceil((ATTACHMENTS_PER_REPORT * ATTACHMENT_MAX_BYTES * 4) / 3) + 1024 * 1024;

/** RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 one. */
function sendFile(reply: FastifyReply, f: { fileName: string; contentType: string; content: Buffer }, cache: string) {
  const ascii = f.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const inline = f.contentType === 'image/png' || f.contentType === 'image/jpeg';
  return reply
    .type(f.contentType)
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
    .header('cache-control', cache)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(f.content);
}

export const trackingRoutes: RoutesPlugin = async (app, { services }) => {
  const { tracking, trackingReports } = services;
  const tags = ['tracking'];
  const publicTags = ['public'];

  app.post(
    '/api/cycles/:id/tracking/init',
    { config: { roles: STAFF }, schema: { tags, summary: '建立入选项目的监督台账 · Start tracking the chosen projects', params: IdParams, response: { 200: TrackingInitResult } } },
    (req) => tracking.init(req.principal, req.params.id),
  );
  app.get(
    '/api/cycles/:id/tracking/summary',
    {
      config: { roles: OVERSIGHT },
      schema: { tags, summary: '年中/年底实施情况汇总 · Mid-year / year-end summary', params: IdParams, querystring: TrackingSummaryQuery, response: { 200: TrackingSummary } },
    },
    (req) => tracking.summary(req.params.id, req.query),
  );
  app.get(
    '/api/tracking/mine',
    { config: { roles: ['department'] }, schema: { tags, summary: '本单位负责的项目 · My department’s projects', response: { 200: MyTrackedProjects } } },
    (req) => tracking.mine(req.principal),
  );
  app.get(
    '/api/tracking/projects/:id',
    { config: { roles: READERS }, schema: { summary: '跟踪项目 · A tracked project', tags, params: IdParams, querystring: AsOfQuery, response: { 200: TrackedProject } } },
    (req) => tracking.project(req.principal, req.params.id, req.query.asOf),
  );

  app.get('/api/tracking/projects/:id/plan', { config: { roles: READERS }, schema: { summary: '实施计划 · Implementation plan', tags, params: IdParams, response: { 200: TrackingPlan } } }, (req) =>
    tracking.plan(req.principal, req.params.id),
  );
  app.put(
    '/api/tracking/projects/:id/plan',
    { config: { roles: STAFF }, schema: { tags, summary: '编辑实施方案（公布前）· Edit the plan (before publication)', params: IdParams, body: PutPlanBody, response: { 200: TrackingPlan } } },
    (req) => tracking.putPlan(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/tracking/projects/:id/plan/publish',
    { config: { roles: STAFF }, schema: { tags, summary: '公布实施方案 · Publish the plan', params: IdParams, response: { 200: TrackingPlan } } },
    (req) => tracking.publishPlan(req.principal, req.params.id),
  );
  app.post(
    '/api/tracking/projects/:id/milestones',
    { config: { roles: STAFF }, schema: { tags, summary: '新增节点 · Add a milestone', params: IdParams, body: MilestoneBody, response: { 200: TrackingMilestone } } },
    (req) => tracking.addMilestone(req.principal, req.params.id, req.body),
  );
  app.patch(
    '/api/tracking/milestones/:id',
    { config: { roles: STAFF }, schema: { summary: '修改节点 · Edit a milestone', tags, params: IdParams, body: MilestonePatch, response: { 200: TrackingMilestone } } },
    (req) => tracking.updateMilestone(req.principal, req.params.id, req.body),
  );
  app.delete('/api/tracking/milestones/:id', { config: { roles: STAFF }, schema: { summary: '删除节点 · Delete a milestone', tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await tracking.deleteMilestone(req.principal, req.params.id);
    return { ok: true as const };
  });
  app.put(
    '/api/tracking/projects/:id/monitors',
    { config: { roles: STAFF }, schema: { tags, summary: '确定监督小组 · Set the monitoring group', params: IdParams, body: MonitorsBody, response: { 200: Type.Array(TrackingMonitor) } } },
    (req) => tracking.setMonitors(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/tracking/projects/:id/reports',
    {
      config: { roles: REPORTERS },
      bodyLimit: REPORT_BODY_LIMIT,
      schema: { tags, summary: '填报进度 · Report progress', params: IdParams, body: ProgressReportBody, response: { 200: TrackingReport } },
    },
    (req) => trackingReports.report(req.principal, req.params.id, req.body),
  );
  app.get('/api/tracking/attachments/:id', { config: { roles: READERS }, schema: { tags, summary: '下载附件 · Download an attachment', params: IdParams, response: fileResponse(ATTACHMENT_TYPES, '附件 · The attachment') } }, async (req, reply) =>
    sendFile(reply, await trackingReports.attachment(req.principal, req.params.id), 'private, no-store'),
  );
  app.patch(
    '/api/tracking/attachments/:id',
    { config: { roles: STAFF }, schema: { tags, summary: '附件是否公开 · Attachment visibility', params: IdParams, body: AttachmentVisibilityBody, response: { 200: TrackingAttachment } } },
    (req) => trackingReports.setAttachmentPublic(req.principal, req.params.id, req.body.public),
  );
  app.post(
    '/api/tracking/projects/:id/changes',
    {
      config: { roles: STAFF },
      schema: { tags, summary: '依决定变更、暂停、终止或恢复（市县：人大常委会；乡镇：乡镇人民代表大会）· Record a decided change', params: IdParams, body: ChangeBody, response: { 200: TrackingChange } },
    },
    (req) => tracking.change(req.principal, req.params.id, req.body),
  );

  app.get(
    '/api/public/cycles/:id/progress',
    { config: { roles: PUBLIC }, schema: { tags: publicTags, summary: '民生实事项目实施进度 · Public progress of a cycle', params: IdParams, querystring: AsOfQuery, response: { 200: TrackingSummary } } },
    (req) => tracking.publicProgress(req.params.id, req.query.asOf),
  );
  app.get(
    '/api/public/projects/:id',
    { config: { roles: PUBLIC }, schema: { tags: publicTags, summary: '项目实施情况 · Public project page', params: IdParams, querystring: AsOfQuery, response: { 200: PublicTrackedProject } } },
    (req) => tracking.publicProject(req.params.id, req.query.asOf),
  );
  app.get('/api/public/attachments/:id', { config: { roles: PUBLIC }, schema: { summary: '公开附件 · A public attachment', tags: publicTags, params: IdParams, response: fileResponse(ATTACHMENT_TYPES, '附件 · The attachment') } }, async (req, reply) =>
    sendFile(reply, await trackingReports.publicAttachment(req.params.id), 'public, no-cache'),
  );
  app.get(
    '/api/public/candidates/:id/trail',
    { config: { roles: PUBLIC }, schema: { tags: publicTags, summary: '项目从票决到测评的轨迹 · A project’s trail', params: IdParams, response: { 200: ProjectTrail } } },
    (req) => tracking.projectTrail(req.params.id),
  );
};
