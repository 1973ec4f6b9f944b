import type { ProjectStatus } from '@piaojue/shared';

/** Colour of a project status: green on track/completed, amber overdue, grey paused, red cancelled; each ≥ 4.5:1 on white (chip text). */
export const STATUS_COLOR: Record<ProjectStatus, string> = {
  on_track: '#1f5aa6',
  completed: '#1d7a45',
  overdue: '#8f5400',
  paused: '#6b7280',
  cancelled: '#b71c1c',
};

export function shortDate(d: string | null | undefined): string {
  return d ? d.slice(0, 10) : '—';
}

export function readableSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
