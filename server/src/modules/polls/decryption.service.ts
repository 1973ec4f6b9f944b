/**
 * An encrypted poll from its close to its result (docs/CRYPTO.md §"Polls", docs/PROCEDURE.md
 * §"加密表决"): the close waits for every proof check, sums the verified ciphertexts and waits
 * in 'decrypting'; each 监票人's tablet sends a partial decryption of the sums with its proofs,
 * checked against the 监票人's public share as the ceremony's commitments give it; at t valid
 * ones the server combines them, recovers the small counts and hands them to the tally rules.
 */
import { countReleasable, type CountRefusal, type DecryptionTask, type DeputyIdentity, type PaperFigures, type PartialDecryptionBody, type Poll } from '@piaojue/shared';
import {
  buildBulletin, bulletinToJson, ciphertextsToJson, combinePartials, decodeCounts, firstBadShare, parseCiphertexts, readStoredBallot,
  parsePartialDecryption, parsePoint, parseShare, partialToJson, publicShareKey, recoverCounts, resultOfCounts, slotBound, warmSmallLogs,
  type BulletinJson, type BulletinRules, type Ciphertext, type EncryptedBallot, type PartialDecryption, type PollOutcome, type PollSpec,
} from '@piaojue/shared/crypto';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { ceremonyRepository } from '../ceremony/ceremony.repository.ts';
import { paperRepository } from '../paper/paper.repository.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import type { CastService } from './cast.service.ts';
import { countRefused } from './count-release.ts';
import { rejectReason } from './encrypted-cast.ts';
import { decryptionRepository as repo } from './decryption.repository.ts';
import { ballotList, encryptedPoll, type EncryptedPoll } from './encryption.service.ts';
import { mustGetPoll, ratingRulesOf, rulesOf, toPoll } from './poll-wire.ts';
import { pollsRepository } from './polls.repository.ts';

const sumsOf = (p: PollRow): Ciphertext[] => {
  const sums = parseCiphertexts(p.encrypted_sums);
  if (!sums) throw new Error(`poll ${p.id}: stored sums do not parse`);
  return sums;
};

/**
 * Between the close and the t-th 解密 the server has nothing to do: it grows the table the count's
 * small logarithms look up (shared/src/crypto/tally.ts), in slices, so the count takes a fraction
 * of the time. Any instance may take the t-th 解密, so each one that sees the poll does this. A
 * failure here costs nothing but that speed: the count grows what it needs itself.
 */
const warmFor = (spec: PollSpec, ballots: number): void => {
  warmSmallLogs(slotBound(spec, ballots)).catch(() => undefined);
};

const ballotOf = (spec: PollSpec, body: unknown): EncryptedBallot => {
  const b = readStoredBallot(spec, body);
  // Stored only after the cast path read its shape; verified ones after every element decoded.
  if (!b.ok) throw new Error('a stored encrypted ballot does not parse');
  return b.ballot;
};

export class DecryptionService {
  constructor(
    private readonly db: Db,
    private readonly casts: CastService,
  ) {}

  private async context(db: DbOrTx, p: PollRow): Promise<EncryptedPoll> {
    const e = await encryptedPoll(db, p);
    if (!e) throw new Error(`poll ${p.id}: encrypted, yet no context`);
    return e;
  }

  /**
   * The close of an open encrypted poll, in PollsService.close's transaction (the poll row is
   * locked, so no ballot comes in any more). Answers the refusal when the verified ballots, the
   * ones the 解密 would sum, are too few in all or as the electronic part (docs/PROCEDURE.md §3,
   * "Minimum ballots"): nothing is summed, and the caller refuses or cancels.
   */
  async close(trx: Tx, actor: Principal | null, p: PollRow, onPaper: number): Promise<Poll | { refused: CountRefusal }> {
    const e = await this.context(trx, p);
    await this.casts.verified(p.id);
    // Ballots another instance accepted, or whose verdict was lost to a restart: checked now.
    const pending = await repo.boxByStatus(trx, p.id, 'pending');
    if (pending.length > 0) {
      const results = await Promise.all(pending.map((r) => this.casts.checker.check(p.id, e.ctx, JSON.stringify(r.body))));
      await repo.setVerdicts(trx, p.id, pending.map((r, i) => ({ id: r.id, ok: results[i] === null, reason: results[i] === null ? null : rejectReason(results[i]!) })));
    }
    const box = await pollsRepository.reseal(trx, p.id);
    const { voted } = await pollsRepository.turnout(trx, p.id);
    if (box.length !== voted) throw new Error(`roll/box mismatch on poll ${p.id}: ${voted} voted, ${box.length} ballots`);
    const verified = box.filter((b) => b.proof_status === 'verified');
    const release = countReleasable({ electronic: verified.length, paper: onPaper, minBallots: p.min_ballots });
    if (!release.ok) return { refused: release };
    // Mostly summed already, as each proof was verified (EncryptedCasts.sums): the close adds the rest.
    const sums = this.casts.encryptedSums(p.id, e.spec, verified);
    const sumsJson = ciphertextsToJson(sums);
    // With paper ballots the paper count comes first (PaperService.confirm), then the 解密.
    const row = await pollsRepository.update(trx, p.id, {
      status: onPaper > 0 ? 'counting' : 'decrypting',
      closed_at: new Date(),
      encrypted_sums: JSON.stringify(sumsJson),
      encrypted_ballots: verified.length,
    });
    const rejected: Record<string, number> = {};
    for (const b of box) if (b.proof_status === 'rejected') rejected[b.reject_reason ?? 'proof'] = (rejected[b.reject_reason ?? 'proof'] ?? 0) + 1;
    await appendAudit(trx, {
      actor: actor ? actorOf(actor) : 'system:countdown',
      action: 'poll.closed',
      subject: `poll:${p.id}`,
      details: { encrypted: true, ballots: verified.length, rejected, sumsHash: sha256(canonicalJson(sumsJson)), ...(onPaper > 0 && { awaitingPaper: onPaper }) },
    });
    await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
    warmFor(e.spec, verified.length);
    return toPoll(trx, row);
  }

  /** The poll's ballots are destroyed (a cancel before its count): nothing of them is kept in memory either. */
  discarded(pollId: string): void {
    this.casts.forgetSums(pollId);
  }

  /** The 监票人's index in the poll's ceremony, or refused. */
  private async guardianOf(db: DbOrTx, deputy: DeputyIdentity, p: PollRow): Promise<{ index: number; name: string }> {
    if (p.session_id !== deputy.sessionId) throw new AppError('NOT_FOUND');
    if (p.ballot_mode !== 'encrypted' || !p.ceremony_id) throw new AppError('POLL_STATE', { status: p.status });
    const c = await ceremonyRepository.get(db, p.ceremony_id);
    const index = (c?.guardians.indexOf(deputy.id) ?? -1) + 1;
    if (index === 0) throw new AppError('DECRYPTION_NOT_GUARDIAN');
    return { index, name: deputy.name };
  }

  /** GET /api/deputy/polls/:id/decryption: what the 监票人's tablet decrypts. */
  async task(deputy: DeputyIdentity, pollId: string): Promise<DecryptionTask> {
    const p = await mustGetPoll(this.db, pollId);
    const me = await this.guardianOf(this.db, deputy, p);
    if (p.status !== 'decrypting') throw new AppError('POLL_STATE', { status: p.status });
    const done = (await repo.partials(this.db, pollId)).some((x) => x.guardian === me.index);
    if (p.crypto_spec) warmFor(p.crypto_spec as PollSpec, p.encrypted_ballots ?? 0);
    return { pollId, ceremonyId: p.ceremony_id!, guardian: me.index, ballots: p.encrypted_ballots ?? 0, sums: ciphertextsToJson(sumsOf(p)), done };
  }

  /**
   * POST /api/deputy/polls/:id/decryption: one 监票人's partial decryption. Checked against
   * g^s_ℓ computed from the ceremony's commitments (never a value the tablet claims); a share
   * that fails is refused, naming the 监票人, and nothing is stored. The t-th valid one counts.
   */
  async submit(deputy: DeputyIdentity, pollId: string, body: PartialDecryptionBody): Promise<Poll> {
    return this.db.transaction().execute(async (trx) => {
      const p = await mustGetPoll(trx, pollId, true);
      const me = await this.guardianOf(trx, deputy, p);
      if (p.status !== 'decrypting') throw new AppError('POLL_STATE', { status: p.status });
      if (body.guardian !== me.index) throw new AppError('DECRYPTION_NOT_YOURS', { index: body.guardian });
      // The close and the paper confirmation refuse such a count already; this is the last door
      // before the totals could exist in plaintext (docs/PROCEDURE.md §3, "Minimum ballots").
      const paper = (await paperRepository.count(trx, pollId))?.figures as PaperFigures | undefined;
      const release = countReleasable({ electronic: p.encrypted_ballots ?? 0, paper: paper?.returned ?? 0, minBallots: p.min_ballots });
      if (!release.ok) throw countRefused(release);
      const partials = await repo.partials(trx, pollId);
      if (partials.some((x) => x.guardian === me.index)) throw new AppError('DECRYPTION_DONE');
      const e = await this.context(trx, p);
      const sums = sumsOf(p);
      const partial = parsePartialDecryption(body);
      const bad = partial ? firstBadShare(e.ctx, publicShareKey(e.commitments, me.index), sums, partial) : -1;
      if (!partial || bad !== null) {
        throw new AppError('DECRYPTION_BAD_PROOF', { guardian: me.index, deputyId: deputy.id, name: me.name, sum: bad }, {
          zh: `监票人${me.name}（第${me.index}号）的解密份额未通过验证，未被接受`,
          en: `The decryption share of scrutineer ${me.name} (no. ${me.index}) does not verify and was not accepted`,
        });
      }
      await repo.insertPartial(trx, { poll_id: pollId, guardian: me.index, deputy_id: deputy.id, body: partialToJson(partial) });
      await appendAudit(trx, { actor: actorOf({ kind: 'deputy', deputy }), action: 'poll.decryption_share', subject: `poll:${pollId}`, details: { guardian: me.index } });
      const valid = [...partials.map((x) => parsePartialDecryption(x.body) as PartialDecryption), partial];
      let row = p;
      if (valid.length >= e.params.threshold) row = await this.count(trx, p, e, sums, valid);
      else warmFor(e.spec, p.encrypted_ballots ?? 0);
      await notifyInTx(trx, { sessionId: p.session_id, what: 'state' });
      return toPoll(trx, row);
    });
  }

  /** From t partial decryptions to the published result: the tally rules count the totals as ballots. */
  private async count(trx: Tx, p: PollRow, e: EncryptedPoll, sums: Ciphertext[], partials: PartialDecryption[]): Promise<PollRow> {
    const ballots = p.encrypted_ballots ?? 0;
    const rules = await bulletinRules(trx, p, e);
    const slots = recoverCounts(e.spec, ballots, combinePartials(e.params.threshold, sums, partials));
    // Every verified ballot is valid, so every sum is a count in range; anything else is tampering.
    if (slots.some((c) => c === null)) throw new Error(`poll ${p.id}: a sum did not decrypt to a count`);
    const counts = decodeCounts(e.spec, ballots, slots as number[]);
    // The same function the offline verifier recounts with (shared/src/crypto/result.ts).
    const result = resultOfCounts(rules, e.spec, counts, ballots);
    const row = await pollsRepository.update(trx, p.id, { status: 'closed', result: JSON.stringify(result) });
    await appendAudit(trx, {
      actor: 'system:decryption',
      action: 'poll.decrypted',
      subject: `poll:${p.id}`,
      details: 'chosen' in result ? { record: result.record, chosen: result.chosen, tie: result.tie } : { record: result.record, grades: result.rows.map((r) => [r.candidateId, r.grade]) },
    });
    return row;
  }
}

/**
 * What the count of an encrypted poll needs besides its ballots, as the bulletin states it: the
 * poll's rules, the attendance, the ballots refused by their proofs (无效), the paper figures.
 */
async function bulletinRules(db: DbOrTx, p: PollRow, e: EncryptedPoll): Promise<BulletinRules> {
  const [turnout, attendance, rejected, candidates, onPaper, paper] = await Promise.all([
    pollsRepository.turnout(db, p.id),
    sessionsRepository.attendance(db, p.session_id),
    repo.rejectedCounts(db, p.id),
    ballotList(db, p),
    paperRepository.issuedOnPaper(db, p.id),
    paperRepository.count(db, p.id),
  ]);
  return {
    ballotType: e.spec.kind,
    choose: p.choose_n,
    passThreshold: rulesOf(p).passThreshold,
    tieRule: rulesOf(p).tieRule,
    rating: p.kind === 'rating' ? ratingRulesOf(p) : null,
    candidates,
    seated: p.seated ?? Number(attendance.seated),
    // 实到: everyone handed a ballot, on the tablet or on paper; 发出 here: on the tablet
    present: Number(turnout.issued),
    issued: Number(turnout.issued) - onPaper,
    invalid: rejected.reduce((n, r) => n + Number(r.n), 0),
    minBallots: p.min_ballots,
    paper: (paper?.figures as PaperFigures | undefined) ?? null,
  };
}

/**
 * The poll's bulletin (docs/CRYPTO.md §"Bulletin"): the ceremony's transcript, the verified
 * ballots in tracker order, the sums, and once decrypted the partial decryptions and counts.
 * Null for a plain poll or one not yet closed.
 */
export async function encryptedPollBulletin(db: DbOrTx, pollId: string): Promise<BulletinJson | null> {
  const p = await pollsRepository.get(db, pollId);
  if (!p || p.ballot_mode !== 'encrypted' || !p.encrypted_sums) return null;
  const e = await encryptedPoll(db, p);
  if (!e) return null;
  const messages = await ceremonyRepository.messages(db, e.params.ceremonyId);
  const shares = messages.filter((m) => m.round === 2).flatMap((m) => (m.body as unknown[]).map((s) => parseShare(s)!));
  const confirmations = messages
    .filter((m) => m.round === 3 && 'publicShare' in (m.body as object))
    .map((m) => ({ index: m.guardian, publicShare: parsePoint((m.body as { publicShare: string }).publicShare)! }));
  const ballots = (await repo.boxByStatus(db, pollId, 'verified')).map((b) => ballotOf(e.spec, b.body));
  const decrypted = p.status !== 'decrypting' && p.status !== 'counting';
  const partials = decrypted ? (await repo.partials(db, pollId)).map((x) => parsePartialDecryption(x.body)!) : null;
  const rules = await bulletinRules(db, p, e);
  const result = decrypted ? (p.result as PollOutcome) : null;
  return bulletinToJson(buildBulletin({ params: e.params, commitments: e.commitments, shares, confirmations, spec: e.spec, rules, ballots, result, partials }));
}
