import {
  PROPOSAL_LIMITS,
  PUBLIC_CHANNELS,
  type Level,
  type ProposalStatus,
  type PublicCollection,
  type PublicProposal,
  type PublicShortlist,
} from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { cycleOr404 } from './proposals.intake.ts';
import { iso, noticeState, outcomes, toNotice } from './proposals.mappers.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';
import { formatTrackingCode, normalizeTrackingCode } from './proposals-text.ts';

/** What citizens read without an account: open collections, a proposal by its code, fixed lists. */
export class PortalService {
  constructor(private readonly db: Db) {}

  async publicCycles() {
    const now = new Date();
    return (await repo.publicNotices(this.db)).map((r) => ({
      cycle: { id: r.cycle_id, name: r.name, year: r.year, level: r.level as Level },
      title: r.title,
      opensAt: iso(r.opens_at),
      closesAt: iso(r.closes_at),
      state: noticeState(r, r.frozen_at !== null, now),
      listFrozen: r.frozen_at !== null,
    }));
  }

  async publicCollection(cycleId: string): Promise<PublicCollection> {
    const cycle = await cycleOr404(this.db, cycleId);
    const n = await repo.notice(this.db, cycleId);
    if (!n) throw new AppError('COLLECTION_NOT_PUBLISHED');
    const points = await repo.points(this.db, cycleId);
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level as Level },
      notice: toNotice(n, cycle.frozen_at !== null),
      points: points.map((p) => ({ id: p.id, name: p.name, address: p.address })),
      channels: [...PUBLIC_CHANNELS],
      limits: { title: PROPOSAL_LIMITS.title, content: PROPOSAL_LIMITS.content, reason: PROPOSAL_LIMITS.reason },
    };
  }

  async track(codeInput: string): Promise<PublicProposal> {
    const code = normalizeTrackingCode(codeInput);
    const p = code ? await repo.trackingView(this.db, code) : undefined;
    if (!p) throw new AppError('TRACKING_CODE_UNKNOWN');
    const frozen = p.cycle_frozen_at !== null;
    let candidate: PublicProposal['candidate'] = null;
    if (p.link) {
      // Only a proposal that fed a candidate of a frozen list can have an outcome: the rare case.
      const outcome = frozen ? (outcomes(await repo.certifiedPolls(this.db, p.cycle_id)).get(p.link.candidate_id) ?? null) : null;
      candidate = { id: p.link.candidate_id, name: p.link.candidate_name, listFrozen: frozen, listDecision: p.cycle_freeze_decision, outcome };
    }
    const child = p.child;
    return {
      trackingCode: formatTrackingCode(p.tracking_code),
      cycle: { id: p.cycle_id, name: p.cycle_name, year: p.cycle_year, level: p.cycle_level as Level },
      title: p.title,
      content: p.content,
      reason: p.reason,
      area: p.area,
      district: p.district,
      location: p.location,
      channel: p.channel as PublicProposal['channel'],
      receivedAt: iso(p.received_at),
      status: p.status as ProposalStatus,
      decisionReason: p.status === 'rejected' || p.status === 'reserved' || p.status === 'routed' ? p.decision_reason : null,
      routedTo: p.status === 'routed' ? p.routed_to : null,
      candidate,
      // Only the whitelisted fields of each entry: never who did it.
      timeline: p.events.map((e) => {
        const d = e.detail ?? {};
        const str = (k: string) => (typeof d[k] === 'string' ? { [k]: d[k] as string } : {});
        return { at: iso(new Date(e.at)), kind: e.kind as PublicProposal['timeline'][number]['kind'], ...str('candidateName'), ...str('reason'), ...str('routedTo'), ...str('cycleName') };
      }),
      carriedTo: child
        ? { trackingCode: formatTrackingCode(child.tracking_code), cycle: { id: child.cycle_id, name: child.cycle_name, year: child.year, level: child.level as Level }, status: child.status as ProposalStatus }
        : null,
    };
  }

  async publicShortlist(cycleId: string): Promise<PublicShortlist> {
    const cycle = await cycleOr404(this.db, cycleId);
    if (!cycle.frozen_at) throw new AppError('LIST_NOT_FROZEN');
    const [candidates, sources] = await Promise.all([cyclesRepository.candidates(this.db, cycleId), repo.sourcesByCandidate(this.db, cycleId, 0)]);
    const counts = new Map(sources.map((s) => [s.candidate_id, Number(s.n)]));
    return {
      cycle: { id: cycle.id, name: cycle.name, year: cycle.year, level: cycle.level as Level },
      frozenAt: iso(cycle.frozen_at),
      hash: cycle.frozen_hash ?? '',
      decision: cycle.freeze_decision ?? '',
      candidates: candidates.map((c) => ({
        id: c.id,
        position: c.position,
        name: c.name,
        content: c.content,
        targets: c.targets,
        category: c.category,
        department: c.department,
        investmentWan: c.investment_wan === null ? null : Number(c.investment_wan),
        location: c.location,
        sourceCount: counts.get(c.id) ?? 0,
      })),
    };
  }
}
