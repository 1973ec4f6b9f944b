import type {
  Candidate,
  CreateCandidateBody,
  CreateCycleBody,
  Cycle,
  UpdateCandidateBody,
  UpdateCycleBody,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { CandidateRow, CycleRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { ownCycle, unitOf } from '../units/unit-scope.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cycleRulesAdopted } from '../procedure/voting-rules.service.ts';
import { cyclesRepository as repo } from './cycles.repository.ts';

export function toCycle(r: CycleRow & { candidate_count?: number | null }): Cycle {
  return {
    id: r.id,
    level: r.level,
    name: r.name,
    year: r.year,
    chooseN: r.choose_n,
    ballotType: r.ballot_type,
    passThreshold: r.pass_threshold,
    quorumRule: r.quorum_rule,
    tieRule: r.tie_rule,
    minExtraRatio: Number(r.min_extra_ratio),
    maxExtraRatio: Number(r.max_extra_ratio),
    certifyK: r.certify_k,
    presidiumRejectAlone: r.presidium_reject_alone,
    scrutineerConfirmations: r.scrutineer_confirmations,
    minBallots: r.min_ballots,
    ballotMode: r.ballot_mode,
    frozenAt: r.frozen_at?.toISOString() ?? null,
    frozenHash: r.frozen_hash,
    freezeDecision: r.freeze_decision,
    candidateCount: Number(r.candidate_count ?? 0),
    unitName: r.unit_name,
  };
}

export function toCandidate(r: CandidateRow): Candidate {
  return {
    id: r.id,
    cycleId: r.cycle_id,
    position: r.position,
    name: r.name,
    content: r.content,
    targets: r.targets,
    department: r.department,
    investmentWan: r.investment_wan === null ? null : Number(r.investment_wan),
    fundingSource: r.funding_source,
    deadline: r.deadline,
    location: r.location,
    category: r.category,
    subItems: r.sub_items,
  };
}

/** The content a frozen list's hash covers: every field of every candidate, in ballot order. */
export function candidateListHash(candidates: Candidate[]): string {
  return sha256(canonicalJson(candidates.map(({ cycleId: _c, ...rest }) => rest)));
}

/** The columns a candidate body sets (a new one, an edit, or one made from merged proposals). */
export function candidateColumns(b: UpdateCandidateBody) {
  return {
    ...(b.name !== undefined && { name: b.name }),
    ...(b.content !== undefined && { content: b.content }),
    ...(b.targets !== undefined && { targets: b.targets }),
    ...(b.department !== undefined && { department: b.department }),
    ...(b.investmentWan !== undefined && { investment_wan: b.investmentWan }),
    ...(b.fundingSource !== undefined && { funding_source: b.fundingSource }),
    ...(b.deadline !== undefined && { deadline: b.deadline }),
    ...(b.location !== undefined && { location: b.location }),
    ...(b.category !== undefined && { category: b.category }),
    ...(b.subItems !== undefined && { sub_items: JSON.stringify(b.subItems) }),
  };
}

function checkRatio(min: number, max: number) {
  if (min > max) throw new AppError('VALIDATION', { field: 'minExtraRatio', reason: 'minExtraRatio > maxExtraRatio' });
}

export class CyclesService {
  constructor(private readonly db: Db) {}

  /** The cycles of the caller's congress (all of them for an account of the whole installation). */
  async list(actor: Principal): Promise<Cycle[]> {
    const unit = await unitOf(this.db, actor);
    return (await repo.list(this.db)).filter((c) => ownCycle(unit, c)).map(toCycle);
  }

  async get(id: string, db: DbOrTx = this.db): Promise<Cycle> {
    const row = await repo.get(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    return toCycle(row);
  }

  async create(actor: Principal, b: CreateCycleBody): Promise<Cycle> {
    const min = b.minExtraRatio ?? 0.1;
    const max = b.maxExtraRatio ?? 0.5;
    checkRatio(min, max);
    const unit = await unitOf(this.db, actor);
    return this.db.transaction().execute(async (trx) => {
      const { id } = await repo.insert(trx, {
        unit_name: unit?.name ?? null,
        level: b.level,
        name: b.name,
        year: b.year,
        choose_n: b.chooseN,
        ballot_type: b.ballotType,
        pass_threshold: b.passThreshold,
        quorum_rule: b.quorumRule,
        tie_rule: b.tieRule,
        min_extra_ratio: min,
        max_extra_ratio: max,
        ...(b.certifyK !== undefined && { certify_k: b.certifyK }),
        ...(b.presidiumRejectAlone !== undefined && { presidium_reject_alone: b.presidiumRejectAlone }),
        ...(b.scrutineerConfirmations !== undefined && { scrutineer_confirmations: b.scrutineerConfirmations }),
        ...(b.minBallots !== undefined && { min_ballots: b.minBallots }),
        // A new cycle encrypts its ballots unless it chooses plain ones (docs/CRYPTO.md).
        ballot_mode: b.ballotMode ?? 'encrypted',
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'cycle.created', subject: `cycle:${id}`, details: { ...b } });
      return this.get(id, trx);
    });
  }

  async update(actor: Principal, id: string, b: UpdateCycleBody): Promise<Cycle> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await repo.lock(trx, id);
      if (!cur) throw new AppError('NOT_FOUND');
      // The list and its places are fixed at the freeze; the other rules when the plenary adopts
      // the 票决办法 (docs/PROCEDURE.md §3).
      if (cur.frozen_at && (b.chooseN !== undefined || b.name !== undefined || b.year !== undefined || b.minExtraRatio !== undefined || b.maxExtraRatio !== undefined)) {
        throw new AppError('LIST_FROZEN');
      }
      if (await cycleRulesAdopted(trx, id)) throw new AppError('RULES_ADOPTED');
      checkRatio(b.minExtraRatio ?? Number(cur.min_extra_ratio), b.maxExtraRatio ?? Number(cur.max_extra_ratio));
      await repo.update(trx, id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.year !== undefined && { year: b.year }),
        ...(b.chooseN !== undefined && { choose_n: b.chooseN }),
        ...(b.ballotType !== undefined && { ballot_type: b.ballotType }),
        ...(b.passThreshold !== undefined && { pass_threshold: b.passThreshold }),
        ...(b.quorumRule !== undefined && { quorum_rule: b.quorumRule }),
        ...(b.tieRule !== undefined && { tie_rule: b.tieRule }),
        ...(b.minExtraRatio !== undefined && { min_extra_ratio: b.minExtraRatio }),
        ...(b.maxExtraRatio !== undefined && { max_extra_ratio: b.maxExtraRatio }),
        ...(b.certifyK !== undefined && { certify_k: b.certifyK }),
        ...(b.presidiumRejectAlone !== undefined && { presidium_reject_alone: b.presidiumRejectAlone }),
        ...(b.scrutineerConfirmations !== undefined && { scrutineer_confirmations: b.scrutineerConfirmations }),
        ...(b.minBallots !== undefined && { min_ballots: b.minBallots }),
        ...(b.ballotMode !== undefined && { ballot_mode: b.ballotMode }),
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'cycle.updated', subject: `cycle:${id}`, details: { ...b } });
      return this.get(id, trx);
    });
  }

  async candidates(cycleId: string, db: DbOrTx = this.db): Promise<Candidate[]> {
    await this.get(cycleId, db);
    return (await repo.candidates(db, cycleId)).map(toCandidate);
  }

  async addCandidate(actor: Principal, cycleId: string, b: CreateCandidateBody): Promise<Candidate> {
    return this.db.transaction().execute(async (trx) => {
      const cycle = await repo.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const { max } = await repo.maxPosition(trx, cycleId);
      const row = await repo.insertCandidate(trx, { cycle_id: cycleId, position: Number(max) + 1, ...candidateColumns(b), name: b.name });
      await appendAudit(trx, { actor: actorOf(actor), action: 'candidate.created', subject: `candidate:${row.id}`, details: { cycleId, name: b.name } });
      return toCandidate(row);
    });
  }

  async updateCandidate(actor: Principal, id: string, b: UpdateCandidateBody): Promise<Candidate> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await repo.candidate(trx, id);
      if (!cur) throw new AppError('NOT_FOUND');
      const cycle = await repo.lock(trx, cur.cycle_id);
      if (cycle?.frozen_at) throw new AppError('LIST_FROZEN');
      const row = await repo.updateCandidate(trx, id, { ...candidateColumns(b), updated_at: new Date() });
      await appendAudit(trx, { actor: actorOf(actor), action: 'candidate.updated', subject: `candidate:${id}`, details: { fields: Object.keys(b) } });
      return toCandidate(row);
    });
  }

  async deleteCandidate(actor: Principal, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const cur = await repo.candidate(trx, id);
      if (!cur) throw new AppError('NOT_FOUND');
      const cycle = await repo.lock(trx, cur.cycle_id);
      if (cycle?.frozen_at) throw new AppError('LIST_FROZEN');
      await repo.deleteCandidate(trx, id);
      await appendAudit(trx, { actor: actorOf(actor), action: 'candidate.deleted', subject: `candidate:${id}`, details: { name: cur.name } });
    });
  }

  async reorder(actor: Principal, cycleId: string, ids: string[]): Promise<Candidate[]> {
    return this.db.transaction().execute(async (trx) => {
      const cycle = await repo.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const current = await repo.candidates(trx, cycleId);
      const known = new Set(current.map((c) => c.id));
      if (ids.length !== current.length || !ids.every((id) => known.has(id))) {
        throw new AppError('VALIDATION', { field: 'ids', reason: 'must list every candidate of the cycle exactly once' });
      }
      for (const [i, id] of ids.entries()) await repo.updateCandidate(trx, id, { position: i + 1 });
      await appendAudit(trx, { actor: actorOf(actor), action: 'candidate.reordered', subject: `cycle:${cycleId}` });
      return (await repo.candidates(trx, cycleId)).map(toCandidate);
    });
  }
}
