import { Type, type Static } from 'typebox';
import { GRADES, GRADING_RULES, RATING_BASES, RATING_BODIES, RATING_MARKS } from '../domain/grading.ts';
import { BALLOT_MODES, BALLOT_TYPES, MARKS, PASS_THRESHOLDS, TIE_RULES } from '../domain/rules.ts';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { PresidiumDecision } from './presidium.ts';

/**
 * counting: closed to the tablets, paper ballots being counted (docs/PROCEDURE.md, "Paper ballots").
 * decrypting: an encrypted poll closed to ballots, its sums fixed, waiting for t 监票人's
 * partial decryptions (docs/CRYPTO.md §"Polls").
 */
export const POLL_STATUSES = ['draft', 'open', 'counting', 'decrypting', 'closed', 'rejected', 'certified', 'published', 'cancelled'] as const;
export const POLL_KINDS = ['vote', 'runoff', 'rating'] as const;
export type PollKind = (typeof POLL_KINDS)[number];
export const POLL_BALLOT_TYPES = [...BALLOT_TYPES, 'rating'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const CreatePollBody = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  countdownSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
});
export type CreatePollBody = Static<typeof CreatePollBody>;

export const OpenPollBody = Type.Object({
  countdownSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 10, maximum: 86400 }))),
});
export type OpenPollBody = Static<typeof OpenPollBody>;

export const CancelPollBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export type CancelPollBody = Static<typeof CancelPollBody>;

export const BallotBodySchema = Type.Union([
  Type.Object({ type: Type.Literal('approve'), marks: Type.Record(Type.String({ maxLength: 64 }), Type.Enum(MARKS)) }),
  Type.Object({ type: Type.Literal('choose'), selected: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 }) }),
  Type.Object({ type: Type.Literal('rank'), ranking: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 }) }),
  Type.Object({ type: Type.Literal('rating'), marks: Type.Record(Type.String({ maxLength: 64 }), Type.Enum(RATING_MARKS)) }),
]);
export type BallotBodyWire = Static<typeof BallotBodySchema>;

/** Made by the tablet once per ballot; a retry with the same key returns the same receipt. */
export const IdempotencyKey = Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export type IdempotencyKey = Static<typeof IdempotencyKey>;

/**
 * An encrypted ballot as the tablet sends it in `ballot`: packed (packBallot), its elements as one
 * base64url string whose length the poll's statements fix (docs/CRYPTO.md §"Wire and tablet").
 * The largest, a rank ballot of many candidates, runs to ~100 kB.
 */
export const EncryptedBallotWire = Type.Object({
  encrypted: Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength: 250_000 }),
});
export type EncryptedBallotWire = Static<typeof EncryptedBallotWire>;

export const CastBody = Type.Object({
  idempotencyKey: IdempotencyKey,
  ballot: Type.Unknown(),
});
export type CastBody = Static<typeof CastBody>;
/**
 * CastBody as the API document shows it: the ballot's shape per ballot type, or, in an encrypted
 * poll, the packed ballot. The route itself validates `ballot` with the shared ballot rules
 * (validateBallot) or the packed ballot's shape, which answer precise codes.
 */
export const CastBodyDocumented = Type.Object({ idempotencyKey: IdempotencyKey, ballot: Type.Union([...BallotBodySchema.anyOf, EncryptedBallotWire]) });
export type CastBodyDocumented = Static<typeof CastBodyDocumented>;

export const CastReceipt = Type.Object({
  /** Random tracker: proves inclusion in the published list, reveals nothing of the choice. */
  receipt: Type.String(),
  duplicate: Type.Boolean(),
});
export type CastReceipt = Static<typeof CastReceipt>;

export const OfficialRecordSchema = Type.Object({
  seated: Type.Integer(),
  present: Type.Integer(),
  issued: Type.Integer(),
  returned: Type.Integer(),
  valid: Type.Integer(),
  invalid: Type.Integer(),
  notVoted: Type.Integer(),
  balanced: Type.Boolean(),
});
export type OfficialRecordWire = Static<typeof OfficialRecordSchema>;

export const CandidateResultSchema = Type.Object({
  candidateId: Type.String(),
  name: Type.String(),
  for: Type.Integer(),
  against: Type.Integer(),
  abstain: Type.Integer(),
  score: Type.Number(),
  rank: Type.Integer(),
  passesThreshold: Type.Boolean(),
  status: Type.Union([Type.Literal('chosen'), Type.Literal('not_chosen'), Type.Literal('tied')]),
});
export type CandidateResultWire = Static<typeof CandidateResultSchema>;

/**
 * A result that includes paper ballots keeps its two parts side by side (PaperParts,
 * docs/PROCEDURE.md "Paper ballots"); the per-candidate split is null when a part is too small
 * to show on its own.
 */
export const PaperPartsSchema = Type.Object({
  electronic: OfficialRecordSchema,
  paper: OfficialRecordSchema,
  invalidReasons: Type.Record(Type.String(), Type.Integer()),
  split: Nullable(Type.Array(Type.Object({ candidateId: Type.String(), electronic: Type.Record(Type.String(), Type.Number()), paper: Type.Record(Type.String(), Type.Number()) }))),
});

export const PollResult = Type.Object({
  rows: Type.Array(CandidateResultSchema),
  chosen: Type.Array(Type.String()),
  tie: Nullable(Type.Object({ candidateIds: Type.Array(Type.String()), places: Type.Integer(), resolution: Type.Enum(TIE_RULES) })),
  vacancies: Type.Integer(),
  thresholdVotes: Nullable(Type.Number()),
  record: OfficialRecordSchema,
  paper: Type.Optional(PaperPartsSchema),
});
export type PollResult = Static<typeof PollResult>;

export const RatingResultSchema = Type.Object({
  rows: Type.Array(
    Type.Object({
      candidateId: Type.String(),
      name: Type.String(),
      satisfied: Type.Integer(),
      basic: Type.Integer(),
      unsatisfied: Type.Integer(),
      abstain: Type.Integer(),
      grade: Type.Enum(GRADES),
      /** 满意 ÷ valid ballots. */
      satisfiedRate: Type.Number(),
      /** 满意率: (满意 + 基本满意) ÷ valid ballots. */
      satisfactionRate: Type.Number(),
    }),
  ),
  gradingRule: Type.Enum(GRADING_RULES),
  /** What 满意 was counted against: all members of the rating body, or those who rated. */
  ratingBase: Type.Enum(RATING_BASES),
  ratingBody: Type.Enum(RATING_BODIES),
  record: OfficialRecordSchema,
  paper: Type.Optional(PaperPartsSchema),
});
export type RatingResultWire = Static<typeof RatingResultSchema>;

export const Signoff = Type.Object({
  role: Type.Enum(['scrutineer', 'presidium'] as const),
  /** A presidium member's account; null for a 监票人, who signs as a deputy on the tablet. */
  userId: Nullable(Uuid),
  deputyId: Nullable(Uuid),
  displayName: Type.String(),
  decision: Type.Enum(['confirm', 'certify', 'reject'] as const),
  reason: Nullable(Type.String()),
  at: IsoDate,
});
export type Signoff = Static<typeof Signoff>;

export const Certification = Type.Object({
  /** Presidium certifications needed (k of n). */
  certifyK: Type.Integer(),
  /** 监票人 confirmations needed before certifying (the cycle's number, or every 监票人 present, at least 2). */
  scrutineerConfirmations: Type.Integer(),
  /** Below this many ballots the poll is not counted, only cancelled. */
  minBallots: Type.Integer(),
  signoffs: Type.Array(Signoff),
  /** One member may return the result alone (a cycle setting; otherwise a return needs certifyK). */
  rejectAlone: Type.Optional(Type.Boolean()),
  /** A tie the 主席团 decides is still open: no certifying before its decision. */
  tieUndecided: Type.Optional(Type.Boolean()),
  /** The 主席团's decisions in effect on this poll (certify, return, tie). */
  decisions: Type.Optional(Type.Array(PresidiumDecision)),
  /** Decisions recorded and awaiting their members' signatures. */
  pending: Type.Optional(Type.Array(PresidiumDecision)),
});
export type Certification = Static<typeof Certification>;

export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export type RejectBody = Static<typeof RejectBody>;

export const CreateRatingPollBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  /** The projects (candidates of any cycle) to rate, in ballot order. */
  candidateIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }),
  allowAbstain: Type.Optional(Type.Boolean()),
  gradingRule: Type.Optional(Type.Enum(GRADING_RULES)),
  /** Default 'members': 满意 counted against all members of the rating body (全体组成人员). */
  ratingBase: Type.Optional(Type.Enum(RATING_BASES)),
  /** Default 'deputies'. */
  ratingBody: Type.Optional(Type.Enum(RATING_BODIES)),
  /** 再次测评: the earlier rating poll whose 整改 this one re-rates. */
  reratingOf: Type.Optional(Uuid),
  countdownSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
});
export type CreateRatingPollBody = Static<typeof CreateRatingPollBody>;

export const PollCandidate = Type.Object({
  id: Uuid,
  name: Type.String(),
  department: Type.String(),
  investmentWan: Nullable(Type.Number()),
  deadline: Type.String(),
  content: Type.String(),
  targets: Type.String(),
  location: Type.String(),
  category: Type.String(),
  fundingSource: Type.String(),
  subItems: Type.Array(Type.Object({ name: Type.String(), detail: Type.Optional(Type.String()) })),
});
export type PollCandidate = Static<typeof PollCandidate>;

/**
 * An encrypted poll's decryption, 监票人解密中 k/t: the ceremony's threshold, how many 监票人
 * have sent a partial decryption whose proofs verified, and who. Null for a plain poll.
 */
export const PollDecryption = Type.Object({
  threshold: Type.Integer(),
  done: Type.Integer(),
  guardians: Type.Array(Type.Object({ index: Type.Integer(), name: Type.String(), done: Type.Boolean() })),
});
export type PollDecryption = Static<typeof PollDecryption>;

export const Poll = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  kind: Type.Enum(POLL_KINDS),
  parentPollId: Nullable(Uuid),
  title: Type.String(),
  status: Type.Enum(POLL_STATUSES),
  ballotType: Type.Enum(POLL_BALLOT_TYPES),
  chooseN: Type.Integer(),
  passThreshold: Type.Enum(PASS_THRESHOLDS),
  tieRule: Type.Enum(TIE_RULES),
  /** Rating polls: whether 弃权 is offered, and the grading rule. */
  allowAbstain: Type.Boolean(),
  gradingRule: Nullable(Type.Enum(GRADING_RULES)),
  ratingBase: Nullable(Type.Enum(RATING_BASES)),
  ratingBody: Nullable(Type.Enum(RATING_BODIES)),
  /** 再次测评: the earlier rating poll this one follows. */
  reratingOf: Nullable(Uuid),
  /** The whole poll is on paper (docs/PROCEDURE.md, "Paper ballots"). */
  paperWhole: Type.Boolean(),
  /** Copied from the cycle when the poll is made. */
  ballotMode: Type.Enum(BALLOT_MODES),
  decryption: Nullable(PollDecryption),
  listHash: Type.String(),
  candidates: Type.Array(PollCandidate),
  countdownSeconds: Nullable(Type.Integer()),
  openedAt: Nullable(IsoDate),
  closesAt: Nullable(IsoDate),
  closedAt: Nullable(IsoDate),
  certifiedAt: Nullable(IsoDate),
  cancelledAt: Nullable(IsoDate),
  rejectedAt: Nullable(IsoDate),
  /** Set only once the poll is closed: no running tally while a secret poll is open. */
  result: Nullable(PollResult),
  /** Rating polls' result, likewise only once closed. */
  rating: Nullable(RatingResultSchema),
  certification: Certification,
});
export type Poll = Static<typeof Poll>;

export const Turnout = Type.Object({
  pollId: Uuid,
  /** 发出 */ issued: Type.Integer(),
  /** 已投 */ voted: Type.Integer(),
});
export type Turnout = Static<typeof Turnout>;

export const StaffTurnout = Type.Object({
  pollId: Uuid,
  issued: Type.Integer(),
  voted: Type.Integer(),
  byDelegation: Type.Array(Type.Object({ delegation: Type.String(), issued: Type.Integer(), voted: Type.Integer() })),
  /** Encrypted polls: ballots whose proofs failed the server's check (无效, never tallied). No names. */
  rejected: Type.Integer(),
  notVoted: Type.Array(Type.Object({ deputyId: Uuid, name: Type.String(), delegation: Type.String(), seat: Type.String() })),
});
export type StaffTurnout = Static<typeof StaffTurnout>;

export const Trackers = Type.Object({ pollId: Uuid, trackers: Type.Array(Type.String()) });
export type Trackers = Static<typeof Trackers>;

/** What a deputy's tablet needs: its session, the poll in front of it, and whether it voted. */
export const DeputyState = Type.Object({
  deputy: Type.Object({ id: Uuid, name: Type.String(), delegation: Type.String(), seat: Type.String(), checkedIn: Type.Boolean() }),
  session: Type.Object({ id: Uuid, name: Type.String(), checkinOpen: Type.Boolean() }),
  cycle: Type.Object({ id: Uuid, name: Type.String(), year: Type.Integer() }),
  candidates: Type.Array(PollCandidate),
  poll: Nullable(Poll),
  /** Whether this deputy was issued a ballot in the current poll and whether it was returned. */
  /** paper: issued a paper ballot instead, so this tablet cannot cast (docs/PROCEDURE.md, "Paper ballots"). */
  ballot: Type.Object({ issued: Type.Boolean(), voted: Type.Boolean(), paper: Type.Boolean() }),
});
export type DeputyState = Static<typeof DeputyState>;

const B64 = (bytes: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: Math.ceil((bytes * 4) / 3), maxLength: Math.ceil((bytes * 4) / 3) });
const Element = B64(32);
/** A ciphertext [α, β]. */
const Pair = Type.Array(Element, { minItems: 2, maxItems: 2 });

/**
 * What a tablet needs to encrypt a ballot of an encrypted poll (docs/CRYPTO.md §"Polls"):
 * the ceremony's parameters, the poll's spec as fixed at opening, and the joint key. The tablet
 * checks that the spec binds the list it shows (bindsList), then builds its PollContext with
 * pollContextOf({ params, spec, jointKey: parsePoint(jointKey) }).
 */
export const PollCryptoContext = Type.Object({
  params: Type.Object({ ceremonyId: Uuid, guardians: Type.Array(Uuid), threshold: Type.Integer() }),
  spec: Type.Object({
    pollId: Uuid,
    kind: Type.Enum(['approve', 'choose', 'rank', 'rating'] as const),
    candidates: Type.Integer(),
    /** candidateListDigest of the ballot's list (id, name, in order): the tablet checks it against the list it shows */
    listDigest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    places: Type.Integer(),
    allowAbstain: Type.Boolean(),
    maxBallots: Type.Integer(),
  }),
  jointKey: Element,
  /** the key's fingerprint, as the hall and the 票决办法 annex show it */
  fingerprint: Type.String(),
});
export type PollCryptoContext = Static<typeof PollCryptoContext>;


/** A 监票人's 解密 task: the poll's encrypted sums, to decrypt with their share on the tablet. */
export const DecryptionTask = Type.Object({
  pollId: Uuid,
  ceremonyId: Uuid,
  /** this 监票人's guardian index in the ceremony */
  guardian: Type.Integer(),
  /** how many ballots were summed (verified ones) */
  ballots: Type.Integer(),
  /** per tally slot, the sum [α, β] */
  sums: Type.Array(Pair),
  /** whether this 监票人's partial decryption is already in */
  done: Type.Boolean(),
});
export type DecryptionTask = Static<typeof DecryptionTask>;

/** A 监票人's partial decryption of every sum, with a Chaum–Pedersen proof each (the bulletin's shape). */
export const PartialDecryptionBody = Type.Object({
  guardian: Type.Integer({ minimum: 1, maximum: 255 }),
  shares: Type.Array(Element, { minItems: 1, maxItems: 2000 }),
  proofs: Type.Array(Type.Object({ c: Element, v: Element }, { additionalProperties: false }), { minItems: 1, maxItems: 2000 }),
}, { additionalProperties: false });
export type PartialDecryptionBody = Static<typeof PartialDecryptionBody>;
