import {
  votingRulesDocument,
  type AdoptVotingRulesBody,
  type DraftVotingRulesBody,
  type VotingRules,
  type VotingRulesVersion,
} from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import type { CycleRow } from '../../db/types.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { notifyInTx } from '../../realtime/notify.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { scrutinyRepository } from './scrutiny.repository.ts';
import { votingRulesRepository as repo } from './voting-rules.repository.ts';

/** Whether the session's plenary has adopted its 票决办法. */
export const votingRulesAdopted = async (db: DbOrTx, sessionId: string) => (await repo.adoption(db, sessionId)) !== undefined;

/** No vote of a session is created or opened before its 票决办法 is adopted. */
export async function requireAdopted(db: DbOrTx, sessionId: string): Promise<void> {
  if (!(await votingRulesAdopted(db, sessionId))) throw new AppError('RULES_NOT_ADOPTED');
}

/** The cycle's voting rules are fixed once any session of it has adopted its 票决办法. */
export const cycleRulesAdopted = async (db: DbOrTx, cycleId: string) => (await repo.cycleAdopted(db, cycleId)) !== undefined;

type Settings = VotingRulesVersion['rules'];
type ListEntry = { name: string; delegation: string; chief: boolean };
type CounterEntry = { userId: string; displayName: string };

const settingsOf = (c: CycleRow, candidates: number): Settings => ({
  candidates,
  chooseN: c.choose_n,
  ballotType: c.ballot_type as Settings['ballotType'],
  passThreshold: c.pass_threshold as Settings['passThreshold'],
  quorumRule: c.quorum_rule as Settings['quorumRule'],
  tieRule: c.tie_rule as Settings['tieRule'],
  minBallots: c.min_ballots,
  certifyK: c.certify_k,
  presidiumRejectAlone: c.presidium_reject_alone,
  scrutineerConfirmations: c.scrutineer_confirmations,
  ballotMode: c.ballot_mode,
});

interface Snapshot {
  rules: Settings;
  scrutineers: ListEntry[];
  counters: CounterEntry[];
}

export class VotingRulesService {
  constructor(private readonly db: Db) {}

  /** What the 票决办法 would be written from now: the cycle's settings and the session's list. */
  private async current(db: DbOrTx, sessionId: string): Promise<{ snapshot: Snapshot; sessionName: string; cycle: CycleRow }> {
    const session = await sessionsRepository.get(db, sessionId);
    if (!session) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(db, session.cycle_id);
    if (!cycle) throw new AppError('NOT_FOUND');
    const [candidates, scrutineers, counters] = await Promise.all([
      cyclesRepository.candidates(db, cycle.id),
      scrutinyRepository.scrutineers(db, sessionId),
      scrutinyRepository.counters(db, sessionId),
    ]);
    return {
      sessionName: session.name,
      cycle,
      snapshot: {
        rules: settingsOf(cycle, candidates.length),
        scrutineers: scrutineers.map((s) => ({ name: s.name, delegation: s.delegation, chief: s.chief })),
        counters: counters.map((c) => ({ userId: c.user_id, displayName: c.display_name })),
      },
    };
  }

  private document(sessionName: string, cycleName: string, s: Snapshot, provisions: string) {
    return votingRulesDocument({
      sessionName,
      cycleName,
      candidates: s.rules.candidates,
      rules: s.rules,
      scrutineers: s.scrutineers,
      counters: s.counters.length,
      provisions,
    });
  }

  async get(sessionId: string, db: DbOrTx = this.db): Promise<VotingRules> {
    const { snapshot, sessionName, cycle } = await this.current(db, sessionId);
    const [rows, adoption] = await Promise.all([repo.versions(db, sessionId), repo.adoption(db, sessionId)]);
    const versions = rows.map((r): VotingRulesVersion => {
      const s = { rules: r.rules, scrutineers: r.scrutineers, counters: r.counters } as Snapshot;
      return {
        version: r.version,
        note: r.note,
        provisions: r.provisions,
        draftedBy: r.drafted_by,
        draftedAt: r.drafted_at.toISOString(),
        rules: s.rules,
        document: this.document(sessionName, cycle.name, s, r.provisions),
      };
    });
    const latest = rows[0];
    return {
      sessionId,
      status: adoption ? 'adopted' : latest ? 'draft' : 'none',
      outdated: !adoption && !!latest && canonicalJson({ rules: latest.rules, scrutineers: latest.scrutineers, counters: latest.counters }) !== canonicalJson(snapshot),
      versions,
      adoption: adoption
        ? {
            version: adoption.version,
            body: adoption.body,
            meeting: adoption.meeting,
            adoptedOn: adoption.adopted_on,
            votes: adoption.votes_for === null ? null : { for: adoption.votes_for, against: adoption.votes_against ?? 0, abstain: adoption.votes_abstain ?? 0 },
            textHash: adoption.text_hash,
            recordedBy: adoption.recorded_by,
            recordedAt: adoption.recorded_at.toISOString(),
          }
        : null,
    };
  }

  /** A new version from the current settings and list; earlier versions stay as the history. */
  async draft(actor: Principal, sessionId: string, b: DraftVotingRulesBody): Promise<VotingRules> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await sessionsRepository.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      if (await votingRulesAdopted(trx, sessionId)) throw new AppError('RULES_ADOPTED');
      const { snapshot } = await this.current(trx, sessionId);
      const version = ((await repo.versions(trx, sessionId))[0]?.version ?? 0) + 1;
      await repo.insertVersion(trx, {
        session_id: sessionId,
        version,
        rules: JSON.stringify(snapshot.rules),
        scrutineers: JSON.stringify(snapshot.scrutineers),
        counters: JSON.stringify(snapshot.counters),
        provisions: b.provisions?.trim() ?? '',
        note: b.note?.trim() ?? '',
        drafted_by: actorOf(actor),
      });
      await appendAudit(trx, { actor: actorOf(actor), action: 'voting_rules.drafted', subject: `session:${sessionId}`, details: { version, note: b.note ?? '' } });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.get(sessionId, trx);
    });
  }

  /**
   * Records the plenary's adoption of the latest version, with the 监票人 list it names. From
   * here on the rules, the list and the version are fixed (database guards, see the migration).
   */
  async adopt(actor: Principal, sessionId: string, b: AdoptVotingRulesBody): Promise<VotingRules> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await sessionsRepository.lock(trx, sessionId))) throw new AppError('NOT_FOUND');
      if (await votingRulesAdopted(trx, sessionId)) throw new AppError('RULES_ADOPTED');
      const { snapshot, sessionName, cycle } = await this.current(trx, sessionId);
      if (!cycle.frozen_at) throw new AppError('LIST_NOT_FROZEN');
      const latest = (await repo.versions(trx, sessionId))[0];
      if (!latest) throw new AppError('NO_DRAFT');
      if (b.version !== latest.version) throw new AppError('DRAFT_OUTDATED', { latest: latest.version });
      if (canonicalJson({ rules: latest.rules, scrutineers: latest.scrutineers, counters: latest.counters }) !== canonicalJson(snapshot)) {
        throw new AppError('DRAFT_OUTDATED', { latest: latest.version });
      }
      const needed = Math.max(snapshot.rules.scrutineerConfirmations ?? 2, 1);
      if (snapshot.scrutineers.filter((s) => s.chief).length !== 1 || snapshot.scrutineers.length < needed) {
        throw new AppError('SCRUTINEERS_TOO_FEW', { needed, named: snapshot.scrutineers.length });
      }
      if (b.votes) {
        const { seated } = await sessionsRepository.attendance(trx, sessionId);
        if (b.votes.for + b.votes.against + b.votes.abstain > seated) throw new AppError('VOTES_EXCEED_SEATED', { seated });
        if (b.votes.for * 2 <= seated) throw new AppError('VOTE_NOT_PASSED', { seated, for: b.votes.for });
      }
      const textHash = sha256(canonicalJson(this.document(sessionName, cycle.name, snapshot, latest.provisions)));
      await repo.insertAdoption(trx, {
        session_id: sessionId,
        version: latest.version,
        body: b.body,
        meeting: b.meeting,
        adopted_on: b.adoptedOn,
        votes_for: b.votes?.for ?? null,
        votes_against: b.votes?.against ?? null,
        votes_abstain: b.votes?.abstain ?? null,
        text_hash: textHash,
        recorded_by: actorOf(actor),
      });
      await appendAudit(trx, {
        actor: actorOf(actor),
        action: 'voting_rules.adopted',
        subject: `session:${sessionId}`,
        details: { version: latest.version, body: b.body, meeting: b.meeting, adoptedOn: b.adoptedOn, votes: b.votes ?? null, textHash },
      });
      await notifyInTx(trx, { sessionId, what: 'state' });
      return this.get(sessionId, trx);
    });
  }
}
