import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string | null;
  roles: string[];
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: CreatedAt;
  used_at: Timestamp | null;
}

export interface CyclesTable {
  id: Generated<string>;
  level: string;
  name: string;
  year: number;
  choose_n: number;
  ballot_type: string;
  pass_threshold: string;
  quorum_rule: string;
  tie_rule: string;
  min_extra_ratio: ColumnType<string, number | string | undefined, number | string>;
  max_extra_ratio: ColumnType<string, number | string | undefined, number | string>;
  frozen_at: Timestamp | null;
  frozen_hash: string | null;
  freeze_decision: string | null;
  certify_k: Generated<number>;
  scrutineer_confirmations: Generated<number>;
  created_at: CreatedAt;
}

export interface CandidatesTable {
  id: Generated<string>;
  cycle_id: string;
  position: number;
  name: string;
  content: Generated<string>;
  targets: Generated<string>;
  department: Generated<string>;
  investment_wan: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  funding_source: Generated<string>;
  deadline: Generated<string>;
  location: Generated<string>;
  category: Generated<string>;
  sub_items: ColumnType<SubItem[], string | undefined, string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SubItem {
  name: string;
  detail?: string;
}

export interface SessionsTable {
  id: Generated<string>;
  cycle_id: string;
  name: string;
  venue: Generated<string>;
  checkin_open: Generated<boolean>;
  created_at: CreatedAt;
}

export interface DeputiesTable {
  id: Generated<string>;
  session_id: string;
  position: number;
  name: string;
  delegation: Generated<string>;
  seat: string;
  phone: string | null;
  login_code_hash: string | null;
  code_issued_at: Timestamp | null;
  checked_in_at: Timestamp | null;
  checkin_method: string | null;
}

export interface AuthSessionsTable {
  token_hash: string;
  user_id: string | null;
  deputy_id: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface PollsTable {
  id: Generated<string>;
  session_id: string;
  cycle_id: string;
  parent_poll_id: string | null;
  kind: string;
  title: string;
  ballot_type: string;
  choose_n: number;
  pass_threshold: string;
  tie_rule: string;
  candidate_ids: ColumnType<string[], string, string>;
  list_hash: string;
  status: Generated<string>;
  countdown_seconds: number | null;
  seated: number | null;
  present: number | null;
  opened_at: Timestamp | null;
  closes_at: Timestamp | null;
  closed_at: Timestamp | null;
  certified_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  grading_rule: string | null;
  allow_abstain: Generated<boolean>;
  certify_k: Generated<number>;
  scrutineer_confirmations: Generated<number>;
  rejected_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface PollSignoffsTable {
  poll_id: string;
  user_id: string;
  role: 'scrutineer' | 'presidium';
  decision: 'confirm' | 'certify' | 'reject';
  reason: string | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export interface PollRollTable {
  poll_id: string;
  deputy_id: string;
  voted: Generated<boolean>;
  key_hash: string | null;
}

export interface PollBoxTable {
  id: Generated<string>;
  poll_id: string;
  tracker: string;
  valid: Generated<boolean>;
  body: ColumnType<unknown, string | null, string | null>;
}

export interface AuditLogTable {
  seq: ColumnType<string, string | number, never>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface Database {
  users: UsersTable;
  setup_tokens: SetupTokensTable;
  cycles: CyclesTable;
  candidates: CandidatesTable;
  sessions: SessionsTable;
  deputies: DeputiesTable;
  auth_sessions: AuthSessionsTable;
  polls: PollsTable;
  poll_roll: PollRollTable;
  poll_box: PollBoxTable;
  poll_signoffs: PollSignoffsTable;
  audit_log: AuditLogTable;
}

export type CycleRow = Selectable<CyclesTable>;
export type CandidateRow = Selectable<CandidatesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DeputyRow = Selectable<DeputiesTable>;
export type PollRow = Selectable<PollsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewCandidate = Insertable<CandidatesTable>;
