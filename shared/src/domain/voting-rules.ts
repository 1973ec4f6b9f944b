/**
 * The 票决办法 as a document (docs/PROCEDURE.md §3): written from the cycle's settings, the 监票人
 * list and any provisions staff add. One function, so the console's print, the adopted text and
 * its hash are the same words.
 */
import type { BallotMode, BallotType, PassThreshold, QuorumRule, TieRule } from './rules.ts';

export interface VotingRulesSettings {
  chooseN: number;
  ballotType: BallotType;
  passThreshold: PassThreshold;
  quorumRule: QuorumRule;
  tieRule: TieRule;
  minBallots: number;
  certifyK: number;
  /** one 主席团 member may return a result alone (absent: no) */
  presidiumRejectAlone?: boolean;
  /** null: every 监票人 present, at least 2 */
  scrutineerConfirmations: number | null;
  /** Versions drafted before ballots could be encrypted carry none: they were plain. */
  ballotMode?: BallotMode;
}

export interface VotingRulesInput {
  sessionName: string;
  cycleName: string;
  candidates: number;
  rules: VotingRulesSettings;
  scrutineers: { name: string; delegation: string; chief: boolean }[];
  counters: number;
  /** Further provisions staff wrote, one per paragraph. */
  provisions: string;
}

export interface VotingRulesDocument {
  title: string;
  articles: string[];
  /** 监票人名单, the 总监票人 first. */
  scrutineers: string[];
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 43 → 四十三: the numbering of articles (第一条) and lists
 *  (一、二、…); outside 1–99 the Arabic figure. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

const FORM: Record<BallotType, (n: number) => string> = {
  approve: (n) => `表决票上对每个候选项目可以表示赞成、反对或者弃权，赞成的项目不得超过${n}个；超过${n}个的为无效票。对候选项目未作表示的，按弃权计算。`,
  choose: (n) => `表决票上在候选项目中勾选赞成的项目，所选项目不得超过${n}个；超过${n}个的为无效票。未勾选的项目按弃权计算。`,
  rank: (n) =>
    `表决票上按优先顺序对不超过${n}个候选项目填写序号1至${n}，同一序号不得重复使用，否则为无效票。计票时，排在第1位的项目得${n}分，每后一位少得1分；项目按得分多少排序，项目被排序的次数为其得票数。`,
};

/** How the electronic ballot keeps the vote secret (docs/PROCEDURE.md §"密钥生成", docs/CRYPTO.md). */
const SECRECY: Record<BallotMode, string> = {
  encrypted:
    '表决票在代表的表决终端上加密后提交，加密所用公钥由全体监票人在各自的表决终端上共同生成，解密密钥分由监票人持有；表决结束后，须有规定人数的监票人共同解密，方可得出计票结果，任何单张表决票均不解密。加密表决票及计票过程的核验数据在结果公布后公开。',
  plain: '本次票决的电子表决票不加密，由电子表决系统直接计票。',
};

export const PASS_RULE_ZH: Record<PassThreshold, string> = {
  none: '',
  seated_majority: '，且所得赞成票须超过全体代表的半数',
  present_majority: '，且所得赞成票须超过出席会议代表的半数',
};

export const TIE_RULE_ZH: Record<TieRule, string> = {
  runoff: '因末位得票相等致入选项目超过应选数量的，就得票相等的项目再次投票，以得票多的项目入选；再次投票得票仍相等的，该名额空缺。',
  vacant: '因末位得票相等致入选项目超过应选数量的，得票相等的项目均不入选，该名额空缺。',
  presidium: '因末位得票相等致入选项目超过应选数量的，由大会主席团在得票相等的项目中决定入选项目。',
};

const QUORUM: Record<QuorumRule, string> = { more_than_half: '过半数', two_thirds: '三分之二以上' };

export function votingRulesDocument(i: VotingRulesInput): VotingRulesDocument {
  const r = i.rules;
  const extra = i.candidates - r.chooseN;
  const pct = r.chooseN > 0 ? Math.round((extra / r.chooseN) * 1000) / 10 : 0;
  const confirmers = r.scrutineerConfirmations === null ? '全体在场监票人（不少于2名）' : `${r.scrutineerConfirmations}名以上监票人`;
  const chief = i.scrutineers.filter((s) => s.chief);
  const body = [
    `为做好${i.cycleName}人大代表票决工作，根据有关法律和本级人民代表大会关于民生实事项目人大代表票决制的规定，制定本办法。`,
    `本次会议票决的民生实事项目候选项目${i.candidates}个，应选${r.chooseN}个，差额${extra}个（差额比例${pct}%）。候选项目按确定的清单顺序列于表决票上。`,
    `票决采用无记名投票方式，使用电子表决系统进行，每名代表一票。${FORM[r.ballotType](r.chooseN)}${SECRECY[r.ballotMode ?? 'plain']}电子表决系统出现故障时，在监票人监督下改用书面表决票，人工计票。`,
    `出席会议的代表须达到全体代表的${QUORUM[r.quorumRule]}，方可进行票决。投票人数少于${r.minBallots}人的，为保护无记名投票，不予计票，本次表决作废。`,
    `收回的表决票等于或者少于发出的表决票的，表决有效；多于发出的表决票的，表决无效，应当重新表决。`,
    `候选项目按所得赞成票（排序投票按得分）由多到少排列，前${r.chooseN}个项目入选${PASS_RULE_ZH[r.passThreshold]}。未获得赞成票的项目不得入选。${
      r.passThreshold === 'none' ? '' : '因赞成票未过半数致入选项目不足应选数量的，不足的名额空缺。'
    }`,
    TIE_RULE_ZH[r.tieRule],
    `本次会议设监票人${i.scrutineers.length}名，由大会全体会议通过的代表担任，其中总监票人1名${chief.length ? `（${chief[0]!.name}）` : ''}；设计票人${i.counters}名，由大会秘书处工作人员担任，在监票人监督下工作。监票人不得由候选项目承办单位的工作人员担任。`,
    `计票结果由${confirmers}确认后，由总监票人向执行主席报告，经大会主席团${r.certifyK}名以上成员签署确认，由执行主席宣布。主席团退回计票结果的，${r.presidiumRejectAlone ? '主席团成员一人即可提出' : `须经主席团${r.certifyK}名以上成员签署`}，并说明理由。`,
    `票决结果由大会主席团以公告形式公布。入选项目由本级人民政府组织实施，接受人大代表和人民群众监督。`,
    ...i.provisions
      .split(/\n+/)
      .map((p) => p.trim())
      .filter(Boolean),
    `本办法经大会全体会议通过后施行。`,
  ];
  return {
    title: `${i.sessionName}民生实事项目票决办法`,
    articles: body.map((text, n) => `第${chineseNumeral(n + 1)}条　${text}`),
    scrutineers: [...chief, ...i.scrutineers.filter((s) => !s.chief)].map((s) => `${s.name}（${s.delegation}）${s.chief ? '　总监票人' : ''}`),
  };
}
