import type { CycleRectifications, OpenRectificationBody, Rectification, RectificationReportBody } from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** 整改, supervision and the year summary: the work after the vote. */
export const afterVoteApi = {
  rectifications: (cycleId: string) => http.get<CycleRectifications>(`/api/cycles/${enc(cycleId)}/rectifications`),
  openRectification: (projectId: string, body: OpenRectificationBody) => http.post<Rectification>(`/api/tracking/projects/${enc(projectId)}/rectifications`, body),
  reportRectification: (id: string, body: RectificationReportBody) => http.post<Rectification>(`/api/rectifications/${enc(id)}/reports`, body),
};
