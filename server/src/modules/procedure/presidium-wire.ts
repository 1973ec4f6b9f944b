import { signersNeeded, tieUndecided, withTieDecision, type Announcement, type Poll, type PollResult, type PresidiumDecision } from '@piaojue/shared';
import type { DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { allowed } from '../../auth/guard.ts';
import type { Principal } from '../auth/auth.service.ts';
import { presidiumRepository as repo, type DecisionRecord } from './presidium.repository.ts';

/** The rule's part that says how many must sign: the poll's k and the cycle's return setting. */
export interface SigningRule {
  certifyK: number;
  rejectAlone: boolean;
}

/** The 主席团's decisions as the wire shows them (a poll's certification, the console, the 公告). */
export const toDecision = (d: DecisionRecord, rule: SigningRule): PresidiumDecision => ({
  id: d.id,
  pollId: d.poll_id,
  kind: d.kind,
  status: d.status,
  meeting: d.meeting,
  decidedOn: d.decided_on,
  chosen: d.chosen_names ?? [],
  reason: d.reason,
  signers: d.signers ?? [],
  named: (d.named ?? []).map((n) => ({ ...n, answeredAt: n.answeredAt && new Date(n.answeredAt).toISOString() })),
  needed: signersNeeded(rule, d.kind),
  recordedBy: d.recorded_by,
  recordedById: d.recorded_by_id,
  recordedAt: d.recorded_at.toISOString(),
  settledAt: d.settled_at?.toISOString() ?? null,
});

/**
 * Whether a reader sees the 主席团's decisions still awaiting signatures: they are its internal
 * deliberation (docs/PROCEDURE.md §3, "The 主席团's decisions"), for its members and the
 * secretariat only, never for deputies, scrutineers' accounts, the hall or the public.
 */
export const seesPendingDecisions = (p: Principal): boolean => p.kind === 'user' && allowed(p, ['staff', 'presidium']);

/**
 * What a poll's certification shows of the 主席团's side: its decisions in effect, those awaiting
 * signatures (only with `withPending`, see seesPendingDecisions), and the two flags of the rule.
 * Nothing is decided before the count, and the cast path reads polls often: an uncounted poll
 * costs no query.
 */
export async function presidiumOf(
  db: DbOrTx,
  p: PollRow,
  withPending: boolean,
): Promise<{ decisions?: PresidiumDecision[]; pending?: PresidiumDecision[]; rejectAlone?: boolean; tieUndecided?: boolean }> {
  if (!['closed', 'rejected', 'certified', 'published'].includes(p.status)) return {};
  const [records, rejectAlone] = await Promise.all([repo.decisions(db, p.id, withPending ? ['effective', 'pending'] : ['effective']), repo.rejectAlone(db, p.id)]);
  const rule = { certifyK: p.certify_k, rejectAlone };
  const effective = records.filter((d) => d.status === 'effective');
  const tie = effective.find((d) => d.kind === 'tie');
  const result = p.kind === 'rating' ? null : (p.result as PollResult | null);
  return {
    decisions: effective.map((d) => toDecision(d, rule)),
    ...(withPending && { pending: records.filter((d) => d.status === 'pending').map((d) => toDecision(d, rule)) }),
    rejectAlone,
    tieUndecided: tieUndecided(result?.tie, tie ? tie.chosen : null),
  };
}

/** The cycle's return rule and whether a tie the 主席团 decides is still open: what signoffVerdict needs beyond k. */
export async function presidiumRule(db: DbOrTx, p: PollRow): Promise<{ rejectAlone: boolean; tieUndecided: boolean }> {
  const [rejectAlone, decided] = await Promise.all([repo.rejectAlone(db, p.id), repo.tieDecision(db, p.id)]);
  const result = p.kind === 'rating' ? null : (p.result as PollResult | null);
  return { rejectAlone, tieUndecided: tieUndecided(result?.tie, decided) };
}

/**
 * The 主席团's decisions as the 公告 and the printed record state them: the tie it decided and the
 * certification, each with meeting, day and signers. A return is not announced: a returned
 * result is never published.
 */
export function announcedDecisions(decisions: readonly PresidiumDecision[]): NonNullable<Announcement['presidiumDecisions']> {
  return decisions
    .filter((d) => d.kind !== 'reject')
    .map((d) => ({ kind: d.kind, meeting: d.meeting, decidedOn: d.decidedOn, signers: d.signers.map((s) => s.displayName), chosen: d.chosen.map((c) => c.name) }));
}

/** A poll's count as the hall shows it once the 主席团 has decided its tie: the chosen tied projects 入选. */
export function decidedResult(poll: Poll): PollResult | null {
  const tie = poll.certification.decisions?.find((d) => d.kind === 'tie');
  return poll.result && withTieDecision(poll.result, tie ? tie.chosen.map((c) => c.candidateId) : null);
}
