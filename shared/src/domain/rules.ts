/**
 * The vocabulary of a cycle's rules (票决办法). Every rule is a per-cycle setting, never a
 * constant: see docs/PROCEDURE.md §3.
 */
export const LEVELS = ['city', 'county', 'township'] as const;
export type Level = (typeof LEVELS)[number];

/** approve: per candidate 赞成/反对/弃权, at most N 赞成 · choose: tick at most N · rank: order up to N. */
export const BALLOT_TYPES = ['approve', 'choose', 'rank'] as const;
export type BallotType = (typeof BALLOT_TYPES)[number];

/** none · more than half of all seated deputies (全体代表过半数) · more than half of those present. */
export const PASS_THRESHOLDS = ['none', 'seated_majority', 'present_majority'] as const;
export type PassThreshold = (typeof PASS_THRESHOLDS)[number];

/** Quorum to open a poll: more than half of the seated, or at least two-thirds. */
export const QUORUM_RULES = ['more_than_half', 'two_thirds'] as const;
export type QuorumRule = (typeof QUORUM_RULES)[number];

/** What happens when candidates tie across the cut-off. */
export const TIE_RULES = ['runoff', 'vacant', 'presidium'] as const;
export type TieRule = (typeof TIE_RULES)[number];

/**
 * encrypted: ballots sealed on the tablet under the 监票人's joint key, only the totals ever
 * decrypted (docs/CRYPTO.md); plain: the server sees each ballot (only where a cycle chooses it).
 */
export const BALLOT_MODES = ['encrypted', 'plain'] as const;
export type BallotMode = (typeof BALLOT_MODES)[number];

export const MARKS = ['for', 'against', 'abstain'] as const;
export type Mark = (typeof MARKS)[number];

export type BallotBody =
  | { type: 'approve'; marks: Record<string, Mark> }
  | { type: 'choose'; selected: string[] }
  | { type: 'rank'; ranking: string[] };

export interface PollRules {
  ballotType: BallotType;
  /** places to fill (应选数量) */
  choose: number;
  passThreshold: PassThreshold;
  tieRule: TieRule;
}

export function quorumMet(rule: QuorumRule, seated: number, present: number): boolean {
  if (seated <= 0) return false;
  return rule === 'two_thirds' ? present * 3 >= seated * 2 : present * 2 > seated;
}

/** The smallest number of present deputies that meets the quorum. */
export function quorumNeeded(rule: QuorumRule, seated: number): number {
  if (seated <= 0) return 1;
  return rule === 'two_thirds' ? Math.ceil((seated * 2) / 3) : Math.floor(seated / 2) + 1;
}
