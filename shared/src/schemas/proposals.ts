import { Type, type Static } from 'typebox';
import { LEVELS } from '../domain/rules.ts';
import { SHORTLIST_STATUSES } from '../domain/shortlist.ts';
import { Candidate, CreateCandidateBody } from './cycles.ts';
import { IsoDate, LongText, Nullable, Text, Uuid } from './common.ts';

/*
 * Stages 征集 (collection) and 初定 (screening): citizens' proposals, their review, and the
 * candidate list they feed. See docs/PROCEDURE.md §1–2.
 */

/**
 * received 已收到 · under_review 审查中 · accepted 已采纳（据此新建候选项目）·
 * merged 已合并入候选项目 · rejected 未采纳（附理由）· reserved 列入储备库 · routed 转交其他层级
 */
export const PROPOSAL_STATUSES = ['received', 'under_review', 'accepted', 'merged', 'rejected', 'reserved', 'routed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** web 网页 · qr 收集点二维码 · hotline 热线（工作人员录入）· letter 来信 · deputy 代表建议 · carried 上年度储备转入 */
export const PROPOSAL_CHANNELS = ['web', 'qr', 'hotline', 'letter', 'deputy', 'carried'] as const;
export type ProposalChannel = (typeof PROPOSAL_CHANNELS)[number];
/** The channels a citizen may submit through without an account. */
export const PUBLIC_CHANNELS = ['web', 'qr'] as const;
/** The channels staff enter or import on a citizen's behalf. */
export const STAFF_CHANNELS = ['hotline', 'letter', 'deputy', 'web', 'qr'] as const;

/** The 民生七有 and the other common areas; each cycle's notice may replace the list. */
export const DEFAULT_AREAS = [
  '幼有所育',
  '学有所教',
  '劳有所得',
  '病有所医',
  '老有所养',
  '住有所居',
  '弱有所扶',
  '交通出行',
  '生态环境',
  '公共安全',
  '文化体育',
  '其他',
] as const;

/** Kinds of timeline entries. Public ones appear on the citizen's tracking page. */
export const PROPOSAL_EVENT_KINDS = [
  'received',
  'review_started',
  'accepted',
  'merged',
  'unmerged',
  'rejected',
  'reserved',
  'routed',
  'reopened',
  'edited',
  'carried_out',
  'carried_in',
  'candidate_carried',
] as const;
export type ProposalEventKind = (typeof PROPOSAL_EVENT_KINDS)[number];

export const FREEZE_ORGANS = ['director_meeting', 'presidium'] as const;

/** A calendar day, YYYY-MM-DD, read in China Standard Time (UTC+8). */
const Day = Type.String({ format: 'date' });
const DayOrTime = Type.Union([Day, IsoDate]);

// ---------------------------------------------------------------------------
// Collection notice (征集公告) and collection points
// ---------------------------------------------------------------------------

export const CollectionNoticeBody = Type.Object({
  title: Text(200),
  /** The notice text shown on the portal (plain text, line breaks kept). */
  body: LongText(10000),
  opensAt: IsoDate,
  closesAt: IsoDate,
  /** The choices of the form's 领域 field. Omit for the default list (民生七有 + common areas). */
  areas: Type.Optional(Type.Array(Text(30), { minItems: 1, maxItems: 50, uniqueItems: true })),
  /** The choices of the 区县/街道 field; empty = free text. */
  districts: Type.Optional(Type.Array(Text(50), { maxItems: 300, uniqueItems: true })),
});
export type CollectionNoticeBody = Static<typeof CollectionNoticeBody>;

export const COLLECTION_STATES = ['upcoming', 'open', 'closed'] as const;

export const CollectionNotice = Type.Object({
  cycleId: Uuid,
  title: Type.String(),
  body: Type.String(),
  opensAt: IsoDate,
  closesAt: IsoDate,
  areas: Type.Array(Type.String()),
  districts: Type.Array(Type.String()),
  /** upcoming 未开始 · open 征集中 · closed 已截止 (also once the candidate list is frozen). */
  state: Type.Enum(COLLECTION_STATES),
  serverTime: IsoDate,
});
export type CollectionNotice = Static<typeof CollectionNotice>;

export const CollectionPointBody = Type.Object({ name: Text(100), address: Type.Optional(LongText(200)) });
export type CollectionPointBody = Static<typeof CollectionPointBody>;

export const CollectionPoint = Type.Object({
  id: Uuid,
  cycleId: Uuid,
  name: Type.String(),
  address: Type.String(),
  proposalCount: Type.Integer(),
});
export type CollectionPoint = Static<typeof CollectionPoint>;

export const PublicCycleRef = Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer(), level: Type.Enum(LEVELS) });
export type PublicCycleRef = Static<typeof PublicCycleRef>;

/** Everything the portal's proposal form needs. */
export const PublicCollection = Type.Object({
  cycle: PublicCycleRef,
  notice: CollectionNotice,
  points: Type.Array(Type.Object({ id: Uuid, name: Type.String(), address: Type.String() })),
  channels: Type.Array(Type.Enum(PUBLIC_CHANNELS)),
  limits: Type.Object({ title: Type.Integer(), content: Type.Integer(), reason: Type.Integer() }),
});
export type PublicCollection = Static<typeof PublicCollection>;

export const PublicCycleSummary = Type.Object({
  cycle: PublicCycleRef,
  title: Type.String(),
  opensAt: IsoDate,
  closesAt: IsoDate,
  state: Type.Enum(COLLECTION_STATES),
  listFrozen: Type.Boolean(),
});
export type PublicCycleSummary = Static<typeof PublicCycleSummary>;
export const PublicCycleList = Type.Array(PublicCycleSummary);
export type PublicCycleList = Static<typeof PublicCycleList>;

export const Poster = Type.Object({
  pointId: Nullable(Uuid),
  /** 收集点名称; the general web poster has the notice title instead. */
  name: Type.String(),
  address: Type.String(),
  channel: Type.Enum(PUBLIC_CHANNELS),
  /** What the QR code encodes: the portal's form with ?channel=…&point=…. */
  url: Type.String(),
});
export type Poster = Static<typeof Poster>;
export const Posters = Type.Object({
  cycleId: Uuid,
  cycleName: Type.String(),
  noticeTitle: Nullable(Type.String()),
  opensAt: Nullable(IsoDate),
  closesAt: Nullable(IsoDate),
  posters: Type.Array(Poster),
});
export type Posters = Static<typeof Posters>;

// ---------------------------------------------------------------------------
// Submitting
// ---------------------------------------------------------------------------

export const PROPOSAL_LIMITS = { title: 100, content: 3000, reason: 3000, location: 200, district: 50, name: 50, phone: 30 } as const;

const ProposalFields = {
  /** 建议标题, e.g. “幸福小区3号楼加装电梯”. */
  title: Text(PROPOSAL_LIMITS.title),
  /** 建议内容：做什么、在哪里. */
  content: Text(PROPOSAL_LIMITS.content),
  /** 理由：为什么、谁受益. */
  reason: Type.Optional(LongText(PROPOSAL_LIMITS.reason)),
  /** 估算费用（万元）, optional. */
  costWan: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e8 }))),
  /** One of the notice's areas. */
  area: Text(30),
  district: Type.Optional(LongText(PROPOSAL_LIMITS.district)),
  location: Type.Optional(LongText(PROPOSAL_LIMITS.location)),
  /** Never shown publicly; visible to staff only. */
  proposerName: Type.Optional(LongText(PROPOSAL_LIMITS.name)),
  /** Never shown publicly; visible to staff only. Digits, spaces, + - ( ). */
  proposerPhone: Type.Optional(LongText(PROPOSAL_LIMITS.phone)),
};

export const SubmitProposalBody = Type.Object({
  ...ProposalFields,
  channel: Type.Optional(Type.Enum(PUBLIC_CHANNELS)),
  /** The collection point whose QR code was scanned (channel qr). */
  pointId: Type.Optional(Uuid),
  /** A random id the browser keeps, used with the address to fold double submissions. */
  clientId: Type.Optional(Type.String({ maxLength: 64 })),
  /** Honeypot: a field people never see. Anything in it refuses the submission. */
  website: Type.Optional(Type.String({ maxLength: 500 })),
});
export type SubmitProposalBody = Static<typeof SubmitProposalBody>;

export const SubmitReceipt = Type.Object({
  /** 查询码, 12 characters shown as XXXX-XXXX-XXXX. */
  trackingCode: Type.String(),
  /** The same proposal was just submitted from this client; this is its code. */
  duplicate: Type.Boolean(),
  receivedAt: IsoDate,
  status: Type.Enum(PROPOSAL_STATUSES),
});
export type SubmitReceipt = Static<typeof SubmitReceipt>;

export const StaffProposalBody = Type.Object({
  ...ProposalFields,
  channel: Type.Enum(STAFF_CHANNELS),
  pointId: Type.Optional(Uuid),
  /** e.g. the deputy's name, the letter's reference, the hotline ticket number. */
  channelNote: Type.Optional(LongText(200)),
  /** When the citizen called or wrote; defaults to now. */
  receivedAt: Type.Optional(IsoDate),
});
export type StaffProposalBody = Static<typeof StaffProposalBody>;

export const UpdateProposalBody = Type.Object({
  title: Type.Optional(Text(PROPOSAL_LIMITS.title)),
  content: Type.Optional(Text(PROPOSAL_LIMITS.content)),
  reason: Type.Optional(LongText(PROPOSAL_LIMITS.reason)),
  costWan: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e8 }))),
  area: Type.Optional(Text(30)),
  district: Type.Optional(LongText(PROPOSAL_LIMITS.district)),
  location: Type.Optional(LongText(PROPOSAL_LIMITS.location)),
  channelNote: Type.Optional(LongText(200)),
});
export type UpdateProposalBody = Static<typeof UpdateProposalBody>;

// ---------------------------------------------------------------------------
// Staff views
// ---------------------------------------------------------------------------

export const CandidateRef = Type.Object({ id: Uuid, name: Type.String() });
export type CandidateRef = Static<typeof CandidateRef>;

export const ProposalSummary = Type.Object({
  id: Uuid,
  no: Type.Integer(),
  cycleId: Uuid,
  trackingCode: Type.String(),
  title: Type.String(),
  content: Type.String(),
  area: Type.String(),
  district: Type.String(),
  location: Type.String(),
  channel: Type.Enum(PROPOSAL_CHANNELS),
  pointId: Nullable(Uuid),
  pointName: Nullable(Type.String()),
  status: Type.Enum(PROPOSAL_STATUSES),
  receivedAt: IsoDate,
  /** The candidate it is merged into (active link), if any. */
  candidate: Nullable(CandidateRef),
  carried: Type.Boolean(),
});
export type ProposalSummary = Static<typeof ProposalSummary>;

export const ProposalEvent = Type.Object({
  id: Type.Integer(),
  at: IsoDate,
  kind: Type.Enum(PROPOSAL_EVENT_KINDS),
  actor: Type.String(),
  public: Type.Boolean(),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type ProposalEvent = Static<typeof ProposalEvent>;

export const ProposalLink = Type.Object({
  id: Uuid,
  candidateId: Uuid,
  candidateName: Type.String(),
  linkedAt: IsoDate,
  linkedBy: Type.String(),
  undoneAt: Nullable(IsoDate),
  undoneBy: Nullable(Type.String()),
});
export type ProposalLink = Static<typeof ProposalLink>;

/** A candidate's source proposal, with the link (undone links when asked for). */
export const CandidateSource = Type.Object({ link: ProposalLink, proposal: ProposalSummary });
export type CandidateSource = Static<typeof CandidateSource>;
export const CandidateSources = Type.Array(CandidateSource);
export type CandidateSources = Static<typeof CandidateSources>;
export const CandidateSourcesQuery = Type.Object({ includeUndone: Type.Optional(Type.Boolean()) });
export type CandidateSourcesQuery = Static<typeof CandidateSourcesQuery>;

export const ProposalCarryRef = Type.Object({
  proposalId: Nullable(Uuid),
  candidateId: Nullable(Uuid),
  cycleId: Uuid,
  cycleName: Type.String(),
  title: Type.String(),
  no: Nullable(Type.Integer()),
});
export type ProposalCarryRef = Static<typeof ProposalCarryRef>;

export const ProposalDetail = Type.Evaluate(Type.Intersect([
  ProposalSummary,
  Type.Object({
    reason: Type.String(),
    costWan: Nullable(Type.Number()),
    /** Only for the staff role (and admin); null for other readers, see contactVisible. */
    proposerName: Nullable(Type.String()),
    proposerPhone: Nullable(Type.String()),
    contactVisible: Type.Boolean(),
    channelNote: Type.String(),
    decisionReason: Nullable(Type.String()),
    routedTo: Nullable(Type.String()),
    createdBy: Type.String(),
    events: Type.Array(ProposalEvent),
    /** Every merge, including undone ones. */
    links: Type.Array(ProposalLink),
    carriedFrom: Nullable(ProposalCarryRef),
    carriedTo: Type.Array(ProposalCarryRef),
  }),
]));
export type ProposalDetail = Static<typeof ProposalDetail>;

export const PROPOSAL_SORTS = ['newest', 'oldest'] as const;

const QueueFilters = {
  status: Type.Optional(Type.Array(Type.Enum(PROPOSAL_STATUSES), { maxItems: 7 })),
  area: Type.Optional(Type.String({ maxLength: 30 })),
  district: Type.Optional(Type.String({ maxLength: 50 })),
  channel: Type.Optional(Type.Array(Type.Enum(PROPOSAL_CHANNELS), { maxItems: 6 })),
  pointId: Type.Optional(Uuid),
  candidateId: Type.Optional(Uuid),
  /** Received on or after (a day in UTC+8, or an instant). */
  from: Type.Optional(DayOrTime),
  /** Received on or before (a whole day in UTC+8, or an instant, exclusive). */
  to: Type.Optional(DayOrTime),
  /** Substring search over title, content, reason and location (Chinese works), or a tracking code / number. */
  q: Type.Optional(Type.String({ maxLength: 100 })),
};

export const ProposalQuery = Type.Object({
  ...QueueFilters,
  sort: Type.Optional(Type.Enum(PROPOSAL_SORTS)),
  /** nextCursor of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
export type ProposalQuery = Static<typeof ProposalQuery>;

export const StatusCounts = Type.Object(
  Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, Type.Integer()])) as Record<ProposalStatus, ReturnType<typeof Type.Integer>>,
);
export type StatusCounts = Static<typeof StatusCounts>;

export const ProposalPage = Type.Object({
  items: Type.Array(ProposalSummary),
  /** How many match the filters (all pages). */
  total: Type.Integer(),
  /** Per status, for the filters other than status: the queue's tabs. */
  statusCounts: StatusCounts,
  nextCursor: Nullable(Type.String()),
});
export type ProposalPage = Static<typeof ProposalPage>;

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ProposalExportQuery = Type.Object({
  ...QueueFilters,
  format: Type.Optional(Type.Enum(EXPORT_FORMATS)),
  /** Include 姓名/电话 (staff role only; recorded in the audit log). */
  contact: Type.Optional(Type.Boolean()),
});
export type ProposalExportQuery = Static<typeof ProposalExportQuery>;

export const PROPOSAL_ACTIONS = ['review', 'reject', 'reserve', 'route', 'reopen'] as const;
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number];

export const ProposalActionBody = Type.Object({
  /**
   * review 开始审查 · reject 不予采纳 (reason required, the citizen sees it) · reserve 列入储备库 ·
   * route 转交其他层级 (routedTo required) · reopen 恢复为审查中.
   */
  action: Type.Enum(PROPOSAL_ACTIONS),
  proposalIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true }),
  reason: Type.Optional(LongText(1000)),
  routedTo: Type.Optional(LongText(200)),
  /** route: the cycle of the other level whose queue receives the proposal (a copy that links back). */
  routedToCycleId: Type.Optional(Uuid),
});
export type ProposalActionBody = Static<typeof ProposalActionBody>;

export const ProposalActionResult = Type.Object({
  /** Proposals whose status changed. */
  changed: Type.Integer(),
  /** Proposals already in the target state (left as they were). */
  unchanged: Type.Integer(),
});
export type ProposalActionResult = Static<typeof ProposalActionResult>;

export const MergeBody = Type.Object({
  proposalIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true }),
  /** An existing candidate draft of the same cycle… */
  candidateId: Type.Optional(Uuid),
  /** …or a new one made from these proposals (exactly one of the two). */
  newCandidate: Type.Optional(CreateCandidateBody),
});
export type MergeBody = Static<typeof MergeBody>;

export const MergeResult = Type.Object({
  candidate: Candidate,
  linked: Type.Integer(),
  /** Already merged into this candidate. */
  unchanged: Type.Integer(),
});
export type MergeResult = Static<typeof MergeResult>;

export const UnmergeBody = Type.Object({
  proposalIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true }),
  /** Kept in the history and shown to the citizen. */
  reason: Type.Optional(LongText(500)),
});
export type UnmergeBody = Static<typeof UnmergeBody>;


export const ProposalRef = Type.Object({ id: Uuid, no: Type.Integer(), title: Type.String(), status: Type.Enum(PROPOSAL_STATUSES), linkedAt: IsoDate });
export type ProposalRef = Static<typeof ProposalRef>;

export const ShortlistCandidate = Type.Evaluate(Type.Intersect([
  Candidate,
  Type.Object({
    sourceCount: Type.Integer(),
    /** The first few source proposals; all of them: GET /api/candidates/:id/proposals. */
    sources: Type.Array(ProposalRef),
  }),
]));
export type ShortlistCandidate = Static<typeof ShortlistCandidate>;

export const ShortlistCheck = Type.Object({
  /** 应选数量 N. */
  places: Type.Integer(),
  candidates: Type.Integer(),
  minExtraRatio: Type.Number(),
  maxExtraRatio: Type.Number(),
  /** The 差额 range the cycle's ratios allow, always more than N. */
  minCandidates: Type.Integer(),
  maxCandidates: Type.Integer(),
  /** The shared verdict (shared/src/domain/shortlist.ts): ok, too_few or too_many. */
  status: Type.Enum(SHORTLIST_STATUSES),
  /** The ratios admit no whole count, so the range is the smallest count that meets the minimum. */
  widened: Type.Boolean(),
  /** status === 'ok'. */
  ok: Type.Boolean(),
  /** Proposals still received or under review. */
  pendingProposals: Type.Integer(),
  /** Candidates no proposal feeds (e.g. added by the government directly). */
  unsourcedCandidates: Type.Integer(),
});
export type ShortlistCheck = Static<typeof ShortlistCheck>;

export const ShortlistFreeze = Type.Object({
  at: IsoDate,
  hash: Type.String(),
  decision: Type.String(),
  organ: Nullable(Type.Enum(FREEZE_ORGANS)),
  decidedOn: Nullable(Day),
  reference: Nullable(Type.String()),
});
export type ShortlistFreeze = Static<typeof ShortlistFreeze>;

export const Shortlist = Type.Object({
  cycleId: Uuid,
  frozen: Nullable(ShortlistFreeze),
  check: ShortlistCheck,
  candidates: Type.Array(ShortlistCandidate),
});
export type Shortlist = Static<typeof Shortlist>;

export const FreezeShortlistBody = Type.Object({
  /** director_meeting 主任会议 (city/county) · presidium 主席团 (township). */
  organ: Type.Enum(FREEZE_ORGANS),
  /** The meeting's date. */
  decidedOn: Day,
  /** e.g. “市人大常委会第三十二次主任会议”. */
  reference: Text(200),
});
export type FreezeShortlistBody = Static<typeof FreezeShortlistBody>;

export const CANDIDATE_OUTCOMES = ['chosen', 'not_chosen', 'tied'] as const;
export const CandidateOutcome = Type.Object({
  status: Type.Enum(CANDIDATE_OUTCOMES),
  /** 赞成票 (approve/choose) or score (rank). */
  votesFor: Type.Number(),
  rank: Type.Integer(),
  certifiedAt: Nullable(IsoDate),
});
export type CandidateOutcome = Static<typeof CandidateOutcome>;

export const ReserveCandidate = Type.Object({ candidate: Candidate, outcome: CandidateOutcome, sourceCount: Type.Integer() });
export type ReserveCandidate = Static<typeof ReserveCandidate>;
export const Reserve = Type.Object({
  cycleId: Uuid,
  /** Proposals in the 储备库 (status reserved) not yet carried into another cycle. */
  proposals: Type.Array(ProposalSummary),
  /** Candidates a certified vote did not choose, not yet carried over. */
  candidates: Type.Array(ReserveCandidate),
});
export type Reserve = Static<typeof Reserve>;

export const CarryOverBody = Type.Object({
  proposalIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000, uniqueItems: true })),
  candidateIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
});
export type CarryOverBody = Static<typeof CarryOverBody>;
export const CarryOverResult = Type.Object({
  /** New proposals in the target cycle, one per carried item, linked back (carriedFrom). */
  created: Type.Array(ProposalSummary),
});
export type CarryOverResult = Static<typeof CarryOverResult>;

export const ProposalImportBody = Type.Object({
  fileName: Text(200),
  /**
   * CSV or XLSX, base64. Columns (header row, Chinese or English): 标题/title*, 内容/content*,
   * 理由/reason, 领域/area*, 区县/district, 地点/location, 估算费用（万元）/cost, 姓名/name,
   * 电话/phone, 渠道/channel (热线/来信/代表), 备注/note, 收到日期/received.
   */
  contentBase64: Type.String({ minLength: 1, maxLength: 16_000_000 }),
  /** Channel of rows without a 渠道 cell. */
  channel: Type.Enum(['hotline', 'letter', 'deputy'] as const),
  pointId: Type.Optional(Uuid),
});
export type ProposalImportBody = Static<typeof ProposalImportBody>;

export const ProposalImportResult = Type.Object({
  imported: Type.Integer(),
  /** One per data row, in file order: staff tell callers/letter writers their code. */
  proposals: Type.Array(Type.Object({ row: Type.Integer(), id: Uuid, no: Type.Integer(), trackingCode: Type.String() })),
});
export type ProposalImportResult = Static<typeof ProposalImportResult>;
