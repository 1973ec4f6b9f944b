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
  /** The 责任单位 a 'department' account reports for (tracking). */
  department: ColumnType<string | null, string | null | undefined, string | null>;
  /** The congress the account works for (level + unit); null = the whole installation. */
  unit_level: ColumnType<string | null, string | null | undefined, string | null>;
  unit_name: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** null: every 监票人 present, at least 2 (docs/PROCEDURE.md §3). */
  scrutineer_confirmations: ColumnType<number | null, number | null | undefined, number | null>;
  /** The congress that runs the cycle, e.g. 宿迁市人大. */
  unit_name: ColumnType<string | null, string | null | undefined, string | null>;
  min_ballots: Generated<number>;
  /** 整改 after a 基本满意 grade too (a 不满意 one always calls for it). */
  rectify_basic: Generated<boolean>;
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
  display_key: Generated<string>;
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
  /** null: every 监票人 present at the poll, at least 2. */
  scrutineer_confirmations: ColumnType<number | null, number | null | undefined, number | null>;
  rejected_at: Timestamp | null;
  rating_base: ColumnType<string | null, string | null | undefined, string | null>;
  rating_body: ColumnType<string | null, string | null | undefined, string | null>;
  rerating_of: ColumnType<string | null, string | null | undefined, string | null>;
  min_ballots: Generated<number>;
  created_at: CreatedAt;
}

/** A signature on a result: a presidium member's (user) or a 监票人's, on their tablet (deputy). */
export interface PollSignoffsTable {
  poll_id: string;
  user_id: ColumnType<string | null, string | null | undefined, never>;
  deputy_id: ColumnType<string | null, string | null | undefined, never>;
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
  ballot_check: string | null;
}

export interface PollBoxTable {
  id: Generated<string>;
  poll_id: string;
  valid: Generated<boolean>;
  body: ColumnType<unknown, string | null, string | null>;
}

/** Published receipts: (poll, tracker) and nothing else, so no row pairs a receipt with a ballot. */
export interface PollTrackersTable {
  poll_id: string;
  tracker: string;
}

export interface DualControlRequestsTable {
  id: Generated<string>;
  session_id: string;
  poll_id: string;
  deputy_id: string;
  action: 'issue_code' | 'checkin';
  reason: string;
  requested_by: string;
  requested_at: CreatedAt;
  status: Generated<'pending' | 'approved' | 'declined' | 'used'>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  used_at: Timestamp | null;
}

/** The session's 监票人 (deputies of the session), exactly one of them the 总监票人. */
export interface SessionScrutineersTable {
  session_id: string;
  deputy_id: string;
  chief: boolean;
  position: number;
}

/** The session's 计票人: staff accounts who count under the 监票人. */
export interface SessionCountersTable {
  session_id: string;
  user_id: string;
  position: number;
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

export interface CollectionNoticesTable {
  cycle_id: string;
  title: string;
  body: Generated<string>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  areas: string[];
  districts: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CollectionPointsTable {
  id: Generated<string>;
  cycle_id: string;
  name: string;
  address: Generated<string>;
  created_at: CreatedAt;
}

export interface SimilarityLexiconTable {
  id: Generated<string>;
  kind: string;
  value: string;
  origin: string;
  created_at: CreatedAt;
  created_by: string | null;
  removed_at: Date | null;
  removed_by: string | null;
}

export interface ProposalsTable {
  id: Generated<string>;
  no: ColumnType<number, never, never>;
  cycle_id: string;
  tracking_code: string;
  title: string;
  content: string;
  reason: Generated<string>;
  cost_wan: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  area: string;
  district: Generated<string>;
  location: Generated<string>;
  proposer_name: string | null;
  proposer_phone: string | null;
  channel: string;
  collection_point_id: string | null;
  channel_note: Generated<string>;
  status: Generated<string>;
  decision_reason: string | null;
  routed_to: string | null;
  routed_to_cycle_id: ColumnType<string | null, string | null | undefined, string | null>;
  carried_from_proposal_id: string | null;
  carried_from_candidate_id: string | null;
  search_text: string;
  /** The distinct bigrams of search_text (also the postings in proposal_grams). */
  grams: Generated<string[]>;
  gram_count: Generated<number>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_by: Generated<string>;
}

export interface ProposalGramsTable {
  cycle_id: string;
  gram: string;
  proposal_id: string;
}

export interface ProposalEventsTable {
  id: ColumnType<number, never, never>;
  proposal_id: string;
  at: ColumnType<Date, Date | string | undefined, never>;
  kind: string;
  actor: string;
  public: boolean;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface ProposalCandidateLinksTable {
  id: Generated<string>;
  proposal_id: string;
  candidate_id: string;
  linked_at: ColumnType<Date, Date | string | undefined, never>;
  linked_by: string;
  undone_at: Timestamp | null;
  undone_by: string | null;
}

export interface ShortlistDecisionsTable {
  cycle_id: string;
  organ: string;
  decided_on: ColumnType<string, string, never>;
  reference: string;
  list_hash: string;
  recorded_by: string;
  recorded_at: CreatedAt;
}

export interface ProposalSubmissionsTable {
  client_hash: string;
  content_hash: string;
  proposal_id: string;
  at: CreatedAt;
}

/** pg returns a `date` column as a Date at local midnight: select these as text (col::text). */
type PlainDateColumn = ColumnType<Date, string, string>;

export interface TrackingProjectsTable {
  id: Generated<string>;
  cycle_id: string;
  candidate_id: string;
  poll_id: string;
  state: Generated<string>;
  department: Generated<string>;
  targets: Generated<string>;
  funding_wan: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  funding_source: Generated<string>;
  measures: Generated<string>;
  deadline: ColumnType<Date | null, string | null | undefined, string | null>;
  plan_published_at: Timestamp | null;
  report_seq: Generated<number>;
  change_seq: Generated<number>;
  report_every_months: Generated<number>;
  completion: ColumnType<string | null, string | null | undefined, string | null>;
  completion_note: Generated<string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TrackingChangesTable {
  id: Generated<string>;
  project_id: string;
  seq: number;
  kind: string;
  description: string;
  decision_ref: string;
  decision_date: PlainDateColumn;
  details: ColumnType<unknown, string | undefined, never>;
  recorded_by: string | null;
  recorded_at: ColumnType<Date, undefined, never>;
}

export interface TrackingReportsTable {
  id: Generated<string>;
  project_id: string;
  seq: number;
  percent: number;
  body: string;
  explanation: string | null;
  reported_on: PlainDateColumn;
  department: string;
  reporter_id: string | null;
  reporter_name: string;
  invested_wan: ColumnType<string | null, number | string | null | undefined, never>;
  created_at: CreatedAt;
}

export interface TrackingMilestonesTable {
  id: Generated<string>;
  project_id: string;
  position: number;
  title: string;
  description: Generated<string>;
  due_date: PlainDateColumn;
  reached_on: ColumnType<Date | null, string | null | undefined, string | null>;
  reached_report_id: string | null;
  created_at: CreatedAt;
}

export interface TrackingAttachmentsTable {
  id: Generated<string>;
  report_id: string;
  project_id: string;
  position: number;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  is_public: Generated<boolean>;
  /** The department asked for it to be public; staff review sets is_public. */
  public_requested: Generated<boolean>;
  content: Buffer;
  created_at: CreatedAt;
}

/** Failed logins per account (user:<name>) or code (code:<keyed hash>), for the back-off. */
export interface LoginFailuresTable {
  key: string;
  failures: number;
  locked_until: Date | null;
  last_failed_at: Generated<Date>;
}

export interface TrackingMonitorsTable {
  id: Generated<string>;
  project_id: string;
  deputy_id: string | null;
  name: string;
  delegation: Generated<string>;
  leader: Generated<boolean>;
  position: number;
}

export interface RectificationsTable {
  id: Generated<string>;
  project_id: string;
  rating_poll_id: string;
  grade: string;
  problems: string;
  department: string;
  measures: Generated<string>;
  deadline: PlainDateColumn;
  state: Generated<string>;
  rerating_poll_id: ColumnType<string | null, string | null | undefined, string | null>;
  report_seq: Generated<number>;
  opened_by: string | null;
  created_at: CreatedAt;
}

export interface RectificationReportsTable {
  id: Generated<string>;
  rectification_id: string;
  seq: number;
  body: string;
  done: Generated<boolean>;
  reported_on: PlainDateColumn;
  department: string;
  reporter_id: string | null;
  reporter_name: string;
  created_at: CreatedAt;
}

export interface SupervisionActivitiesTable {
  id: Generated<string>;
  cycle_id: string;
  project_id: string | null;
  kind: string;
  held_on: PlainDateColumn;
  title: string;
  participants: ColumnType<unknown, string | undefined, string>;
  findings: Generated<string>;
  recorded_by: string | null;
  created_at: CreatedAt;
}

export interface SupervisionOpinionsTable {
  id: Generated<string>;
  activity_id: string;
  position: number;
  body: string;
  department: string;
  status: Generated<string>;
  reply: string | null;
  replied_at: Timestamp | null;
  replied_by: string | null;
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
  poll_trackers: PollTrackersTable;
  dual_control_requests: DualControlRequestsTable;
  poll_signoffs: PollSignoffsTable;
  session_scrutineers: SessionScrutineersTable;
  session_counters: SessionCountersTable;
  audit_log: AuditLogTable;
  collection_notices: CollectionNoticesTable;
  collection_points: CollectionPointsTable;
  proposals: ProposalsTable;
  proposal_grams: ProposalGramsTable;
  proposal_events: ProposalEventsTable;
  proposal_candidate_links: ProposalCandidateLinksTable;
  shortlist_decisions: ShortlistDecisionsTable;
  proposal_submissions: ProposalSubmissionsTable;
  tracking_projects: TrackingProjectsTable;
  tracking_changes: TrackingChangesTable;
  tracking_reports: TrackingReportsTable;
  tracking_milestones: TrackingMilestonesTable;
  tracking_attachments: TrackingAttachmentsTable;
  tracking_monitors: TrackingMonitorsTable;
  rectifications: RectificationsTable;
  rectification_reports: RectificationReportsTable;
  supervision_activities: SupervisionActivitiesTable;
  supervision_opinions: SupervisionOpinionsTable;
  login_failures: LoginFailuresTable;
  similarity_lexicon: SimilarityLexiconTable;
}

export type CycleRow = Selectable<CyclesTable>;
export type CandidateRow = Selectable<CandidatesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DeputyRow = Selectable<DeputiesTable>;
export type PollRow = Selectable<PollsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewCandidate = Insertable<CandidatesTable>;
export type ProposalRow = Selectable<ProposalsTable>;
export type CollectionNoticeRow = Selectable<CollectionNoticesTable>;
