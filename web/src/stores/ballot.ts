/**
 * The ballot being filled in on the tablet. Choices live in sessionStorage (keyed by poll)
 * so a reload mid-ballot keeps them; they are cleared once the cast is acknowledged.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { countApprovals, maxSelectable, type BallotBody, type Mark, type Poll } from '@piaojue/shared';
import { emptyBallot, reviewOf, sanitize, setMark, toggleChoose, toggleRank, type Step } from '../lib/ballotSelection.ts';
import { safeStorage } from '../lib/storage.ts';
import type { KeyValueStorage } from '../lib/castQueue.ts';

const DRAFT_KEY = 'piaojue.draft';

type PollLike = Pick<Poll, 'id' | 'ballotType' | 'chooseN' | 'passThreshold' | 'tieRule'> & { candidates: readonly { id: string; name: string }[] };

export const useBallotStore = defineStore('ballot', () => {
  let storage: KeyValueStorage | null = null;
  const store = () => (storage ??= safeStorage('session'));

  const poll = ref<PollLike | null>(null);
  const ballot = ref<BallotBody>(emptyBallot('approve'));
  const step = ref<'edit' | 'review'>('edit');
  /** set for a moment when the deputy tries to go beyond N */
  const blockedAt = ref(0);

  const n = computed(() =>
    poll.value ? maxSelectable({ ballotType: poll.value.ballotType, choose: poll.value.chooseN, passThreshold: poll.value.passThreshold, tieRule: poll.value.tieRule }) : 0,
  );
  const count = computed(() => countApprovals(ballot.value));
  const atLimit = computed(() => count.value >= n.value);
  const review = computed(() => (poll.value ? reviewOf(ballot.value, poll.value.candidates, n.value) : null));

  function persist() {
    if (!poll.value) return;
    try {
      store().setItem(DRAFT_KEY, JSON.stringify({ pollId: poll.value.id, ballot: ballot.value, step: step.value }));
    } catch {
      // not persisted; the ballot still works
    }
  }

  /** Start (or resume) the ballot of this poll. */
  function begin(p: PollLike) {
    if (poll.value?.id === p.id) {
      poll.value = p;
      return;
    }
    poll.value = p;
    let restored: { pollId?: string; ballot?: BallotBody; step?: string } | null = null;
    try {
      restored = JSON.parse(store().getItem(DRAFT_KEY) ?? 'null');
    } catch {
      restored = null;
    }
    const ids = p.candidates.map((c) => c.id);
    if (restored && restored.pollId === p.id) {
      ballot.value = sanitize(restored.ballot, p.ballotType, ids, p.chooseN);
      step.value = restored.step === 'review' ? 'review' : 'edit';
    } else {
      ballot.value = emptyBallot(p.ballotType);
      step.value = 'edit';
    }
    persist();
  }

  function apply(s: Step) {
    ballot.value = s.ballot;
    if (s.blocked) blockedAt.value = Date.now();
    persist();
  }

  const mark = (id: string, m: Mark) => apply(setMark(ballot.value, id, m, n.value));
  const toggle = (id: string) => apply(ballot.value.type === 'rank' ? toggleRank(ballot.value, id, n.value) : toggleChoose(ballot.value, id, n.value));

  function toReview() {
    step.value = 'review';
    persist();
  }
  function toEdit() {
    step.value = 'edit';
    persist();
  }
  function clear() {
    poll.value = null;
    ballot.value = emptyBallot('approve');
    step.value = 'edit';
    try {
      store().removeItem(DRAFT_KEY);
    } catch {
      // nothing stored
    }
  }
  /** For tests: inject a storage. */
  function useStorage(s: KeyValueStorage) {
    storage = s;
  }

  return { poll, ballot, step, blockedAt, n, count, atLimit, review, begin, mark, toggle, toReview, toEdit, clear, useStorage };
});
