/**
 * Official wording of the documents people read (公告, count sheet, exports): one place, so the
 * server's PDF and spreadsheets and the web's printable pages say the same thing. A project is
 * 入选 / 未入选 (当选 is said of persons); see docs/PROCEDURE.md.
 */
import type { Grade } from './grading.ts';

export const RESULT_STATUS_ZH = { chosen: '入选', not_chosen: '未入选', tied: '票数相同' } as const;

export const GRADE_ZH: Record<Grade, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };

/**
 * Who acts at each level (docs/PROCEDURE.md §4): a city or county congress has a standing
 * committee that decides major changes and whose 主任会议 fixes the candidate list; a township
 * has no standing committee — its 乡镇人民代表大会 decides and its 主席团 announces and fixes.
 */
export interface LevelBodies {
  /** Decides a major change, pause or cancellation. */
  decides: string;
  /** Announces the decision. */
  announces: string;
  /** Fixes the candidate list (确定候选项目). */
  fixesList: string;
  /** Whether a standing committee exists at this level (and may rate projects). */
  hasStandingCommittee: boolean;
}

export function levelBodies(level: 'city' | 'county' | 'township'): LevelBodies {
  return level === 'township'
    ? { decides: '乡镇人民代表大会', announces: '乡镇人民代表大会主席团', fixesList: '乡镇人大主席团', hasStandingCommittee: false }
    : { decides: '人大常委会', announces: '人大常委会', fixesList: '主任会议', hasStandingCommittee: true };
}

/** Year-end assessment against the targets. */
export const COMPLETION_ZH = { completed: '完成', basic: '基本完成', not_completed: '未完成' } as const;

/** How a citizen proposal ended. */
export const OUTCOME_ZH = { chosen: '所涉项目入选', not_chosen: '列入候选未入选', reserved: '列入储备库', routed: '转办', rejected: '不予采纳', pending: '办理中' } as const;

/** 代表小组 supervision activities. */
export const SUPERVISION_KIND_ZH = { inspection: '视察', research: '调研', inquiry: '专题询问' } as const;

/**
 * The 公告's number line, 第N号; blank (two ideographic spaces) while a draft has no number yet,
 * as a draft document leaves it for the number given at certification.
 */
export const noticeNumberLine = (n: number | null): string => `（第${n === null ? '\u3000\u3000' : n}号）`;
