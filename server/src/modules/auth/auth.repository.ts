import type { Level, StaffRole } from '@piaojue/shared';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

export const authRepository = {
  countUsers(db: DbOrTx) {
    return db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  },
  userByName(db: DbOrTx, username: string) {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },
  insertUser(db: DbOrTx, u: { username: string; display_name: string; password_hash: string; roles: StaffRole[]; unit_level?: Level | null; unit_name?: string | null }) {
    return db.insertInto('users').values(u).returningAll().executeTakeFirstOrThrow();
  },
  listUsers(db: DbOrTx) {
    return db.selectFrom('users').selectAll().orderBy('created_at').execute();
  },
  insertSetupToken(db: DbOrTx, tokenHash: string) {
    return db.insertInto('setup_tokens').values({ token_hash: tokenHash }).execute();
  },
  openSetupTokenCount(db: DbOrTx) {
    return db
      .selectFrom('setup_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
  },
  useSetupToken(db: DbOrTx, tokenHash: string) {
    return db
      .updateTable('setup_tokens')
      .set({ used_at: new Date() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .returning('token_hash')
      .executeTakeFirst();
  },
  insertSession(db: DbOrTx, s: { token_hash: string; user_id?: string; deputy_id?: string; expires_at: Date }) {
    return db.insertInto('auth_sessions').values(s).execute();
  },
  deleteSession(db: DbOrTx, tokenHash: string) {
    return db.deleteFrom('auth_sessions').where('token_hash', '=', tokenHash).execute();
  },
  deleteUserSessions(db: DbOrTx, userId: string) {
    return db.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
  },
  deleteDeputySessions(db: DbOrTx, deputyId: string) {
    return db.deleteFrom('auth_sessions').where('deputy_id', '=', deputyId).execute();
  },
  /** One query resolves many cookies (by token hash) to their users or deputies. */
  resolveSessions(db: DbOrTx, tokenHashes: string[]) {
    return db
      .selectFrom('auth_sessions as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('deputies as d', 'd.id', 's.deputy_id')
      .select([
        's.token_hash',
        'u.id as user_id',
        'u.username',
        'u.display_name',
        'u.roles',
        'u.disabled_at',
        'u.unit_level',
        'u.unit_name',
        'd.id as deputy_id',
        'd.name as deputy_name',
        'd.delegation',
        'd.seat',
        'd.session_id',
      ])
      .where(sql<boolean>`s.token_hash = any(${tokenHashes}::text[])`)
      .where('s.expires_at', '>', sql<Date>`now()`)
      .execute();
  },
  /** Every user's disabled mark and open (unexpired) logins, for the administrator. */
  userStatuses(db: DbOrTx) {
    return db
      .selectFrom('users as u')
      .select(['u.id', 'u.disabled_at', 'u.unit_level', 'u.unit_name'])
      .select((eb) =>
        eb
          .selectFrom('auth_sessions as s')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('s.user_id', '=', 'u.id')
          .where('s.expires_at', '>', sql<Date>`now()`)
          .as('open_sessions'),
      )
      .orderBy('u.created_at')
      .execute();
  },
  /** Serialises account administration, so two administrators cannot demote each other at once. */
  async lockUserAdministration(db: DbOrTx) {
    await sql`select pg_advisory_xact_lock(hashtext('piaojue.users'))`.execute(db);
  },
  lockUser(db: DbOrTx, id: string) {
    return db.selectFrom('users').select(['id', 'username', 'display_name', 'roles', 'disabled_at', 'unit_level', 'unit_name']).where('id', '=', id).forUpdate().executeTakeFirst();
  },
  /** Enabled administrators other than `exceptId`. */
  otherActiveAdmins(db: DbOrTx, exceptId: string) {
    return db
      .selectFrom('users')
      .select('id')
      .where('id', '<>', exceptId)
      .where('disabled_at', 'is', null)
      .where(sql<boolean>`'admin' = any(roles)`)
      .execute();
  },
  setUserRoles(db: DbOrTx, id: string, roles: StaffRole[]) {
    return db.updateTable('users').set({ roles }).where('id', '=', id).execute();
  },
  setUserDisabled(db: DbOrTx, id: string, disabled: boolean) {
    return db.updateTable('users').set({ disabled_at: disabled ? new Date() : null }).where('id', '=', id).execute();
  },
  setUserPassword(db: DbOrTx, id: string, passwordHash: string) {
    return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  },
  /** Ends every login of a user; returns how many there were. */
  async endUserSessions(db: DbOrTx, userId: string): Promise<number> {
    const r = await db.deleteFrom('auth_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
  /** The deputy whose code is stored in one of `forms` (see LoginCodes.storedForms). */
  deputyByCode(db: DbOrTx, forms: string[]) {
    return db
      .selectFrom('deputies')
      .select(['id', 'name', 'delegation', 'seat', 'session_id'])
      .where('login_code_hash', 'in', forms)
      .executeTakeFirst();
  },
  loginLockedUntil(db: DbOrTx, key: string) {
    return db.selectFrom('login_failures').select('locked_until').where('key', '=', key).executeTakeFirst();
  },
  /** Counts a failure (after `forgetMs` without one the run starts again at one) and returns the run's length. */
  recordLoginFailure(db: DbOrTx, key: string, forgetMs: number) {
    return db
      .insertInto('login_failures')
      .values({ key, failures: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when login_failures.last_failed_at < now() - make_interval(secs => ${forgetMs / 1000}) then 1 else login_failures.failures + 1 end`,
          last_failed_at: sql<Date>`now()`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
  },
  lockLogin(db: DbOrTx, key: string, until: Date) {
    return db.updateTable('login_failures').set({ locked_until: until }).where('key', '=', key).execute();
  },
  /** Runs that are over: not locked, no failure for `forgetMs`. */
  pruneLoginFailures(db: DbOrTx, forgetMs: number) {
    return db
      .deleteFrom('login_failures')
      .where('last_failed_at', '<', sql<Date>`now() - make_interval(secs => ${forgetMs / 1000})`)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
      .execute();
  },
  clearLoginFailures(db: DbOrTx, key: string) {
    return db.deleteFrom('login_failures').where('key', '=', key).execute();
  },
};
