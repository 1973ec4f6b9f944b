/**
 * Certifying a counted poll (docs/PROCEDURE.md §3, "Certification"): the 监票人 confirm the count
 * on their tablets, then k members of the 主席团 certify it, or return (退回) it. A return needs as
 * many members as a certification unless the cycle lets one member return alone; a tie the
 * 主席团 decides must be decided before anyone certifies. One home for the rule: the server
 * decides a sign-off (and a 主席团 meeting's decision, presidium.ts) with it, and the console
 * shows the progress and offers the buttons with it, so the two cannot disagree.
 */

export const SIGNOFF_DECISIONS = ['confirm', 'certify', 'reject'] as const;
export type SignoffDecision = (typeof SIGNOFF_DECISIONS)[number];
export type SignoffRole = 'scrutineer' | 'presidium';

/** The rule for one poll. */
export interface CertificationRule {
  /** presidium certifications needed (k of n) */
  certifyK: number;
  /** 监票人 confirmations needed before anyone may certify */
  scrutineerConfirmations: number;
  /** the cycle lets one member return a result alone (default: no, a return needs certifyK members) */
  rejectAlone?: boolean;
  /** a tie the 主席团 decides is not decided yet: no one certifies before it is */
  tieUndecided?: boolean;
}

/** Members who must sign a 主席团 certification, return or tie decision under the rule. */
export function signersNeeded(rule: Pick<CertificationRule, 'certifyK' | 'rejectAlone'>, kind: 'certify' | 'reject' | 'tie'): number {
  return kind === 'reject' && rule.rejectAlone ? 1 : rule.certifyK;
}

/** Who signs: a 主席团 member with an account, a 监票人 as a deputy on the tablet. */
export type Signer = { userId: string; deputyId?: undefined } | { deputyId: string; userId?: undefined };

/** A sign-off as far as the rule needs it (the wire's Signoff is one). */
export interface SignoffMark {
  userId: string | null;
  deputyId: string | null;
  role: SignoffRole;
  decision: SignoffDecision;
}

/** A 监票人 confirms; a 主席团 member certifies or returns. */
export const signoffRole = (decision: SignoffDecision): SignoffRole => (decision === 'confirm' ? 'scrutineer' : 'presidium');

const signedBy = (s: SignoffMark, who: Signer) => (who.userId !== undefined ? s.userId === who.userId : s.deputyId === who.deputyId);

export interface CertificationProgress {
  confirmations: number;
  certifications: number;
  /** members who returned the result */
  rejections: number;
  /** enough confirmations for certifying to begin */
  scrutineersDone: boolean;
  /** enough of both: the result is final */
  certified: boolean;
  /** enough members returned it: the result goes back */
  returned: boolean;
}

export function certificationProgress(rule: CertificationRule, signoffs: readonly Pick<SignoffMark, 'decision'>[]): CertificationProgress {
  const confirmations = signoffs.filter((s) => s.decision === 'confirm').length;
  const certifications = signoffs.filter((s) => s.decision === 'certify').length;
  const rejections = signoffs.filter((s) => s.decision === 'reject').length;
  const scrutineersDone = confirmations >= rule.scrutineerConfirmations;
  return {
    confirmations,
    certifications,
    rejections,
    scrutineersDone,
    certified: scrutineersDone && certifications >= rule.certifyK,
    returned: rejections >= signersNeeded(rule, 'reject'),
  };
}

/** What a sign-off leads to; `status` is the poll's status after it. */
export type SignoffVerdict =
  | { ok: true; status: 'closed' | 'certified' | 'rejected'; progress: CertificationProgress }
  | { ok: false; code: 'ALREADY_SIGNED' }
  | { ok: false; code: 'TIE_UNDECIDED' }
  | { ok: false; code: 'CONFIRMATIONS_MISSING'; needed: number; have: number };

/**
 * The verdict on a sign-off of a counted, not yet certified poll, given the sign-offs so far.
 * Each person signs once in each role; no one certifies before the confirmations are in, nor
 * while a tie the 主席团 decides is open; the k-th certification makes the result final; the
 * return that reaches signersNeeded(rule, 'reject') sends it back (the first, if the cycle lets
 * one member return alone).
 */
export function signoffVerdict(rule: CertificationRule, signoffs: readonly SignoffMark[], who: Signer, decision: SignoffDecision): SignoffVerdict {
  const role = signoffRole(decision);
  if (signoffs.some((s) => s.role === role && signedBy(s, who))) return { ok: false, code: 'ALREADY_SIGNED' };
  const progress = certificationProgress(rule, [...signoffs, { decision }]);
  if (decision === 'certify' && !progress.scrutineersDone) {
    return { ok: false, code: 'CONFIRMATIONS_MISSING', needed: rule.scrutineerConfirmations, have: progress.confirmations };
  }
  if (decision === 'certify' && rule.tieUndecided) return { ok: false, code: 'TIE_UNDECIDED' };
  const status = decision === 'reject' && progress.returned ? 'rejected' : decision === 'certify' && progress.certified ? 'certified' : 'closed';
  return { ok: true, status, progress };
}
