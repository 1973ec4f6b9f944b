import type { DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { trackingRepository as repo, type ProjectRecord } from './tracking.repository.ts';

// Who may read or write a tracked project: staff all, the presidium reads all, a department its own.

export type User = Extract<Principal, { kind: 'user' }>;

export const isStaff = (u: User) => u.user.roles.some((r) => r === 'admin' || r === 'staff');
const seesAll = (u: User) => u.user.roles.some((r) => r === 'admin' || r === 'staff' || r === 'presidium');

export function userOf(p: Principal): User {
  if (p.kind !== 'user') throw new AppError('FORBIDDEN');
  return p;
}

/** Whether the caller may see (and, for a department, report on) a project of `department`. */
export async function checkDepartment(db: DbOrTx, u: User, department: string, mode: 'read' | 'report'): Promise<void> {
  if (mode === 'read' ? seesAll(u) : isStaff(u)) return;
  if (!u.user.roles.includes('department')) throw new AppError('FORBIDDEN');
  const mine = await repo.userDepartment(db, u.user.id);
  if (mine === null || department.trim() === '' || mine.trim() !== department.trim()) {
    throw new AppError('DEPARTMENT_MISMATCH', { department: mine });
  }
}

/** The project, row-locked for the rest of the transaction. */
export async function lockProject(db: DbOrTx, id: string): Promise<ProjectRecord> {
  if (!(await repo.lockProject(db, id))) throw new AppError('NOT_FOUND');
  return (await repo.project(db, id))!;
}
