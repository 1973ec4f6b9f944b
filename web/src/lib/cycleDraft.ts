import {
  checkShortlist,
  type BallotMode,
  type BallotType,
  type CreateCycleBody,
  type Cycle,
  type Level,
  type PassThreshold,
  type QuorumRule,
  type ShortlistVerdict,
  type TieRule,
  type UpdateCycleBody,
} from '@piaojue/shared';

/** The rules form works in percent; the wire uses ratios. */
export interface RulesDraft {
  level: Level;
  name: string;
  year: number;
  chooseN: number;
  ballotType: BallotType;
  passThreshold: PassThreshold;
  quorumRule: QuorumRule;
  tieRule: TieRule;
  minExtraPct: number;
  maxExtraPct: number;
  /** presidium certifications needed (k of n) */
  certifyK: number;
  /** one 主席团 member may return a result alone (otherwise a return needs certifyK members) */
  presidiumRejectAlone: boolean;
  /** 监票人 confirmations needed before certifying; null (an empty field): every 监票人 present, at least 2 */
  scrutineerConfirmations: number | null;
  /** below this many ballots a poll is not counted */
  minBallots: number;
  /** encrypted unless the congress chooses plain explicitly */
  ballotMode: BallotMode;
}

export function defaultDraft(): RulesDraft {
  const year = new Date().getFullYear() + 1;
  return {
    level: 'city',
    name: `${year}年度民生实事项目`,
    year,
    chooseN: 10,
    ballotType: 'approve',
    passThreshold: 'none',
    quorumRule: 'more_than_half',
    tieRule: 'runoff',
    minExtraPct: 10,
    maxExtraPct: 50,
    certifyK: 1,
    presidiumRejectAlone: false,
    scrutineerConfirmations: null,
    minBallots: 5,
    ballotMode: 'encrypted',
  };
}

export function draftFromCycle(c: Cycle): RulesDraft {
  return {
    level: c.level,
    name: c.name,
    year: c.year,
    chooseN: c.chooseN,
    ballotType: c.ballotType,
    passThreshold: c.passThreshold,
    quorumRule: c.quorumRule,
    tieRule: c.tieRule,
    minExtraPct: Math.round(c.minExtraRatio * 1000) / 10,
    maxExtraPct: Math.round(c.maxExtraRatio * 1000) / 10,
    certifyK: c.certifyK,
    presidiumRejectAlone: c.presidiumRejectAlone,
    scrutineerConfirmations: c.scrutineerConfirmations,
    minBallots: c.minBallots,
    ballotMode: c.ballotMode,
  };
}

export function createBody(d: RulesDraft): CreateCycleBody {
  return {
    level: d.level,
    name: d.name.trim(),
    year: d.year,
    chooseN: d.chooseN,
    ballotType: d.ballotType,
    passThreshold: d.passThreshold,
    quorumRule: d.quorumRule,
    tieRule: d.tieRule,
    minExtraRatio: d.minExtraPct / 100,
    maxExtraRatio: d.maxExtraPct / 100,
    certifyK: d.certifyK,
    presidiumRejectAlone: d.presidiumRejectAlone,
    // A cleared number field gives '' through v-model.number.
    scrutineerConfirmations: typeof d.scrutineerConfirmations === 'number' ? d.scrutineerConfirmations : null,
    minBallots: d.minBallots,
    ballotMode: d.ballotMode,
  };
}

export function updateBody(d: RulesDraft): UpdateCycleBody {
  const { level: _level, ...rest } = createBody(d);
  return rest as UpdateCycleBody;
}

/** The cycle page's 差额 line: the shared verdict plus the extra share it shows. */
export interface DiffCheck extends ShortlistVerdict {
  extra: number;
  /** extra candidates as a share of the places, in percent to one decimal */
  pct: number;
}

/** 差额 of the draft rules (not yet saved) against the current list: the server's verdict. */
export function diffCheck(candidates: number, places: number, minRatio: number, maxRatio: number): DiffCheck {
  const extra = candidates - places;
  const pct = places > 0 ? Math.round((extra / places) * 1000) / 10 : 0;
  return { ...checkShortlist(candidates, places, minRatio, maxRatio), extra, pct };
}
