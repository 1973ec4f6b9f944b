import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { CreateUserBody, DeputyIdentity, Me, User } from '@piaojue/shared';
import type { Config } from '../../config.ts';
import { Batcher, type Db } from '../../db/database.ts';
import type { UserRow } from '../../db/types.ts';
import type { LoginCodes } from '../../auth/login-codes.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { trackingRepository } from '../tracking/tracking.repository.ts';
import { givenUnit, sameUnit, unitOf } from '../units/unit-scope.ts';
import { authRepository as repo } from './auth.repository.ts';
import { LoginThrottle } from './login-throttle.ts';

export type Principal =
  | { kind: 'user'; user: User }
  | { kind: 'deputy'; deputy: DeputyIdentity }
  | { kind: 'anonymous' };

// argon2id, OWASP's minimum profile: 19 MiB, 2 passes.
const ARGON = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };
/** A staff password as stored: argon2id with the profile above. */
export const hashPassword = (password: string) => argonHash(password, ARGON);
// A real hash of nothing, so an unknown user name costs the same time as a wrong password.
let dummyHash: Promise<string> | null = null;
const getDummyHash = () => (dummyHash ??= argonHash('piaojue-no-such-user', ARGON));

export const toUser = (u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'roles' | 'unit_level' | 'unit_name'>): User => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  roles: u.roles,
  unit: u.unit_level && u.unit_name ? { level: u.unit_level, name: u.unit_name } : null,
});

export const actorOf = (p: Principal): string =>
  p.kind === 'user' ? `user:${p.user.username}` : p.kind === 'deputy' ? `deputy:${p.deputy.id}` : 'anonymous';

export function checkPasswordStrength(pw: string) {
  if ([...pw].length < 10) throw new AppError('WEAK_PASSWORD');
}

type SessionRow = Awaited<ReturnType<typeof repo.resolveSessions>>[number];

export class AuthService {
  /**
   * Every request resolves its cookie against the database (a logout or revocation acts on the
   * very next request); requests that arrive together share one query.
   */
  private readonly sessions = new Batcher<string, SessionRow | undefined>(async (hashes) => {
    const rows = await repo.resolveSessions(this.db, [...new Set(hashes)]);
    const byHash = new Map(rows.map((r) => [r.token_hash, r]));
    return hashes.map((h) => byHash.get(h));
  }, 500, 3);

  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly codes: LoginCodes,
  ) {
    this.throttle = new LoginThrottle(db);
  }

  get sessionMs() {
    return this.config.SESSION_HOURS * 3600_000;
  }

  async needsSetup(): Promise<boolean> {
    return (await repo.countUsers(this.db)).n === 0;
  }

  /** On an empty system: a one-time token with which the first administrator sets a password. */
  async ensureSetupToken(): Promise<string | null> {
    if (!(await this.needsSetup())) return null;
    const token = randomToken(24);
    await repo.insertSetupToken(this.db, sha256(token));
    return token;
  }

  async setup(body: { token: string; username: string; displayName: string; password: string }) {
    checkPasswordStrength(body.password);
    const passwordHash = await argonHash(body.password, ARGON);
    return this.db.transaction().execute(async (trx) => {
      if ((await repo.countUsers(trx)).n > 0) throw new AppError('SETUP_DONE');
      const used = await repo.useSetupToken(trx, sha256(body.token));
      if (!used) throw new AppError('BAD_SETUP_TOKEN');
      const row = await repo.insertUser(trx, {
        username: body.username,
        display_name: body.displayName,
        password_hash: passwordHash,
        roles: ['admin', 'staff'],
      });
      await appendAudit(trx, { actor: `user:${row.username}`, action: 'setup.admin_created', subject: `user:${row.id}` });
      return toUser(row);
    });
  }

  /** A new account; an administrator of one congress can make accounts of that congress only. */
  async createUser(actor: Principal, body: CreateUserBody): Promise<User> {
    checkPasswordStrength(body.password);
    const own = await unitOf(this.db, actor);
    const asked = givenUnit(body.unit);
    if (own && body.unit !== undefined && !(asked && sameUnit(asked, own))) throw new AppError('FORBIDDEN', { reason: 'an administrator of one congress makes accounts of that congress', unit: own });
    const unit = own ?? asked;
    const passwordHash = await argonHash(body.password, ARGON);
    return this.db.transaction().execute(async (trx) => {
      if (await repo.userByName(trx, body.username)) throw new AppError('USERNAME_TAKEN');
      const row = await repo.insertUser(trx, {
        username: body.username,
        display_name: body.displayName,
        password_hash: passwordHash,
        roles: body.roles,
        unit_level: unit?.level ?? null,
        unit_name: unit?.name ?? null,
      });
      const department = body.department?.trim() || null;
      if (department) await trackingRepository.setUserDepartment(trx, row.id, department);
      await appendAudit(trx, { actor: actorOf(actor), action: 'user.created', subject: `user:${row.id}`, details: { roles: body.roles, unit, ...(department && { department }) } });
      return toUser(row);
    });
  }

  /** The accounts the administrator manages: all of them, or those of its own congress. */
  async listUsers(actor: Principal): Promise<User[]> {
    const own = await unitOf(this.db, actor);
    return (await repo.listUsers(this.db)).map(toUser).filter((u) => own === null || (u.unit !== null && sameUnit(u.unit, own)));
  }

  /**
   * Verifies a password; returns the user or throws BAD_CREDENTIALS (same time either way), or
   * LOGIN_LOCKED while the account backs off after failures (an unknown name alike).
   */
  async verifyPassword(username: string, password: string): Promise<User> {
    const key = `user:${username}`;
    await this.throttle.check(key);
    const row = await repo.userByName(this.db, username);
    const ok = await argonVerify(row?.password_hash ?? (await getDummyHash()), password).catch(() => false);
    if (!row || !row.password_hash || row.disabled_at || !ok) {
      await this.throttle.failed(key);
      throw new AppError('BAD_CREDENTIALS');
    }
    await this.throttle.succeeded(key);
    return toUser(row);
  }

  /** Starts a new session; a fresh token on every login (no fixation). */
  async startUserSession(userId: string): Promise<string> {
    const token = randomToken();
    await repo.insertSession(this.db, { token_hash: sha256(token), user_id: userId, expires_at: new Date(Date.now() + this.sessionMs) });
    return token;
  }

  async deputyLogin(code: string): Promise<{ token: string; deputy: DeputyIdentity }> {
    const forms = this.codes.storedForms(code);
    // Keyed, like the code itself: the failure table holds no code, right or nearly right.
    const key = `code:${forms[0]}`;
    await this.throttle.check(key);
    const d = await repo.deputyByCode(this.db, forms);
    if (!d) {
      await this.throttle.failed(key);
      throw new AppError('BAD_LOGIN_CODE');
    }
    await this.throttle.succeeded(key);
    const token = randomToken();
    await repo.insertSession(this.db, { token_hash: sha256(token), deputy_id: d.id, expires_at: new Date(Date.now() + this.sessionMs) });
    return { token, deputy: { id: d.id, name: d.name, delegation: d.delegation, seat: d.seat, sessionId: d.session_id } };
  }

  async resolve(token: string | undefined): Promise<Principal> {
    if (!token || token.length > 100) return { kind: 'anonymous' };
    const r = await this.sessions.add(sha256(token));
    if (!r) return { kind: 'anonymous' };
    if (r.user_id && r.username && r.roles && !r.disabled_at) {
      return { kind: 'user', user: toUser({ id: r.user_id, username: r.username, display_name: r.display_name ?? '', roles: r.roles, unit_level: r.unit_level, unit_name: r.unit_name }) };
    }
    if (r.deputy_id && r.session_id) {
      return {
        kind: 'deputy',
        deputy: { id: r.deputy_id, name: r.deputy_name ?? '', delegation: r.delegation ?? '', seat: r.seat ?? '', sessionId: r.session_id },
      };
    }
    return { kind: 'anonymous' };
  }

  /** Forgets runs of failed logins that are over (called once a minute). */
  pruneLoginFailures(): Promise<void> {
    return this.throttle.prune();
  }

  async logout(token: string | undefined) {
    if (token) await repo.deleteSession(this.db, sha256(token));
  }

  async logoutEverywhere(p: Principal) {
    if (p.kind === 'user') await repo.deleteUserSessions(this.db, p.user.id);
    if (p.kind === 'deputy') await repo.deleteDeputySessions(this.db, p.deputy.id);
  }

  me(p: Principal): Me {
    return p;
  }
}
