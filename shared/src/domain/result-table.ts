/**
 * The result table of a 公告, as every record of it reads: the table in the body and the 附件 of
 * the web 公告 and its PDF, and the first sheet of the XLSX / CSV download. Headings and cells are
 * written here once, so the paper and the spreadsheet show the same columns in the same words
 * (docs/PROCEDURE.md §5; the 表决记录 beneath is announcementRecordRows, wording.ts). A vote's
 * figures are those of its ballot form, headed as the count sheet heads them (ballotFormColumns).
 */
import { formatRate, type Grade } from './grading.ts';
import type { BallotType } from './rules.ts';
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

/** A figure column of a vote's table: the key of the count it shows, and its heading. */
export interface BallotFormColumn {
  key: 'for' | 'against' | 'abstain' | 'score';
  zh: string;
  en: string;
}

/**
 * The figures of a ballot form, the columns of a vote's table wherever one is printed: the count
 * sheet (表决结果报告单), the 公告 with its PDF and the XLSX / CSV download. 赞成/反对/弃权; ticks
 * and the projects left unticked (差额勾选 has no 反对); for rank ballots the times ranked, the
 * Borda score that orders them, and the ballots that did not rank the project (docs/PROCEDURE.md
 * §3, "Counting").
 */
export function ballotFormColumns(ballotType: BallotType): BallotFormColumn[] {
  switch (ballotType) {
    case 'approve':
      return [
        { key: 'for', zh: '赞成', en: 'For' },
        { key: 'against', zh: '反对', en: 'Against' },
        { key: 'abstain', zh: '弃权', en: 'Abstain' },
      ];
    case 'choose':
      return [
        { key: 'for', zh: '赞成（勾选）', en: 'Ticked' },
        { key: 'abstain', zh: '未勾选', en: 'Not ticked' },
      ];
    case 'rank':
      return [
        { key: 'for', zh: '被排序次数', en: 'Times ranked' },
        { key: 'score', zh: '得分', en: 'Score' },
        { key: 'abstain', zh: '未排序', en: 'Not ranked' },
      ];
  }
}

/** A vote's columns: the rank, the project, the figures of its ballot form, the outcome. */
export function voteTableHeader(ballotType: BallotType): string[] {
  return ['名次', '候选项目', ...ballotFormColumns(ballotType).map((c) => c.zh), '结果'];
}

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
  /** 赞成; ticks; times ranked */
  for: number;
  against: number;
  /** 弃权; not ticked; not ranked */
  abstain: number;
  /** rank ballots: the Borda points */
  score: number;
  status: keyof typeof RESULT_STATUS_ZH;
}

export function ratingTable(rows: readonly RatingTableRow[]): ResultTable {
  return {
    header: RATING_TABLE_HEADER,
    rows: rows.map((r, i) => [i + 1, r.name, r.satisfied, r.basic, r.unsatisfied, r.abstain, formatRate(r.satisfiedRate), formatRate(r.satisfactionRate), GRADE_ZH[r.grade]]),
  };
}

export function voteTable(ballotType: BallotType, rows: readonly VoteTableRow[]): ResultTable {
  const columns = ballotFormColumns(ballotType);
  return { header: voteTableHeader(ballotType), rows: rows.map((r) => [r.rank, r.name, ...columns.map((c) => r[c.key]), RESULT_STATUS_ZH[r.status]]) };
}

/**
 * The 公告's table: a rating's grades, or a vote's ranks, figures (the columns of its ballot
 * form) and outcomes. A rating poll (ballot type 'rating') always gets the rating's columns.
 */
export function announcementTable(a: {
  kind: string;
  rules: { ballotType: BallotType | 'rating' };
  rating: { rows: readonly RatingTableRow[] } | null;
  rows: readonly VoteTableRow[];
}): ResultTable {
  if (a.kind === 'rating' || a.rules.ballotType === 'rating') return ratingTable(a.rating?.rows ?? []);
  return voteTable(a.rules.ballotType, a.rows);
}

/** The line under the table when places stay empty (空缺), as the 附件 and the download state it; null when none. */
export const vacanciesLine = (vacancies: number): string | null => (vacancies > 0 ? `空缺名额：${vacancies}个。` : null);
