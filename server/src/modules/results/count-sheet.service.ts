import {
  countSheetRules,
  countSheetTitle,
  presidiumMeetingName,
  presidingChairName,
  quorumMet,
  withTieDecision,
  type BallotType,
  type CountSheet,
  type CountSheetPerson,
  type PresidingChair,
  type PresidingChairBody,
} from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { paperRepository } from '../paper/paper.repository.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { toPoll } from '../polls/poll-wire.ts';
import type { ScrutinyService } from '../procedure/scrutiny.service.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { countSheetRepository as repo } from './count-sheet.repository.ts';
import { assertResultReadable, COUNTED, recordExport } from './results.service.ts';

const FINAL = new Set(['certified', 'published']);

/**
 * The 表决结果报告单 of a poll (docs/PROCEDURE.md §3, "The count sheet"): one function builds it
 * for the console's print page and the PDF. It holds the poll's released figures only, so a
 * poll without them (open, paper count unconfirmed, cancelled below the minimum) has none.
 */
export class CountSheetService {
  constructor(
    private readonly db: Db,
    private readonly scrutiny: ScrutinyService,
  ) {}

  /** The sheet for the PDF download: read as sheet() and recorded in the audit chain (recordExport). */
  async sheetExport(principal: Principal, pollId: string): Promise<CountSheet> {
    const s = await this.sheet(principal, pollId);
    await recordExport(this.db, principal, { pollId, document: 'count_sheet', format: 'pdf', draft: s.provisional });
    return s;
  }

  async sheet(principal: Principal, pollId: string): Promise<CountSheet> {
    const row = await pollsRepository.get(this.db, pollId);
    if (!row) throw new AppError('NOT_FOUND');
    assertResultReadable(principal, row.status);
    if (!COUNTED.has(row.status) || row.kind === 'rating') throw new AppError('COUNT_SHEET_UNAVAILABLE', { status: row.status });
    const poll = await toPoll(this.db, row);
    const result = poll.result;
    if (!result) throw new AppError('COUNT_SHEET_UNAVAILABLE', { status: row.status });
    const session = await sessionsRepository.get(this.db, poll.sessionId);
    const cycle = await cyclesRepository.get(this.db, row.cycle_id);
    const sessionCycle = session && (await cyclesRepository.get(this.db, session.cycle_id));
    if (!session || !cycle || !sessionCycle) throw new AppError('NOT_FOUND');
    const [list, chair, paperCount] = await Promise.all([this.scrutiny.get(poll.sessionId), repo.chair(this.db, pollId), paperRepository.count(this.db, pollId)]);

    const ballotType = poll.ballotType as BallotType;
    const names = new Map(result.rows.map((r) => [r.candidateId, r.name]));
    const split = new Map((result.paper?.split ?? []).map((s) => [s.candidateId, { electronic: s.electronic, paper: s.paper }]));
    const tie = result.tie ? { names: result.tie.candidateIds.map((id) => names.get(id) ?? id), places: result.tie.places, resolution: result.tie.resolution } : null;
    // The 主席团's tie decision stands beside the count, which stays as counted (docs/PROCEDURE.md §3, "The count sheet").
    const decision = tie ? (poll.certification.decisions?.find((d) => d.kind === 'tie') ?? null) : null;
    const decided = decision ? withTieDecision(result, decision.chosen.map((c) => c.candidateId)) : null;
    const decidedStatus = new Map(decided && decided !== result ? decided.rows.map((r) => [r.candidateId, r.status]) : []);
    const tieDecision =
      decision && decided && decided !== result
        ? {
            meeting: presidiumMeetingName(decision.meeting),
            decidedOn: decision.decidedOn,
            chosen: decision.chosen.map((c) => c.name),
            signers: decision.signers.map((x) => x.displayName),
          }
        : null;
    const person = (s: { name: string; delegation: string }): CountSheetPerson => ({ name: s.name, delegation: s.delegation });
    const chief = list.scrutineers.find((s) => s.chief);
    const rules = {
      ballotType,
      chooseN: poll.chooseN,
      candidateCount: poll.candidates.length,
      passThreshold: poll.passThreshold,
      tieRule: poll.tieRule,
      thresholdVotes: result.thresholdVotes,
      minBallots: poll.certification.minBallots,
    };
    return {
      pollId: poll.id,
      kind: poll.kind === 'runoff' ? 'runoff' : 'vote',
      status: poll.status,
      provisional: !FINAL.has(poll.status),
      title: countSheetTitle(session.name, poll.title),
      sessionName: session.name,
      cycleName: cycle.name,
      pollTitle: poll.title,
      rules,
      ruleText: countSheetRules({
        ...rules,
        record: result.record,
        chosenNames: result.chosen.map((id) => names.get(id) ?? id),
        vacancies: result.vacancies,
        tie,
        tieDecision: tieDecision && {
          meeting: tieDecision.meeting,
          decidedOn: tieDecision.decidedOn,
          chosenNames: tieDecision.chosen,
          finalChosenNames: decided!.chosen.map((id) => names.get(id) ?? id),
          vacancies: decided!.vacancies,
        },
      }),
      quorumMet: quorumMet(sessionCycle.quorum_rule, result.record.seated, result.record.present),
      record: result.record,
      parts: result.paper
        ? {
            electronic: result.paper.electronic,
            paper: result.paper.paper,
            invalidReasons: Object.fromEntries(Object.entries(result.paper.invalidReasons).filter(([, n]) => typeof n === 'number')),
          }
        : null,
      rows: result.rows.map((r) => ({
        candidateId: r.candidateId,
        name: r.name,
        rank: r.rank,
        for: r.for,
        against: r.against,
        abstain: r.abstain,
        score: r.score,
        status: r.status,
        decided: r.status === 'tied' ? ((decidedStatus.get(r.candidateId) as 'chosen' | 'not_chosen' | undefined) ?? null) : null,
        split: split.get(r.candidateId) ?? null,
      })),
      chosenCount: result.chosen.length,
      vacancies: result.vacancies,
      tie,
      tieDecision,
      chiefScrutineer: chief ? person(chief) : null,
      scrutineers: list.scrutineers.filter((s) => !s.chief).map(person),
      counters: list.counters.map((c) => c.displayName),
      confirmedBy: poll.certification.signoffs.filter((s) => s.role === 'scrutineer' && s.decision === 'confirm').map((s) => s.displayName),
      presidingChair: chair?.name ?? '',
      openedAt: poll.openedAt,
      closedAt: poll.closedAt,
      countedAt: paperCount ? new Date(paperCount.confirmed_at).toISOString() : poll.closedAt,
      certifiedAt: poll.certifiedAt,
    };
  }

  /** Staff enter (or correct) the 执行主席 who announces the poll's result; audited. */
  async setChair(actor: Principal, pollId: string, b: PresidingChairBody): Promise<PresidingChair> {
    const name = presidingChairName(b.name);
    if (name === null) throw new AppError('PRESIDING_CHAIR_NAME');
    return this.db.transaction().execute(async (trx) => {
      const p = await pollsRepository.lock(trx, pollId);
      if (!p) throw new AppError('NOT_FOUND');
      if (p.kind === 'rating') throw new AppError('COUNT_SHEET_UNAVAILABLE', { status: p.status });
      if (p.status === 'cancelled') throw new AppError('POLL_STATE', { status: p.status });
      const before = await repo.chair(trx, pollId);
      const by = actorOf(actor);
      const saved = await repo.setChair(trx, pollId, name, by);
      await appendAudit(trx, { actor: by, action: 'poll.presiding_chair_set', subject: `poll:${pollId}`, details: { name, previous: before?.name ?? null } });
      return { pollId, name: saved.name, setBy: saved.set_by, setAt: new Date(saved.set_at).toISOString() };
    });
  }
}
