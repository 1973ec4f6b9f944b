import type { DuplicateGroups, LexiconBody, LexiconEntry, SimilarProposal } from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** Duplicate detection: similar proposals, 疑似重复组, and the lexicon staff keep. */
export const similarityApi = {
  similar: (id: string, limit = 10) => http.get<SimilarProposal[]>(`/api/proposals/${enc(id)}/similar?limit=${limit}`),
  groups: (cycleId: string) => http.get<DuplicateGroups>(`/api/cycles/${enc(cycleId)}/proposals/duplicate-groups`),
  lexicon: () => http.get<LexiconEntry[]>('/api/similarity/lexicon'),
  addEntry: (body: LexiconBody) => http.post<LexiconEntry>('/api/similarity/lexicon', body),
  removeEntry: (id: string) => http.del<{ ok: true }>(`/api/similarity/lexicon/${enc(id)}`),
};
