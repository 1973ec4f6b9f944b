import type {
  CeremonyCommitment, CeremonyConfirmBody, CeremonySharesBody, CeremonyStatus, CeremonyTranscript, DecryptionTask,
  PartialDecryptionBody, PollCryptoContext, StartCeremonyBody,
} from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** The 监票人's key ceremony and 解密 (docs/CRYPTO.md §"Key ceremony messages", §"Count"). */
export const cryptoApi = {
  ceremony: (sessionId: string) => http.get<CeremonyStatus | null>(`/api/sessions/${enc(sessionId)}/ceremony`),
  startCeremony: (sessionId: string, body: StartCeremonyBody) => http.post<CeremonyStatus>(`/api/sessions/${enc(sessionId)}/ceremony`, body),
  transcript: (sessionId: string) => http.get<CeremonyTranscript>(`/api/sessions/${enc(sessionId)}/ceremony/transcript`),
  commit: (body: CeremonyCommitment) => http.post<CeremonyStatus>('/api/deputy/ceremony/commitment', body),
  shares: (body: CeremonySharesBody) => http.post<CeremonyStatus>('/api/deputy/ceremony/shares', body),
  confirm: (body: CeremonyConfirmBody) => http.post<CeremonyStatus>('/api/deputy/ceremony/confirmation', body),
  pollCrypto: (pollId: string) => http.get<PollCryptoContext>(`/api/deputy/polls/${enc(pollId)}/crypto`),
  decryption: (pollId: string) => http.get<DecryptionTask>(`/api/deputy/polls/${enc(pollId)}/decryption`),
  decrypt: (pollId: string, body: PartialDecryptionBody) => http.post<unknown>(`/api/deputy/polls/${enc(pollId)}/decryption`, body),
};
