import type {
  Announcement,
  Candidate,
  CastReceipt,
  CreateCandidateBody,
  CreateCycleBody,
  CreatePollBody,
  CreateRatingPollBody,
  CreateSessionBody,
  CreateUserBody,
  Cycle,
  Deputy,
  DeputyState,
  HallState,
  Confirmation,
  CreateConfirmationBody,
  DisplayLink,
  IssuedCode,
  Me,
  Ok,
  Poll,
  PublicCycleRef,
  PublicCycleResults,
  RosterImportResult,
  Session,
  SetupBody,
  SetupStatus,
  StaffTurnout,
  Trackers,
  UpdateCandidateBody,
  UpdateCycleBody,
  User,
} from '@piaojue/shared';
import type { CastPayload } from '../lib/castQueue.ts';
import { http } from './client.ts';

export { ApiError } from './client.ts';

const enc = encodeURIComponent;

export const api = {
  setupStatus: () => http.get<SetupStatus>('/api/setup/status'),
  setup: (body: SetupBody) => http.post<Me>('/api/setup', body),
  login: (username: string, password: string) => http.post<Me>('/api/auth/login', { username, password }),
  deputyLogin: (code: string) => http.post<Me>('/api/auth/deputy-login', { code }),
  logout: () => http.post<Ok>('/api/auth/logout'),
  me: () => http.get<Me>('/api/auth/me'),

  users: () => http.get<User[]>('/api/users'),
  createUser: (body: CreateUserBody) => http.post<User>('/api/users', body),

  cycles: () => http.get<Cycle[]>('/api/cycles'),
  createCycle: (body: CreateCycleBody) => http.post<Cycle>('/api/cycles', body),
  cycle: (id: string) => http.get<Cycle>(`/api/cycles/${enc(id)}`),
  updateCycle: (id: string, body: UpdateCycleBody) => http.patch<Cycle>(`/api/cycles/${enc(id)}`, body),

  candidates: (cycleId: string) => http.get<Candidate[]>(`/api/cycles/${enc(cycleId)}/candidates`),
  createCandidate: (cycleId: string, body: CreateCandidateBody) => http.post<Candidate>(`/api/cycles/${enc(cycleId)}/candidates`, body),
  updateCandidate: (id: string, body: UpdateCandidateBody) => http.patch<Candidate>(`/api/candidates/${enc(id)}`, body),
  deleteCandidate: (id: string) => http.del<Ok>(`/api/candidates/${enc(id)}`),
  reorderCandidates: (cycleId: string, ids: string[]) => http.post<Candidate[]>(`/api/cycles/${enc(cycleId)}/candidates/reorder`, { ids }),

  sessions: () => http.get<Session[]>('/api/sessions'),
  createSession: (body: CreateSessionBody) => http.post<Session>('/api/sessions', body),
  session: (id: string) => http.get<Session>(`/api/sessions/${enc(id)}`),
  importRoster: (id: string, fileName: string, contentBase64: string) =>
    http.post<RosterImportResult>(`/api/sessions/${enc(id)}/roster`, { fileName, contentBase64 }),
  deputies: (id: string) => http.get<Deputy[]>(`/api/sessions/${enc(id)}/deputies`),
  issueCodes: (id: string, deputyIds?: string[], confirmationId?: string) =>
    http.post<IssuedCode[]>(`/api/sessions/${enc(id)}/codes`, { ...(deputyIds && { deputyIds }), ...(confirmationId && { confirmationId }) }),
  revokeCode: (deputyId: string) => http.post<Ok>(`/api/deputies/${enc(deputyId)}/revoke-code`),
  openCheckin: (id: string) => http.post<Session>(`/api/sessions/${enc(id)}/checkin/open`),
  closeCheckin: (id: string) => http.post<Session>(`/api/sessions/${enc(id)}/checkin/close`),
  paperCheckin: (deputyId: string, present: boolean, confirmationId?: string) =>
    http.post<Deputy>(`/api/deputies/${enc(deputyId)}/checkin`, { present, ...(confirmationId && { confirmationId }) }),

  polls: (sessionId: string) => http.get<Poll[]>(`/api/sessions/${enc(sessionId)}/polls`),
  createPoll: (sessionId: string, body: CreatePollBody) => http.post<Poll>(`/api/sessions/${enc(sessionId)}/polls`, body),
  poll: (id: string) => http.get<Poll>(`/api/polls/${enc(id)}`),
  openPoll: (id: string, countdownSeconds?: number | null) =>
    http.post<Poll>(`/api/polls/${enc(id)}/open`, countdownSeconds ? { countdownSeconds } : {}),
  closePoll: (id: string) => http.post<Poll>(`/api/polls/${enc(id)}/close`),
  cancelPoll: (id: string, reason: string) => http.post<Poll>(`/api/polls/${enc(id)}/cancel`, { reason }),
  certifyPoll: (id: string) => http.post<Poll>(`/api/polls/${enc(id)}/certify`),
  rejectPoll: (id: string, reason: string) => http.post<Poll>(`/api/polls/${enc(id)}/reject`, { reason }),
  runoff: (id: string) => http.post<Poll>(`/api/polls/${enc(id)}/runoff`),
  turnout: (id: string) => http.get<StaffTurnout>(`/api/polls/${enc(id)}/turnout`),
  trackers: (id: string) => http.get<Trackers>(`/api/polls/${enc(id)}/trackers`),
  createRatingPoll: (sessionId: string, body: CreateRatingPollBody) => http.post<Poll>(`/api/sessions/${enc(sessionId)}/rating-polls`, body),

  announcement: (pollId: string) => http.get<Announcement>(`/api/polls/${enc(pollId)}/announcement`),
  publicCycles: () => http.get<PublicCycleRef[]>('/api/public/cycles'),
  publicCycleResults: (cycleId: string) => http.get<PublicCycleResults>(`/api/public/cycles/${enc(cycleId)}/results`),

  deputyState: () => http.get<DeputyState>('/api/deputy/state'),
  deputyCheckin: () => http.post<DeputyState>('/api/deputy/checkin'),
  castBallot: (pollId: string, idempotencyKey: string, ballot: CastPayload) =>
    http.post<CastReceipt>(`/api/polls/${enc(pollId)}/ballots`, { idempotencyKey, ballot }),

  /** With the display key the hall display also gets the provisional result (before certification). */
  hall: (sessionId: string, displayKey?: string) =>
    http.get<HallState>(`/api/sessions/${enc(sessionId)}/hall`, displayKey ? { headers: { 'x-piaojue-display-key': displayKey } } : undefined),
  displayLink: (sessionId: string) => http.get<DisplayLink>(`/api/sessions/${enc(sessionId)}/display-link`),
  confirmations: (sessionId: string) => http.get<Confirmation[]>(`/api/sessions/${enc(sessionId)}/confirmations`),
  requestConfirmation: (sessionId: string, body: CreateConfirmationBody) => http.post<Confirmation>(`/api/sessions/${enc(sessionId)}/confirmations`, body),
  approveConfirmation: (id: string, note?: string) => http.post<Confirmation>(`/api/confirmations/${enc(id)}/approve`, { ...(note && { note }) }),
  declineConfirmation: (id: string, note?: string) => http.post<Confirmation>(`/api/confirmations/${enc(id)}/decline`, { ...(note && { note }) }),
};

/** Files the browser downloads directly (same-origin cookie, no JSON). */
export const downloads = {
  announcementPdf: (pollId: string) => `/api/polls/${enc(pollId)}/announcement.pdf`,
  resultsCsv: (pollId: string) => `/api/polls/${enc(pollId)}/export.csv`,
  resultsXlsx: (pollId: string) => `/api/polls/${enc(pollId)}/export.xlsx`,
  /** an encrypted poll's bulletin, for pnpm verify:poll (public once certified) */
  bulletin: (pollId: string) => `/api/polls/${enc(pollId)}/bulletin`,
  cycleArchive: (cycleId: string) => `/api/cycles/${enc(cycleId)}/archive`,
};
