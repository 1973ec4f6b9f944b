/**
 * The 主席团 decisions awaiting signatures across the account's congress (docs/PROCEDURE.md §3,
 * "The 主席团's decisions"): the console's list for presidium members. A poll the server returns
 * after an answer or a withdrawal carries that poll's pending decisions: applyPoll takes them.
 * The presidium:<sessionId> topics bring each session's list whenever another member records,
 * signs, declines or withdraws a decision there: applyTopic takes them.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PendingPresidiumDecisions, Poll, PresidiumState, SignatureAnswer } from '@piaojue/shared';
import type { TopicMessage } from '../composables/socketCore.ts';
import { procedureApi } from '../api/procedure.ts';

const byRecorded = (a: PendingPresidiumDecisions[number], b: PendingPresidiumDecisions[number]) => a.decision.recordedAt.localeCompare(b.decision.recordedAt);

export const usePresidiumStore = defineStore('presidium', () => {
  const pending = ref<PendingPresidiumDecisions>([]);
  const loaded = ref(false);

  /** The server's whole list replaces what was shown. */
  function applyPending(list: PendingPresidiumDecisions) {
    pending.value = list;
    loaded.value = true;
  }

  /** A poll as the server now has it: its pending decisions replace the ones listed for it. */
  function applyPoll(poll: Poll) {
    const before = pending.value.filter((x) => x.decision.pollId === poll.id);
    const context = before[0];
    const others = pending.value.filter((x) => x.decision.pollId !== poll.id);
    const now = context ? (poll.certification.pending ?? []).map((decision) => ({ ...context, decision })) : [];
    pending.value = [...others, ...now].sort(byRecorded);
  }

  /** A session's list as the server now has it: it replaces what was listed for that session. */
  function applySession(state: PresidiumState) {
    const others = pending.value.filter((x) => x.sessionId !== state.sessionId);
    pending.value = [...others, ...state.pending].sort(byRecorded);
  }

  /** A snapshot or event of a presidium:<sessionId> topic; the other topics' messages are not this store's. */
  function applyTopic(msg: TopicMessage) {
    const data = msg.kind === 'snapshot' ? msg.data : msg.event;
    if (data.kind === 'presidium') applySession(data.state);
  }

  async function load() {
    applyPending(await procedureApi.pendingDecisions());
  }
  async function answer(pollId: string, decisionId: string, a: SignatureAnswer): Promise<Poll> {
    const poll = await procedureApi.answerDecision(pollId, decisionId, { answer: a });
    applyPoll(poll);
    return poll;
  }
  async function withdraw(pollId: string, decisionId: string): Promise<Poll> {
    const poll = await procedureApi.withdrawDecision(pollId, decisionId);
    applyPoll(poll);
    return poll;
  }
  return { pending, loaded, applyPending, applyPoll, applySession, applyTopic, load, answer, withdraw };
});
