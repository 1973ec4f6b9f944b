/**
 * The 监票人's part of the key ceremony on their own tablet (docs/CRYPTO.md §"Key ceremony
 * messages"): rounds 1–3 run here, with the coefficients and the share kept on this device only
 * (lib/guardianVault.ts). The server's status reaches the screen through applyStatus; each step
 * is taken once the status calls for it, and a step whose answer was lost is simply retried (the
 * same commitment, or a refusal that the round is done, which the next status shows).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CeremonyStatus, CeremonyTranscript } from '@piaojue/shared';
import { cryptoApi } from '../api/crypto.ts';
import { procedureApi } from '../api/procedure.ts';
import { ApiError } from '../api/client.ts';
import { safeStorage } from '../lib/storage.ts';
import type { KeyValueStorage } from '../lib/castQueue.ts';
import { guardianAction, loadGuardian, saveGuardian, type GuardianRecord } from '../lib/guardianVault.ts';

import { loadCrypto, type CryptoCore as Crypto } from '../lib/cryptoCore.ts';

export interface CeremonyDeps {
  api: Pick<typeof cryptoApi, 'ceremony' | 'transcript' | 'commit' | 'shares' | 'confirm' | 'decryption' | 'decrypt' | 'pollCrypto'>;
  storage: KeyValueStorage;
  crypto: () => Promise<Crypto>;
}

/** A failure of this tablet's own, in both languages, shown as an API error would be. */
export function localError(code: string, messageZh: string, messageEn: string): ApiError {
  return new ApiError(0, { code, message: messageEn, messageZh, messageEn });
}

const paramsOf = (s: CeremonyStatus) => ({ ceremonyId: s.id, guardians: s.guardians.map((g) => g.deputyId), threshold: s.threshold });

export const useCeremonyStore = defineStore('ceremony', () => {
  let deps: CeremonyDeps | null = null;
  const d = (): CeremonyDeps => (deps ??= { api: cryptoApi, storage: safeStorage('local'), crypto: loadCrypto });

  const sessionId = ref<string | null>(null);
  const deputyId = ref<string | null>(null);
  const status = ref<CeremonyStatus | null>(null);
  const record = ref<GuardianRecord | null>(null);
  const working = ref(false);
  const error = ref<unknown>(null);
  /** Whether this deputy is on the session's 监票人 list (only they follow the ceremony). */
  const role = ref<'chief' | 'scrutineer' | null>(null);
  let roleCheckedAt = 0;

  /** Asked at start and, for a deputy not (yet) on the list, at most every 30 s after hall updates. */
  async function loadRole(force = true): Promise<void> {
    if (!force && (role.value || Date.now() - roleCheckedAt < 30_000)) return;
    roleCheckedAt = Date.now();
    try {
      role.value = (await procedureApi.myScrutiny()).role;
    } catch {
      // keep what we knew; the next hall update asks again
    }
  }

  const action = computed(() => (deputyId.value ? guardianAction(status.value, deputyId.value, record.value) : 'none'));
  const me = computed(() => status.value?.guardians.find((g) => g.deputyId === deputyId.value) ?? null);
  /** The backup is offered once, right after the ceremony, to the tablet that computed the share. */
  const backupOffered = computed(() => action.value === 'done' && !!record.value && !record.value.exported);

  /** The server's answer about the ceremony (GET, or any round's POST). */
  function applyStatus(s: CeremonyStatus | null) {
    // an error of a step belongs to a running ceremony; a finished or failed one says it all
    if (s?.status !== 'running' && error.value instanceof ApiError && error.value.code.startsWith('CEREMONY_')) error.value = null;
    status.value = s;
    record.value = s && deputyId.value ? loadGuardian(d().storage, s.id, deputyId.value) : null;
  }

  function keep(r: GuardianRecord) {
    saveGuardian(d().storage, r);
    record.value = r;
  }

  async function transcriptOf(c: Crypto, s: CeremonyStatus): Promise<{ t: CeremonyTranscript; commitments: NonNullable<ReturnType<Crypto['parseCommitment']>>[] }> {
    const t = await d().api.transcript(s.sessionId);
    if (t.ceremonyId !== s.id) throw localError('CEREMONY_CHANGED', '密钥生成已重新开始，请稍候', 'The key ceremony was restarted; please wait');
    const commitments = t.commitments.map((x) => c.parseCommitment(x));
    if (commitments.some((x) => !x || !c.verifyCommitment(paramsOf(s), x))) {
      throw localError('CEREMONY_BAD_COMMITMENT', '其他监票人的承诺未通过验证', 'Another scrutineer’s commitment did not verify');
    }
    return { t, commitments: commitments as NonNullable<(typeof commitments)[number]>[] };
  }

  /** One step of this 监票人's rounds, as the status calls for; returns the server's new status. */
  async function step(s: CeremonyStatus, me: { index: number; deputyId: string }): Promise<CeremonyStatus | null> {
    const a = guardianAction(s, me.deputyId, record.value);
    if (a !== 'commit' && a !== 'share' && a !== 'confirm') return null;
    const c = await d().crypto();
    const params = paramsOf(s);
    if (a === 'commit') {
      let r = record.value;
      if (!r?.commitment || !r.coefficients) {
        // kept before it is sent: a retry must send the same commitment, never a second polynomial
        const { secret, commitment } = c.startGuardian(params, me.index);
        r = { ceremonyId: s.id, deputyId: me.deputyId, index: me.index, coefficients: secret.coefficients.map(c.scalarToB64), commitment: c.commitmentToJson(commitment), share: null, exported: false };
        keep(r);
      }
      return d().api.commit(r.commitment as NonNullable<GuardianRecord['commitment']>);
    }
    const r = record.value as GuardianRecord;
    if (a === 'confirm' && r.share) {
      const share = c.parseScalar(r.share);
      if (!share) throw localError('GUARDIAN_STORAGE', '本平板保存的份额已损坏', 'The share kept on this tablet is damaged');
      const { commitments } = await transcriptOf(c, s);
      return d().api.confirm({ index: me.index, publicShare: c.pointToB64(c.publicShareKey(commitments, me.index)) });
    }
    const coefficients = (r.coefficients ?? []).map((x) => c.parseScalar(x));
    if (coefficients.length === 0 || coefficients.some((x) => !x)) throw localError('GUARDIAN_STORAGE', '本平板保存的密钥材料已损坏', 'The key material kept on this tablet is damaged');
    const secret = { index: me.index, coefficients: coefficients as NonNullable<(typeof coefficients)[number]>[] };
    const { t, commitments } = await transcriptOf(c, s);
    if (a === 'share') {
      const shares = c.encryptShares(params, secret, commitments).map(c.shareToJson);
      return d().api.shares({ shares });
    }
    const received = t.shares.filter((x) => x.to === me.index).map((x) => c.parseShare(x));
    const done = c.finishGuardian(params, secret, commitments, received.filter((x) => x !== null));
    if (!done.ok) return d().api.confirm({ index: me.index, badSenders: done.badSenders });
    // the coefficients are no longer needed once the share is kept (docs/CRYPTO.md, step 5)
    keep({ ...r, coefficients: null, share: c.scalarToB64(done.share) });
    return d().api.confirm({ index: me.index, publicShare: c.pointToB64(done.publicShare) });
  }

  let running: Promise<void> | null = null;
  /** Take every step the status calls for, one after the other (single flight). */
  function advance(): Promise<void> {
    if (running) return running;
    const run = async () => {
      working.value = true;
      try {
        for (let i = 0; i < 4; i++) {
          const s = status.value;
          const mine = me.value;
          if (!s || !mine) return;
          const next = await step(s, mine);
          if (!next) return;
          applyStatus(next);
        }
      } catch (e) {
        // the round was already taken (an answer lost on the way, or a status that was already
        // old when it arrived), or the ceremony ended meanwhile: the next status shows it
        if (e instanceof ApiError && (e.code === 'CEREMONY_ROUND' || e.code === 'CEREMONY_NONE')) void refresh(false);
        else error.value = e;
      } finally {
        working.value = false;
      }
    };
    // cleared in a later task, after `running` is set, even when run() had nothing to await
    running = run().finally(() => {
      running = null;
    });
    return running;
  }

  /** Fetch the status (after a hall update, or on a timer) and act on it. */
  async function refresh(act = true): Promise<void> {
    const id = sessionId.value;
    if (!id) return;
    try {
      const s = await d().api.ceremony(id);
      if (sessionId.value !== id) return;
      applyStatus(s);
      if (error.value instanceof ApiError && error.value.retryable) error.value = null;
    } catch (e) {
      error.value = e;
      return;
    }
    if (act) await advance();
  }

  function follow(session: string, deputy: string) {
    if (sessionId.value === session && deputyId.value === deputy) return;
    sessionId.value = session;
    deputyId.value = deputy;
    role.value = null;
    roleCheckedAt = 0;
    status.value = null;
    record.value = null;
    error.value = null;
  }

  function retry() {
    error.value = null;
    void refresh();
  }

  /** The printed backup is being shown: it will not be offered again. */
  function markExported() {
    if (record.value && !record.value.exported) keep({ ...record.value, exported: true });
  }

  /** The backup text for the printed sheet (null when this tablet holds no share). */
  async function backupText(): Promise<string | null> {
    const s = status.value;
    const r = record.value;
    if (!s || s.status !== 'complete' || !r?.share) return null;
    const c = await d().crypto();
    const share = c.parseScalar(r.share);
    const t = await d().api.transcript(s.sessionId);
    const key = t.jointKey && c.parsePoint(t.jointKey);
    if (!share || !key) return null;
    return c.exportShareBackup(s.id, key, r.index, share);
  }

  /** 从备份恢复: a 监票人 on a new tablet types or scans the backup text. */
  async function restore(text: string): Promise<boolean> {
    const s = status.value;
    const mine = me.value;
    if (!s || !mine || s.status !== 'complete') return false;
    const c = await d().crypto();
    const { commitments } = await transcriptOf(c, s);
    // typed from paper: the printed groups are separated by spaces and lines
    const got = c.importShareBackup(text.replace(/\s+/g, ''), paramsOf(s), commitments);
    if (!got || got.index !== mine.index) return false;
    keep({ ceremonyId: s.id, deputyId: mine.deputyId, index: got.index, coefficients: null, commitment: null, share: c.scalarToB64(got.share), exported: true });
    return true;
  }

  /** This tablet's share of the session's key, for 解密. */
  function shareFor(ceremonyId: string): { index: number; share: string } | null {
    if (!deputyId.value) return null;
    const r = loadGuardian(d().storage, ceremonyId, deputyId.value);
    return r?.share ? { index: r.index, share: r.share } : null;
  }

  const decrypting = ref<string | null>(null);
  const decryptError = ref<unknown>(null);
  /**
   * 解密 (docs/CRYPTO.md §"Count"): this tablet's share applied to the poll's encrypted sums, with
   * its Chaum–Pedersen proofs, sent to the server. Only totals are ever decrypted.
   */
  async function decrypt(pollId: string): Promise<boolean> {
    if (decrypting.value) return false;
    decrypting.value = pollId;
    decryptError.value = null;
    try {
      const task = await d().api.decryption(pollId);
      const mine = shareFor(task.ceremonyId);
      if (!mine || mine.index !== task.guardian) {
        throw localError('GUARDIAN_NO_SHARE', '本平板没有您的密钥份额，无法解密。请用密封的份额备份恢复后再解密。', 'This tablet does not hold your key share. Restore it from your sealed backup, then decrypt.');
      }
      const [c, w] = await Promise.all([d().crypto(), d().api.pollCrypto(pollId)]);
      const share = c.parseScalar(mine.share);
      const jointKey = c.parsePoint(w.jointKey);
      const sums = c.parseCiphertexts(task.sums);
      if (!share || !jointKey || !sums) throw localError('GUARDIAN_STORAGE', '解密所需的数据已损坏', 'The data needed to decrypt is damaged');
      const ctx = c.pollContextOf({ params: w.params, spec: w.spec, jointKey });
      await d().api.decrypt(pollId, c.partialToJson(c.partialDecrypt(ctx, task.guardian, share, sums)));
      return true;
    } catch (e) {
      decryptError.value = e;
      return false;
    } finally {
      decrypting.value = null;
    }
  }

  function useDeps(x: Partial<CeremonyDeps>) {
    deps = { ...d(), ...x };
  }

  return {
    sessionId, deputyId, status, record, working, error, role, action, me, backupOffered,
    loadRole, applyStatus, advance, refresh, follow, retry, markExported, backupText, restore, shareFor, decrypting, decryptError, decrypt, useDeps,
  };
});
