import { Type, type Static } from 'typebox';
import { GRADING_RULES, RATING_BASES, RATING_BODIES } from '../domain/grading.ts';
import { PASS_THRESHOLDS, TIE_RULES } from '../domain/rules.ts';
import { Nullable } from './common.ts';
import { CeremonyCommitment, SealedShare } from './ceremony.ts';
import { PaperFiguresSchema } from './paper.ts';
import { PollCryptoContext, PollResult, RatingResultSchema } from './polls.ts';

/**
 * A poll's bulletin (docs/CRYPTO.md §"Bulletin", version 3): everything `pnpm verify:poll`
 * needs to re-check the poll offline. The layout is shared/src/crypto/bulletin.ts's BulletinJson;
 * the verifier, not this schema, judges every element.
 */
const B64 = Type.String({ pattern: '^[A-Za-z0-9_-]*$' });
/** [α, β] (a plain array: the response serializer's validator refuses tuple schemas) */
const Ct = Type.Array(B64, { minItems: 2, maxItems: 2 });
const Proof = Type.Object({ c: B64, v: B64 });
const Counts = Type.Array(Type.Integer());

export const PollBulletin = Type.Object({
  format: Type.Literal('piaojue-bulletin'),
  version: Type.Literal(3),
  group: Type.Literal('ristretto255'),
  ceremony: Type.Object({
    ceremonyId: Type.String(),
    /** the 监票人's deputy ids, guardian ℓ at position ℓ − 1 */
    guardians: Type.Array(Type.String()),
    threshold: Type.Integer(),
    commitments: Type.Array(CeremonyCommitment),
    shares: Type.Array(SealedShare),
    confirmations: Type.Array(Type.Object({ index: Type.Integer(), publicShare: B64 })),
    jointKey: B64,
    fingerprint: Type.String(),
  }),
  poll: PollCryptoContext.properties.spec,
  rules: Type.Object({
    ballotType: PollCryptoContext.properties.spec.properties.kind,
    choose: Type.Integer(),
    passThreshold: Type.Enum(PASS_THRESHOLDS),
    tieRule: Type.Enum(TIE_RULES),
    rating: Nullable(Type.Object({ gradingRule: Type.Enum(GRADING_RULES), ratingBase: Type.Enum(RATING_BASES), ratingBody: Type.Enum(RATING_BODIES) })),
    candidates: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    seated: Type.Integer(),
    present: Type.Integer(),
    issued: Type.Integer(),
    invalid: Type.Integer(),
    minBallots: Type.Integer(),
    paper: Nullable(PaperFiguresSchema),
  }),
  /** in tracker order, never in the order of casting */
  ballots: Type.Array(Type.Object({ tracker: Type.String(), slots: Type.Array(Ct), proofs: Type.Array(Type.Object({ c: Type.Array(B64), v: Type.Array(B64) })) })),
  sums: Type.Array(Ct),
  decryption: Nullable(
    Type.Object({
      partials: Type.Array(Type.Object({ guardian: Type.Integer(), shares: Type.Array(B64), proofs: Type.Array(Proof) })),
      slotCounts: Counts,
      counts: Type.Union([
        Type.Object({ kind: Type.Literal('approve'), for: Counts, against: Counts, abstain: Counts }),
        Type.Object({ kind: Type.Literal('choose'), selected: Counts }),
        Type.Object({ kind: Type.Literal('rank'), positions: Type.Array(Counts), ranked: Counts }),
        Type.Object({ kind: Type.Literal('rating'), satisfied: Counts, basic: Counts, unsatisfied: Counts, abstain: Counts }),
      ]),
    }),
  ),
  /** the result as published; null before the count */
  result: Nullable(Type.Union([PollResult, RatingResultSchema])),
});
export type PollBulletin = Static<typeof PollBulletin>;
