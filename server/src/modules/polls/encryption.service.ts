/**
 * What an encrypted poll is proved and counted in (docs/CRYPTO.md §"Polls"): its session's key
 * ceremony, bound when the poll is made, and its PollSpec, fixed when it opens. The cast path,
 * the close and the bulletin all read the poll's context from here.
 */
import type { BallotMode, DeputyIdentity, PollCryptoContext } from '@piaojue/shared';
import {
  candidateListDigest, cryptoReady, packedShape, pointToB64, pollContextOf,
  type BallotCandidate, type PackedShape, type CeremonyParams, type GuardianCommitment, type Point, type PollContext, type PollSpec,
} from '@piaojue/shared/crypto';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { ceremonyRepository } from '../ceremony/ceremony.repository.ts';
import { sessionCeremony } from '../ceremony/ceremony.service.ts';
import { mustGetPoll, pollCandidates } from './poll-wire.ts';

/**
 * The columns a new poll takes from its cycle's mode: an encrypted poll is bound to its
 * session's complete key ceremony, and cannot be made before there is one.
 */
export async function pollEncryption(db: DbOrTx, sessionId: string, mode: BallotMode): Promise<{ ballot_mode: BallotMode; ceremony_id: string | null }> {
  if (mode === 'plain') return { ballot_mode: 'plain', ceremony_id: null };
  const c = await ceremonyRepository.complete(db, sessionId);
  if (!c) throw new AppError('KEY_CEREMONY_INCOMPLETE');
  return { ballot_mode: 'encrypted', ceremony_id: c.id };
}

/**
 * The poll's candidate list as the ballot shows it (id and name, in ballot order): what the spec's
 * listDigest binds and what the bulletin's rules list. Every project must be found: a list with
 * one missing would bind other slots than the ballot's.
 */
export async function ballotList(db: DbOrTx, p: PollRow): Promise<BallotCandidate[]> {
  const list = (await pollCandidates(db, p.candidate_ids)).map((c) => ({ id: c.id, name: c.name }));
  if (list.length !== p.candidate_ids.length) throw new Error(`poll ${p.id}: a candidate of its list is missing`);
  return list;
}

/**
 * The poll's spec as fixed at opening. maxBallots, which sets approve's packing base, is the
 * session's seated deputies: no more ballots can be in the box. listDigest binds the list the
 * tablets show, as it is at opening (a vote's list is frozen by then).
 */
export function specAtOpen(p: PollRow, seated: number, list: readonly BallotCandidate[]): PollSpec {
  return {
    pollId: p.id,
    kind: p.kind === 'rating' ? 'rating' : (p.ballot_type as PollSpec['kind']),
    candidates: p.candidate_ids.length,
    listDigest: candidateListDigest(list),
    places: p.kind === 'rating' ? p.candidate_ids.length : p.choose_n,
    allowAbstain: p.allow_abstain,
    maxBallots: Math.max(1, seated),
  };
}

/** The columns an encrypted poll sets when it opens; a plain poll sets none. */
export async function openEncryption(db: DbOrTx, p: PollRow, seated: number): Promise<{ crypto_spec?: string }> {
  if (p.ballot_mode !== 'encrypted') return {};
  const c = await ceremonyRepository.complete(db, p.session_id);
  if (!c || c.id !== p.ceremony_id) throw new AppError('KEY_CEREMONY_INCOMPLETE');
  await cryptoReady();
  return { crypto_spec: JSON.stringify(specAtOpen(p, seated, await ballotList(db, p))) };
}

export interface EncryptedPoll {
  params: CeremonyParams;
  commitments: GuardianCommitment[];
  jointKey: Point;
  fingerprint: string;
  spec: PollSpec;
  ctx: PollContext;
  /** the packed ballot's shape: its length, where its slots and proofs lie */
  shape: PackedShape;
}

/** An open (or closed) encrypted poll's context, from its stored spec and its session's ceremony. */
export async function encryptedPoll(db: DbOrTx, p: PollRow): Promise<EncryptedPoll | null> {
  if (p.ballot_mode !== 'encrypted' || !p.crypto_spec) return null;
  await cryptoReady();
  const key = await sessionCeremony(db, p.session_id);
  const c = await ceremonyRepository.complete(db, p.session_id);
  if (!key || !c?.fingerprint || key.params.ceremonyId !== p.ceremony_id) return null;
  const spec = p.crypto_spec as PollSpec;
  // Opened before the list was bound (docs/CRYPTO.md §"Bulletin", Versions): its ballots were
  // proved without it and no context made now would check them.
  if (typeof spec.listDigest !== 'string') {
    throw new AppError('POLL_STATE', { reason: 'opened before bulletin version 3' }, {
      zh: '本次加密表决开始于候选项目清单绑定之前，无法继续处理，请取消后重新表决',
      en: 'This encrypted poll was opened before its candidate list was bound into the proofs; it cannot go on — cancel it and hold it again',
    });
  }
  return {
    ...key,
    fingerprint: c.fingerprint,
    spec,
    ctx: pollContextOf({ params: key.params, spec, jointKey: key.jointKey }),
    shape: packedShape(spec),
  };
}

/**
 * Contexts of the polls being cast into, kept once known: they never change after opening,
 * and the cast path must not read the ceremony for every ballot.
 */
export class PollContexts {
  private readonly known = new Map<string, EncryptedPoll>();
  constructor(private readonly db: Db) {}

  async get(pollId: string, row?: PollRow): Promise<EncryptedPoll | null> {
    const hit = this.known.get(pollId);
    if (hit) return hit;
    const e = await encryptedPoll(this.db, row ?? (await mustGetPoll(this.db, pollId)));
    if (!e) return null;
    if (this.known.size >= 200) this.known.clear();
    this.known.set(pollId, e);
    return e;
  }

  /** GET /api/deputy/polls/:id/crypto: what the tablet encrypts under, for a deputy of the session. */
  async forTablet(deputy: DeputyIdentity, pollId: string): Promise<PollCryptoContext> {
    const p = await mustGetPoll(this.db, pollId);
    if (p.session_id !== deputy.sessionId) throw new AppError('NOT_FOUND');
    if (p.ballot_mode !== 'encrypted') throw new AppError('BALLOT_ENCRYPTED');
    const e = await this.get(pollId, p);
    if (!e) throw new AppError('POLL_STATE', { status: p.status });
    return { params: e.params, spec: e.spec, jointKey: pointToB64(e.jointKey), fingerprint: e.fingerprint };
  }
}
