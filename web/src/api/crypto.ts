import type {
  CeremonyCommitment, CeremonyConfirmBody, CeremonySharesBody, CeremonyStatus, CeremonyTranscript, StartCeremonyBody,
} from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** What a tablet needs to encrypt a ballot of a poll (docs/CRYPTO.md §"Wire and tablet"). */
export interface PollCryptoWire {
  params: { ceremonyId: string; guardians: string[]; threshold: number };
  spec: { pollId: string; kind: 'approve' | 'choose' | 'rank' | 'rating'; candidates: number; places: number; allowAbstain: boolean; maxBallots: number };
  jointKey: string;
}

/** A 监票人's 解密 task: the encrypted sums to decrypt with their share. */
export interface DecryptionTaskWire {
  guardian: number;
  ballots: number;
  sums: [string, string][];
  ceremonyId: string;
}

export interface DecryptionBodyWire {
  guardian: number;
  shares: string[];
  proofs: { c: string; v: string }[];
}

/** The 监票人's key ceremony and 解密 (docs/CRYPTO.md §"Key ceremony messages", §"Count"). */
export const cryptoApi = {
  ceremony: (sessionId: string) => http.get<CeremonyStatus | null>(`/api/sessions/${enc(sessionId)}/ceremony`),
  startCeremony: (sessionId: string, body: StartCeremonyBody) => http.post<CeremonyStatus>(`/api/sessions/${enc(sessionId)}/ceremony`, body),
  transcript: (sessionId: string) => http.get<CeremonyTranscript>(`/api/sessions/${enc(sessionId)}/ceremony/transcript`),
  commit: (body: CeremonyCommitment) => http.post<CeremonyStatus>('/api/deputy/ceremony/commitment', body),
  shares: (body: CeremonySharesBody) => http.post<CeremonyStatus>('/api/deputy/ceremony/shares', body),
  confirm: (body: CeremonyConfirmBody) => http.post<CeremonyStatus>('/api/deputy/ceremony/confirmation', body),
  pollCrypto: (pollId: string) => http.get<PollCryptoWire>(`/api/deputy/polls/${enc(pollId)}/crypto`),
  decryption: (pollId: string) => http.get<DecryptionTaskWire>(`/api/deputy/polls/${enc(pollId)}/decryption`),
  decrypt: (pollId: string, body: DecryptionBodyWire) => http.post<unknown>(`/api/deputy/polls/${enc(pollId)}/decryption`, body),
};
