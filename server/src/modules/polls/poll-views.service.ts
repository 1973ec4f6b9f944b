import type { DeputyIdentity, DeputyState, HallState, Poll, StaffState, StaffTurnout, Turnout } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { ceremonyRepository } from '../ceremony/ceremony.repository.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { interventionsOf } from '../sessions/dual-control.service.ts';
import { attendanceOf } from '../sessions/sessions.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { checkPollReader, mustGetPoll, readerOf, toPoll, toPollCandidate } from './poll-wire.ts';
import { decryptionRepository } from './decryption.repository.ts';
import { pollsRepository as repo } from './polls.repository.ts';
import { decidedResult } from '../procedure/presidium-wire.ts';

/** The session's complete key as the hall shows it: fingerprint, t of n. */
async function encryptionOf(db: Db, sessionId: string): Promise<HallState['encryption']> {
  const c = await ceremonyRepository.complete(db, sessionId);
  return c?.fingerprint ? { fingerprint: c.fingerprint, threshold: c.threshold, guardians: c.guardians.length } : null;
}

/**
 * What each audience reads of the polls: a poll, the session's list, turnout, the published
 * receipts, and the states the hall display, the staff console and a deputy's tablet are built
 * from (REST and the websocket snapshots alike).
 */
export class PollViewsService {
  constructor(private readonly db: Db) {}

  async get(principal: Principal, id: string): Promise<Poll> {
    const p = await mustGetPoll(this.db, id);
    checkPollReader(principal, p);
    return toPoll(this.db, p, readerOf(principal));
  }

  async list(principal: Principal, sessionId: string): Promise<Poll[]> {
    if (!(await sessionsRepository.get(this.db, sessionId))) throw new AppError('NOT_FOUND');
    const rows = await repo.listBySession(this.db, sessionId);
    const reader = readerOf(principal);
    return Promise.all(rows.map((r) => toPoll(this.db, r, reader)));
  }

  async turnout(id: string): Promise<Turnout> {
    const t = await repo.turnout(this.db, id);
    return { pollId: id, issued: t.issued, voted: t.voted };
  }

  async staffTurnout(id: string): Promise<StaffTurnout> {
    await mustGetPoll(this.db, id);
    const [t, byDelegation, notVoted] = await Promise.all([repo.turnout(this.db, id), repo.turnoutByDelegation(this.db, id), repo.notVoted(this.db, id)]);
    return {
      pollId: id,
      issued: t.issued,
      voted: t.voted,
      byDelegation,
      rejected: (await decryptionRepository.rejectedCounts(this.db, id)).reduce((n, r) => n + Number(r.n), 0),
      notVoted: notVoted.map((d) => ({ deputyId: d.id, name: d.name, delegation: d.delegation, seat: d.seat })),
    };
  }

  async trackers(principal: Principal, id: string): Promise<{ pollId: string; trackers: string[] }> {
    const p = await mustGetPoll(this.db, id);
    checkPollReader(principal, p);
    if (p.status === 'draft' || p.status === 'open' || p.status === 'cancelled') throw new AppError('POLL_STATE', { status: p.status });
    return { pollId: id, trackers: (await repo.trackers(this.db, id)).map((r) => r.tracker) };
  }

  /**
   * What the hall display shows. `forPublic`: as anyone on the internet may see it, without the
   * provisional result: only a certified result is public (the hall itself shows the
   * provisional one, as a chair announces it in the room).
   */
  async hallState(sessionId: string, forPublic: boolean): Promise<HallState> {
    const session = await sessionsRepository.get(this.db, sessionId);
    if (!session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    if (!cycle) throw new AppError('NOT_FOUND');
    const [attendance, focus] = await Promise.all([
      attendanceOf(this.db, sessionId, cycle.quorum_rule),
      repo.focus(this.db, sessionId),
    ]);
    let poll: HallState['poll'] = null;
    if (focus) {
      const full = await toPoll(this.db, focus);
      const released = !forPublic || full.status === 'certified' || full.status === 'published';
      poll = {
        id: full.id,
        title: full.title,
        kind: full.kind,
        status: full.status,
        ballotType: full.ballotType,
        chooseN: full.chooseN,
        passThreshold: full.passThreshold,
        candidateCount: full.candidates.length,
        ballotMode: full.ballotMode,
        decryption: full.decryption,
        openedAt: full.openedAt,
        closesAt: full.closesAt,
        closedAt: full.closedAt,
        certifiedAt: full.certifiedAt,
        turnout: await this.turnout(focus.id),
        interventions: await interventionsOf(this.db, focus.id),
        result: released ? decidedResult(full) : null,
        rating: released ? full.rating : null,
      };
    }
    return {
      sessionId,
      sessionName: session.name,
      cycleName: cycle.name,
      checkinOpen: session.checkin_open,
      attendance,
      poll,
      encryption: await encryptionOf(this.db, sessionId),
      serverTime: new Date().toISOString(),
    };
  }

  async staffState(sessionId: string): Promise<StaffState> {
    const session = await sessionsRepository.get(this.db, sessionId);
    if (!session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    const focus = await repo.focus(this.db, sessionId);
    return {
      sessionId,
      attendance: await attendanceOf(this.db, sessionId, cycle?.quorum_rule ?? 'more_than_half'),
      turnout: focus ? await this.staffTurnout(focus.id) : null,
    };
  }

  async focusTurnout(sessionId: string): Promise<Turnout | null> {
    const focus = await repo.focus(this.db, sessionId);
    return focus ? this.turnout(focus.id) : null;
  }

  async deputyState(d: DeputyIdentity): Promise<DeputyState> {
    const row = await sessionsRepository.deputy(this.db, d.id);
    const session = await sessionsRepository.get(this.db, d.sessionId);
    if (!row || !session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, session.cycle_id);
    if (!cycle) throw new AppError('NOT_FOUND');
    const candidates = (await cyclesRepository.candidates(this.db, cycle.id)).map(toCandidate);
    const focus = await repo.focus(this.db, d.sessionId);
    const roll = focus ? await repo.rollEntry(this.db, focus.id, d.id) : undefined;
    return {
      deputy: { id: row.id, name: row.name, delegation: row.delegation, seat: row.seat, checkedIn: row.checked_in_at !== null },
      session: { id: session.id, name: session.name, checkinOpen: session.checkin_open },
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year },
      candidates: candidates.map(toPollCandidate),
      poll: focus ? await toPoll(this.db, focus) : null,
      ballot: { issued: roll !== undefined, voted: roll?.voted ?? false, paper: roll?.paper ?? false },
    };
  }
}
