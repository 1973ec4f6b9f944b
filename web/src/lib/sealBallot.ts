/**
 * Encrypting a ballot on the tablet (docs/CRYPTO.md §"Wire and tablet"): the poll's context
 * (ceremony parameters, spec, joint key) from the server, the choice by candidate index, the
 * ciphertexts and proofs from the crypto core, sent as `{ encrypted }` in place of the body. The
 * plaintext never leaves this function; the pending cast kept for retries holds ciphertext only.
 */
import type { EncryptedBallotJson } from '@piaojue/shared/crypto';
import type { HallState, Poll, PollCryptoContext, PollDecryption } from '@piaojue/shared';
import { cryptoApi } from '../api/crypto.ts';
import type { TabletBallot } from './ballotSelection.ts';

import { loadCrypto, type CryptoCore as Crypto } from './cryptoCore.ts';

export interface EncryptedCast {
  encrypted: EncryptedBallotJson;
}

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

export async function sealBallot(
  load: ReturnType<typeof contextLoader>, pollId: string, body: TabletBallot, candidateIds: readonly string[],
): Promise<EncryptedCast> {
  const { c, ctx } = await load(pollId);
  const ballot = c.encryptBallot(ctx, c.choiceFromBody(body, candidateIds));
  return { encrypted: c.encryptedBallotToJson(ballot) };
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
