import { Type, type Static } from 'typebox';
import { BALLOT_MODES, BALLOT_TYPES, PASS_THRESHOLDS, TIE_RULES } from '../domain/rules.ts';
import { PRESIDIUM_DECISION_KINDS } from '../domain/presidium.ts';
import { IsoDate, Nullable, PlainDate, Uuid } from './common.ts';
import { OfficialRecordSchema, PaperPartsSchema, POLL_KINDS, POLL_STATUSES, RatingResultSchema } from './polls.ts';
import { PublicCycleRef } from './proposals.ts';

export const AnnouncedProject = Type.Object({
  rank: Type.Integer(),
  candidateId: Uuid,
  name: Type.String(),
  department: Type.String(),
  investmentWan: Nullable(Type.Number()),
  fundingSource: Type.String(),
  deadline: Type.String(),
  targets: Type.String(),
  for: Type.Integer(),
  against: Type.Integer(),
  abstain: Type.Integer(),
  /** Chosen in a run-off (再次投票) rather than in the first round. */
  viaRunoff: Type.Boolean(),
  /** Chosen by the 主席团 among projects tied at the cut-off. */
  viaPresidium: Type.Optional(Type.Boolean()),
});
export type AnnouncedProject = Static<typeof AnnouncedProject>;

/** Everything the 公告 (announcement) and the minutes state, from the certified result. */
export const Announcement = Type.Object({
  pollId: Uuid,
  cycleId: Uuid,
  kind: Type.Enum(POLL_KINDS),
  status: Type.Enum(POLL_STATUSES),
  /** Not yet certified: printed with a 草稿 (draft) mark and not public. */
  draft: Type.Boolean(),
  /**
   * The 公告 number (第N号) in its session: given at certification (docs/PROCEDURE.md, "The 公告
   * and its number"); before it, the number staff entered for the poll, or null (printed blank).
   */
  number: Nullable(Type.Integer()),
  sessionName: Type.String(),
  cycleName: Type.String(),
  issuer: Type.String(),
  title: Type.String(),
  date: IsoDate,
  rules: Type.Object({
    chooseN: Type.Integer(),
    candidateCount: Type.Integer(),
    ballotType: Type.Enum([...BALLOT_TYPES, 'rating'] as const),
    passThreshold: Type.Enum(PASS_THRESHOLDS),
    tieRule: Type.Enum(TIE_RULES),
    /** plain only where the cycle chose it explicitly; the 公告 says so */
    ballotMode: Type.Enum(BALLOT_MODES),
    freezeDecision: Nullable(Type.String()),
    listHash: Type.String(),
  }),
  record: OfficialRecordSchema,
  /** With paper ballots: the electronic and the paper part of the record, side by side. */
  paper: Type.Optional(Nullable(PaperPartsSchema)),
  quorumMet: Type.Boolean(),
  openedAt: Nullable(IsoDate),
  closedAt: Nullable(IsoDate),
  certifiedAt: Nullable(IsoDate),
  chosen: Type.Array(AnnouncedProject),
  /**
   * All candidates with their counts, for the annexed table (附件), which shows those of the ballot
   * form (ballotFormColumns): 赞成/反对/弃权; ticks (for) and not ticked (abstain); times ranked
   * (for), the Borda points (score) and not ranked (abstain).
   */
  rows: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      name: Type.String(),
      for: Type.Integer(),
      against: Type.Integer(),
      abstain: Type.Integer(),
      /** rank ballots: the Borda points that order the projects; otherwise the same as for */
      score: Type.Number(),
      status: Type.Enum(['chosen', 'not_chosen', 'tied'] as const),
    }),
  ),
  vacancies: Type.Integer(),
  rating: Nullable(RatingResultSchema),
  scrutineers: Type.Array(Type.String()),
  certifiedBy: Type.Array(Type.String()),
  /** The 主席团's decisions the 公告 states: the tie it decided, the certification, with meeting, date and signers. */
  presidiumDecisions: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.Enum(PRESIDIUM_DECISION_KINDS),
        meeting: Type.String(),
        decidedOn: PlainDate,
        signers: Type.Array(Type.String()),
        chosen: Type.Array(Type.String()),
      }),
    ),
  ),
  /**
   * The audit-log entry that recorded the certification. Printed on the 公告, it anchors the
   * log: removing or rewriting entries up to it can no longer pass unnoticed.
   */
  auditAnchor: Nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() })),
  /** The body text, paragraph by paragraph, in Chinese. */
  paragraphs: Type.Array(Type.String()),
});
export type Announcement = Static<typeof Announcement>;

export const PublicCycleResults = Type.Object({
  cycleId: Uuid,
  cycleName: Type.String(),
  year: Type.Integer(),
  announcements: Type.Array(Announcement),
});
export type PublicCycleResults = Static<typeof PublicCycleResults>;

/** The public results index: the cycles with at least one certified result. */
export const PublicResultsCycles = Type.Array(PublicCycleRef);
export type PublicResultsCycles = Static<typeof PublicResultsCycles>;

export const NOTICE_NUMBERINGS = ['session', 'entered'] as const;
export type NoticeNumberingMode = (typeof NOTICE_NUMBERINGS)[number];
export const NoticeNumber = Type.Integer({ minimum: 1, maximum: 9999 });

/** How a session numbers its 公告: its own counter from `first`, or the number staff enter per poll. */
export const NoticeNumberingBody = Type.Object({
  numbering: Type.Enum(NOTICE_NUMBERINGS),
  first: NoticeNumber,
});
export type NoticeNumberingBody = Static<typeof NoticeNumberingBody>;

/** The number staff enter for a poll's 公告 before it is certified. */
export const NoticeNumberBody = Type.Object({ number: NoticeNumber });
export type NoticeNumberBody = Static<typeof NoticeNumberBody>;

export const NoticeNumbering = Type.Object({
  sessionId: Uuid,
  numbering: Type.Enum(NOTICE_NUMBERINGS),
  first: Type.Integer(),
  /** The number the counter gives at the next certification without an entered number. */
  next: Type.Integer(),
  polls: Type.Array(
    Type.Object({
      pollId: Uuid,
      title: Type.String(),
      status: Type.Enum(POLL_STATUSES),
      number: Nullable(Type.Integer()),
      /** Entered by staff (true) or given by the session's counter. */
      entered: Type.Boolean(),
      /** Given at certification; otherwise only entered, waiting for it. */
      given: Type.Boolean(),
    }),
  ),
});
export type NoticeNumbering = Static<typeof NoticeNumbering>;
