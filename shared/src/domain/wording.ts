/**
 * Official wording of the documents people read (公告, count sheet, exports): one place, so the
 * server's PDF and spreadsheets and the web's printable pages say the same thing. A project is
 * 入选 / 未入选 (当选 is said of persons); see docs/PROCEDURE.md.
 */
import { gradingRuleText, ratingBodyNoun, type Grade, type RatingBase, type RatingBody } from './grading.ts';
import { PAPER_INVALID_REASON_LABELS, type PaperInvalidReason } from './paper.ts';
import type { OfficialRecord } from './tally.ts';
import type { PresidiumDecisionKind } from './presidium.ts';
import type { BallotType, PassThreshold, TieRule } from './rules.ts';
import { chineseNumeral } from './voting-rules.ts';

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

/**
 * With paper ballots, the 公告's record says how the ballots split into the electronic and the
 * paper part, each as counted (docs/PROCEDURE.md, "Paper ballots"), as [label, text] rows under
 * the 表决票 row. One wording for the web 公告 and its PDF; [] without paper ballots.
 */
export function announcementPaperRows(paper: { electronic: OfficialRecord; paper: OfficialRecord; invalidReasons: Record<string, number> } | null | undefined): [string, string][] {
  if (!paper) return [];
  const part = (p: OfficialRecord) => `发出${p.issued}张，收回${p.returned}张，有效${p.valid}张，无效${p.invalid}张`;
  const reasons = Object.entries(paper.invalidReasons)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${PAPER_INVALID_REASON_LABELS[k as PaperInvalidReason]?.zh ?? k}${v}张`);
  const counted = '经两名计票人分别录入核对一致，总监票人确认';
  // the whole poll on paper: the 表决票 row above is the paper count, there is no electronic part
  if (paper.electronic.issued === 0) return [['纸质表决', `全部采用纸质表决票${reasons.length ? `，无效票中${reasons.join('，')}` : ''}；${counted}`]];
  return [
    ['其中电子表决', part(paper.electronic)],
    ['其中纸质表决票', `${part(paper.paper)}${reasons.length ? `（${reasons.join('，')}）` : ''}；${counted}`],
  ];
}

/** The rules as the 公告's 表决记录 names them (the console's forms use the same words). */
export const RULES_ZH: { ballotType: Record<BallotType, string>; passThreshold: Record<PassThreshold, string>; tieRule: Record<TieRule, string> } = {
  ballotType: { approve: '赞成 / 反对 / 弃权', choose: '差额勾选（如12选10）', rank: '排序' },
  passThreshold: { none: '不设过半数条件（按赞成票排名）', seated_majority: '全体代表过半数', present_majority: '实到代表过半数' },
  tieRule: { runoff: '再次投票', vacant: '名额空缺', presidium: '主席团决定' },
};

/** The 通过规则 as the 表决记录 states it: without a threshold a rank poll is ordered by points, not 赞成. */
export const passRuleZh = (threshold: PassThreshold, ballotType: BallotType | 'rating'): string =>
  threshold === 'none' && ballotType === 'rank' ? '不设过半数条件（按得分排名）' : RULES_ZH.passThreshold[threshold];

const hallDate = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
const hallTime = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** 2027年1月15日 09:42 in the hall's time zone; — when unknown. */
const recordTime = (iso: string | null): string => {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? `${hallDate.format(d)} ${hallTime.format(d)}` : '—';
};
/** 2027-01-15 → 2027年1月15日 (a calendar day, no time zone). */
const plainDay = (day: string) => day.replace(/^(\d{4})-0?(\d{1,2})-0?(\d{1,2})$/, '$1年$2月$3日');
const names = (list: readonly string[]) => (list.length ? list.join('、') : '—');

/** What the 表决记录 states; an Announcement (shared/src/schemas/results.ts) is one. */
export interface AnnouncementRecordSource {
  kind: string;
  sessionName: string;
  cycleName: string;
  rules: { ballotType: BallotType | 'rating'; candidateCount: number; chooseN: number; passThreshold: PassThreshold; tieRule: TieRule; freezeDecision: string | null; listHash: string };
  record: OfficialRecord;
  paper?: Parameters<typeof announcementPaperRows>[0];
  quorumMet: boolean;
  openedAt: string | null;
  closedAt: string | null;
  certifiedAt: string | null;
  scrutineers: readonly string[];
  certifiedBy: readonly string[];
  rating: { ratingBase: RatingBase; ratingBody: RatingBody } | null;
  presidiumDecisions?: readonly { kind: PresidiumDecisionKind; meeting: string; decidedOn: string; signers: readonly string[]; chosen: readonly string[] }[];
  auditAnchor: { seq: number; hash: string } | null;
}

/**
 * The 公告's annexed 表决记录 as [label, text] rows, for a vote and a satisfaction rating alike:
 * one wording for the web 公告 and its PDF.
 */
export function announcementRecordRows(a: AnnouncementRecordSource): [string, string][] {
  const r = a.record;
  const isRating = a.kind === 'rating' && !!a.rating;
  const noun = ratingBodyNoun(a.rating?.ratingBody ?? 'deputies');
  const rows: [string, string][] = [
    ['会议', a.sessionName],
    ['表决事项', isRating ? `${a.cycleName}满意度测评` : `${a.cycleName}票决`],
    ['表决方式', `无记名投票；${a.rules.ballotType === 'rating' ? `${noun}对每个项目分别作出满意、基本满意或者不满意的评价` : RULES_ZH.ballotType[a.rules.ballotType]}`],
  ];
  if (a.rating) rows.push(['测评等次', gradingRuleText(a.rating.ratingBase, a.rating.ratingBody)]);
  if (!isRating) {
    rows.push(['候选与应选', `候选项目${a.rules.candidateCount}个，应选${a.rules.chooseN}个`]);
    rows.push(['通过规则', passRuleZh(a.rules.passThreshold, a.rules.ballotType)]);
    rows.push(['票数相同时', RULES_ZH.tieRule[a.rules.tieRule]]);
  }
  rows.push(
    ['出席情况', `应到${noun}${r.seated}名，实到${noun}${r.present}名，${a.quorumMet ? '符合法定人数' : '不足法定人数'}`],
    ['表决票', `发出${r.issued}张，收回${r.returned}张，有效${r.valid}张，无效${r.invalid}张，未投票${r.notVoted}人；${r.balanced ? '收回票数不多于发出票数，表决有效' : '收回票数多于发出票数，表决无效'}`],
    ...announcementPaperRows(a.paper),
    ['开始时间', recordTime(a.openedAt)],
    ['结束时间', recordTime(a.closedAt)],
    ['监票人确认', names(a.scrutineers)],
    ['主席团确认', a.certifiedAt ? `${names(a.certifiedBy)}（${recordTime(a.certifiedAt)}）` : '尚未确认（草稿）'],
  );
  // the 主席团's decisions: the meeting, the day and the members who signed
  for (const d of a.presidiumDecisions ?? []) {
    const what = d.kind === 'tie' ? `决定得票相同的并列项目中${d.chosen.join('、')}入选` : '决定确认表决结果';
    rows.push([d.kind === 'tie' ? '主席团决定并列项目' : '主席团确认决定', `${d.meeting}（${plainDay(d.decidedOn)}）${what}；签署：${names(d.signers)}`]);
  }
  if (a.rules.freezeDecision) rows.push(['候选清单确定', a.rules.freezeDecision]);
  rows.push(['候选清单校验值', a.rules.listHash]);
  // the audit-log entry of the certification: printing it anchors the log up to that point
  if (a.auditAnchor) rows.push(['审计日志锚点', `第 ${a.auditAnchor.seq} 条 ${a.auditAnchor.hash}`]);
  return rows;
}

/** The 公告's 附件: its title after the cycle's name, and the note at the end of the body that points to it. */
export function announcementAnnex(a: { kind: string; rating: unknown }): { title: string; note: string } {
  const title = a.kind === 'rating' && a.rating ? '满意度测评结果统计表' : '票决结果统计表';
  return { title, note: `附件：${title}及表决记录` };
}

export interface BodyLayout {
  /** paragraphs before the list of projects (or the rating table) */
  lead: string[];
  /** paragraphs after the list, before the closing formula */
  tail: string[];
  /** 特此公告。 */
  closing: string | null;
}

/**
 * The 公告's body as the web page and the PDF lay it out. The server writes it paragraph by
 * paragraph; the one introducing the list ends with a full-width colon, and the last one is the
 * closing formula 「特此公告。」. The list goes right after the introducing paragraph (or before
 * the closing one if none introduces it).
 */
export function bodyLayout(paragraphs: readonly string[]): BodyLayout {
  const list = [...paragraphs];
  const closing = list.length && /^特此公告/.test(list.at(-1)!.trim()) ? list.pop()! : null;
  const intro = list.findIndex((p) => /[：:]\s*$/.test(p));
  if (intro < 0) return { lead: list, tail: [], closing };
  return { lead: list.slice(0, intro + 1), tail: list.slice(intro + 1), closing };
}

const WAN = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/**
 * A chosen project as the 公告 lists it: the heading (一、name, and how it was chosen when not in
 * the first round) and the lines beneath it (责任单位、总投资、完成时限; 目标任务).
 */
export function announcedProjectLines(p: {
  rank: number;
  name: string;
  department: string;
  investmentWan: number | null;
  fundingSource: string;
  deadline: string;
  targets: string;
  viaRunoff: boolean;
  viaPresidium?: boolean | undefined;
}): { heading: string; details: string[] } {
  const meta: string[] = [];
  if (p.department) meta.push(`责任单位：${p.department}`);
  if (p.investmentWan !== null) meta.push(`总投资：${WAN.format(p.investmentWan)}万元${p.fundingSource ? `（${p.fundingSource}）` : ''}`);
  if (p.deadline) meta.push(`完成时限：${p.deadline}`);
  const how = `${p.viaRunoff ? '（经再次投票确定）' : ''}${p.viaPresidium ? '（经大会主席团决定）' : ''}`;
  return { heading: `${chineseNumeral(p.rank)}、${p.name}${how}`, details: [meta.join('；'), p.targets ? `目标任务：${p.targets}` : ''].filter(Boolean) };
}
