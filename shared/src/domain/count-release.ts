/**
 * When a count may be released at all (docs/PROCEDURE.md §3, "Minimum ballots"). A poll's ballots
 * may come from two channels, the tablets (电子表决) and paper (纸质表决票), and the record shows
 * each channel's figures; the roll names who voted in each. So the minimum must hold for every
 * channel that holds ballots, not only for the whole: 498 paper ballots beside 2 tablet ballots
 * would publish those 2 deputies' votes in the electronic part, and even the total alone would
 * tell them to the 计票人, who know the paper figures (total − paper).
 *
 * One rule for the server's close, the paper count, the 解密, the offline verifier and the console.
 */

export const BALLOT_CHANNELS = ['electronic', 'paper'] as const;
export type BallotChannel = (typeof BALLOT_CHANNELS)[number];

export interface ChannelBallots {
  /** ballots counted from the tablets (an encrypted poll: the verified ones, which the 解密 sums) */
  electronic: number;
  /** paper ballots: issued ones while the paper count is pending (each may come back), 收回 once counted */
  paper: number;
  /** the poll's 最低计票数 */
  minBallots: number;
}

export type CountRelease =
  | { ok: true }
  /** fewer ballots than the minimum in all */
  | { ok: false; reason: 'total'; ballots: number; minimum: number }
  /** a channel holds ballots, but fewer than the minimum */
  | { ok: false; reason: 'channel'; channel: BallotChannel; ballots: number; minimum: number };

export type CountRefusal = Exclude<CountRelease, { ok: true }>;

/** Whether a count of these ballots may be released: the whole, and each channel that holds any, reach the minimum. */
export function countReleasable(b: ChannelBallots): CountRelease {
  const total = b.electronic + b.paper;
  if (total < b.minBallots) return { ok: false, reason: 'total', ballots: total, minimum: b.minBallots };
  for (const channel of BALLOT_CHANNELS) {
    const n = b[channel];
    if (n > 0 && n < b.minBallots) return { ok: false, reason: 'channel', channel, ballots: n, minimum: b.minBallots };
  }
  return { ok: true };
}

/** The channel's few ballots, as the record names them. */
const FEW: Record<BallotChannel, (n: number) => { zh: string; en: string }> = {
  electronic: (n) => ({ zh: `电子表决的表决票仅${n}张`, en: `Only ${n} ballots on the tablets (electronic part)` }),
  paper: (n) => ({ zh: `纸质表决票仅${n}张`, en: `Only ${n} paper ballots` }),
};

/** Why the count is refused, naming the channel and the minimum: the server's error message and the console's note. */
export function countRefusalText(v: CountRefusal): { zh: string; en: string } {
  if (v.reason === 'total') {
    return {
      zh: `表决票共${v.ballots}张，少于最低计票数${v.minimum}张，为保护无记名投票不能计票，只能取消本次表决`,
      en: `${v.ballots} ballots in all, fewer than the minimum of ${v.minimum}: they cannot be counted without revealing them; the poll can only be cancelled`,
    };
  }
  const few = FEW[v.channel](v.ballots);
  return {
    zh: `${few.zh}，少于最低计票数${v.minimum}张：无论单独列出，还是从合计中减去另一部分，都会显示这几位代表的表决意见。为保护无记名投票，本次表决不能计票，只能取消后重新表决`,
    en: `${few.en}, fewer than the minimum of ${v.minimum}: shown apart, or found by taking the other part from the total, they would reveal how those deputies voted. The poll cannot be counted; it can only be cancelled and held again`,
  };
}
