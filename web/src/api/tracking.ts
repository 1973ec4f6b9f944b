import type {
  ChangeBody,
  MilestoneBody,
  MilestonePatch,
  MonitorsBody,
  MyTrackedProjects,
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
} from '@piaojue/shared';
import { http, request } from './client.ts';

const enc = encodeURIComponent;

export const trackingApi = {
  // public
  publicProgress: (cycleId: string) => http.get<TrackingSummary>(`/api/public/cycles/${enc(cycleId)}/progress`),
  publicProject: (id: string) => http.get<PublicTrackedProject>(`/api/public/projects/${enc(id)}`),
  trail: (candidateId: string) => http.get<ProjectTrail>(`/api/public/candidates/${enc(candidateId)}/trail`),
  publicAttachmentUrl: (id: string) => `/api/public/attachments/${enc(id)}`,

  // staff / department
  init: (cycleId: string) => http.post<TrackingInitResult>(`/api/cycles/${enc(cycleId)}/tracking/init`),
  summary: (cycleId: string, period?: 'mid_year' | 'year_end') =>
    http.get<TrackingSummary>(`/api/cycles/${enc(cycleId)}/tracking/summary${period ? `?period=${period}` : ''}`),
  mine: () => http.get<MyTrackedProjects>('/api/tracking/mine'),
  project: (id: string) => http.get<TrackedProject>(`/api/tracking/projects/${enc(id)}`),
  putPlan: (id: string, body: PutPlanBody) => request<TrackingPlan>('PUT', `/api/tracking/projects/${enc(id)}/plan`, body),
  publishPlan: (id: string) => http.post<TrackingPlan>(`/api/tracking/projects/${enc(id)}/plan/publish`),
  addMilestone: (id: string, body: MilestoneBody) => http.post<TrackingMilestone>(`/api/tracking/projects/${enc(id)}/milestones`, body),
  updateMilestone: (id: string, body: MilestonePatch) => http.patch<TrackingMilestone>(`/api/tracking/milestones/${enc(id)}`, body),
  deleteMilestone: (id: string) => http.del<{ ok: true }>(`/api/tracking/milestones/${enc(id)}`),
  setMonitors: (id: string, body: MonitorsBody) => request<TrackingMonitor[]>('PUT', `/api/tracking/projects/${enc(id)}/monitors`, body),
  report: (id: string, body: ProgressReportBody) => http.post<TrackingReport>(`/api/tracking/projects/${enc(id)}/reports`, body),
  change: (id: string, body: ChangeBody) => http.post<TrackingChange>(`/api/tracking/projects/${enc(id)}/changes`, body),
  setAttachmentPublic: (id: string, pub: boolean) => http.patch<TrackingAttachment>(`/api/tracking/attachments/${enc(id)}`, { public: pub }),
  attachmentUrl: (id: string) => `/api/tracking/attachments/${enc(id)}`,
};
