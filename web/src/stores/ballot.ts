/**
 * The ballot being filled in on the tablet. Choices live in sessionStorage (keyed by poll)
 * so a reload mid-ballot keeps them; they are cleared once the cast is acknowledged.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { maxSelectable, type Mark, type RatingMark } from '@piaojue/shared/domain';
import type { Poll } from '@piaojue/shared';
import { countOf, emptyBallot, reviewOf, sanitize, setMark, setRating, toggleChoose, toggleRank, wireBallot, type Step, type TabletBallot } from '../lib/ballotSelection.ts';
import { contextLoader, defaultSealDeps, isEncrypted, sealBallot, type EncryptedCast, type SealDeps } from '../lib/sealBallot.ts';
import { safeStorage } from '../lib/storage.ts';
import type { KeyValueStorage } from '../lib/castQueue.ts';

const DRAFT_KEY = 'piaojue.draft';

type PollLike = Pick<Poll, 'id' | 'ballotType' | 'chooseN' | 'passThreshold' | 'tieRule' | 'allowAbstain'> & Partial<Pick<Poll, 'ballotMode'>> & { candidates: readonly { id: string; name: string }[] };

export const useBallotStore = defineStore('ballot', () => {
  let storage: KeyValueStorage | null = null;
  const store = () => (storage ??= safeStorage('session'));

  const poll = ref<PollLike | null>(null);
  const ballot = ref<TabletBallot>(emptyBallot('approve'));
  const step = ref<'edit' | 'review'>('edit');
  /** set for a moment when the deputy tries to go beyond N */
  const blockedAt = ref(0);
  /** 正在加密: the tablet is encrypting the ballot before it is sent */
  const sealing = ref(false);
  const sealError = ref<unknown>(null);
  let loadContext = contextLoader(defaultSealDeps);

  const n = computed(() => {
    const p = poll.value;
    if (!p) return 0;
    // a rating has no N: every project may be rated
    if (p.ballotType === 'rating') return p.candidates.length;
    return maxSelectable({ ballotType: p.ballotType, choose: p.chooseN, passThreshold: p.passThreshold, tieRule: p.tieRule });
  });
  const count = computed(() => countOf(ballot.value));
  const atLimit = computed(() => poll.value?.ballotType !== 'rating' && count.value >= n.value);
  /** A rating without 弃权 must rate every project before review. */
  const missing = computed(() => (poll.value?.ballotType === 'rating' && !poll.value.allowAbstain ? n.value - count.value : 0));
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
    // an encrypted poll: load the crypto core and the poll's key while the deputy reads the ballot
    if (isEncrypted(p)) void loadContext(p.id).catch(() => undefined);
    if (poll.value?.id === p.id) {
      poll.value = p;
      return;
    }
    poll.value = p;
    let restored: { pollId?: string; ballot?: TabletBallot; step?: string } | null = null;
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
  const rate = (id: string, m: RatingMark) => apply(setRating(ballot.value, id, m));
  const toggle = (id: string) => apply(ballot.value.type === 'rank' ? toggleRank(ballot.value, id, n.value) : toggleChoose(ballot.value, id, n.value));

  function toReview() {
    if (missing.value > 0) {
      blockedAt.value = Date.now();
      return;
    }
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
  /**
   * What the tablet sends for this ballot: the body as the server reads it, or, in an encrypted
   * poll, its ciphertexts and proofs (null when encryption failed; sealError says why).
   */
  async function payload(p: Poll): Promise<TabletBallot | EncryptedCast | null> {
    const ids = p.candidates.map((c) => c.id);
    const body = wireBallot(ballot.value, ids);
    if (!isEncrypted(p)) return body;
    sealing.value = true;
    sealError.value = null;
    try {
      return await sealBallot(loadContext, p.id, body, p.candidates);
    } catch (e) {
      sealError.value = e;
      return null;
    } finally {
      sealing.value = false;
    }
  }
  function dismissSealError() {
    sealError.value = null;
  }

  /** For tests: inject a storage. */
  function useStorage(s: KeyValueStorage) {
    storage = s;
  }
  /** For tests: inject the crypto core and the poll context. */
  function useSealDeps(d: SealDeps) {
    loadContext = contextLoader(d);
  }

  return {
    poll, ballot, step, blockedAt, sealing, sealError, n, count, atLimit, missing, review,
    begin, mark, rate, toggle, toReview, toEdit, clear, payload, dismissSealError, useStorage, useSealDeps,
  };
});
