/**
 * Official wording of the documents people read (公告, count sheet, exports): one place, so the
 * server's PDF and spreadsheets and the web's printable pages say the same thing. A project is
 * 入选 / 未入选 (当选 is said of persons); see docs/PROCEDURE.md.
 */
import type { Grade } from './grading.ts';

export const RESULT_STATUS_ZH = { chosen: '入选', not_chosen: '未入选', tied: '票数相同' } as const;

export const GRADE_ZH: Record<Grade, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };
