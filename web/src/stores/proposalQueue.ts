/**
 * The proposal queue of one cycle (建议审核): the cycle's meta (notice, 差额 check, candidates),
 * the filtered page of proposals, the selection and the proposal in the detail panel. Every
 * change to the queue runs through change(): one busy flag for the whole screen, then a reload.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import type { Candidate, CollectionNotice, Cycle, ProposalChannel, ProposalDetail, ProposalStatus, ProposalSummary, ShortlistCheck, SimilarProposal, StatusCounts } from '@piaojue/shared';
import { api } from '../api/index.ts';
import { proposalsApi, type QueueFilters } from '../api/proposals.ts';
import { similarityApi } from '../api/similarity.ts';
import { useAction } from '../composables/useAction.ts';

const PAGE = 50;
/** Typing in the search box reloads once the typing pauses. */
const FILTER_SETTLE_MS = 250;
const FLASH_MS = 4000;

const noFilters = () => ({ status: '' as ProposalStatus | '', area: '', district: '', channel: '' as ProposalChannel | '', from: '', to: '', q: '' });

export const useProposalQueueStore = defineStore('proposalQueue', () => {
  const cycleId = ref('');
  const cycle = ref<Cycle | null>(null);
  const notice = ref<CollectionNotice | null>(null);
  const check = ref<ShortlistCheck | null>(null);
  const candidates = ref<Candidate[]>([]);
  const { busy, error, run } = useAction();
  const flash = ref('');

  // ------------------------------------------------------------------ queue
  const f = reactive(noFilters());
  const items = ref<ProposalSummary[]>([]);
  const total = ref(0);
  const counts = ref<StatusCounts | null>(null);
  const nextCursor = ref<string | null>(null);
  const loadingQueue = ref(false);

  const filters = computed<QueueFilters>(() => ({
    status: f.status ? [f.status] : undefined,
    area: f.area || undefined,
    district: f.district.trim() || undefined,
    channel: f.channel ? [f.channel] : undefined,
    from: f.from || undefined,
    to: f.to || undefined,
    q: f.q.trim() || undefined,
  }));

  let seq = 0;
  /** The newest request wins: a slow answer to an older filter is dropped. */
  async function loadQueue(more = false) {
    const my = ++seq;
    loadingQueue.value = true;
    try {
      const page = await proposalsApi.queue(cycleId.value, { ...filters.value, sort: 'newest', limit: PAGE, cursor: more ? (nextCursor.value ?? undefined) : undefined });
      if (my !== seq) return;
      items.value = more ? [...items.value, ...page.items] : page.items;
      total.value = page.total;
      counts.value = page.statusCounts;
      nextCursor.value = page.nextCursor;
    } catch (e) {
      if (my === seq) error.value = e;
    } finally {
      if (my === seq) loadingQueue.value = false;
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => ({ ...f }),
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => void loadQueue(), FILTER_SETTLE_MS);
    },
  );
  function resetFilters() {
    Object.assign(f, noFilters());
  }
  const allCount = computed(() => (counts.value ? Object.values(counts.value).reduce((a, b) => a + b, 0) : 0));

  async function loadMeta() {
    const [c, n, s, cands] = await Promise.all([
      api.cycle(cycleId.value),
      proposalsApi.notice(cycleId.value).catch(() => null),
      proposalsApi.shortlist(cycleId.value).catch(() => null),
      api.candidates(cycleId.value).catch(() => [] as Candidate[]),
    ]);
    cycle.value = c;
    notice.value = n;
    check.value = s?.check ?? null;
    candidates.value = [...cands].sort((a, b) => a.position - b.position);
  }
  const frozen = computed(() => !!cycle.value?.frozenAt);

  // ------------------------------------------------------------------ selection & detail
  const selected = ref<Set<string>>(new Set());
  const current = ref<ProposalDetail | null>(null);
  const similar = ref<SimilarProposal[]>([]);
  const loadingDetail = ref(false);

  function toggle(id: string, on?: boolean) {
    const s = new Set(selected.value);
    if (on ?? !s.has(id)) s.add(id);
    else s.delete(id);
    selected.value = s;
  }
  const allOnPage = computed(() => items.value.length > 0 && items.value.every((i) => selected.value.has(i.id)));
  function togglePage() {
    const s = new Set(selected.value);
    const on = !allOnPage.value;
    for (const i of items.value) on ? s.add(i.id) : s.delete(i.id);
    selected.value = s;
  }
  /** Ticking a similar proposal selects the one on show too: they are handled together. */
  function toggleSimilar(id: string, on: boolean) {
    if (on && current.value) toggle(current.value.id, true);
    toggle(id, on);
  }
  function clearSelection() {
    selected.value = new Set();
  }

  async function openDetail(id: string) {
    loadingDetail.value = true;
    try {
      const [d, sim] = await Promise.all([proposalsApi.detail(id), similarityApi.similar(id, 10).catch(() => [] as SimilarProposal[])]);
      current.value = d;
      similar.value = sim;
    } catch (e) {
      error.value = e;
    } finally {
      loadingDetail.value = false;
    }
  }

  /** What an action applies to: the ticked proposals, else the one on show. */
  const targets = computed(() => (selected.value.size ? [...selected.value] : current.value ? [current.value.id] : []));
  const activeLinks = computed(() => current.value?.links.filter((l) => !l.undoneAt) ?? []);

  // ------------------------------------------------------------------ changes

  /** Runs one change (its answer says what happened), then reloads what it may have moved. */
  async function change(fn: () => Promise<string>) {
    if (busy.value) return;
    await run(async () => {
      const msg = await fn();
      flash.value = msg;
      setTimeout(() => (flash.value = ''), FLASH_MS);
      selected.value = new Set();
      await Promise.all([loadQueue(), loadMeta(), current.value ? openDetail(current.value.id) : Promise.resolve()]);
    });
  }

  /** Show a cycle's queue, from a clean state. */
  async function open(id: string) {
    cycleId.value = id;
    Object.assign(f, noFilters());
    cycle.value = null;
    notice.value = null;
    check.value = null;
    candidates.value = [];
    items.value = [];
    total.value = 0;
    counts.value = null;
    nextCursor.value = null;
    selected.value = new Set();
    current.value = null;
    similar.value = [];
    error.value = null;
    flash.value = '';
    try {
      await Promise.all([loadMeta(), loadQueue()]);
    } catch (e) {
      error.value = e;
    }
  }

  return {
    cycleId,
    cycle,
    notice,
    check,
    candidates,
    busy,
    error,
    flash,
    f,
    items,
    total,
    counts,
    nextCursor,
    loadingQueue,
    filters,
    allCount,
    frozen,
    selected,
    current,
    similar,
    loadingDetail,
    targets,
    activeLinks,
    allOnPage,
    loadQueue,
    resetFilters,
    toggle,
    togglePage,
    toggleSimilar,
    clearSelection,
    openDetail,
    change,
    open,
  };
});
