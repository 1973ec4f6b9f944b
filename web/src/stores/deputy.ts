import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DeputyState, HallState } from '@piaojue/shared';
import { api } from '../api/index.ts';
import { ApiError } from '../api/client.ts';
import { onVerification, useSocket } from '../composables/useSocket.ts';
import { noteServerTime } from '../composables/useServerClock.ts';
import { applyHallMessage, pollSignature } from '../lib/topicReducers.ts';
import { deputyScreen } from '../lib/deputyScreen.ts';
import { useCastStore } from './cast.ts';
import { useBallotStore } from './ballot.ts';

export const useDeputyStore = defineStore('deputy', () => {
  const state = ref<DeputyState | null>(null);
  const hall = ref<HallState | null>(null);
  const loadError = ref<unknown>(null);
  const unauthenticated = ref(false);
  const cast = useCastStore();
  const ballot = useBallotStore();
  let unsubscribe: (() => void) | null = null;
  let offVerification: (() => void) | null = null;
  let subscribedTo: string | null = null;
  let lastSig = '';
  let inflight: Promise<void> | null = null;

  async function load(): Promise<void> {
    if (inflight) return inflight;
    inflight = (async () => {
      try {
        const s = await api.deputyState();
        setState(s);
        loadError.value = null;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) unauthenticated.value = true;
        loadError.value = e;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  function setState(s: DeputyState) {
    state.value = s;
    const p = s.poll;
    if (p && s.ballot.voted) cast.markVoted(p.id);
    if (p && p.status === 'open' && s.ballot.issued && !s.ballot.voted) ballot.begin(p);
    follow(s.session.id);
  }

  function follow(sessionId: string) {
    if (subscribedTo === sessionId) return;
    unsubscribe?.();
    offVerification?.();
    subscribedTo = sessionId;
    offVerification = onVerification((n) => cast.applyVerification(n));
    unsubscribe = useSocket().subscribe(`hall:${sessionId}`, (msg) => {
      hall.value = applyHallMessage(hall.value, msg);
      if (hall.value) noteServerTime(hall.value.serverTime);
      const sig = pollSignature(hall.value);
      if (sig !== lastSig) {
        lastSig = sig;
        void load();
      }
    });
  }

  async function checkin() {
    const s = await api.deputyCheckin();
    setState(s);
  }

  function stop() {
    unsubscribe?.();
    unsubscribe = null;
    offVerification?.();
    offVerification = null;
    subscribedTo = null;
    lastSig = '';
    state.value = null;
    hall.value = null;
  }

  /** Called after the server acknowledged a ballot. */
  function afterCast() {
    ballot.clear();
    void load();
  }

  const screen = computed(() => deputyScreen(state.value, { status: cast.status, pollId: cast.pollId }));
  const poll = computed(() => state.value?.poll ?? null);
  const hallPoll = computed(() => (hall.value?.poll && hall.value.poll.id === poll.value?.id ? hall.value.poll : null));
  const turnout = computed(() => hallPoll.value?.turnout ?? null);
  const result = computed(() => poll.value?.result ?? hallPoll.value?.result ?? null);
  const rating = computed(() => poll.value?.rating ?? hallPoll.value?.rating ?? null);

  return { state, hall, loadError, unauthenticated, screen, poll, turnout, result, rating, load, checkin, stop, afterCast };
});
