import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { ProposalSummary } from './proposals.ts';

export const SimilarQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) });
export type SimilarQuery = Static<typeof SimilarQuery>;

/**
 * Where two proposals are, compared: 'same' (a 小区, village, road … in common, or only districts
 * and the same one), 'other' (both name places and none is shared), 'unknown' (one names none).
 */
export const PLACE_RELATIONS = ['same', 'other', 'unknown'] as const;
export type PlaceRelation = (typeof PLACE_RELATIONS)[number];

export const SimilarProposal = Type.Object({
  proposal: ProposalSummary,
  place: Type.Enum(PLACE_RELATIONS),
  /** The shared places as this proposal writes them (e.g. 春江苑). */
  samePlaces: Type.Array(Type.String()),
  /** The shared request in this proposal's words, by synonym group (e.g. 加装电梯). */
  sharedTopics: Type.Array(Type.String()),
  /**
   * Share of the two requests' weighted words in common, 0–1 (synonyms count as the same word;
   * places left out). It orders the list; the flag below is what staff act on.
   */
  topic: Type.Number(),
  /** 可能重复: same place and the same request, above the threshold measured by `pnpm eval:similar`. */
  duplicate: Type.Boolean(),
});
export const SimilarProposals = Type.Array(SimilarProposal);
export type SimilarProposals = Static<typeof SimilarProposals>;
export type SimilarProposal = Static<typeof SimilarProposal>;

export const DuplicateGroup = Type.Object({
  /** Stable for a given membership: the smallest proposal number. */
  key: Type.String(),
  places: Type.Array(Type.String()),
  topics: Type.Array(Type.String()),
  /** A name for the candidate project the group would become (place + request). */
  suggestedName: Type.String(),
  proposals: Type.Array(ProposalSummary),
});
export type DuplicateGroup = Static<typeof DuplicateGroup>;
export const DuplicateGroups = Type.Object({
  /** Proposals looked at: those not yet decided (收到, 审查中). */
  scanned: Type.Integer(),
  groups: Type.Array(DuplicateGroup),
});
export type DuplicateGroups = Static<typeof DuplicateGroups>;

/** synonym: a group of words for one request; place: a gazetteer name; word: a segmenter word; stop: ignored. */
export const LEXICON_KINDS = ['synonym', 'place', 'word', 'stop'] as const;
export type LexiconKind = (typeof LEXICON_KINDS)[number];

export const LexiconEntry = Type.Object({
  id: Uuid,
  kind: Type.Enum(LEXICON_KINDS),
  /** A synonym group is its words separated by spaces, the group's name first. */
  value: Type.String(),
  origin: Type.Enum(['seed', 'staff']),
  createdAt: IsoDate,
  createdBy: Nullable(Type.String()),
});
export type LexiconEntry = Static<typeof LexiconEntry>;
export const LexiconList = Type.Array(LexiconEntry);
export type LexiconList = Static<typeof LexiconList>;
export const LexiconBody = Type.Object({
  kind: Type.Enum(LEXICON_KINDS),
  value: Type.String({ minLength: 1, maxLength: 500 }),
});
export type LexiconBody = Static<typeof LexiconBody>;
