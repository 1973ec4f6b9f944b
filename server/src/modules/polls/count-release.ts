import { countRefusalText, type CountRefusal } from '@piaojue/shared';
import { AppError } from '../../lib/errors.ts';

/**
 * The refusal of a count that would reveal ballots (docs/PROCEDURE.md §3, "Minimum ballots"):
 * too few in all, or too few in one channel (tablets or paper). Nothing is counted; the poll can
 * only be cancelled.
 */
export function countRefused(v: CountRefusal): AppError {
  if (v.reason === 'total') return new AppError('TOO_FEW_BALLOTS', { voted: v.ballots, minimum: v.minimum });
  return new AppError('TOO_FEW_BALLOTS_IN_CHANNEL', { channel: v.channel, ballots: v.ballots, minimum: v.minimum }, countRefusalText(v));
}

/** The audit's reason when the countdown sweeper cancels such a poll. */
export const cancelReasonOf = (v: CountRefusal): string => (v.reason === 'total' ? 'too_few_ballots' : `too_few_ballots_in_channel:${v.channel}`);
