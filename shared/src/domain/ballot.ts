/**
 * Ballot validation (docs/PROCEDURE.md §3 票决). Fed untrusted JSON from the tablets: it never throws,
 * and an accepted ballot is rebuilt from scratch (unknown keys are dropped, approve ballots get
 * a mark for every candidate, choose ballots are put into candidate-list order).
 */
import { MARKS } from './rules.ts';
import type { BallotBody, Mark, PollRules } from './rules.ts';

export const BALLOT_ERROR_CODES = [
  'MALFORMED_BALLOT',
  'WRONG_BALLOT_TYPE',
  'UNKNOWN_CANDIDATE',
  'DUPLICATE_CANDIDATE',
  'BAD_MARK',
  'TOO_MANY_APPROVALS',
  'TOO_MANY_SELECTED',
  'TOO_MANY_RANKED',
] as const;
export type BallotErrorCode = (typeof BALLOT_ERROR_CODES)[number];

export interface BallotMessage {
  zh: string;
  en: string;
}

export type BallotValidation =
  | { ok: true; ballot: BallotBody }
  | { ok: false; code: BallotErrorCode; message: BallotMessage };

/** The human text for each error; `n` is the number of places (应选数量). */
export function ballotErrorMessage(code: BallotErrorCode, n: number): BallotMessage {
  switch (code) {
    case 'MALFORMED_BALLOT':
      return { zh: '表决票格式不正确', en: 'The ballot is malformed' };
    case 'WRONG_BALLOT_TYPE':
      return { zh: '表决票类型与本次表决不符', en: 'The ballot type does not match this poll' };
    case 'UNKNOWN_CANDIDATE':
      return { zh: '表决票含有非候选项目', en: 'The ballot names a project that is not a candidate' };
    case 'DUPLICATE_CANDIDATE':
      return { zh: '同一候选项目不能重复选择', en: 'A candidate project appears more than once' };
    case 'BAD_MARK':
      return {
        zh: '表决意见只能是赞成、反对或弃权',
        en: 'Each mark must be for, against or abstain',
      };
    case 'TOO_MANY_APPROVALS':
      return {
        zh: `赞成票超过应选数量 ${n} 个，为无效票`,
        en: `More than ${n} approvals: the ballot would be invalid`,
      };
    case 'TOO_MANY_SELECTED':
      return {
        zh: `所选项目超过应选数量 ${n} 个，为无效票`,
        en: `More than ${n} selected: the ballot would be invalid`,
      };
    case 'TOO_MANY_RANKED':
      return {
        zh: `排序项目超过应选数量 ${n} 个，为无效票`,
        en: `More than ${n} ranked: the ballot would be invalid`,
      };
  }
}

function fail(code: BallotErrorCode, rules: PollRules): BallotValidation {
  return { ok: false, code, message: ballotErrorMessage(code, rules.choose) };
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const MARK_SET: ReadonlySet<string> = new Set(MARKS);

function isMark(v: unknown): v is Mark {
  return typeof v === 'string' && MARK_SET.has(v);
}

/**
 * Reads a list of candidate ids (choose / rank). Returns the ids, or the error code.
 * Precedence: malformed > unknown > duplicate; the count is checked by the caller.
 */
function readIdList(
  v: unknown,
  known: ReadonlySet<string>,
): { ok: true; ids: string[] } | { ok: false; code: BallotErrorCode } {
  if (!Array.isArray(v)) return { ok: false, code: 'MALFORMED_BALLOT' };
  const ids: string[] = [];
  // index loop: holes in sparse arrays read as undefined and are rejected
  for (let i = 0; i < v.length; i++) {
    const id: unknown = v[i];
    if (typeof id !== 'string') return { ok: false, code: 'MALFORMED_BALLOT' };
    ids.push(id);
  }
  if (ids.some((id) => !known.has(id))) return { ok: false, code: 'UNKNOWN_CANDIDATE' };
  if (new Set(ids).size !== ids.length) return { ok: false, code: 'DUPLICATE_CANDIDATE' };
  return { ok: true, ids };
}

/**
 * The candidate list as a set. A frozen list (the server freezes each poll's list once) cannot
 * change, so its set is built once and kept; any other list gets a fresh set each time.
 */
const knownSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function knownSet(candidateIds: readonly string[]): ReadonlySet<string> {
  if (!Object.isFrozen(candidateIds)) return new Set(candidateIds);
  let known = knownSets.get(candidateIds);
  if (!known) {
    known = new Set(candidateIds);
    knownSets.set(candidateIds, known);
  }
  return known;
}

function validateUnsafe(
  body: unknown,
  rules: PollRules,
  candidateIds: readonly string[],
): BallotValidation {
  if (!isPlainRecord(body)) return fail('MALFORMED_BALLOT', rules);
  const type = hasOwn(body, 'type') ? body.type : undefined;
  if (typeof type !== 'string') return fail('MALFORMED_BALLOT', rules);
  if (type !== rules.ballotType) return fail('WRONG_BALLOT_TYPE', rules);
  const n = rules.choose;
  const known = knownSet(candidateIds);

  switch (rules.ballotType) {
    case 'approve': {
      const marks = hasOwn(body, 'marks') ? body.marks : undefined;
      if (!isPlainRecord(marks)) return fail('MALFORMED_BALLOT', rules);
      const keys = Object.keys(marks);
      if (keys.some((k) => !known.has(k))) return fail('UNKNOWN_CANDIDATE', rules);
      if (keys.some((k) => !isMark(marks[k]))) return fail('BAD_MARK', rules);
      // Object.fromEntries defines own properties, so even an id like "__proto__" is safe
      const normalised: Record<string, Mark> = Object.fromEntries(
        candidateIds.map((id): [string, Mark] => {
          const m = hasOwn(marks, id) ? marks[id] : undefined;
          return [id, isMark(m) ? m : 'abstain'];
        }),
      );
      const ballot: BallotBody = { type: 'approve', marks: normalised };
      if (countApprovals(ballot) > n) return fail('TOO_MANY_APPROVALS', rules);
      return { ok: true, ballot };
    }
    case 'choose': {
      const read = readIdList(hasOwn(body, 'selected') ? body.selected : undefined, known);
      if (!read.ok) return fail(read.code, rules);
      if (read.ids.length > n) return fail('TOO_MANY_SELECTED', rules);
      const picked = new Set(read.ids);
      return {
        ok: true,
        ballot: { type: 'choose', selected: candidateIds.filter((id) => picked.has(id)) },
      };
    }
    case 'rank': {
      const read = readIdList(hasOwn(body, 'ranking') ? body.ranking : undefined, known);
      if (!read.ok) return fail(read.code, rules);
      if (read.ids.length > n) return fail('TOO_MANY_RANKED', rules);
      return { ok: true, ballot: { type: 'rank', ranking: read.ids } };
    }
    default:
      return fail('MALFORMED_BALLOT', rules);
  }
}

/**
 * Checks an untrusted ballot against the poll's rules and candidate list, and returns it
 * normalised. Never throws.
 */
export function validateBallot(
  body: unknown,
  rules: PollRules,
  candidateIds: readonly string[],
): BallotValidation {
  try {
    return validateUnsafe(body, rules, candidateIds);
  } catch {
    // hostile objects (throwing getters, proxies…) — not reachable from JSON.parse output
    return fail('MALFORMED_BALLOT', rules);
  }
}

/** How many places the ballot uses: 赞成 marks, ticks, or ranked entries ("已选 X / N"). */
export function countApprovals(body: BallotBody): number {
  switch (body.type) {
    case 'approve':
      return Object.values(body.marks).filter((m) => m === 'for').length;
    case 'choose':
      return body.selected.length;
    case 'rank':
      return body.ranking.length;
  }
}

/** The N of "已选 X / N". */
export function maxSelectable(rules: PollRules): number {
  return rules.choose;
}
