/**
 * The result table of a 公告, as every record of it reads: the table in the body and the 附件 of
 * the web 公告 and its PDF, and the first sheet of the XLSX / CSV download. Headings and cells are
 * written here once, so the paper and the spreadsheet show the same columns in the same words
 * (docs/PROCEDURE.md §5; the 表决记录 beneath is announcementRecordRows, wording.ts).
 */
import { formatRate, type Grade } from './grading.ts';
import { GRADE_ZH, RESULT_STATUS_ZH } from './wording.ts';

/** A cell: numbers stay numbers (a spreadsheet sums them), the rest is text as printed. */
export type ResultCell = string | number;

export interface ResultTable {
  header: readonly string[];
  rows: ResultCell[][];
}

/**
 * A rating's columns. Both rates are always reported, whatever the rating base: 满意票占比
 * (满意 ÷ valid) and 满意率 ((满意 + 基本满意) ÷ valid); the grade, judged against the base, is
 * the 测评等次 (the word the 表决记录 and the body's rule use).
 */
export const RATING_TABLE_HEADER = ['序号', '项目名称', '满意', '基本满意', '不满意', '弃权', '满意票占比', '满意率', '测评等次'] as const;

/** A vote's columns. */
export const VOTE_TABLE_HEADER = ['名次', '候选项目', '赞成', '反对', '弃权', '结果'] as const;

export interface RatingTableRow {
  name: string;
  satisfied: number;
  basic: number;
  unsatisfied: number;
  abstain: number;
  satisfiedRate: number;
  satisfactionRate: number;
  grade: Grade;
}

export interface VoteTableRow {
  rank: number;
  name: string;
  for: number;
  against: number;
  abstain: number;
  status: keyof typeof RESULT_STATUS_ZH;
}

export function ratingTable(rows: readonly RatingTableRow[]): ResultTable {
  return {
    header: RATING_TABLE_HEADER,
    rows: rows.map((r, i) => [i + 1, r.name, r.satisfied, r.basic, r.unsatisfied, r.abstain, formatRate(r.satisfiedRate), formatRate(r.satisfactionRate), GRADE_ZH[r.grade]]),
  };
}

export function voteTable(rows: readonly VoteTableRow[]): ResultTable {
  return { header: VOTE_TABLE_HEADER, rows: rows.map((r) => [r.rank, r.name, r.for, r.against, r.abstain, RESULT_STATUS_ZH[r.status]]) };
}

/** The 公告's table: a rating's grades, or a vote's figures and outcome. */
export function announcementTable(a: { kind: string; rating: { rows: readonly RatingTableRow[] } | null; rows: readonly VoteTableRow[] }): ResultTable {
  return a.kind === 'rating' && a.rating ? ratingTable(a.rating.rows) : voteTable(a.rows);
}

/** The line under the table when places stay empty (空缺), as the 附件 and the download state it; null when none. */
export const vacanciesLine = (vacancies: number): string | null => (vacancies > 0 ? `空缺名额：${vacancies}个。` : null);
