import type { EndedSessions, StaffRole, UnitsOverview, UnitWire, UserStatus } from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

/** The administrator's account management (console 用户管理, 人大与年度). */
export const usersApi = {
  statuses: () => http.get<UserStatus[]>('/api/users/status'),
  setRoles: (id: string, roles: StaffRole[]) => http.put<UserStatus>(`/api/users/${enc(id)}/roles`, { roles }),
  setDisabled: (id: string, disabled: boolean) => http.put<UserStatus>(`/api/users/${enc(id)}/disabled`, { disabled }),
  resetPassword: (id: string, password: string) => http.post<UserStatus>(`/api/users/${enc(id)}/password`, { password }),
  endSessions: (id: string) => http.post<EndedSessions>(`/api/users/${enc(id)}/end-sessions`),
  setUnit: (id: string, unit: UnitWire | null) => http.put<UserStatus>(`/api/users/${enc(id)}/unit`, { unit }),
  /** The congresses the installation hosts and their cycles (所属人大). */
  units: () => http.get<UnitsOverview>('/api/units'),
  setCycleUnit: (cycleId: string, unitName: string | null) => http.put<{ ok: true }>(`/api/cycles/${enc(cycleId)}/unit`, { unitName }),
};
