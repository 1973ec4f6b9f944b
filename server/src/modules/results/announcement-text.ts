import { gradingRuleText, ratingBodyNoun, type BallotMode, type BallotType, type OfficialRecord, type PassThreshold, type RatingBase, type RatingBody } from '@piaojue/shared';

const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });

/** 2027年1月15日, in the hall's time zone. */
export const zhDate = (d: Date | string): string => dateFmt.format(new Date(d));

const BALLOT_TEXT: Record<BallotType | 'rating', string> = {
  approve: '代表对每个候选项目分别表示赞成、反对或者弃权，赞成的项目数不得超过应选数量',
  choose: '代表在候选项目中勾选，所选项目数不得超过应选数量',
  rank: '代表按优先顺序对候选项目排序，排序的项目数不得超过应选数量',
  rating: '对每个项目分别作出满意、基本满意或者不满意的评价',
};

const THRESHOLD_TEXT: Record<PassThreshold, string> = {
  none: '按照得票多少确定',
  seated_majority: '获得全体代表过半数赞成票的候选项目，按照得票多少确定',
  present_majority: '获得实到代表过半数赞成票的候选项目，按照得票多少确定',
};

/**
 * A rank poll orders by points (得分), while its pass condition counts the ballots that ranked a
 * project at all (被排序次数), the column words of its table (docs/PROCEDURE.md §3, "Counting").
 */
const RANK_THRESHOLD_TEXT: Record<PassThreshold, string> = {
  none: '按照得分高低确定',
  seated_majority: '被排序次数超过全体代表半数的候选项目，按照得分高低确定',
  present_majority: '被排序次数超过实到代表半数的候选项目，按照得分高低确定',
};

/**
 * How the electronic ballots were kept secret. A plain poll is marked as such (the congress chose
 * it explicitly, docs/PROCEDURE.md §3); an encrypted one points to the public verification data.
 */
const MODE_TEXT: Record<BallotMode, string> = {
  encrypted: '电子表决票经加密提交，计票结果由监票人共同解密得出，核验数据向社会公开。',
  plain: '本次票决的电子表决票未加密（明文表决）。',
};

export function recordSentence(r: OfficialRecord): string {
  const validity = r.balanced ? '表决有效' : '收回票数多于发出票数，表决无效';
  return `共发出表决票${r.issued}张，收回${r.returned}张，其中有效票${r.valid}张，无效票${r.invalid}张，${validity}。`;
}

export function voteParagraphs(a: {
  sessionName: string;
  cycleName: string;
  openedAt: string | null;
  record: OfficialRecord;
  quorumMet: boolean;
  candidateCount: number;
  chooseN: number;
  ballotType: BallotType | 'rating';
  ballotMode: BallotMode;
  passThreshold: PassThreshold;
  chosenCount: number;
  vacancies: number;
  tiedNames: string[];
  tieResolution: string | null;
  /** a tie the 主席团 decided: the tied, the meeting (大会主席团第三次会议) and the projects it chose */
  presidiumTie?: { tiedNames: string[]; meeting: string; chosenNames: string[] } | null;
}): string[] {
  const when = a.openedAt ? zhDate(a.openedAt) : '';
  const p = [
    `${a.sessionName}于${when}以无记名投票方式，对${a.cycleName}候选项目进行了票决。${MODE_TEXT[a.ballotMode]}`,
    `本次会议应到代表${a.record.seated}名，实到代表${a.record.present}名，${a.quorumMet ? '符合法定人数' : '不足法定人数'}。${recordSentence(a.record)}`,
    `根据票决办法，${a.candidateCount}个候选项目中应选${a.chooseN}个，${a.ballotType === 'rating' ? '代表' : ''}${BALLOT_TEXT[a.ballotType]}，${(a.ballotType === 'rank' ? RANK_THRESHOLD_TEXT : THRESHOLD_TEXT)[a.passThreshold]}。经票决，确定以下${a.chosenCount}个项目为${a.cycleName}：`,
  ];
  if (a.presidiumTie) p.push(`${a.presidiumTie.tiedNames.join('、')}得票相同，经${a.presidiumTie.meeting}决定，${a.presidiumTie.chosenNames.join('、')}入选。`);
  if (a.tiedNames.length && a.tieResolution === 'presidium') p.push(`${a.tiedNames.join('、')}得票相同，由大会主席团决定。`);
  if (a.tiedNames.length && a.tieResolution === 'runoff') p.push(`${a.tiedNames.join('、')}得票相同，须再次投票确定。`);
  if (a.vacancies > 0) p.push(`另有${a.vacancies}个名额空缺。`);
  p.push('特此公告。');
  return p;
}

export function ratingParagraphs(a: {
  sessionName: string;
  title: string;
  openedAt: string | null;
  record: OfficialRecord;
  quorumMet: boolean;
  projects: number;
  ratingBase: RatingBase;
  ratingBody: RatingBody;
  rerating: boolean;
  ballotMode: BallotMode;
}): string[] {
  const when = a.openedAt ? zhDate(a.openedAt) : '';
  const noun = ratingBodyNoun(a.ratingBody);
  return [
    `${a.sessionName}于${when}以无记名投票方式，对${a.projects}个民生实事项目的实施情况进行了${a.rerating ? '整改后再次测评' : '满意度测评'}（${a.title}）。${MODE_TEXT[a.ballotMode]}`,
    `本次会议应到${noun}${a.record.seated}名，实到${noun}${a.record.present}名，${a.quorumMet ? '符合法定人数' : '不足法定人数'}。${recordSentence(a.record)}`,
    `${noun}${BALLOT_TEXT.rating}。${gradingRuleText(a.ratingBase, a.ratingBody)}满意票占比为满意票占有效票的比例，满意率为满意票与基本满意票之和占有效票的比例。测评结果如下：`,
    '特此公告。',
  ];
}
