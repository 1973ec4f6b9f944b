import { checkShortlist, type FreezeShortlistBody, type ProposalStatus, type Shortlist, type ShortlistCheck } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { candidateListHash, toCandidate } from '../cycles/cycles.service.ts';
import { iso } from './proposals.mappers.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';
import { cleanText } from './proposals-text.ts';

/** How many source proposals the shortlist shows per candidate (all: GET /api/candidates/:id/proposals). */
const SHORTLIST_SAMPLE = 5;

/** The candidate list with its 差额 check, and the recorded decision that fixes it. */
export class ShortlistService {
  constructor(private readonly db: Db) {}

  async shortlist(cycleId: string, db: DbOrTx = this.db): Promise<Shortlist> {
    const cycle = await cyclesRepository.get(db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const [candidates, sources, pending, decision] = await Promise.all([
      cyclesRepository.candidates(db, cycleId),
      repo.sourcesByCandidate(db, cycleId, SHORTLIST_SAMPLE),
      repo.pendingCount(db, cycleId),
      repo.decision(db, cycleId),
    ]);
    const bySource = new Map(sources.map((s) => [s.candidate_id, s]));
    const minRatio = Number(cycle.min_extra_ratio);
    const maxRatio = Number(cycle.max_extra_ratio);
    const verdict = checkShortlist(candidates.length, cycle.choose_n, minRatio, maxRatio);
    const check: ShortlistCheck = {
      places: cycle.choose_n,
      candidates: candidates.length,
      minExtraRatio: minRatio,
      maxExtraRatio: maxRatio,
      minCandidates: verdict.minCandidates,
      maxCandidates: verdict.maxCandidates,
      status: verdict.status,
      widened: verdict.widened,
      ok: verdict.status === 'ok',
      pendingProposals: Number(pending.n),
      unsourcedCandidates: candidates.filter((c) => !bySource.has(c.id)).length,
    };
    return {
      cycleId,
      frozen: cycle.frozen_at
        ? {
            at: iso(cycle.frozen_at),
            hash: cycle.frozen_hash ?? '',
            decision: cycle.freeze_decision ?? '',
            organ: (decision?.organ as 'presidium' | undefined) ?? null,
            decidedOn: decision?.decided_on ?? null,
            reference: decision?.reference ?? null,
          }
        : null,
      check,
      candidates: candidates.map((c) => {
        const s = bySource.get(c.id);
        return {
          ...toCandidate(c),
          sourceCount: s ? Number(s.n) : 0,
          sources: (s?.sample ?? []).map((x) => ({ id: x.id, no: Number(x.no), title: x.title, status: x.status as ProposalStatus, linkedAt: iso(new Date(x.linked_at)) })),
        };
      }),
    };
  }

  /**
   * Records the 主任会议 (township: 主席团) decision and freezes the list in one transaction:
   * the 差额 range is enforced (shared/src/domain/shortlist.ts), the list hashed, and from
   * then on the database refuses candidate changes and merges.
   */
  async freeze(actor: Principal, cycleId: string, b: FreezeShortlistBody): Promise<Shortlist> {
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const list = (await cyclesRepository.candidates(trx, cycleId)).map(toCandidate);
      if (list.length === 0) throw new AppError('LIST_EMPTY');
      const verdict = checkShortlist(list.length, cycle.choose_n, Number(cycle.min_extra_ratio), Number(cycle.max_extra_ratio));
      if (verdict.status !== 'ok') {
        throw new AppError('SHORTLIST_RATIO', { candidates: list.length, places: cycle.choose_n, minCandidates: verdict.minCandidates, maxCandidates: verdict.maxCandidates });
      }
      const hash = candidateListHash(list);
      const organ = b.organ === 'presidium' ? '主席团' : '主任会议';
      const reference = cleanText(b.reference);
      const decision = `${reference}（${b.decidedOn}）`;
      await cyclesRepository.update(trx, cycleId, { frozen_at: new Date(), frozen_hash: hash, freeze_decision: decision });
      await repo.insertDecision(trx, { cycle_id: cycleId, organ: b.organ, decided_on: b.decidedOn, reference, list_hash: hash, recorded_by: by });
      await appendAudit(trx, {
        actor: by,
        action: 'cycle.frozen',
        subject: `cycle:${cycleId}`,
        details: { decision, organ, decidedOn: b.decidedOn, reference, hash, candidates: list.length, places: cycle.choose_n },
      });
      return this.shortlist(cycleId, trx);
    });
  }
}
