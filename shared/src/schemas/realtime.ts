import { Type, type Static } from 'typebox';
import type { ErrorBody } from '../errors.ts';
import { PASS_THRESHOLDS } from '../domain/rules.ts';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { BALLOT_MODES } from '../domain/rules.ts';
import { IdempotencyKey, PollDecryption, POLL_BALLOT_TYPES, POLL_KINDS, POLL_STATUSES, PollResult, RatingResultSchema, StaffTurnout, Turnout } from './polls.ts';
import { Attendance } from './sessions.ts';
import { PendingPresidiumDecisions } from './presidium.ts';

/**
 * Topics:
 *  hall:<sessionId>   public: what the meeting-hall display and the tablets show. No names. The
 *                     anonymous public gets no result before certification; the hall display
 *                     (with the session's display key), staff and deputies get the provisional one.
 *  staff:<sessionId>  staff/presidium/scrutineers: per-delegation turnout and who has not voted.
 *  presidium:<sessionId>  staff/presidium only: the 主席团's decisions awaiting signatures on the
 *                     session's polls (its internal deliberation, never on the other topics).
 *  sessions           staff/presidium/scrutineers: the ids of the sessions of the account's own
 *                     congress (as GET /api/sessions lists them); an event only when that list
 *                     changes (a session created, a cycle moved), so the console follows new ones.
 */
export type Topic = `hall:${string}` | `staff:${string}` | `presidium:${string}` | 'sessions';

export const HallPoll = Type.Object({
  id: Uuid,
  title: Type.String(),
  kind: Type.Enum(POLL_KINDS),
  status: Type.Enum(POLL_STATUSES),
  ballotType: Type.Enum(POLL_BALLOT_TYPES),
  chooseN: Type.Integer(),
  passThreshold: Type.Enum(PASS_THRESHOLDS),
  candidateCount: Type.Integer(),
  ballotMode: Type.Enum(BALLOT_MODES),
  /** encrypted polls: 监票人解密中 k/t; null for a plain poll */
  decryption: Nullable(PollDecryption),
  openedAt: Nullable(IsoDate),
  closesAt: Nullable(IsoDate),
  closedAt: Nullable(IsoDate),
  certifiedAt: Nullable(IsoDate),
  turnout: Turnout,
  /**
   * Done for deputies by staff during this poll, with a second person's approval: new login
   * codes and check-ins on a deputy's behalf. Shown in the hall, so the room sees them happen.
   */
  interventions: Type.Object({ codesReissued: Type.Integer(), proxyCheckins: Type.Integer() }),
  /** Only after close; provisional until certifiedAt is set (never served to the anonymous public before). */
  result: Nullable(PollResult),
  rating: Nullable(RatingResultSchema),
});
export type HallPoll = Static<typeof HallPoll>;

export const HallState = Type.Object({
  sessionId: Uuid,
  sessionName: Type.String(),
  cycleName: Type.String(),
  checkinOpen: Type.Boolean(),
  attendance: Attendance,
  /** The poll in focus: the open one, else the most recent not cancelled. */
  poll: Nullable(HallPoll),
  /** The session's complete key (docs/CRYPTO.md): its fingerprint, t and n; null until the ceremony completes. */
  encryption: Nullable(Type.Object({ fingerprint: Type.String(), threshold: Type.Integer(), guardians: Type.Integer() })),
  /** Server clock, so displays can run a countdown without trusting their own clock. */
  serverTime: IsoDate,
});
export type HallState = Static<typeof HallState>;

export const StaffState = Type.Object({
  sessionId: Uuid,
  attendance: Attendance,
  turnout: Nullable(StaffTurnout),
});
export type StaffState = Static<typeof StaffState>;

/** The session's 主席团 decisions awaiting signatures, oldest first, as GET /api/presidium/decisions/pending lists them. */
export const PresidiumState = Type.Object({
  sessionId: Uuid,
  pending: PendingPresidiumDecisions,
});
export type PresidiumState = Static<typeof PresidiumState>;

/** The sessions topic: the ids of the account's congress's sessions, in the order GET /api/sessions gives. */
export const SessionsState = Type.Object({
  sessionIds: Type.Array(Uuid),
});
export type SessionsState = Static<typeof SessionsState>;

/**
 * A tablet casts over the socket it already holds (the same ballot and idempotency key as
 * POST /api/polls/:id/ballots, the same answers); `ref` pairs the answer with the request.
 */
export const CastMessage = Type.Object({
  type: Type.Literal('cast'),
  ref: Type.String({ minLength: 1, maxLength: 64 }),
  pollId: Uuid,
  idempotencyKey: IdempotencyKey,
  ballot: Type.Unknown(),
});
export type CastMessage = Static<typeof CastMessage>;

export const ClientMessage = Type.Union([
  /** `displayKey`: the hall display's key, for the provisional result on the hall topic. */
  Type.Object({ type: Type.Literal('subscribe'), topic: Type.String({ maxLength: 100 }), displayKey: Type.Optional(Type.String({ maxLength: 64 })) }),
  Type.Object({ type: Type.Literal('unsubscribe'), topic: Type.String({ maxLength: 100 }) }),
  /** Ask for a fresh snapshot, e.g. after a gap in sequence numbers. */
  Type.Object({ type: Type.Literal('resync'), topic: Type.String({ maxLength: 100 }), displayKey: Type.Optional(Type.String({ maxLength: 64 })) }),
  Type.Object({ type: Type.Literal('ping'), t: Type.Optional(Type.Number()) }),
  CastMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;

export type TopicData =
  | { kind: 'hall'; state: HallState }
  | { kind: 'staff'; state: StaffState }
  | { kind: 'presidium'; state: PresidiumState }
  | { kind: 'sessions'; state: SessionsState };
export type TopicEvent = TopicData | { kind: 'turnout'; turnout: Turnout; serverTime: string };

export type ServerMessage =
  | { type: 'hello'; instance: string; serverTime: string }
  | { type: 'snapshot'; topic: string; seq: number; data: TopicData }
  | { type: 'event'; topic: string; seq: number; event: TopicEvent }
  | { type: 'error'; topic?: string; code: string; message: string }
  | { type: 'pong'; t?: number; serverTime: string }
  /** The answer to a cast: the receipt, or the error the HTTP route would give (with its status). */
  | { type: 'cast'; ref: string; ok: true; receipt: string; duplicate: boolean }
  | { type: 'cast'; ref: string; ok: false; status: number; error: ErrorBody['error'] }
  /**
   * Encrypted polls: the server's proof check of a ballot this socket cast, sent after the cast's
   * answer and only when it failed (the ballot is 无效, never tallied). Held in memory only.
   */
  | { type: 'verification'; pollId: string; ok: false; code: string; message: string };
