/**
 * Layout helpers for the 公告 (announcement). The announcement is an official document: its
 * text is Chinese whatever the interface language, and dates are those of the hall (China
 * Standard Time), written with Arabic numerals as GB/T 9704 prescribes (2027年1月15日).
 */
const TZ = 'Asia/Shanghai';
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const numFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

export function zhDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateFmt.format(d);
}

export function zhDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}

/** 09:42, in the hall's time zone. */
export function zhTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : timeFmt.format(d);
}

export function zhNumber(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : numFmt.format(v);
}

export { chineseNumeral } from '@piaojue/shared/domain';

export interface BodyLayout {
  /** paragraphs before the list of projects (or the rating table) */
  lead: string[];
  /** paragraphs after the list, before the closing formula */
  tail: string[];
  /** 特此公告。 */
  closing: string | null;
}

/**
 * The server writes the body paragraph by paragraph; the one introducing the list ends with a
 * full-width colon, and the last one is the closing formula 「特此公告。」. The list goes right
 * after the introducing paragraph (or before the closing one if none introduces it).
 */
export function bodyLayout(paragraphs: readonly string[]): BodyLayout {
  const list = [...paragraphs];
  const closing = list.length && /^特此公告/.test(list.at(-1)!.trim()) ? list.pop()! : null;
  const intro = list.findIndex((p) => /[：:]\s*$/.test(p));
  if (intro < 0) return { lead: list, tail: [], closing };
  return { lead: list.slice(0, intro + 1), tail: list.slice(intro + 1), closing };
}
