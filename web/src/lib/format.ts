import { currentLocale } from '../i18n/index.ts';

export function formatWan(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: 2 }).format(v);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(currentLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d);
}

/** Date and minute, for people reading a record (no seconds). */
export function formatDateTimeShort(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(currentLocale(), { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(ms));
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(new Date(ms));
}

/** Receipt trackers in groups of 4 for reading aloud / comparing. */
export function groupTracker(s: string, size = 4): string {
  // already grouped by the server: keep its grouping so it matches the published list
  if (/[-\s]/.test(s.trim())) return s.trim().replace(/\s*-\s*/g, '-');
  const clean = s.replace(/\s+/g, '');
  const parts: string[] = [];
  for (let i = 0; i < clean.length; i += size) parts.push(clean.slice(i, i + size));
  return parts.join(' ');
}

/** A calendar day (2027-01-15) as people read it: 2027年1月15日 / January 15, 2027; no time zone shift. */
export function formatPlainDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return new Intl.DateTimeFormat(currentLocale(), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)));
}
