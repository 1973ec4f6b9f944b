import type { ProjectStatus } from '@piaojue/shared';

/**
 * Colour of a project status: blue on track, amber overdue, green completed, grey paused, red
 * cancelled; each ≥ 4.5:1 on white (chip text). Listed in the order of PROJECT_STATUSES, so the
 * public pages can take the statuses from here without loading the wire schemas.
 */
export const STATUS_COLOR: Record<ProjectStatus, string> = {
  on_track: '#1f5aa6',
  overdue: '#8f5400',
  completed: '#1d7a45',
  paused: '#6b7280',
  cancelled: '#b71c1c',
};
export const STATUSES = Object.keys(STATUS_COLOR) as ProjectStatus[];

export function shortDate(d: string | null | undefined): string {
  return d ? d.slice(0, 10) : '—';
}

export function readableSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
