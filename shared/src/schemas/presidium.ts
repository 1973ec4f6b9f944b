import { Type, type Static } from 'typebox';
import { DECISION_STATUSES, PRESIDIUM_DECISION_KINDS, SIGNATURE_ANSWERS } from '../domain/presidium.ts';
import { IsoDate, Nullable, PlainDate, Text, Uuid } from './common.ts';

/**
 * A decision of a 主席团 meeting on a counted poll (docs/PROCEDURE.md §3, "The 主席团's
 * decisions"): certify, return (退回) or choose among the projects tied at the cut-off.
 */
export const PresidiumDecisionBody = Type.Object({
  kind: Type.Enum(PRESIDIUM_DECISION_KINDS),
  /** e.g. 主席团第三次会议 */
  meeting: Text(100),
  decidedOn: PlainDate,
  /**
   * The members asked to sign (those at the meeting), at least as many as must sign; the member
   * recording it is one of them and signs it by recording it. The others sign on their own accounts.
   */
  signerIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }),
  /** tie: the tied projects that take the places left open, in the order decided. */
  chosen: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true })),
  /** reject: why the result goes back. */
  reason: Type.Optional(Text(1000)),
});
export type PresidiumDecisionBody = Static<typeof PresidiumDecisionBody>;

/** A named member's answer to a decision: null while they have not answered. */
export const DecisionSigner = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  answer: Nullable(Type.Enum(SIGNATURE_ANSWERS)),
  answeredAt: Nullable(IsoDate),
});
export type DecisionSigner = Static<typeof DecisionSigner>;

export const PresidiumDecision = Type.Object({
  id: Uuid,
  pollId: Uuid,
  kind: Type.Enum(PRESIDIUM_DECISION_KINDS),
  /** pending until enough named members have signed on their own accounts; then effective */
  status: Type.Enum(DECISION_STATUSES),
  meeting: Type.String(),
  decidedOn: PlainDate,
  chosen: Type.Array(Type.Object({ candidateId: Uuid, name: Type.String() })),
  reason: Nullable(Type.String()),
  /** The members who signed it, in the order they signed. */
  signers: Type.Array(Type.Object({ userId: Uuid, displayName: Type.String() })),
  /** The members asked to sign, the recorder first, each with their answer. */
  named: Type.Array(DecisionSigner),
  /** Signatures it takes to have effect. */
  needed: Type.Integer(),
  recordedBy: Type.String(),
  recordedById: Uuid,
  recordedAt: IsoDate,
  /** When it took effect, was withdrawn, declined or lapsed. */
  settledAt: Nullable(IsoDate),
});
export type PresidiumDecision = Static<typeof PresidiumDecision>;

/** A decision of a poll: the poll's id (which scopes the route to its congress) and the decision's. */
export const PresidiumDecisionParams = Type.Object({ id: Uuid, decisionId: Uuid });
export type PresidiumDecisionParams = Static<typeof PresidiumDecisionParams>;

/** A named member's answer to a pending decision, given on their own account. */
export const PresidiumSignatureBody = Type.Object({ answer: Type.Enum(SIGNATURE_ANSWERS) });
export type PresidiumSignatureBody = Static<typeof PresidiumSignatureBody>;

/** A pending decision as the presidium's list of what awaits signatures shows it. */
export const PendingPresidiumDecision = Type.Object({
  decision: PresidiumDecision,
  pollTitle: Type.String(),
  sessionId: Uuid,
  sessionName: Type.String(),
});
export type PendingPresidiumDecision = Static<typeof PendingPresidiumDecision>;
export const PendingPresidiumDecisions = Type.Array(PendingPresidiumDecision);
export type PendingPresidiumDecisions = Static<typeof PendingPresidiumDecisions>;

/** A 主席团 member who may sign: an active account holding the presidium role. */
export const PresidiumMember = Type.Object({ userId: Uuid, displayName: Type.String(), username: Type.String() });
export type PresidiumMember = Static<typeof PresidiumMember>;
export const PresidiumMembers = Type.Array(PresidiumMember);
export type PresidiumMembers = Static<typeof PresidiumMembers>;
