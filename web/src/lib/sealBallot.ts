/**
 * Encrypting a ballot on the tablet (docs/CRYPTO.md §"Wire and tablet"): the poll's context
 * (ceremony parameters, spec, joint key) from the server, checked against the candidate list the
 * tablet shows, the choice by candidate index, the ciphertexts and proofs from the crypto core,
 * sent packed as `{ encrypted }` in place of the body. The plaintext never leaves this function; the
 * pending cast kept for retries holds ciphertext only.
 */
import type { EncryptedBallotWire, HallState, Poll, PollCryptoContext, PollDecryption } from '@piaojue/shared';
import { ApiError } from '../api/client.ts';
import { cryptoApi } from '../api/crypto.ts';
import type { TabletBallot } from './ballotSelection.ts';

import { loadCrypto, type CryptoCore as Crypto } from './cryptoCore.ts';

/** The packed ballot (packBallot), sent in place of the body. */
export type EncryptedCast = EncryptedBallotWire;

/** A poll whose ballots are encrypted; a poll the cycle set to plain is marked so on every screen. */
export function isEncrypted(p: Partial<Pick<Poll, 'ballotMode'>> | null | undefined): boolean {
  return p?.ballotMode === 'encrypted';
}

export interface SealDeps {
  context: (pollId: string) => Promise<PollCryptoContext>;
  crypto: () => Promise<Crypto>;
}

export const defaultSealDeps: SealDeps = { context: (id) => cryptoApi.pollCrypto(id), crypto: loadCrypto };

/** The poll context, made once per poll: the ballot screen starts it, the cast awaits it. */
export function contextLoader(deps: SealDeps = defaultSealDeps) {
  const cache = new Map<string, Promise<{ c: Crypto; ctx: ReturnType<Crypto['pollContextOf']> }>>();
  return (pollId: string) => {
    let p = cache.get(pollId);
    if (!p) {
      p = (async () => {
        const [c, w] = await Promise.all([deps.crypto(), deps.context(pollId)]);
        const jointKey = c.parsePoint(w.jointKey);
        if (!jointKey || w.spec.pollId !== pollId) throw new Error('bad poll context');
        return { c, ctx: c.pollContextOf({ params: w.params, spec: w.spec, jointKey }) };
      })();
      // a failed fetch is tried again at the next cast
      p.catch(() => cache.delete(pollId));
      cache.set(pollId, p);
    }
    return p;
  };
}

/**
 * Slot i is candidate i of the list the proofs are bound to. A context bound to another list
 * (other names, another order, a project more or less) would put the deputy's marks on projects
 * other than the ones they read: nothing is encrypted then.
 */
const listMismatch = () =>
  new ApiError(0, {
    code: 'BALLOT_LIST_MISMATCH',
    message: 'The server\'s encryption parameters are bound to another candidate list than the one shown',
    messageZh: '服务器下发的加密参数与本平板显示的候选项目清单（名称或顺序）不一致，本平板不能加密这张表决票；请勿投票，立即告知工作人员',
    messageEn: 'The server\'s encryption parameters do not match the candidate list (names or order) this tablet shows, so it cannot encrypt this ballot; do not vote and tell the staff at once',
  });

export async function sealBallot(
  load: ReturnType<typeof contextLoader>, pollId: string, body: TabletBallot, shown: readonly { id: string; name: string }[],
): Promise<EncryptedCast> {
  const { c, ctx } = await load(pollId);
  if (!c.bindsList(ctx.spec, shown)) throw listMismatch();
  const ballot = c.encryptBallot(ctx, c.choiceFromBody(body, shown.map((x) => x.id)));
  return { encrypted: c.packBallot(ballot) };
}

/** 监票人解密 k/t of a poll being decrypted (the poll and hall wire's `decryption`), else null. */
export type DecryptionProgress = PollDecryption;
export function decryptionOf(p: Pick<Poll, 'status' | 'decryption'> | null | undefined): PollDecryption | null {
  return p?.status === 'decrypting' ? p.decryption : null;
}

/** The session's encryption key on the hall state (null: no key yet). */
export function hallEncryptionOf(state: HallState | null | undefined): HallState['encryption'] {
  return state?.encryption ?? null;
}

/** A poll the cycle set to plain ballots explicitly (marked 明文表决 on the hall and in the 公告). */
export function isPlain(p: Partial<Pick<Poll, 'ballotMode'>> | null | undefined): boolean {
  return p?.ballotMode === 'plain';
}
