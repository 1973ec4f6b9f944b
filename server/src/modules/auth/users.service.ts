import type { StaffRole, UnitWire, UserStatus } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { givenUnit, sameUnit, unitOf, type Unit } from '../units/unit-scope.ts';
import { unitsRepository } from '../units/units.repository.ts';
import { authRepository as repo } from './auth.repository.ts';
import { actorOf, checkPasswordStrength, hashPassword, type Principal } from './auth.service.ts';

type Admin = Extract<Principal, { kind: 'user' }>;
type UnitColumns = { unit_level: string | null; unit_name: string | null };

const unitOfRow = (u: UnitColumns): Unit | null => (u.unit_level && u.unit_name ? { level: u.unit_level as Unit['level'], name: u.unit_name } : null);

/** Whether an administrator of congress `own` (null: the whole installation) manages this account. */
function manages(own: Unit | null, u: UnitColumns): boolean {
  const unit = unitOfRow(u);
  return own === null || (unit !== null && sameUnit(unit, own));
}

/**
 * The administrator's hold on accounts: disable, change roles, reset a password, end logins.
 * Each is one audited transaction. Whatever takes rights away also ends the account's logins,
 * so no open page or websocket keeps the old rights (ending a login closes its sockets, see
 * migration 2026_12_04_0102). An administrator cannot do these to their own account, and the
 * last enabled administrator cannot lose the role or be disabled.
 *
 * An administrator of one congress (an account with a unit) manages that congress's accounts
 * only: the others, and the installation's own accounts, read as not found. Only an
 * administrator of the whole installation moves an account to another congress.
 */
export class UsersAdminService {
  constructor(private readonly db: Db) {}

  async statuses(actor: Admin): Promise<UserStatus[]> {
    const own = await unitOf(this.db, actor);
    return (await repo.userStatuses(this.db))
      .filter((u) => manages(own, u))
      .map((u) => ({ id: u.id, disabled: u.disabled_at !== null, openSessions: Number(u.open_sessions ?? 0) }));
  }

  /**
   * Moves an account to a congress (null: the whole installation). Its logins end, so no open
   * page or socket keeps what the old congress could see.
   */
  async setUnit(actor: Admin, id: string, unit: UnitWire | null): Promise<UserStatus> {
    if ((await unitOf(this.db, actor)) !== null) throw new AppError('FORBIDDEN', { reason: 'only an administrator of the whole installation moves accounts between congresses' });
    const to = givenUnit(unit);
    await this.db.transaction().execute(async (trx) => {
      const u = await this.target(trx, actor, id);
      const from = unitOfRow(u);
      if (from === to || (from && to && sameUnit(from, to))) return;
      await unitsRepository.setUserUnit(trx, id, to);
      const ended = await repo.endUserSessions(trx, id);
      await appendAudit(trx, { actor: actorOf(actor), action: 'user.unit_set', subject: `user:${id}`, details: { from, to, sessionsEnded: ended } });
    });
    return this.one(actor, id);
  }

  async setRoles(actor: Admin, id: string, roles: StaffRole[]): Promise<UserStatus> {
    await this.db.transaction().execute(async (trx) => {
      const u = await this.target(trx, actor, id);
      if (u.roles.includes('admin') && !roles.includes('admin')) await this.keepAnAdmin(trx, id);
      await repo.setUserRoles(trx, id, roles);
      const ended = await repo.endUserSessions(trx, id);
      await appendAudit(trx, { actor: actorOf(actor), action: 'user.roles_changed', subject: `user:${id}`, details: { from: u.roles, to: roles, sessionsEnded: ended } });
    });
    return this.one(actor, id);
  }

  async setDisabled(actor: Admin, id: string, disabled: boolean): Promise<UserStatus> {
    await this.db.transaction().execute(async (trx) => {
      const u = await this.target(trx, actor, id);
      if ((u.disabled_at !== null) === disabled) return;
      if (disabled && u.roles.includes('admin')) await this.keepAnAdmin(trx, id);
      await repo.setUserDisabled(trx, id, disabled);
      const ended = disabled ? await repo.endUserSessions(trx, id) : 0;
      await appendAudit(trx, { actor: actorOf(actor), action: disabled ? 'user.disabled' : 'user.enabled', subject: `user:${id}`, details: { sessionsEnded: ended } });
    });
    return this.one(actor, id);
  }

  /** A new password set by the administrator; the old one and every login made with it end. */
  async resetPassword(actor: Admin, id: string, password: string): Promise<UserStatus> {
    checkPasswordStrength(password);
    const hash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      const u = await repo.lockUser(trx, id);
      if (!u || !manages(await unitOf(trx, actor), u)) throw new AppError('NOT_FOUND');
      await repo.setUserPassword(trx, id, hash);
      const ended = await repo.endUserSessions(trx, id);
      // A locked-out account is usable again with its new password.
      await repo.clearLoginFailures(trx, `user:${u.username}`);
      await appendAudit(trx, { actor: actorOf(actor), action: 'user.password_reset', subject: `user:${id}`, details: { sessionsEnded: ended } });
    });
    return this.one(actor, id);
  }

  async endSessions(actor: Admin, id: string): Promise<{ ended: number }> {
    return this.db.transaction().execute(async (trx) => {
      await this.target(trx, actor, id);
      const ended = await repo.endUserSessions(trx, id);
      await appendAudit(trx, { actor: actorOf(actor), action: 'user.sessions_ended', subject: `user:${id}`, details: { sessionsEnded: ended } });
      return { ended };
    });
  }

  /** Another user's row, locked, with account administration serialised. */
  private async target(trx: DbOrTx, actor: Admin, id: string) {
    if (actor.user.id === id) throw new AppError('SELF_CHANGE');
    await repo.lockUserAdministration(trx);
    const u = await repo.lockUser(trx, id);
    if (!u || !manages(await unitOf(trx, actor), u)) throw new AppError('NOT_FOUND');
    return u;
  }

  /**
   * The acting administrator is one already, so this refuses only when two administrators take
   * the role from each other at once: the second, serialised behind the first, finds none left.
   */
  private async keepAnAdmin(trx: DbOrTx, id: string) {
    if ((await repo.otherActiveAdmins(trx, id)).length === 0) throw new AppError('LAST_ADMIN');
  }

  private async one(actor: Admin, id: string): Promise<UserStatus> {
    const u = (await this.statuses(actor)).find((x) => x.id === id);
    if (!u) throw new AppError('NOT_FOUND');
    return u;
  }
}
