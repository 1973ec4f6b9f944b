/**
 * The console's lists of cycles and sessions (its first screen), as GET /api/cycles and
 * /api/sessions give them for the account's congress. The `sessions` topic brings the ids of the
 * congress's sessions whenever that list changes (a session created, a cycle moved) and on every
 * (re)connect: when they are not the ids shown, both lists are fetched again. So a session the
 * secretariat creates after the page loaded appears, and the 主席团's list of decisions awaiting
 * signatures follows it, without a reload and without polling.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Cycle, Session } from '@piaojue/shared';
import type { TopicMessage } from '../composables/socketCore.ts';
import { api } from '../api/index.ts';

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export const useSessionListStore = defineStore('sessionList', () => {
  const cycles = ref<Cycle[]>([]);
  const sessions = ref<Session[]>([]);
  const loaded = ref(false);
  /** The ids the topic brought last (null: nothing yet). */
  let heard: readonly string[] | null = null;
  let inFlight: Promise<void> | null = null;
  /** Bumped by clear(): a fetch begun before it changes nothing. */
  let generation = 0;

  const shown = () => sessions.value.map((s) => s.id);

  /**
   * Fetches both lists; a call while a fetch runs shares it. A change heard during the fetch that
   * the fetch does not show takes one more fetch (the topic sends only changes: this ends).
   */
  function load(): Promise<void> {
    if (inFlight) return inFlight;
    const gen = generation;
    let run: Promise<void> | null = null;
    run = (async () => {
      try {
        for (;;) {
          const before = heard;
          const [c, s] = await Promise.all([api.cycles(), api.sessions()]);
          if (gen !== generation) return;
          cycles.value = c;
          sessions.value = s;
          loaded.value = true;
          if (heard === before || heard === null || sameIds(heard, shown())) return;
        }
      } finally {
        if (inFlight === run) inFlight = null;
      }
    })();
    inFlight = run;
    return run;
  }

  /** The screen is left: nothing of this login's lists stays for the next one. */
  function clear() {
    generation += 1;
    cycles.value = [];
    sessions.value = [];
    loaded.value = false;
    heard = null;
    inFlight = null;
  }

  /**
   * A snapshot or event of the sessions topic; other topics' messages are not this store's. Returns
   * the fetch it started, if any (a failed one leaves the lists as they were, for the next change).
   */
  function applyTopic(msg: TopicMessage): Promise<void> | undefined {
    const data = msg.kind === 'snapshot' ? msg.data : msg.event;
    if (data.kind !== 'sessions') return undefined;
    heard = data.state.sessionIds;
    // Before the first load, or during a fetch, the fetch itself compares when it ends.
    if (!loaded.value || inFlight || sameIds(heard, shown())) return undefined;
    return load().catch(() => undefined);
  }

  return { cycles, sessions, loaded, load, applyTopic, clear };
});
