/**
 * The session console's server state: the session, its cycle, deputies and polls, and the live
 * hall, staff and (for staff and the 主席团) presidium topics. REST answers and socket messages go through the same apply*()
 * reducers; the screen keeps only what the user is doing (tab, selection, forms).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CeremonyStatus, Cycle, Deputy, HallState, Poll, Session, StaffState, StaffTurnout } from '@piaojue/shared';
import { api } from '../api/index.ts';
import { cryptoApi } from '../api/crypto.ts';
import { useSocket } from '../composables/useSocket.ts';
import { useAuthStore } from './auth.ts';
import type { TopicMessage } from '../composables/socketCore.ts';
import { applyHallMessage, applyStaffMessage, pollSignature } from '../lib/topicReducers.ts';

/** A check-in moves attendance many times a second at the door: refetch the roster once it settles. */
const DEPUTIES_SETTLE_MS = 400;

export const useSessionConsoleStore = defineStore('sessionConsole', () => {
  const sessionId = ref<string | null>(null);
  const session = ref<Session | null>(null);
  const cycle = ref<Cycle | null>(null);
  const deputies = ref<Deputy[]>([]);
  const polls = ref<Poll[]>([]);
  const staff = ref<StaffState | null>(null);
  const hall = ref<HallState | null>(null);
  const fetchedTurnout = ref<StaffTurnout | null>(null);
  /** The hall display's own link (with its key), for staff. */
  const hallUrl = ref<string | null>(null);
  /** A failed load or refresh, for the screen's error banner. */
  const loadError = ref<unknown>(null);
  /** The 监票人's key ceremony of the session (null: not started). */
  const ceremony = ref<CeremonyStatus | null>(null);
  /** Bumped on every staff-topic update, so the confirmations panel reloads with the session. */
  const staffUpdates = ref(0);

  let offTopics: (() => void)[] = [];
  let hallSig = '';
  let presidiumSig = '';
  let deputiesTimer: ReturnType<typeof setTimeout> | null = null;

  // ------------------------------------------------------------------ reducers

  function applySession(s: Session) {
    session.value = s;
    if (hall.value) hall.value = { ...hall.value, checkinOpen: s.checkinOpen };
  }
  function applyDeputies(list: Deputy[]) {
    deputies.value = list;
  }
  function applyDeputy(d: Deputy) {
    deputies.value = deputies.value.map((x) => (x.id === d.id ? d : x));
  }
  function applyPolls(list: Poll[]) {
    polls.value = list;
  }
  function applyPoll(p: Poll) {
    const i = polls.value.findIndex((x) => x.id === p.id);
    if (i >= 0) polls.value.splice(i, 1, p);
    else polls.value.push(p);
  }
  function applyCeremony(c: CeremonyStatus | null) {
    ceremony.value = c;
  }
  function applyTurnout(t: StaffTurnout | null) {
    fetchedTurnout.value = t;
  }
  /** A hall message; a change of poll or check-in (after the first) refetches the polls. */
  function applyHall(msg: TopicMessage) {
    hall.value = applyHallMessage(hall.value, msg);
    // each round of the key ceremony is announced on the hall topic
    if (ceremony.value?.status === 'running') void loadCeremony();
    const sig = pollSignature(hall.value);
    if (sig === hallSig) return;
    const first = hallSig === '';
    hallSig = sig;
    if (!first) void loadPolls();
  }
  /**
   * A presidium message: a decision recorded, answered, withdrawn or in effect (after the first
   * list) refetches the polls, whose certification carries the session's decisions.
   */
  function applyPresidium(msg: TopicMessage) {
    const data = msg.kind === 'snapshot' ? msg.data : msg.event;
    if (data.kind !== 'presidium' || data.state.sessionId !== sessionId.value) return;
    const sig = JSON.stringify(data.state.pending.map((x) => [x.decision.id, x.decision.named.map((n) => n.answer)]));
    if (sig === presidiumSig) return;
    const first = presidiumSig === '';
    presidiumSig = sig;
    if (!first) void loadPolls();
  }
  /** A staff message; a change in who is present refetches the roster. */
  function applyStaff(msg: TopicMessage) {
    const before = staff.value?.attendance.present;
    staff.value = applyStaffMessage(staff.value, msg);
    staffUpdates.value += 1;
    if (staff.value && before !== staff.value.attendance.present) refreshDeputiesSoon();
  }

  // ------------------------------------------------------------------ loading

  async function load() {
    const id = sessionId.value;
    if (!id) return;
    try {
      const s = await api.session(id);
      applySession(s);
      const [c, d, p] = await Promise.all([api.cycle(s.cycleId).catch(() => null), api.deputies(id), api.polls(id)]);
      cycle.value = c;
      applyDeputies(d);
      applyPolls(p);
    } catch (e) {
      loadError.value = e;
    }
  }
  async function loadPolls() {
    const id = sessionId.value;
    if (!id) return;
    try {
      applyPolls(await api.polls(id));
      applySession(await api.session(id));
    } catch (e) {
      loadError.value = e;
    }
  }
  async function loadCeremony() {
    const id = sessionId.value;
    if (!id) return;
    try {
      const c = await cryptoApi.ceremony(id);
      if (sessionId.value === id) applyCeremony(c);
    } catch {
      // the next hall update asks again
    }
  }
  /** 开始密钥生成 (or again, after a failure or a lost tablet). */
  async function startCeremony(threshold: number, restart: boolean) {
    applyCeremony(await cryptoApi.startCeremony(sessionId.value!, { threshold, ...(restart && { restart: true }) }));
  }
  async function loadDeputies() {
    if (sessionId.value) applyDeputies(await api.deputies(sessionId.value));
  }
  function refreshDeputiesSoon() {
    if (deputiesTimer) clearTimeout(deputiesTimer);
    deputiesTimer = setTimeout(() => {
      // the next update retries
      loadDeputies().catch(() => undefined);
    }, DEPUTIES_SETTLE_MS);
  }
  async function loadDisplayLink() {
    if (!sessionId.value) return;
    try {
      hallUrl.value = (await api.displayLink(sessionId.value)).url;
    } catch {
      hallUrl.value = null;
    }
  }
  async function loadTurnout(pollId: string) {
    try {
      applyTurnout(await api.turnout(pollId));
    } catch {
      applyTurnout(null);
    }
  }

  /** Follow a session: subscribe to its topics and load it. */
  function open(id: string) {
    if (sessionId.value === id) return;
    close();
    sessionId.value = id;
    const { subscribe } = useSocket();
    offTopics = [subscribe(`hall:${id}`, applyHall), subscribe(`staff:${id}`, applyStaff)];
    // Decisions awaiting signatures are for the 主席团 and staff only: others are refused the topic.
    if (useAuthStore().hasRole('staff', 'presidium', 'admin')) offTopics.push(subscribe(`presidium:${id}`, applyPresidium));
    void load();
    void loadCeremony();
  }
  /** Leave the session: unsubscribe and forget its state, so another session starts clean. */
  function close() {
    for (const off of offTopics) off();
    offTopics = [];
    if (deputiesTimer) clearTimeout(deputiesTimer);
    deputiesTimer = null;
    hallSig = '';
    presidiumSig = '';
    sessionId.value = null;
    session.value = null;
    cycle.value = null;
    deputies.value = [];
    polls.value = [];
    staff.value = null;
    hall.value = null;
    fetchedTurnout.value = null;
    hallUrl.value = null;
    ceremony.value = null;
    loadError.value = null;
    staffUpdates.value = 0;
  }

  // ------------------------------------------------------------------ changes (REST answers through the reducers)

  async function setCheckinOpen(openIt: boolean) {
    const id = sessionId.value!;
    applySession(openIt ? await api.openCheckin(id) : await api.closeCheckin(id));
  }
  async function createPoll(title: string): Promise<Poll> {
    const p = await api.createPoll(sessionId.value!, title ? { title } : {});
    applyPoll(p);
    return p;
  }
  async function paperCheckin(deputyId: string, present: boolean, confirmationId?: string) {
    applyDeputy(await api.paperCheckin(deputyId, present, confirmationId));
    confirmationsChanged();
  }
  /** A dual-control request was made: the confirmations panel reloads. */
  function confirmationsChanged() {
    staffUpdates.value += 1;
  }
  async function revokeCode(deputyId: string) {
    await api.revokeCode(deputyId);
    await loadDeputies();
  }

  // ------------------------------------------------------------------ views of the state

  const attendance = computed(() => staff.value?.attendance ?? session.value?.attendance ?? null);
  const checkinOpen = computed(() => hall.value?.checkinOpen ?? session.value?.checkinOpen ?? false);
  /** Oldest first; drafts (never opened) last. */
  const sortedPolls = computed(() => [...polls.value].sort((a, b) => (a.openedAt ?? '9').localeCompare(b.openedAt ?? '9')));
  /** The live turnout of a poll: the staff topic's, else the one fetched when it was selected. */
  function turnoutOf(pollId: string): StaffTurnout | null {
    if (staff.value?.turnout?.pollId === pollId) return staff.value.turnout;
    return fetchedTurnout.value?.pollId === pollId ? fetchedTurnout.value : null;
  }

  return {
    sessionId,
    session,
    cycle,
    deputies,
    polls,
    staff,
    hall,
    hallUrl,
    loadError,
    staffUpdates,
    ceremony,
    attendance,
    checkinOpen,
    sortedPolls,
    turnoutOf,
    applySession,
    applyDeputies,
    applyDeputy,
    applyPolls,
    applyPoll,
    applyTurnout,
    applyCeremony,
    applyHall,
    applyStaff,
    applyPresidium,
    open,
    close,
    load,
    loadPolls,
    loadDisplayLink,
    loadTurnout,
    loadCeremony,
    startCeremony,
    setCheckinOpen,
    createPoll,
    paperCheckin,
    confirmationsChanged,
    revokeCode,
  };
});
