import type { PaperFiguresWire, PaperForm, PaperReview, PaperState } from '@piaojue/shared';
import { http, request } from './client.ts';

const enc = encodeURIComponent;

/** Paper ballots of a poll: issuing, the 计票人's entries and the 总监票人's confirmation. */
export const paperApi = {
  state: (pollId: string) => http.get<PaperState>(`/api/polls/${enc(pollId)}/paper`),
  ballot: (pollId: string) => http.get<PaperForm>(`/api/polls/${enc(pollId)}/paper/ballot`),
  setWhole: (pollId: string, whole: boolean) => request<PaperState>('PUT', `/api/polls/${enc(pollId)}/paper/mode`, { whole }),
  issue: (pollId: string, deputyId: string) => http.post<PaperState>(`/api/polls/${enc(pollId)}/paper/deputies`, { deputyId }),
  enter: (pollId: string, figures: PaperFiguresWire) => http.post<PaperState>(`/api/polls/${enc(pollId)}/paper/entries`, { figures }),
  amend: (pollId: string, figures: PaperFiguresWire) => request<PaperState>('PUT', `/api/polls/${enc(pollId)}/paper/entries/mine`, { figures }),
  review: (pollId: string) => http.get<PaperReview>(`/api/polls/${enc(pollId)}/paper/review`),
  confirm: (pollId: string, figuresHash: string) => http.post<PaperReview>(`/api/polls/${enc(pollId)}/paper/confirm`, { figuresHash }),
};
