/**
 * The meeting-hall display's server state: one session's HallState, from the REST answer and
 * the hall topic through the same reducer. The screen keeps only its layout (sizes, clock).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { HallState } from '@piaojue/shared';
import { api } from '../api/index.ts';
import { ApiError } from '../api/client.ts';
import { useSocket } from '../composables/useSocket.ts';
import type { TopicMessage } from '../composables/socketCore.ts';
import { noteServerTime } from '../composables/useServerClock.ts';
import { applyHallMessage } from '../lib/topicReducers.ts';
import { hallPhase } from '../lib/hallView.ts';

export const useHallStore = defineStore('hall', () => {
  const sessionId = ref<string | null>(null);
  const state = ref<HallState | null>(null);
  const notFound = ref(false);
  let off: (() => void) | null = null;

  function applyMessage(msg: TopicMessage) {
    state.value = applyHallMessage(state.value, msg);
    if (state.value) noteServerTime(state.value.serverTime);
  }
  /** The REST answer; the socket's snapshot, when it came first, is as new or newer. */
  function applyState(s: HallState) {
    noteServerTime(s.serverTime);
    if (!state.value) state.value = s;
  }

  /**
   * Show a session. The display key (from the display link) lets the hall show the provisional
   * result at close, as the chair announces it; without it, like the public, only a certified one.
   */
  function open(id: string, displayKey?: string) {
    if (sessionId.value === id) return;
    close();
    sessionId.value = id;
    off = useSocket().subscribe(`hall:${id}`, applyMessage, { displayKey });
    api.hall(id, displayKey).then(
      (s) => sessionId.value === id && applyState(s),
      (e: unknown) => {
        if (sessionId.value === id && e instanceof ApiError && e.status === 404) notFound.value = true;
      },
    );
  }
  function close() {
    off?.();
    off = null;
    sessionId.value = null;
    state.value = null;
    notFound.value = false;
  }

  const phase = computed(() => (notFound.value ? 'notfound' : hallPhase(state.value)));
  const poll = computed(() => state.value?.poll ?? null);
  const attendance = computed(() => state.value?.attendance ?? null);

  return { sessionId, state, notFound, phase, poll, attendance, applyMessage, applyState, open, close };
});
