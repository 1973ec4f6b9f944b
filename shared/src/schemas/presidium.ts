import { Type, type Static } from 'typebox';
import { PRESIDIUM_DECISION_KINDS } from '../domain/presidium.ts';
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
  /** The members who signed, as signed; the member recording it is one of them. */
  signerIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }),
  /** tie: the tied projects that take the places left open, in the order decided. */
  chosen: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true })),
  /** reject: why the result goes back. */
  reason: Type.Optional(Text(1000)),
});
export type PresidiumDecisionBody = Static<typeof PresidiumDecisionBody>;

export const PresidiumDecision = Type.Object({
  id: Uuid,
  pollId: Uuid,
  kind: Type.Enum(PRESIDIUM_DECISION_KINDS),
  meeting: Type.String(),
  decidedOn: PlainDate,
  chosen: Type.Array(Type.Object({ candidateId: Uuid, name: Type.String() })),
  reason: Nullable(Type.String()),
  signers: Type.Array(Type.Object({ userId: Uuid, displayName: Type.String() })),
  recordedBy: Type.String(),
  recordedAt: IsoDate,
});
export type PresidiumDecision = Static<typeof PresidiumDecision>;

/** A 主席团 member who may sign: an active account holding the presidium role. */
export const PresidiumMember = Type.Object({ userId: Uuid, displayName: Type.String(), username: Type.String() });
export type PresidiumMember = Static<typeof PresidiumMember>;
export const PresidiumMembers = Type.Array(PresidiumMember);
export type PresidiumMembers = Static<typeof PresidiumMembers>;
