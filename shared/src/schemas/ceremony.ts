import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, Uuid } from './common.ts';

/**
 * The 监票人's key ceremony on the wire (docs/CRYPTO.md §"Key ceremony on the server"). Every element is the
 * bulletin's encoding (base64url of 32-byte group elements and scalars), so the transcript is
 * the `ceremony` section of a poll's bulletin as it stands.
 */
const B64 = (bytes: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: Math.ceil((bytes * 4) / 3), maxLength: Math.ceil((bytes * 4) / 3) });
const Element = B64(32);
const Index = Type.Integer({ minimum: 1, maximum: 255 });
const ProofJson = Type.Object({ c: Element, v: Element }, { additionalProperties: false });

export const StartCeremonyBody = Type.Object({
  /** t of n; by default a majority of the 监票人 (shared/src/domain/ceremony.ts). */
  threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
  /** Set to abandon a ceremony that has not completed (a tablet lost its part) and start afresh. */
  restart: Type.Optional(Type.Boolean()),
});
export type StartCeremonyBody = Static<typeof StartCeremonyBody>;

/** Round 1: the commitments K_ij = g^a_ij to a 监票人's polynomial, with a Schnorr proof of each. */
export const CeremonyCommitment = Type.Object({
  index: Index,
  commitments: Type.Array(Element, { minItems: 1, maxItems: 255 }),
  proofs: Type.Array(ProofJson, { minItems: 1, maxItems: 255 }),
}, { additionalProperties: false });
export type CeremonyCommitment = Static<typeof CeremonyCommitment>;

/** Round 2: P_from(to), sealed so that only guardian `to` can open it. */
export const SealedShare = Type.Object({
  from: Index,
  to: Index,
  ephemeral: Element,
  nonce: B64(24),
  /** the 32-byte share and the 16-byte AEAD tag */
  box: B64(48),
}, { additionalProperties: false });
export type SealedShare = Static<typeof SealedShare>;

export const CeremonySharesBody = Type.Object({ shares: Type.Array(SealedShare, { minItems: 1, maxItems: 254 }) }, { additionalProperties: false });
export type CeremonySharesBody = Static<typeof CeremonySharesBody>;

/**
 * Round 3: either the shares received all verified and this is g^s for the 监票人's share s,
 * or a complaint naming the guardians whose shares did not.
 */
export const CeremonyConfirmBody = Type.Union([
  Type.Object({ index: Index, publicShare: Element }, { additionalProperties: false }),
  Type.Object({ index: Index, badSenders: Type.Array(Index, { minItems: 1, maxItems: 254, uniqueItems: true }) }, { additionalProperties: false }),
]);
export type CeremonyConfirmBody = Static<typeof CeremonyConfirmBody>;

export const CeremonyGuardian = Type.Object({
  index: Index,
  deputyId: Uuid,
  name: Type.String(),
  /** the last round this 监票人 has completed: 0 (none) to 3 */
  round: Type.Integer({ minimum: 0, maximum: 3 }),
});
export type CeremonyGuardian = Static<typeof CeremonyGuardian>;

export const CeremonyStatus = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  status: Type.Union([Type.Literal('running'), Type.Literal('complete'), Type.Literal('failed')]),
  threshold: Type.Integer(),
  guardians: Type.Array(CeremonyGuardian),
  /** 密钥生成 k/n: 监票人 who have finished all three rounds */
  done: Type.Integer(),
  /** in a failed ceremony, the guardians whose shares a 监票人 could not verify */
  failedSenders: Type.Array(Index),
  fingerprint: Nullable(Type.String()),
  createdAt: IsoDate,
  completedAt: Nullable(IsoDate),
});
export type CeremonyStatus = Static<typeof CeremonyStatus>;

export const SessionKey = Type.Object({ ceremonyId: Uuid, threshold: Type.Integer(), guardians: Type.Integer(), jointKey: Element, fingerprint: Type.String() });
export type SessionKey = Static<typeof SessionKey>;

/** The public transcript, laid out as the bulletin's `ceremony` section. */
export const CeremonyTranscript = Type.Object({
  ceremonyId: Uuid,
  /** guardian labels: the 监票人's deputy ids in index order */
  guardians: Type.Array(Uuid),
  threshold: Type.Integer(),
  commitments: Type.Array(CeremonyCommitment),
  shares: Type.Array(SealedShare),
  confirmations: Type.Array(Type.Object({ index: Index, publicShare: Element })),
  jointKey: Nullable(Element),
  fingerprint: Nullable(Type.String()),
});
export type CeremonyTranscript = Static<typeof CeremonyTranscript>;
