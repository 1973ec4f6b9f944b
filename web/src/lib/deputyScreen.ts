import type { DeputyState } from '@piaojue/shared';

export type DeputyScreen = 'loading' | 'home' | 'ballot' | 'sending' | 'error' | 'done';

export interface CastView {
  status: 'idle' | 'sending' | 'done' | 'error';
  pollId: string | null;
}

/** Which screen the tablet shows. 'done' needs either the server's roll or our ack. */
export function deputyScreen(state: DeputyState | null, cast: CastView): DeputyScreen {
  if (cast.status === 'sending') return 'sending';
  if (cast.status === 'error') return 'error';
  if (!state) return 'loading';
  const poll = state.poll;
  if (!poll) return 'home';
  const acked = cast.status === 'done' && cast.pollId === poll.id;
  if (poll.status === 'open') {
    if (state.ballot.voted || acked) return 'done';
    // a deputy issued a paper ballot votes on paper: the tablet shows no ballot
    return state.ballot.issued && !state.ballot.paper ? 'ballot' : 'home';
  }
  if (poll.status === 'draft' || poll.status === 'cancelled') return 'home';
  return state.ballot.voted || acked ? 'done' : 'home';
}
