import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { CandidateOutcome, PROPOSAL_CHANNELS, PROPOSAL_EVENT_KINDS, PROPOSAL_STATUSES, PublicCycleRef } from './proposals.ts';

/*
 * The public side of stages 征集 and 初定 (docs/PROCEDURE.md §1–2): a citizen's tracking page by
 * their code, the public list of proposals, and the frozen candidate list as published.
 */


export const TrackingParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });
export type TrackingParams = Static<typeof TrackingParams>;

export const PublicEvent = Type.Object({
  at: IsoDate,
  kind: Type.Enum(PROPOSAL_EVENT_KINDS),
  candidateName: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  routedTo: Type.Optional(Type.String()),
  cycleName: Type.Optional(Type.String()),
});
export type PublicEvent = Static<typeof PublicEvent>;

export const PublicCandidate = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** In the list fixed by the 主任会议/主席团. */
  listFrozen: Type.Boolean(),
  listDecision: Nullable(Type.String()),
  /** Set once a vote on it is certified. Its implementation progress: GET /api/public/candidates/:id/trail. */
  outcome: Nullable(CandidateOutcome),
});
export type PublicCandidate = Static<typeof PublicCandidate>;

/** What anyone holding the tracking code sees. Never the proposer's name or phone. */
export const PublicProposal = Type.Object({
  trackingCode: Type.String(),
  cycle: PublicCycleRef,
  title: Type.String(),
  content: Type.String(),
  reason: Type.String(),
  area: Type.String(),
  district: Type.String(),
  location: Type.String(),
  channel: Type.Enum(PROPOSAL_CHANNELS),
  receivedAt: IsoDate,
  status: Type.Enum(PROPOSAL_STATUSES),
  /** The reason given when it was not adopted. */
  decisionReason: Nullable(Type.String()),
  routedTo: Nullable(Type.String()),
  candidate: Nullable(PublicCandidate),
  timeline: Type.Array(PublicEvent),
  /** Where a reserved proposal went next year: its new code and status there. */
  carriedTo: Nullable(Type.Object({ trackingCode: Type.String(), cycle: PublicCycleRef, status: Type.Enum(PROPOSAL_STATUSES) })),
});
export type PublicProposal = Static<typeof PublicProposal>;

export const PublicShortlist = Type.Object({
  cycle: PublicCycleRef,
  frozenAt: IsoDate,
  hash: Type.String(),
  decision: Type.String(),
  candidates: Type.Array(
    Type.Object({
      id: Uuid,
      position: Type.Integer(),
      name: Type.String(),
      content: Type.String(),
      targets: Type.String(),
      category: Type.String(),
      department: Type.String(),
      investmentWan: Nullable(Type.Number()),
      location: Type.String(),
      /** How many citizens' proposals it came from. */
      sourceCount: Type.Integer(),
    }),
  ),
});
export type PublicShortlist = Static<typeof PublicShortlist>;
