/**
 * The 征集公告 form: what the console edits, and the checks before it is published. Times are
 * entered and shown in China Standard Time (UTC+8, no daylight saving), whatever the clock of
 * the staff member's computer says.
 */
import { DEFAULT_AREAS, type CollectionNotice, type CollectionNoticeBody } from '@piaojue/shared';

const CST_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Collection runs for at least 30 days (docs/PROCEDURE.md §1); shorter is allowed but warned about. */
export const MIN_WINDOW_DAYS = 30;

/** An instant as the value of an `<input type="datetime-local">`, in China Standard Time. */
export function toLocalInput(iso: string | number): string {
  return new Date(new Date(iso).getTime() + CST_MS).toISOString().slice(0, 16);
}

/** A calendar day in China Standard Time (YYYY-MM-DD), as an `<input type="date">` takes it. */
export function beijingDay(ms = Date.now()): string {
  return toLocalInput(ms).slice(0, 10);
}

/** The value of an `<input type="datetime-local">` (China Standard Time) as an instant, or null. */
export function fromLocalInput(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  const ms = Date.parse(`${v}:00+08:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** One entry per line (or separated by 、，,；;), trimmed, blanks and repeats dropped. */
export function entries(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\n、，,；;]+/)) {
    const s = raw.trim();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

export interface NoticeDraft {
  title: string;
  body: string;
  /** datetime-local values, China Standard Time */
  opens: string;
  closes: string;
  /** one per line */
  areas: string;
  districts: string;
}

export function defaultNoticeBody(cycleName: string): string {
  return [
    `为充分听取人民群众意见建议，推进民生实事项目人大代表票决制工作，现面向社会公开征集${cycleName}建议。`,
    '一、征集内容：群众普遍关心、受益面广、切实可行的民生实事，如教育、医疗、养老、住房、交通、环境、文体等方面。',
    '二、征集方式：登录网上征集页面或扫描各收集点的二维码填写；也可拨打12345热线或来信反映。',
    '三、有关要求：一事一建议，写明要办的事、地点和理由。提交后可凭查询码了解办理情况。提交人的姓名和电话仅供工作人员联系核实，不予公开。',
    '欢迎广大群众积极参与！',
  ].join('\n');
}

/** The form for an existing notice, or a fresh one: from the next full hour, for 30 days. */
export function noticeDraft(n: CollectionNotice | null, cycleName: string, now = Date.now()): NoticeDraft {
  if (n) {
    return { title: n.title, body: n.body, opens: toLocalInput(n.opensAt), closes: toLocalInput(n.closesAt), areas: n.areas.join('\n'), districts: n.districts.join('\n') };
  }
  const opens = Math.ceil(now / 3_600_000) * 3_600_000;
  return {
    title: `关于征集${cycleName}的公告`,
    body: defaultNoticeBody(cycleName),
    opens: toLocalInput(opens),
    closes: toLocalInput(opens + MIN_WINDOW_DAYS * DAY_MS),
    areas: DEFAULT_AREAS.join('\n'),
    districts: '',
  };
}

export type NoticeProblem = 'title' | 'body' | 'opens' | 'closes' | 'order' | 'areas';

export type NoticeCheck =
  | { ok: true; body: CollectionNoticeBody; days: number; shortWindow: boolean }
  | { ok: false; problem: NoticeProblem };

/** What PUT /api/cycles/:id/collection gets, or the first thing to fix. */
export function checkNotice(d: NoticeDraft): NoticeCheck {
  if (!d.title.trim()) return { ok: false, problem: 'title' };
  if (!d.body.trim()) return { ok: false, problem: 'body' };
  const opensAt = fromLocalInput(d.opens);
  if (!opensAt) return { ok: false, problem: 'opens' };
  const closesAt = fromLocalInput(d.closes);
  if (!closesAt) return { ok: false, problem: 'closes' };
  if (Date.parse(closesAt) <= Date.parse(opensAt)) return { ok: false, problem: 'order' };
  const areas = entries(d.areas);
  if (areas.length === 0) return { ok: false, problem: 'areas' };
  const days = (Date.parse(closesAt) - Date.parse(opensAt)) / DAY_MS;
  return {
    ok: true,
    body: { title: d.title.trim(), body: d.body.trim(), opensAt, closesAt, areas, districts: entries(d.districts) },
    days: Math.round(days * 10) / 10,
    shortWindow: days < MIN_WINDOW_DAYS,
  };
}

/**
 * Where items are most likely carried from: the latest earlier year of the same level, else
 * the latest other cycle of that level, else any other cycle.
 */
export function defaultSource<C extends { id: string; level: string; year: number }>(cycles: readonly C[], target: C): C | null {
  const others = cycles.filter((c) => c.id !== target.id).sort((a, b) => b.year - a.year);
  return others.find((c) => c.level === target.level && c.year < target.year) ?? others.find((c) => c.level === target.level) ?? others[0] ?? null;
}
