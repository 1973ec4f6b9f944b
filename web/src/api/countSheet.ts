import type { CountSheet, PresidingChair, PresidingChairBody } from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** 表决结果报告单 of a poll and its 执行主席. */
export const countSheetApi = {
  sheet: (pollId: string) => http.get<CountSheet>(`/api/polls/${enc(pollId)}/count-sheet`),
  setChair: (pollId: string, body: PresidingChairBody) => http.put<PresidingChair>(`/api/polls/${enc(pollId)}/presiding-chair`, body),
  pdf: (pollId: string) => `/api/polls/${enc(pollId)}/count-sheet.pdf`,
};
