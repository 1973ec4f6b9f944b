/** Rows of the proposals module as the wire shapes (shared/) the routes answer with. */
import { withTieDecision, type CollectionNotice, type PollResult, type ProposalDetail, type ProposalStatus, type ProposalSummary } from '@piaojue/shared';
import type { CollectionNoticeRow } from '../../db/types.ts';
import type { Principal } from '../auth/auth.service.ts';
import { proposalsRepository, type SummaryRow } from './proposals.repository.ts';
import { formatTrackingCode } from './proposals-text.ts';

type LinkRow = Awaited<ReturnType<typeof proposalsRepository.links>>[number];
type ProposalLink = ProposalDetail['links'][number];

type Outcome = { status: 'chosen' | 'not_chosen' | 'tied'; votesFor: number; rank: number; certifiedAt: string | null };

export const iso = (d: Date) => d.toISOString();

export function canSeeContact(p: Principal): boolean {
  return p.kind === 'user' && p.user.roles.some((r) => r === 'staff' || r === 'admin');
}

export function toSummary(r: SummaryRow): ProposalSummary {
  return {
    id: r.id,
    no: Number(r.no),
    cycleId: r.cycle_id,
    trackingCode: formatTrackingCode(r.tracking_code),
    title: r.title,
    content: r.content,
    area: r.area,
    district: r.district,
    location: r.location,
    channel: r.channel as ProposalSummary['channel'],
    pointId: r.collection_point_id,
    pointName: r.point_name,
    status: r.status as ProposalStatus,
    receivedAt: iso(r.received_at),
    candidate: r.candidate_id && r.candidate_name !== null ? { id: r.candidate_id, name: r.candidate_name } : null,
    carried: r.carried_from_proposal_id !== null || r.carried_from_candidate_id !== null,
  };
}

export function noticeState(n: { opens_at: Date; closes_at: Date }, frozen: boolean, now: Date): CollectionNotice['state'] {
  if (frozen || now >= n.closes_at) return 'closed';
  return now < n.opens_at ? 'upcoming' : 'open';
}

export function toNotice(n: CollectionNoticeRow, frozen: boolean, now = new Date()): CollectionNotice {
  return {
    cycleId: n.cycle_id,
    title: n.title,
    body: n.body,
    opensAt: iso(n.opens_at),
    closesAt: iso(n.closes_at),
    areas: n.areas,
    districts: n.districts,
    state: noticeState(n, frozen, now),
    serverTime: iso(now),
  };
}

/** Per candidate, the last certified vote or run-off that decided it (a tie as the 主席团 decided it). */
export function outcomes(polls: { result: unknown; certified_at: Date | null; tie_chosen?: string[] | null }[]): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  for (const p of polls) {
    const counted = p.result as PollResult | null;
    if (!counted || !Array.isArray(counted.rows)) continue;
    const result = withTieDecision(counted, p.tie_chosen ?? null);
    for (const row of result.rows) {
      out.set(row.candidateId, { status: row.status, votesFor: row.for, rank: row.rank, certifiedAt: p.certified_at ? iso(p.certified_at) : null });
    }
  }
  return out;
}

/** A proposal's link to a candidate, live or undone (both stay in the history). */
export function toLink(l: LinkRow): ProposalLink {
  return {
    id: l.id,
    candidateId: l.candidate_id,
    candidateName: l.candidate_name,
    linkedAt: iso(l.linked_at),
    linkedBy: l.linked_by,
    undoneAt: l.undone_at ? iso(l.undone_at) : null,
    undoneBy: l.undone_by,
  };
}
