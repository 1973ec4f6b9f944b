import { Type, type Static } from 'typebox';
import { Nullable, Text, Uuid } from './common.ts';
import { UnitSchema } from './units.ts';

export const ROLES = ['admin', 'staff', 'presidium', 'scrutineer', 'department'] as const;
export type StaffRole = (typeof ROLES)[number];
/** Every role a route may name: staff roles, a logged-in deputy, or anyone. */
export type RouteRole = StaffRole | 'deputy' | 'public';

export const Role = Type.Enum(ROLES);
export type Role = Static<typeof Role>;

export const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Role),
  /** The congress the account works for; null: the whole installation. */
  unit: Nullable(UnitSchema),
});
export type User = Static<typeof User>;

export const DeputyIdentity = Type.Object({
  id: Uuid,
  name: Type.String(),
  delegation: Type.String(),
  seat: Type.String(),
  sessionId: Uuid,
});
export type DeputyIdentity = Static<typeof DeputyIdentity>;

export const Me = Type.Union([
  Type.Object({ kind: Type.Literal('user'), user: User }),
  Type.Object({ kind: Type.Literal('deputy'), deputy: DeputyIdentity }),
  Type.Object({ kind: Type.Literal('anonymous') }),
]);
export type Me = Static<typeof Me>;

export const SetupStatus = Type.Object({ needsSetup: Type.Boolean() });
export type SetupStatus = Static<typeof SetupStatus>;
export const SetupBody = Type.Object({
  token: Text(200),
  username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  displayName: Text(100),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type SetupBody = Static<typeof SetupBody>;

export const LoginBody = Type.Object({
  username: Text(64),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const DeputyLoginBody = Type.Object({ code: Type.String({ minLength: 4, maxLength: 40 }) });
export type DeputyLoginBody = Static<typeof DeputyLoginBody>;

export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  displayName: Text(100),
  password: Type.String({ minLength: 1, maxLength: 200 }),
  roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
  /** For a 'department' account: the 责任单位 it reports for, as candidates name it (e.g. 市教育局). */
  department: Type.Optional(Text(200)),
  /** The congress the account works for (an administrator of one congress gives its own). */
  unit: Type.Optional(Nullable(UnitSchema)),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

/** What the administrator's users page shows beside each user: disabled or not, and its open logins. */
export const UserStatus = Type.Object({
  id: Uuid,
  disabled: Type.Boolean(),
  openSessions: Type.Integer({ minimum: 0 }),
});
export type UserStatus = Static<typeof UserStatus>;
export const UserStatusList = Type.Array(UserStatus);
export type UserStatusList = Static<typeof UserStatusList>;

export const UserRolesBody = Type.Object({ roles: Type.Array(Role, { minItems: 1, uniqueItems: true }) });
export type UserRolesBody = Static<typeof UserRolesBody>;
export const UserDisabledBody = Type.Object({ disabled: Type.Boolean() });
export type UserDisabledBody = Static<typeof UserDisabledBody>;
export const ResetPasswordBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) });
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;
export const EndedSessions = Type.Object({ ended: Type.Integer({ minimum: 0 }) });
export type EndedSessions = Static<typeof EndedSessions>;

export const UserList = Type.Array(User);
export type UserList = Static<typeof UserList>;
export const MaybeUser = Nullable(User);
export type MaybeUser = Static<typeof MaybeUser>;
