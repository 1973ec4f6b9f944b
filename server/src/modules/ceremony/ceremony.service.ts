import {
  defaultThreshold, thresholdAllowed,
  type CeremonyCommitment, type CeremonyConfirmBody, type CeremonySharesBody, type CeremonyStatus, type CeremonyTranscript,
  type DeputyIdentity, type SessionKey, type StartCeremonyBody,
} from '@piaojue/shared';
import {
  isIdentity, jointKey, keyFingerprint, parseCommitment, parsePoint, parseShare, pointToB64, publicShareKey, verifyCommitment,
  type CeremonyParams, type GuardianCommitment, type Point,
} from '@piaojue/shared/crypto';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { scrutineersOf } from '../procedure/scrutiny.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { ceremonyRepository as repo } from './ceremony.repository.ts';

type Ceremony = NonNullable<Awaited<ReturnType<typeof repo.latest>>>;
type Message = Awaited<ReturnType<typeof repo.messages>>[number];
type Confirmation = { index: number; publicShare: string } | { index: number; badSenders: number[] };

const paramsOf = (c: Ceremony): CeremonyParams => ({ ceremonyId: c.id, guardians: c.guardians, threshold: c.threshold });
const ofRound = (ms: readonly Message[], round: number) => ms.filter((m) => m.round === round);

/**
 * The 监票人's key ceremony (docs/PROCEDURE.md §"密钥生成", docs/CRYPTO.md §"Key ceremony on the server"):
 * three rounds, each 监票人 on their own tablet. The server relays and checks what is public —
 * every proof with the core's functions — and never sees a coefficient or an opened share.
 */
export class CeremonyService {
  constructor(private readonly db: Db) {}

  /** Staff open the ceremony for the session's 监票人 as the list now stands. */
  async start(actor: Principal, sessionId: string, b: StartCeremonyBody): Promise<CeremonyStatus> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await sessionsRepository.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      const guardians = (await scrutineersOf(trx, sessionId)).map((s) => s.deputyId);
      if (guardians.length === 0) throw new AppError('CEREMONY_NO_SCRUTINEERS');
      const threshold = b.threshold ?? defaultThreshold(guardians.length);
      if (!thresholdAllowed(threshold, guardians.length)) throw new AppError('CEREMONY_THRESHOLD', { threshold, scrutineers: guardians.length });
      const current = await repo.lockCurrent(trx, sessionId);
      // Ballots may already be sealed under a complete key: it is never replaced.
      if (current?.status === 'complete') throw new AppError('CEREMONY_COMPLETE');
      if (current) {
        if (!b.restart) throw new AppError('CEREMONY_RUNNING');
        await repo.abandon(trx, current.id);
      }
      const c = await repo.insert(trx, { session_id: sessionId, threshold, guardians });
      await appendAudit(trx, { actor: actorOf(actor), action: 'ceremony.started', subject: `session:${sessionId}`, details: { ceremonyId: c.id, threshold, guardians, abandoned: current?.id ?? null } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.statusOf(trx, c);
    });
  }

  /** Round 1: the 监票人's commitments, each proved. */
  async commit(deputy: DeputyIdentity, body: CeremonyCommitment): Promise<CeremonyStatus> {
    return this.step(deputy, 1, body.index, async (trx, c) => {
      const parsed = parseCommitment(body);
      if (!parsed || !verifyCommitment(paramsOf(c), parsed)) throw new AppError('CEREMONY_BAD_PROOF', { deputyId: deputy.id, index: body.index });
      await repo.insertMessage(trx, c.id, body.index, 1, body);
    });
  }

  /** Round 2: one sealed share for each other 监票人, addressed by index. */
  async share(deputy: DeputyIdentity, body: CeremonySharesBody): Promise<CeremonyStatus> {
    const from = body.shares[0]?.from ?? 0;
    return this.step(deputy, 2, from, async (trx, c) => {
      if (body.shares.some((s) => s.from !== from)) throw new AppError('CEREMONY_NOT_YOURS', { deputyId: deputy.id });
      const others = c.guardians.map((_, i) => i + 1).filter((i) => i !== from);
      const to = body.shares.map((s) => s.to).sort((x, y) => x - y);
      if (to.length !== others.length || to.some((x, i) => x !== others[i])) {
        throw new AppError('CEREMONY_SHARE_RECIPIENT', { deputyId: deputy.id, index: from, to });
      }
      if (body.shares.some((s) => !parseShare(s))) throw new AppError('VALIDATION', { reason: 'a sealed share holds a non-canonical element' });
      await repo.insertMessage(trx, c.id, from, 2, body.shares);
    });
  }

  /**
   * Round 3: the 监票人's tablet opened the shares addressed to it. Either all verified and it
   * publishes g^s, which must equal what the commitments give, or it names the senders whose
   * shares did not — the ceremony then fails, and staff restart it.
   */
  async confirm(deputy: DeputyIdentity, body: CeremonyConfirmBody): Promise<CeremonyStatus> {
    return this.step(deputy, 3, body.index, async (trx, c, messages) => {
      const commitments = this.commitments(messages);
      if ('badSenders' in body) {
        if (body.badSenders.some((i) => i === body.index || i > c.guardians.length)) throw new AppError('CEREMONY_COMPLAINT');
        await repo.insertMessage(trx, c.id, body.index, 3, body);
        await repo.fail(trx, c.id, body.badSenders);
        return;
      }
      const claimed = parsePoint(body.publicShare);
      if (!claimed || pointToB64(publicShareKey(commitments, body.index)) !== body.publicShare) {
        throw new AppError('CEREMONY_PUBLIC_SHARE', { deputyId: deputy.id, index: body.index });
      }
      await repo.insertMessage(trx, c.id, body.index, 3, body);
      if (ofRound(messages, 3).length + 1 < c.guardians.length) return;
      const key = jointKey(commitments);
      // Only if every 监票人 colluded; encryption under it would hide nothing.
      if (isIdentity(key)) {
        await repo.fail(trx, c.id, []);
        return;
      }
      await repo.finish(trx, c.id, pointToB64(key), keyFingerprint(key));
    });
  }

  /** Checks who may take which step, then runs it, audits it and tells the hall. */
  private async step(
    deputy: DeputyIdentity, round: 1 | 2 | 3, index: number,
    run: (trx: Tx, c: Ceremony, messages: Message[]) => Promise<void>,
  ): Promise<CeremonyStatus> {
    return this.db.transaction().execute(async (trx) => {
      const c = await repo.lockCurrent(trx, deputy.sessionId);
      if (!c || c.status !== 'running') throw new AppError('CEREMONY_NONE');
      const me = c.guardians.indexOf(deputy.id) + 1;
      if (me === 0) throw new AppError('CEREMONY_NOT_GUARDIAN');
      if (index !== me) throw new AppError('CEREMONY_NOT_YOURS', { deputyId: deputy.id, index });
      const messages = await repo.messages(trx, c.id);
      const mine = messages.some((m) => m.round === round && m.guardian === me);
      // Round r needs everyone's round r − 1: the shares are sealed to the round-1 keys, and
      // the round-3 checks need every share.
      const ready = round === 1 || ofRound(messages, round - 1).length === c.guardians.length;
      if (mine || !ready) throw new AppError('CEREMONY_ROUND', { round });
      await run(trx, c, messages);
      await appendAudit(trx, { actor: actorOf({ kind: 'deputy', deputy }), action: `ceremony.round${round}`, subject: `session:${deputy.sessionId}`, details: { ceremonyId: c.id, index: me } });
      await notifyInTx(trx, { sessionId: deputy.sessionId, what: 'state' });
      return this.statusOf(trx, (await repo.latest(trx, deputy.sessionId)) ?? c);
    });
  }

  private commitments(messages: readonly Message[]): GuardianCommitment[] {
    // Stored only after they verified, so they parse.
    return ofRound(messages, 1).map((m) => parseCommitment(m.body) as GuardianCommitment);
  }

  async status(sessionId: string): Promise<CeremonyStatus | null> {
    if (!(await sessionsRepository.get(this.db, sessionId))) throw new AppError('NOT_FOUND');
    const c = await repo.latest(this.db, sessionId);
    return c ? this.statusOf(this.db, c) : null;
  }

  private async statusOf(db: DbOrTx, c: Ceremony): Promise<CeremonyStatus> {
    const [messages, names] = await Promise.all([repo.messages(db, c.id), repo.names(db, c.guardians)]);
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    const done = (i: number) => messages.filter((m) => m.guardian === i).reduce((r, m) => Math.max(r, m.round), 0);
    return {
      id: c.id,
      sessionId: c.session_id,
      status: c.status === 'abandoned' ? 'failed' : c.status,
      threshold: c.threshold,
      guardians: c.guardians.map((deputyId, i) => ({ index: i + 1, deputyId, name: nameOf.get(deputyId) ?? '', round: done(i + 1) })),
      done: ofRound(messages, 3).filter((m) => 'publicShare' in (m.body as Confirmation)).length,
      failedSenders: c.failure ?? [],
      fingerprint: c.fingerprint,
      createdAt: c.created_at.toISOString(),
      completedAt: c.completed_at?.toISOString() ?? null,
    };
  }

  async key(sessionId: string): Promise<SessionKey> {
    const c = await repo.complete(this.db, sessionId);
    if (!c?.joint_key || !c.fingerprint) throw new AppError('NOT_FOUND');
    return { ceremonyId: c.id, threshold: c.threshold, guardians: c.guardians.length, jointKey: c.joint_key, fingerprint: c.fingerprint };
  }

  /** Everything the 监票人's tablets published, in the bulletin's layout. */
  async transcript(sessionId: string): Promise<CeremonyTranscript> {
    const c = await repo.latest(this.db, sessionId);
    if (!c) throw new AppError('NOT_FOUND');
    const messages = await repo.messages(this.db, c.id);
    return {
      ceremonyId: c.id,
      guardians: c.guardians,
      threshold: c.threshold,
      commitments: ofRound(messages, 1).map((m) => m.body as CeremonyCommitment),
      shares: ofRound(messages, 2).flatMap((m) => m.body as CeremonySharesBody['shares']).sort((x, y) => x.from - y.from || x.to - y.to),
      confirmations: ofRound(messages, 3).map((m) => m.body as Confirmation).flatMap((m) => ('publicShare' in m ? [m] : [])),
      jointKey: c.joint_key,
      fingerprint: c.fingerprint,
    };
  }
}

/**
 * The session's encryption key for a poll: the complete ceremony's parameters, commitments and
 * joint key — what pollBaseHash and the bulletin need. Null until the ceremony completes.
 */
export async function sessionCeremony(db: DbOrTx, sessionId: string): Promise<{ params: CeremonyParams; commitments: GuardianCommitment[]; jointKey: Point } | null> {
  const c = await repo.complete(db, sessionId);
  if (!c) return null;
  const commitments = ofRound(await repo.messages(db, c.id), 1).map((m) => parseCommitment(m.body) as GuardianCommitment);
  return { params: paramsOf(c), commitments, jointKey: jointKey(commitments) };
}
