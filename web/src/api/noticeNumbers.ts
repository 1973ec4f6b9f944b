import type { NoticeNumbering, NoticeNumberingBody } from '@piaojue/shared';
import { http, request } from './client.ts';

const enc = encodeURIComponent;

/** A session's 公告 numbers: how they are given, and the number staff enter for a poll. */
export const noticeNumbersApi = {
  get: (sessionId: string) => http.get<NoticeNumbering>(`/api/sessions/${enc(sessionId)}/notice-numbers`),
  setNumbering: (sessionId: string, body: NoticeNumberingBody) => request<NoticeNumbering>('PUT', `/api/sessions/${enc(sessionId)}/notice-numbers`, body),
  enter: (pollId: string, number: number) => request<NoticeNumbering>('PUT', `/api/polls/${enc(pollId)}/notice-number`, { number }),
};
