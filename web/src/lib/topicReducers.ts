/**
 * Pure reducers: a websocket snapshot/event (or a REST response) applied to the state a
 * store keeps. Stores call these and nothing else, so REST and socket agree.
 */
import type { HallState, StaffState, Turnout } from '@piaojue/shared';
import type { TopicMessage } from '../composables/socketCore.ts';
import { decryptionOf } from './sealBallot.ts';

function applyHallTurnout(state: HallState, turnout: Turnout, serverTime: string): HallState {
  if (!state.poll || state.poll.id !== turnout.pollId) return { ...state, serverTime };
  return { ...state, serverTime, poll: { ...state.poll, turnout: { ...turnout } } };
}

export function applyHallMessage(state: HallState | null, msg: TopicMessage): HallState | null {
  if (msg.kind === 'snapshot') return msg.data.kind === 'hall' ? msg.data.state : state;
  const ev = msg.event;
  if (ev.kind === 'hall') return ev.state;
  if (ev.kind === 'turnout') return state ? applyHallTurnout(state, ev.turnout, ev.serverTime) : state;
  return state;
}

export function applyStaffMessage(state: StaffState | null, msg: TopicMessage): StaffState | null {
  if (msg.kind === 'snapshot') return msg.data.kind === 'staff' ? msg.data.state : state;
  const ev = msg.event;
  if (ev.kind === 'staff') return ev.state;
  if (ev.kind === 'turnout') {
    if (!state?.turnout || state.turnout.pollId !== ev.turnout.pollId) return state;
    return { ...state, turnout: { ...state.turnout, issued: ev.turnout.issued, voted: ev.turnout.voted } };
  }
  return state;
}

/** What in a hall update should make a tablet refetch its own state. */
export function pollSignature(state: HallState | null): string {
  const p = state?.poll;
  // 解密 k/t moves within one status: each 监票人's 解密 shows on every 监票人's tablet
  return p ? `${p.id}:${p.status}:${p.certifiedAt ?? ''}:${state?.checkinOpen ? 1 : 0}:${decryptionOf(p)?.done ?? ''}` : `none:${state?.checkinOpen ? 1 : 0}`;
}
