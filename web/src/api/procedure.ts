import type {
  AdoptVotingRulesBody,
  Counter,
  DeputyScrutiny,
  DraftVotingRulesBody,
  PendingPresidiumDecisions,
  Poll,
  PresidiumDecisionBody,
  PresidiumMembers,
  PresidiumSignatureBody,
  ScrutinyList,
  SessionKey,
  SetScrutinyBody,
  VotingRules,
} from '@piaojue/shared';
import { http, request } from './client.ts';

const enc = encodeURIComponent;

/** 监票人, 计票人 and the 票决办法 of a session. */
export const procedureApi = {
  scrutiny: (sessionId: string) => http.get<ScrutinyList>(`/api/sessions/${enc(sessionId)}/scrutiny`),
  setScrutiny: (sessionId: string, body: SetScrutinyBody) => request<ScrutinyList>('PUT', `/api/sessions/${enc(sessionId)}/scrutiny`, body),
  staffAccounts: (sessionId: string) => http.get<Counter[]>(`/api/sessions/${enc(sessionId)}/scrutiny/staff`),
  myScrutiny: () => http.get<DeputyScrutiny>('/api/deputy/scrutiny'),
  votingRules: (sessionId: string) => http.get<VotingRules>(`/api/sessions/${enc(sessionId)}/voting-rules`),
  draftVotingRules: (sessionId: string, body: DraftVotingRulesBody) => http.post<VotingRules>(`/api/sessions/${enc(sessionId)}/voting-rules/drafts`, body),
  adoptVotingRules: (sessionId: string, body: AdoptVotingRulesBody) => http.post<VotingRules>(`/api/sessions/${enc(sessionId)}/voting-rules/adopt`, body),
  /** The 监票人's joint public key, once their key ceremony is complete (404 before). */
  sessionKey: (sessionId: string) => http.get<SessionKey>(`/api/sessions/${enc(sessionId)}/ceremony/key`),
  confirmCount: (pollId: string) => http.post<Poll>(`/api/polls/${enc(pollId)}/confirm`),
  /** The 主席团 members who may sign a decision. */
  /** The members who may sign for this poll: those of its congress. */
  presidiumMembers: (pollId: string) => http.get<PresidiumMembers>(`/api/polls/${enc(pollId)}/presidium-members`),
  /** Records a 主席团 meeting's decision on a counted poll (certify, return, decide a tie). */
  presidiumDecision: (pollId: string, body: PresidiumDecisionBody) => http.post<Poll>(`/api/polls/${enc(pollId)}/presidium-decisions`, body),
  /** The decisions awaiting signatures in the account's congress. */
  pendingDecisions: () => http.get<PendingPresidiumDecisions>('/api/presidium/decisions/pending'),
  /** Signs or declines a pending decision, on the account logged in. */
  answerDecision: (pollId: string, decisionId: string, body: PresidiumSignatureBody) =>
    http.post<Poll>(`/api/polls/${enc(pollId)}/presidium-decisions/${enc(decisionId)}/signatures`, body),
  /** The recorder withdraws a pending decision. */
  withdrawDecision: (pollId: string, decisionId: string) => http.post<Poll>(`/api/polls/${enc(pollId)}/presidium-decisions/${enc(decisionId)}/withdraw`),
};
