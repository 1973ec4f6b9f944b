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

export { bodyLayout, chineseNumeral, type BodyLayout } from '@piaojue/shared/domain';
