import {
  quorumMet,
  quorumNeeded,
  type Attendance,
  type CreateSessionBody,
  type Deputy,
  type DisplayLink,
  type IssuedCode,
  type QuorumRule,
  type Session,
} from '@piaojue/shared';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { DeputyRow, SessionRow } from '../../db/types.ts';
import type { LoginCodes } from '../../auth/login-codes.ts';
import { loginCode, safeEqual } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { allowed } from '../../auth/guard.ts';
import { authRepository } from '../auth/auth.repository.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { ownCycle, sessionInScope, unitOf, type Unit } from '../units/unit-scope.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { forgetScrutineers } from '../procedure/scrutiny.service.ts';
import { votingRulesAdopted } from '../procedure/voting-rules.service.ts';
import { consumeConfirmation } from './dual-control.service.ts';
import { parseRoster } from './roster-parse.ts';
import { sessionsRepository as repo } from './sessions.repository.ts';

export function toDeputy(d: DeputyRow): Deputy {
  return {
    id: d.id,
    position: d.position,
    name: d.name,
    delegation: d.delegation,
    seat: d.seat,
    phone: d.phone,
    hasCode: d.login_code_hash !== null,
    checkedInAt: d.checked_in_at?.toISOString() ?? null,
    checkinMethod: d.checkin_method,
  };
}

export async function attendanceOf(db: DbOrTx, sessionId: string, rule: QuorumRule): Promise<Attendance> {
  const { seated, present } = await repo.attendance(db, sessionId);
  return { seated, present, quorumNeeded: quorumNeeded(rule, seated), quorumMet: quorumMet(rule, seated, present) };
}

export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly codes: LoginCodes,
  ) {}

  private async toSession(db: DbOrTx, s: SessionRow): Promise<Session> {
    const cycle = await cyclesRepository.get(db, s.cycle_id);
    return {
      id: s.id,
      cycleId: s.cycle_id,
      name: s.name,
      venue: s.venue,
      checkinOpen: s.checkin_open,
      createdAt: s.created_at.toISOString(),
      attendance: await attendanceOf(db, s.id, cycle?.quorum_rule ?? 'more_than_half'),
    };
  }

  /** The sessions of the caller's congress (all of them for an account of the whole installation). */
  async list(actor: Principal): Promise<Session[]> {
    const rows = await this.rowsOf(await unitOf(this.db, actor));
    return Promise.all(rows.map((r) => this.toSession(this.db, r)));
  }

  /** The ids of a congress's sessions (null: every congress's), in the order list() gives them: the sessions topic. */
  async idsOf(unit: Unit | null): Promise<string[]> {
    return (await this.rowsOf(unit)).map((r) => r.id);
  }

  private async rowsOf(unit: Unit | null) {
    const own = new Set((await cyclesRepository.list(this.db)).filter((c) => ownCycle(unit, c)).map((c) => c.id));
    return (await repo.list(this.db)).filter((r) => own.has(r.cycle_id));
  }

  async get(id: string, db: DbOrTx = this.db): Promise<Session> {
    const s = await repo.get(db, id);
    if (!s) throw new AppError('NOT_FOUND');
    return this.toSession(db, s);
  }

  async create(actor: Principal, b: CreateSessionBody): Promise<Session> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await cyclesRepository.get(trx, b.cycleId))) throw new AppError('NOT_FOUND', { field: 'cycleId' });
      const s = await repo.insert(trx, { cycle_id: b.cycleId, name: b.name, venue: b.venue ?? '' });
      await appendAudit(trx, { actor: actorOf(actor), action: 'session.created', subject: `session:${s.id}`, details: { ...b } });
      // Open consoles of its congress list it (the sessions topic).
      await notifyInTx(trx, { sessionId: s.id, what: 'created' });
      return this.toSession(trx, s);
    });
  }

  async deputies(sessionId: string): Promise<Deputy[]> {
    await this.get(sessionId);
    return (await repo.deputies(this.db, sessionId)).map(toDeputy);
  }

  /** Replaces the roster with the file's rows, all or nothing. */
  async importRoster(actor: Principal, sessionId: string, fileName: string, content: Buffer): Promise<{ imported: number }> {
    const parsed = await parseRoster(content, fileName);
    if (!parsed.ok) {
      if ('fileError' in parsed) throw new AppError('BAD_FILE');
      throw new AppError('ROSTER_INVALID', parsed.errors);
    }
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      if (await repo.hasOpenedPoll(trx, sessionId)) throw new AppError('ROSTER_LOCKED');
      if (await votingRulesAdopted(trx, sessionId)) throw new AppError('ROSTER_ADOPTED');
      const scrutineersCleared = await forgetScrutineers(trx, sessionId);
      await repo.deleteDeputies(trx, sessionId);
      const rows = parsed.rows.map((r, i) => ({ session_id: sessionId, position: i + 1, name: r.name, delegation: r.delegation, seat: r.seat, phone: r.phone }));
      for (let i = 0; i < rows.length; i += 1000) await repo.insertDeputies(trx, rows.slice(i, i + 1000));
      await appendAudit(trx, { actor: actorOf(actor), action: 'roster.imported', subject: `session:${sessionId}`, details: { fileName, deputies: rows.length, scrutineersCleared } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return { imported: rows.length };
    });
  }

  /**
   * New login codes, shown once: only their hashes are kept. Listed deputies get a fresh code
   * (the old one stops working at once); with no list, every deputy without a code gets one.
   * While a poll is open a code is a ballot in someone's hand: one deputy at a time, and only
   * with a second person's approval (dual-control.service.ts), counted on the hall display.
   */
  async issueCodes(actor: Principal, sessionId: string, deputyIds?: string[], confirmationId?: string): Promise<IssuedCode[]> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      const all = await repo.deputies(trx, sessionId);
      const wanted = deputyIds ? new Set(deputyIds) : null;
      if (wanted && !deputyIds!.every((id) => all.some((d) => d.id === id))) throw new AppError('NOT_FOUND', { field: 'deputyIds' });
      const open = await repo.openPoll(trx, sessionId);
      if (open) {
        if (deputyIds?.length !== 1) throw new AppError('CONFIRMATION_REQUIRED', { action: 'issue_code' });
        await consumeConfirmation(trx, actor, confirmationId, { action: 'issue_code', deputyId: deputyIds[0]!, pollId: open.id });
      }
      const targets = all.filter((d) => (wanted ? wanted.has(d.id) : d.login_code_hash === null));
      const issued: IssuedCode[] = [];
      for (const d of targets) {
        const code = loginCode();
        await repo.setCode(trx, d.id, this.codes.hash(code));
        // Sessions opened with a replaced code end with it.
        await authRepository.deleteDeputySessions(trx, d.id);
        issued.push({
          deputyId: d.id,
          name: d.name,
          delegation: d.delegation,
          seat: d.seat,
          code: `${code.slice(0, 5)}-${code.slice(5)}`,
          loginUrl: `${this.config.publicUrl}/t/login?code=${code}`,
        });
      }
      await appendAudit(trx, { actor: actorOf(actor), action: 'codes.issued', subject: `session:${sessionId}`, details: { deputies: targets.map((d) => d.id) } });
      return issued;
    });
  }

  async revokeCode(actor: Principal, deputyId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const d = await repo.lockDeputy(trx, deputyId);
      if (!d) throw new AppError('NOT_FOUND');
      await repo.setCode(trx, deputyId, null);
      await authRepository.deleteDeputySessions(trx, deputyId);
      await appendAudit(trx, { actor: actorOf(actor), action: 'code.revoked', subject: `deputy:${deputyId}` });
    });
  }

  /**
   * Who sees a provisional result (closed, not yet certified) on the hall topic: the hall display
   * (it shows the session's display key), staff screens and the session's deputies. The
   * anonymous public sees only certified results.
   */
  async seesProvisional(principal: Principal, sessionId: string, displayKey: string | undefined): Promise<boolean> {
    if (principal.kind === 'user') return allowed(principal, ['staff', 'presidium', 'scrutineer']) && (await sessionInScope(this.db, principal, sessionId));
    if (principal.kind === 'deputy') return principal.deputy.sessionId === sessionId;
    if (!displayKey) return false;
    const s = await repo.get(this.db, sessionId);
    return !!s && safeEqual(s.display_key, displayKey);
  }

  /** The hall display's link, with its key: for staff to open on the hall's computer. */
  async displayLink(sessionId: string): Promise<DisplayLink> {
    const s = await repo.get(this.db, sessionId);
    if (!s) throw new AppError('NOT_FOUND');
    return { key: s.display_key, url: `${this.config.publicUrl}/hall/${s.id}?key=${s.display_key}` };
  }

  async setCheckinOpen(actor: Principal, sessionId: string, open: boolean): Promise<Session> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      await repo.setCheckinOpen(trx, sessionId, open);
      await appendAudit(trx, { actor: actorOf(actor), action: open ? 'checkin.opened' : 'checkin.closed', subject: `session:${sessionId}` });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.get(sessionId, trx);
    });
  }

  /**
   * 签到. A deputy who arrives while a poll is open is handed a ballot for it, as a late
   * arrival in the hall would be; withdrawing a check-in is refused while a poll is open.
   */
  async checkIn(actor: Principal, deputyId: string, present: boolean, method: 'tablet' | 'paper', confirmationId?: string): Promise<Deputy> {
    return this.db.transaction().execute(async (trx) => {
      const d = await repo.lockDeputy(trx, deputyId);
      if (!d) throw new AppError('NOT_FOUND');
      const session = await repo.lock(trx, d.session_id);
      if (!session) throw new AppError('NOT_FOUND');
      if (method === 'tablet' && !session.checkin_open) throw new AppError('CHECKIN_CLOSED');
      const open = await repo.openPoll(trx, d.session_id);
      if (present === (d.checked_in_at !== null)) return toDeputy(d);
      if (!present && open) throw new AppError('POLL_STATE');
      // Staff checking a deputy in while a poll is open hand that deputy's ballot to whoever
      // holds the deputy's login: a second person must approve it (dual-control.service.ts).
      if (present && open && method === 'paper') {
        await consumeConfirmation(trx, actor, confirmationId, { action: 'checkin', deputyId, pollId: open.id });
      }
      const row = await repo.setCheckin(trx, deputyId, present ? new Date() : null, present ? method : null);
      if (present && open) await pollsRepository.issueOne(trx, open.id, deputyId);
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: present ? 'deputy.checked_in' : 'deputy.checkin_withdrawn',
        subject: `deputy:${deputyId}`,
        details: { method },
      });
      await notifyInTx(trx, { sessionId: d.session_id, what: 'state' });
      return toDeputy(row);
    });
  }
}
