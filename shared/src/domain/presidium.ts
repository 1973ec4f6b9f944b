/**
 * The 主席团 as a body (docs/PROCEDURE.md §3, "The 主席团's decisions"): a certification, a return
 * (退回) or the choice among projects tied at the cut-off is decided at a 主席团 meeting and signed
 * by its members, each on their own account. The rule on how many must sign is certification.ts's
 * signersNeeded; this file says whether one decision may be recorded, who may sign or decline it
 * and when it takes effect, and what a tie decision does to the count's outcome. The server
 * records and signs decisions with it; the console offers the form and the buttons with it.
 */
import { certificationProgress, signersNeeded, type CertificationRule, type SignoffMark } from './certification.ts';
import type { Tie } from './tally.ts';

export const PRESIDIUM_DECISION_KINDS = ['certify', 'reject', 'tie'] as const;
export type PresidiumDecisionKind = (typeof PRESIDIUM_DECISION_KINDS)[number];

export interface DecisionDraft {
  kind: PresidiumDecisionKind;
  /** the members' accounts, as signed */
  signerIds: readonly string[];
  /** tie: the tied projects that take the places left open */
  chosen?: readonly string[];
}

export type DecisionRefusal =
  | { code: 'DUPLICATE_SIGNER'; signerId: string }
  | { code: 'TOO_FEW_SIGNERS'; needed: number; have: number }
  | { code: 'ALREADY_SIGNED'; signerId: string }
  | { code: 'CONFIRMATIONS_MISSING'; needed: number; have: number }
  | { code: 'TIE_UNDECIDED' }
  | { code: 'NO_PRESIDIUM_TIE' }
  | { code: 'TIE_DECIDED' }
  | { code: 'NOT_AMONG_TIED'; candidateIds: string[] }
  | { code: 'TOO_MANY_CHOSEN'; places: number; have: number }
  | { code: 'DECISION_PENDING' };

export type DecisionVerdict = ({ ok: true; status: 'closed' | 'certified' | 'rejected'; needed: number }) | ({ ok: false } & DecisionRefusal);

/** The count's tie as far as a decision needs it. */
type TieState = Pick<Tie, 'candidateIds' | 'places' | 'resolution'> | null;

/** A tie the count left to the 主席团 and no decision has settled yet. */
export function tieUndecided(tie: TieState | undefined, decided: readonly string[] | null): boolean {
  return tie?.resolution === 'presidium' && decided === null;
}

/** Whether the member signed the other way (certify vs return) on their own account. */
export function signedOtherWay(marks: readonly SignoffMark[], userId: string, kind: PresidiumDecisionKind): boolean {
  if (kind === 'tie') return false;
  const other = kind === 'certify' ? 'reject' : 'certify';
  return marks.some((s) => s.role === 'presidium' && s.decision === other && s.userId === userId);
}

/**
 * Whether a decision of a counted, not yet certified poll may be recorded, given the sign-offs so
 * far (with the signatures on pending decisions, pendingMarks), the count's tie, the tie decision
 * in effect (null: none) and the kinds of the decisions still pending. The members named to sign
 * must be distinct and at least as many as signersNeeded; a member who signed the other way on
 * their own account cannot be one. A certification needs the 监票人's confirmations and no open
 * tie; a tie decision needs a tie the cycle leaves to the 主席团, at most its places, from the
 * tied only. One decision of a kind is pending at a time.
 */
export function decisionVerdict(
  rule: CertificationRule,
  signoffs: readonly SignoffMark[],
  tie: TieState,
  decided: readonly string[] | null,
  d: DecisionDraft,
  pendingKinds: readonly PresidiumDecisionKind[] = [],
): DecisionVerdict {
  const seen = new Set<string>();
  for (const id of d.signerIds) {
    if (seen.has(id)) return { ok: false, code: 'DUPLICATE_SIGNER', signerId: id };
    seen.add(id);
  }
  if (pendingKinds.includes(d.kind)) return { ok: false, code: 'DECISION_PENDING' };
  if (d.kind === 'tie') {
    if (tie?.resolution !== 'presidium') return { ok: false, code: 'NO_PRESIDIUM_TIE' };
    if (decided !== null) return { ok: false, code: 'TIE_DECIDED' };
    const tied = new Set(tie.candidateIds);
    const outside = (d.chosen ?? []).filter((id) => !tied.has(id));
    if (outside.length > 0) return { ok: false, code: 'NOT_AMONG_TIED', candidateIds: outside };
    const chosen = new Set(d.chosen ?? []);
    if (chosen.size > tie.places) return { ok: false, code: 'TOO_MANY_CHOSEN', places: tie.places, have: chosen.size };
  } else {
    const crossed = d.signerIds.find((id) => signedOtherWay(signoffs, id, d.kind));
    if (crossed) return { ok: false, code: 'ALREADY_SIGNED', signerId: crossed };
  }
  const needed = signersNeeded(rule, d.kind);
  if (seen.size < needed) return { ok: false, code: 'TOO_FEW_SIGNERS', needed, have: seen.size };
  if (d.kind !== 'reject') {
    const progress = certificationProgress(rule, signoffs);
    if (!progress.scrutineersDone) return { ok: false, code: 'CONFIRMATIONS_MISSING', needed: rule.scrutineerConfirmations, have: progress.confirmations };
  }
  if (d.kind === 'certify' && tieUndecided(tie, decided)) return { ok: false, code: 'TIE_UNDECIDED' };
  return { ok: true, status: d.kind === 'certify' ? 'certified' : d.kind === 'reject' ? 'rejected' : 'closed', needed };
}

export const SIGNATURE_ANSWERS = ['sign', 'decline'] as const;
export type SignatureAnswer = (typeof SIGNATURE_ANSWERS)[number];
export const DECISION_STATUSES = ['pending', 'effective', 'withdrawn', 'declined', 'lapsed'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** A recorded decision as far as its signatures go. */
export interface DecisionSignatures {
  kind: PresidiumDecisionKind;
  status: DecisionStatus;
  /** the members named to sign it, its recorder first */
  named: readonly string[];
  /** each named member's answer so far, in the order given */
  answers: readonly { userId: string; answer: SignatureAnswer }[];
}

export interface DecisionProgress {
  needed: number;
  signed: number;
  declined: number;
  /** named members who have not answered */
  awaiting: string[];
  /** effective at the signersNeeded-th signature; declined once the rest could no longer reach it */
  outcome: 'pending' | 'effective' | 'declined';
}

export function decisionProgress(rule: Pick<CertificationRule, 'certifyK' | 'rejectAlone'>, d: Pick<DecisionSignatures, 'kind' | 'named' | 'answers'>): DecisionProgress {
  const needed = signersNeeded(rule, d.kind);
  const answered = new Set(d.answers.map((a) => a.userId));
  const signed = d.answers.filter((a) => a.answer === 'sign').length;
  const awaiting = d.named.filter((id) => !answered.has(id));
  const outcome = signed >= needed ? 'effective' : signed + awaiting.length < needed ? 'declined' : 'pending';
  return { needed, signed, declined: d.answers.length - signed, awaiting, outcome };
}

/** The signatures given on pending certify and return decisions, as sign-offs the other way would meet them. */
export function pendingMarks(decisions: readonly Pick<DecisionSignatures, 'kind' | 'status' | 'answers'>[]): SignoffMark[] {
  return decisions.flatMap((d) =>
    d.status === 'pending' && d.kind !== 'tie'
      ? d.answers.filter((a) => a.answer === 'sign').map((a): SignoffMark => ({ userId: a.userId, deputyId: null, role: 'presidium', decision: d.kind as 'certify' | 'reject' }))
      : [],
  );
}

export type SignatureRefusal = { code: 'DECISION_NOT_PENDING' } | { code: 'NOT_NAMED_SIGNER' } | { code: 'ALREADY_ANSWERED' } | { code: 'ALREADY_SIGNED'; signerId: string };
export type SignatureVerdict = ({ ok: true } & DecisionProgress) | ({ ok: false } & SignatureRefusal);

/**
 * A named member's answer (sign or decline) to a pending decision, on their own account: once
 * each, and no signing a certification after signing a return (or the reverse: `marks` are the
 * poll's sign-offs and pendingMarks). The verdict carries the progress after the answer: the
 * decision takes effect with the signature that reaches signersNeeded.
 */
export function signatureVerdict(
  rule: Pick<CertificationRule, 'certifyK' | 'rejectAlone'>,
  d: DecisionSignatures,
  marks: readonly SignoffMark[],
  userId: string,
  answer: SignatureAnswer,
): SignatureVerdict {
  if (d.status !== 'pending') return { ok: false, code: 'DECISION_NOT_PENDING' };
  if (!d.named.includes(userId)) return { ok: false, code: 'NOT_NAMED_SIGNER' };
  if (d.answers.some((a) => a.userId === userId)) return { ok: false, code: 'ALREADY_ANSWERED' };
  if (answer === 'sign' && signedOtherWay(marks, userId, d.kind)) return { ok: false, code: 'ALREADY_SIGNED', signerId: userId };
  return { ok: true, ...decisionProgress(rule, { ...d, answers: [...d.answers, { userId, answer }] }) };
}

interface CountOutcome {
  rows: { candidateId: string; status: 'chosen' | 'not_chosen' | 'tied' }[];
  chosen: string[];
  tie: TieState;
  vacancies: number;
}

/**
 * The count's outcome once the 主席团 has decided its tie: the projects it chose are 入选 after
 * those chosen outright, the other tied ones 未入选, and places it left unfilled stay empty.
 * The count itself (votes, ranks, the tie) is unchanged; with no decision the outcome is the count's.
 */
export function withTieDecision<R extends CountOutcome>(result: R, decided: readonly string[] | null): R {
  if (!decided || result.tie?.resolution !== 'presidium') return result;
  const picked = new Set(decided);
  const tied = new Set(result.tie.candidateIds);
  return {
    ...result,
    rows: result.rows.map((r) => (tied.has(r.candidateId) ? { ...r, status: picked.has(r.candidateId) ? 'chosen' : 'not_chosen' } : r)),
    chosen: [...result.chosen, ...decided.filter((id) => tied.has(id))],
    vacancies: result.vacancies + result.tie.places - picked.size,
  };
}

/**
 * The projects a certified vote or run-off chose, with those the 主席团 chose among the tied when
 * the count left the tie to it: what tracking, the year summary and the portal take as 入选.
 */
export interface SelectionResult {
  chosen?: string[];
  tie?: Pick<Tie, 'candidateIds' | 'resolution'> | null;
}

export function selectionOf(result: SelectionResult | null, decided: readonly string[] | null): string[] {
  const chosen = result?.chosen ?? [];
  if (!decided || result?.tie?.resolution !== 'presidium') return chosen;
  const tied = new Set(result.tie.candidateIds);
  return [...chosen, ...decided.filter((id) => tied.has(id))];
}

/** The meeting as the 公告 names it: 主席团第三次会议 → 大会主席团第三次会议. */
export function presidiumMeetingName(meeting: string): string {
  const m = meeting.trim();
  if (m.startsWith('大会主席团')) return m;
  return m.startsWith('主席团') ? `大会${m}` : `大会主席团${m}`;
}
