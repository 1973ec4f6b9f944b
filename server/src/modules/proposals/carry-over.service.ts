import { PROPOSAL_LIMITS, type CarryOverBody, type Reserve } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import type { ProposalRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { areaIn, choicesFor, copyInto, cycleOr404, insertProposals, invalid, type NewProposal } from './proposals.intake.ts';
import { outcomes, toSummary } from './proposals.mappers.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';

/** 项目储备库: what a cycle leaves over, and carrying it into another cycle. */
export class CarryOverService {
  constructor(private readonly db: Db) {}

  async reserve(cycleId: string): Promise<Reserve> {
    await cycleOr404(this.db, cycleId);
    const reserved = await repo.reserved(this.db, cycleId);
    const carriedOn = new Set((await repo.carriedChildren(this.db, reserved.map((r) => r.id))).map((c) => c.carried_from_proposal_id));
    const results = outcomes(await repo.certifiedPolls(this.db, cycleId));
    const candidates = (await cyclesRepository.candidates(this.db, cycleId)).filter((c) => results.get(c.id)?.status === 'not_chosen');
    const carriedCands = new Set((await repo.carriedFromCandidates(this.db, null, candidates.map((c) => c.id))).map((c) => c.carried_from_candidate_id));
    const sources = new Map((await repo.sourcesByCandidate(this.db, cycleId, 0)).map((s) => [s.candidate_id, Number(s.n)]));
    return {
      cycleId,
      proposals: reserved.filter((r) => !carriedOn.has(r.id)).map(toSummary),
      candidates: candidates
        .filter((c) => !carriedCands.has(c.id))
        .map((c) => ({ candidate: toCandidate(c), outcome: results.get(c.id)!, sourceCount: sources.get(c.id) ?? 0 })),
    };
  }

  /**
   * Carries reserved proposals and candidates not chosen into another cycle as new proposals
   * (channel 'carried') that point back to where they came from; both sides get a timeline entry.
   */
  async carryOver(actor: Principal, targetCycleId: string, b: CarryOverBody) {
    const by = actorOf(actor);
    const proposalIds = b.proposalIds ?? [];
    const candidateIds = b.candidateIds ?? [];
    if (proposalIds.length + candidateIds.length === 0) invalid('proposalIds', 'nothing to carry', '请选择要转入的建议或候选项目');
    return this.db.transaction().execute(async (trx) => {
      const target = await cyclesRepository.lock(trx, targetCycleId);
      if (!target) throw new AppError('NOT_FOUND');
      if (target.frozen_at) throw new AppError('LIST_FROZEN');
      const { areas } = await choicesFor(trx, targetCycleId);
      const items: NewProposal[] = [];
      /** Per item, the cycle it comes from (for the citizen's timeline). */
      const fromNames: string[] = [];
      const now = new Date();
      const sourceCycleNames = new Map<string, string>();
      const cycleName = async (id: string) => {
        if (!sourceCycleNames.has(id)) sourceCycleNames.set(id, (await repo.cycleRef(trx, id))?.name ?? '');
        return sourceCycleNames.get(id)!;
      };

      const locked = proposalIds.length ? await repo.lockMany(trx, proposalIds) : [];
      if (locked.length !== proposalIds.length) throw new AppError('NOT_FOUND');
      const bad = locked.filter((r) => r.status !== 'reserved' || r.cycle_id === targetCycleId);
      if (bad.length > 0) throw new AppError('NOT_CARRIABLE', { proposals: bad.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })) });
      const children = await repo.carriedChildren(trx, proposalIds);
      if (children.length > 0) throw new AppError('ALREADY_CARRIED', { proposals: children.map((c) => c.carried_from_proposal_id) });
      const sources: ProposalRow[] = [];
      for (const id of proposalIds) sources.push((await repo.get(trx, id))!);
      for (const s of sources) {
        items.push(copyInto(s, targetCycleId, areaIn(areas, s.area), `${await cycleName(s.cycle_id)} 第 ${Number(s.no)} 号`, by, now));
        fromNames.push(await cycleName(s.cycle_id));
      }

      const cands = await cyclesRepository.candidatesByIds(trx, candidateIds);
      if (cands.length !== candidateIds.length) throw new AppError('NOT_FOUND');
      const carriedCands = await repo.carriedFromCandidates(trx, targetCycleId, candidateIds);
      if (carriedCands.length > 0) throw new AppError('ALREADY_CARRIED', { candidates: carriedCands.map((c) => c.carried_from_candidate_id) });
      const sourceLinks: { candidateId: string; proposalIds: string[] }[] = [];
      for (const c of cands) {
        const results = outcomes(await repo.certifiedPolls(trx, c.cycle_id));
        if (c.cycle_id === targetCycleId || results.get(c.id)?.status !== 'not_chosen') {
          throw new AppError('NOT_CARRIABLE', { candidates: [{ id: c.id, name: c.name, outcome: results.get(c.id)?.status ?? null }] });
        }
        items.push({
          cycleId: targetCycleId,
          title: c.name.slice(0, PROPOSAL_LIMITS.title),
          content: [c.content, c.targets].filter((x) => x !== '').join('\n').slice(0, PROPOSAL_LIMITS.content) || c.name,
          reason: '',
          costWan: c.investment_wan === null ? null : Number(c.investment_wan),
          area: areaIn(areas, c.category || '其他'),
          district: '',
          location: c.location.slice(0, PROPOSAL_LIMITS.location),
          proposerName: null,
          proposerPhone: null,
          channel: 'carried',
          pointId: null,
          channelNote: `${await cycleName(c.cycle_id)} 候选项目（未入选）`,
          receivedAt: now,
          createdBy: by,
          carriedFromCandidateId: c.id,
        });
        fromNames.push(await cycleName(c.cycle_id));
        sourceLinks.push({ candidateId: c.id, proposalIds: (await repo.activeSourceIds(trx, c.id)).map((x) => x.proposal_id) });
      }

      const created = await insertProposals(trx, items, (p) => ({
        carriedFrom: p.carriedFromProposalId ? 'proposal' : 'candidate',
      }));
      const targetName = target.name;
      await repo.insertEvents(trx, [
        ...created.map((row, i) => ({
          proposal_id: row.id,
          kind: 'carried_in',
          actor: by,
          public: true,
          detail: JSON.stringify({ cycleName: fromNames[i] ?? '' }),
        })),
        ...sources.map((s) => ({ proposal_id: s.id, kind: 'carried_out', actor: by, public: true, detail: JSON.stringify({ cycleId: targetCycleId, cycleName: targetName }) })),
        ...sourceLinks.flatMap((l) =>
          l.proposalIds.map((pid) => ({ proposal_id: pid, kind: 'candidate_carried', actor: by, public: true, detail: JSON.stringify({ candidateId: l.candidateId, cycleId: targetCycleId, cycleName: targetName }) })),
        ),
      ]);
      await appendAudit(trx, {
        actor: by,
        action: 'proposal.carried',
        subject: `cycle:${targetCycleId}`,
        details: { proposals: proposalIds, candidates: candidateIds, created: created.map((c) => c.id) },
      });
      return { created: (await repo.summariesByIds(trx, created.map((c) => c.id))).map(toSummary).sort((a, b) => a.no - b.no) };
    });
  }
}
