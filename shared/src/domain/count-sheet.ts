/**
 * The 表决结果报告单 (docs/PROCEDURE.md §3, "The count sheet"): what the 总监票人 reports to the
 * 执行主席, signed by the 总监票人, the 监票人 and the 计票人. The words and the arithmetic the
 * printed page and the PDF share live here, so the two say the same thing.
 */
import { PAPER_INVALID_REASON_LABELS, type PaperInvalidReason } from './paper.ts';
import type { BallotFormColumn } from './result-table.ts';
import type { BallotType, PassThreshold, TieRule } from './rules.ts';
import type { OfficialRecord } from './tally.ts';
import { PASS_RULE_ZH } from './voting-rules.ts';
import { RESULT_STATUS_ZH } from './wording.ts';

/** The title, line by line: the session, what was voted on, the document's name. */
export function countSheetTitle(sessionName: string, pollTitle: string): string[] {
  return [sessionName, pollTitle, '表决结果报告单'];
}

/**
 * The per-project columns are the figures of the ballot form (ballotFormColumns, result-table.ts:
 * the 公告's table has the same columns in the same words).
 * With paper ballots, each project's figures by part sit in the main table: one cell per part,
 * the columns' figures in order (7/0/1), headed e.g. 电子表决（赞成/反对/弃权）.
 */
export function countSheetPartHeader(columns: BallotFormColumn[], part: 'electronic' | 'paper'): string {
  return `${part === 'electronic' ? '电子表决' : '纸质表决票'}（${columns.map((c) => c.zh).join('/')}）`;
}
export function countSheetPartCell(columns: BallotFormColumn[], counts: Record<string, number>): string {
  return columns.map((c) => String(counts[c.key] ?? 0)).join('/');
}

/** The figures a count is split into when paper ballots were counted; 应到 and 实到 are not split. */
export const COUNT_SHEET_PART_FIELDS = ['issued', 'returned', 'valid', 'invalid'] as const;

/** Whether the electronic and the paper part add up to the whole, figure by figure. */
export function partsAddUp(total: OfficialRecord, electronic: OfficialRecord, paper: OfficialRecord): boolean {
  return COUNT_SHEET_PART_FIELDS.every((k) => electronic[k] + paper[k] === total[k]);
}

const PART_ZH: Record<(typeof COUNT_SHEET_PART_FIELDS)[number], string> = { issued: '发出', returned: '收回', valid: '有效', invalid: '无效' };

/** 应到, 实到 and the quorum, as the sheet states them. */
export function countSheetAttendance(record: OfficialRecord, quorumMet: boolean): string {
  return `应到代表${record.seated}名，实到代表${record.present}名，${quorumMet ? '符合法定人数' : '不足法定人数'}。`;
}

/**
 * The table of ballots (张): one row without paper ballots; with them the electronic part, the
 * paper part and the total, so a reader sees that the two add up.
 */
export function countSheetBallotTable(record: OfficialRecord, parts: { electronic: OfficialRecord; paper: OfficialRecord } | null): { header: string[]; rows: string[][] } {
  const figures = (r: OfficialRecord) => COUNT_SHEET_PART_FIELDS.map((k) => String(r[k]));
  const header = ['', ...COUNT_SHEET_PART_FIELDS.map((k) => `${PART_ZH[k]}（张）`)];
  if (!parts) return { header, rows: [['表决票', ...figures(record)]] };
  return { header, rows: [['电子表决', ...figures(parts.electronic)], ['纸质表决票', ...figures(parts.paper)], ['合计', ...figures(record)]] };
}

/** The paper 无效 by reason, e.g. 纸质表决票无效1张：超过应选数量1张; '' when none. */
export function countSheetInvalidReasons(reasons: Record<string, number>): string {
  const parts = Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${PAPER_INVALID_REASON_LABELS[k as PaperInvalidReason]?.zh ?? k}${n}张`);
  const total = Object.values(reasons).reduce((a, n) => a + (n > 0 ? n : 0), 0);
  return parts.length ? `纸质表决票无效${total}张：${parts.join('，')}。` : '';
}

/**
 * Why the per-project figures are not split by part: a part with fewer ballots than the poll's
 * minimum would show how those few deputies voted (docs/PROCEDURE.md, "Paper ballots").
 */
export function countSheetSplitWithheld(parts: { electronic: OfficialRecord; paper: OfficialRecord }, minBallots: number): string {
  const small = parts.paper.returned < minBallots ? `纸质表决票仅${parts.paper.returned}张` : `电子表决仅${parts.electronic.returned}张`;
  return `${small}，少于${minBallots}张，为保护无记名投票，各项目得票只列合计，不分列电子表决和纸质表决票。`;
}

/** Under the title: whether the 主席团 has certified the count (or returned it). */
export function countSheetStatusLine(s: { certifiedAt: string | null; status: string }, fmt: (iso: string) => string): string {
  if (s.certifiedAt) return `（计票结果已经主席团确认，${fmt(s.certifiedAt)}）`;
  if (s.status === 'rejected') return '（计票结果已被主席团退回）';
  return '（计票结果，待主席团确认）';
}

/** The 表决时间 and the time the count was complete, one line each. */
export function countSheetTimes(t: { openedAt: string | null; closedAt: string | null; countedAt: string | null }, fmt: (iso: string) => { date: string; time: string }): string[] {
  const when = (iso: string | null) => (iso ? fmt(iso) : null);
  const [o, c, d] = [when(t.openedAt), when(t.closedAt), when(t.countedAt)];
  const span = o && c ? `${o.date} ${o.time}至${c.date === o.date ? '' : `${c.date} `}${c.time}` : '—';
  return [`表决时间：${span}`, `计票完成时间：${d ? `${d.date} ${d.time}` : '—'}`];
}

export interface CountSheetSigner {
  role: '总监票人' | '监票人' | '计票人';
  name: string;
}

/** Who signs the sheet, in order: the 总监票人, the 监票人, the 计票人. */
export function countSheetSigners(s: { chiefScrutineer: { name: string } | null; scrutineers: { name: string }[]; counters: string[] }): CountSheetSigner[] {
  return [
    ...(s.chiefScrutineer ? [{ role: '总监票人' as const, name: s.chiefScrutineer.name }] : []),
    ...s.scrutineers.map((x) => ({ role: '监票人' as const, name: x.name })),
    ...s.counters.map((name) => ({ role: '计票人' as const, name })),
  ];
}

/** The fewest 赞成 that pass a threshold that must be exceeded (more than half of X). */
export function votesNeeded(thresholdVotes: number): number {
  return Math.floor(thresholdVotes) + 1;
}

export interface CountSheetRulesInput {
  ballotType: BallotType;
  chooseN: number;
  candidateCount: number;
  passThreshold: PassThreshold;
  tieRule: TieRule;
  /** the 赞成 count to exceed; null without a threshold */
  thresholdVotes: number | null;
  record: OfficialRecord;
  /** the projects chosen, in rank order */
  chosenNames: string[];
  vacancies: number;
  /** a tie at the cut-off this count left open */
  tie: { names: string[]; places: number; resolution: TieRule } | null;
  /** the 主席团's decision in effect on that tie, with the outcome it makes; null when none */
  tieDecision?: CountSheetTieDecision | null;
}

/** A tie the 主席团 decided, as the sheet names it beside the count. */
export interface CountSheetTieDecision {
  /** as the 公告 names it (presidiumMeetingName): 大会主席团第三次会议 */
  meeting: string;
  /** YYYY-MM-DD */
  decidedOn: string;
  /** the tied projects it chose */
  chosenNames: string[];
  /** every project chosen once it is applied (withTieDecision), in order */
  finalChosenNames: string[];
  /** places left empty once it is applied */
  vacancies: number;
}

const zhPlainDate = (day: string) => {
  const [y, m, d] = day.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/**
 * The 主席团's tie decision beside the count, in words: the count keeps its 票数相同 and its 待定
 * places; this line says what the meeting decided and what is chosen with it.
 */
export function countSheetTieDecisionLine(tie: { names: string[] }, d: CountSheetTieDecision): string {
  const chosen = d.chosenNames.length ? `${d.chosenNames.join('、')}入选` : '并列项目均不入选';
  const total = `入选项目共${d.finalChosenNames.length}个${d.finalChosenNames.length ? `：${d.finalChosenNames.join('、')}` : ''}`;
  return `主席团决定：${tie.names.join('、')}得票相同，经${d.meeting}（${zhPlainDate(d.decidedOn)}）决定，${chosen}；${total}${d.vacancies > 0 ? `；空缺名额${d.vacancies}个` : ''}。`;
}

/**
 * The 结果 cell of a project: the count's 入选 / 未入选 / 票数相同, and for a tied project the
 * 主席团's decision on it beneath, one string per line.
 */
export function countSheetResultCell(r: { status: keyof typeof RESULT_STATUS_ZH; decided: 'chosen' | 'not_chosen' | null }): string[] {
  const counted = RESULT_STATUS_ZH[r.status];
  if (r.status !== 'tied' || r.decided === null) return [counted];
  return [counted, `主席团决定${RESULT_STATUS_ZH[r.decided]}`];
}

const TIE_BRIEF: Record<TieRule, string> = {
  runoff: '就得票相等的项目再次投票',
  vacant: '得票相等的项目均不入选，该名额空缺',
  presidium: '由大会主席团在得票相等的项目中决定',
};

const TIE_APPLIED: Record<TieRule, string> = {
  runoff: '依票决办法，就得票相等的项目再次投票确定。',
  vacant: '依票决办法，得票相等的项目均不入选，该名额空缺。',
  presidium: '依票决办法，由大会主席团在得票相等的项目中决定入选项目。',
};

/** The rules as this count applied them, in words: validity, who passes, ties, the outcome. */
export function countSheetRules(i: CountSheetRulesInput): string[] {
  const r = i.record;
  const valid = r.balanced
    ? `收回表决票${r.returned}张，不多于发出的${r.issued}张，表决有效。`
    : `收回表决票${r.returned}张，多于发出的${r.issued}张，表决无效，应当重新表决。`;
  const order = i.ballotType === 'rank' ? '按排序得分' : '按所得赞成票';
  let threshold = '';
  if (i.thresholdVotes !== null && i.passThreshold !== 'none') {
    const base = i.passThreshold === 'seated_majority' ? `应到代表${r.seated}名` : `实到代表${r.present}名`;
    threshold = `（${base}，须得赞成票${votesNeeded(i.thresholdVotes)}票以上）`;
  }
  const pass = `候选项目${i.candidateCount}个，应选${i.chooseN}个；候选项目${order}由多到少排列，前${i.chooseN}个项目入选${PASS_RULE_ZH[i.passThreshold]}${threshold}。未获得赞成票的项目不入选。`;
  const tie = i.tie
    ? `票数相同：${i.tie.names.join('、')}得票相等，争${i.tie.places}个名额，${TIE_APPLIED[i.tie.resolution]}`
    : `票数相同：末位得票相等时，${TIE_BRIEF[i.tieRule]}；本次表决未出现此种情形。`;
  const open = i.tie && i.tie.resolution !== 'vacant' ? `；待定名额${i.tie.places}个` : '';
  const outcome = `入选项目${i.chosenNames.length}个${i.chosenNames.length ? `：${i.chosenNames.join('、')}` : ''}${open}${i.vacancies > 0 ? `；空缺名额${i.vacancies}个` : ''}。`;
  return [valid, pass, tie, outcome, ...(i.tie && i.tieDecision ? [countSheetTieDecisionLine(i.tie, i.tieDecision)] : [])];
}

/**
 * The 执行主席's name as staff typed it: trimmed, 1–50 characters, no line breaks or other
 * control characters. Null when it is not a name that can be printed on one line.
 */
export function presidingChairName(raw: string): string | null {
  const name = raw.trim();
  if (name.length < 1 || [...name].length > 50) return null;
  if (/\p{Cc}/u.test(name)) return null;
  return name;
}
