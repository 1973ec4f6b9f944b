import type {
  CompletionBody,
  CreateSupervisionBody,
  CycleRectifications,
  CycleSupervision,
  MyOpinions,
  OpinionReplyBody,
  OpenRectificationBody,
  Rectification,
  RectificationPolicy,
  RectificationReportBody,
  ReportCadence,
  ReportCadenceBody,
  SupervisionActivity,
  SupervisionOpinion,
  YearSummary,
} from '@piaojue/shared';
import { http, request } from './client.ts';

const enc = encodeURIComponent;

/** 整改, supervision and the year summary: the work after the vote. */
export const afterVoteApi = {
  rectifications: (cycleId: string) => http.get<CycleRectifications>(`/api/cycles/${enc(cycleId)}/rectifications`),
  /** Whether a 基本满意 grade calls for 整改 too, in this cycle. */
  setRectificationPolicy: (cycleId: string, body: RectificationPolicy) => http.put<RectificationPolicy>(`/api/cycles/${enc(cycleId)}/rectification-policy`, body),
  openRectification: (projectId: string, body: OpenRectificationBody) => http.post<Rectification>(`/api/tracking/projects/${enc(projectId)}/rectifications`, body),
  reportRectification: (id: string, body: RectificationReportBody) => http.post<Rectification>(`/api/rectifications/${enc(id)}/reports`, body),
  supervision: (cycleId: string) => http.get<CycleSupervision>(`/api/cycles/${enc(cycleId)}/supervision`),
  recordSupervision: (cycleId: string, body: CreateSupervisionBody) => http.post<SupervisionActivity>(`/api/cycles/${enc(cycleId)}/supervision`, body),
  replyOpinion: (id: string, body: OpinionReplyBody) => http.post<SupervisionOpinion>(`/api/supervision/opinions/${enc(id)}/reply`, body),
  myOpinions: () => http.get<MyOpinions>('/api/supervision/opinions/mine'),
  yearSummary: (cycleId: string) => http.get<YearSummary>(`/api/cycles/${enc(cycleId)}/year-summary`),
  yearSummaryXlsxUrl: (cycleId: string) => `/api/cycles/${enc(cycleId)}/year-summary.xlsx`,
  /** How often a unit reports on a project, and this year's due dates. */
  reportCadence: (projectId: string) => http.get<ReportCadence>(`/api/tracking/projects/${enc(projectId)}/report-cadence`),
  setReportCadence: (projectId: string, body: ReportCadenceBody) => http.put<ReportCadence>(`/api/tracking/projects/${enc(projectId)}/report-cadence`, body),
  setCompletion: (projectId: string, body: CompletionBody) => request<{ ok: true }>('PUT', `/api/tracking/projects/${enc(projectId)}/completion`, body),
};
