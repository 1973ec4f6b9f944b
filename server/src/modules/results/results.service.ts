import {
  presidiumMeetingName,
  quorumMet,
  withTieDecision,
  type Announcement,
  type AnnouncedProject,
  type Poll,
  type PublicCycleResults,
  type PublicResultsCycles,
} from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { auditRepository } from '../audit/audit.repository.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { allowed } from '../../auth/guard.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { pollsRepository } from '../polls/polls.repository.ts';
import { announcedDecisions } from '../procedure/presidium-wire.ts';
import { toPoll } from '../polls/poll-wire.ts';
import { sessionsRepository } from '../sessions/sessions.repository.ts';
import { ratingParagraphs, voteParagraphs } from './announcement-text.ts';
import { noticeNumbersRepository } from './notice-numbers.repository.ts';
import { resultsRepository } from './results.repository.ts';

const FINAL = new Set(['certified', 'published']);
/** A poll in these states has a released count. */
export const COUNTED = new Set(['closed', 'rejected', 'certified', 'published']);

export type ExportFormat = 'pdf' | 'csv' | 'xlsx' | 'json';

/** What a signed-in reader downloaded: a poll's document, or a cycle's (the archive). */
export type ExportedDocument =
  | { pollId: string; document: 'announcement' | 'count_sheet' | 'bulletin'; format: ExportFormat; draft: boolean }
  | { cycleId: string; document: 'archive'; format: 'json' };

/**
 * A download of a poll's or a cycle's document goes into the audit chain (`poll.exported`,
 * `cycle.exported`): who, which document, which format, and for a poll's whether it was still a
 * draft; never a figure of the count, let alone a ballot. A download without signing in is not
 * recorded: it can only be of a certified document, which is public anyway, and one entry per
 * anonymous request would let anyone grow the chain (each append takes the chain's lock) as fast
 * as they can send requests.
 */
export async function recordExport(db: Db, principal: Principal, e: ExportedDocument): Promise<void> {
  if (principal.kind === 'anonymous') return;
  // handed the plain database, appendAudit takes its own transaction (readers download at once)
  const entry =
    'pollId' in e
      ? { action: 'poll.exported', subject: `poll:${e.pollId}`, details: { document: e.document, format: e.format, draft: e.draft } }
      : { action: 'cycle.exported', subject: `cycle:${e.cycleId}`, details: { document: e.document, format: e.format } };
  await appendAudit(db, { actor: actorOf(principal), ...entry });
}

/**
 * Who may read a poll's count (the 公告, the count sheet): anyone once the 主席团 has
 * certified it; before that only staff, presidium and scrutineers.
 */
export function assertResultReadable(principal: Principal, status: string): void {
  if (!FINAL.has(status) && !allowed(principal, ['staff', 'presidium', 'scrutineer'])) {
    throw new AppError(principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  }
}

export class ResultsService {
  constructor(private readonly db: Db) {}

  /** Certified results are public; a provisional one only to staff, presidium and scrutineers. */
  private async readable(principal: Principal, pollId: string): Promise<Poll> {
    const row = await pollsRepository.get(this.db, pollId);
    if (!row) throw new AppError('NOT_FOUND');
    if (!COUNTED.has(row.status)) throw new AppError('POLL_STATE', { status: row.status });
    assertResultReadable(principal, row.status);
    return toPoll(this.db, row);
  }

  async announcement(principal: Principal, pollId: string): Promise<Announcement> {
    return this.build(await this.readable(principal, pollId));
  }

  /** The 公告 for a download (PDF, CSV, XLSX): read as announcement() and recorded (recordExport). */
  async announcementExport(principal: Principal, pollId: string, format: ExportFormat): Promise<Announcement> {
    const a = await this.announcement(principal, pollId);
    await recordExport(this.db, principal, { pollId, document: 'announcement', format, draft: a.draft });
    return a;
  }

  private async build(poll: Poll): Promise<Announcement> {
    const session = await sessionsRepository.get(this.db, poll.sessionId);
    const pollRow = await pollsRepository.get(this.db, poll.id);
    if (!session || !pollRow) throw new AppError('NOT_FOUND');
    const cycle = await cyclesRepository.get(this.db, pollRow.cycle_id);
    const sessionCycle = await cyclesRepository.get(this.db, session.cycle_id);
    if (!cycle || !sessionCycle) throw new AppError('NOT_FOUND');
    const siblings = await pollsRepository.listBySession(this.db, poll.sessionId);
    // A run-off is announced under the number of the round it resolved.
    let round = pollRow;
    while (round.parent_poll_id) round = siblings.find((p) => p.id === round.parent_poll_id) ?? { ...round, parent_poll_id: null };
    const notice = await noticeNumbersRepository.ofPoll(this.db, round.id);
    // Before certification: the number staff entered, if any (the counter's comes at certification).
    const number = notice && (notice.assigned_at || round.status !== 'cancelled') ? notice.number : null;
    const names = (role: string, decision: string) =>
      poll.certification.signoffs.filter((s) => s.role === role && s.decision === decision).map((s) => s.displayName);
    const quorumRule = sessionCycle.quorum_rule;
    const anchor = await auditRepository.lastOf(this.db, `poll:${poll.id}`, 'poll.certification_signed');
    const record = poll.result?.record ?? poll.rating?.record;
    if (!record) throw new AppError('POLL_STATE', { status: poll.status });
    const base = {
      pollId: poll.id,
      cycleId: pollRow.cycle_id,
      kind: poll.kind,
      status: poll.status,
      draft: !FINAL.has(poll.status),
      number,
      sessionName: session.name,
      cycleName: cycle.name,
      issuer: `${session.name}主席团`,
      date: poll.certifiedAt ?? poll.closedAt ?? new Date().toISOString(),
      record,
      paper: poll.result?.paper ?? poll.rating?.paper ?? null,
      quorumMet: quorumMet(quorumRule, record.seated, record.present),
      openedAt: poll.openedAt,
      closedAt: poll.closedAt,
      certifiedAt: poll.certifiedAt,
      scrutineers: names('scrutineer', 'confirm'),
      certifiedBy: names('presidium', 'certify'),
      auditAnchor: FINAL.has(poll.status) && anchor ? { seq: Number(anchor.seq), hash: anchor.hash } : null,
    };
    const rules = {
      chooseN: poll.chooseN,
      candidateCount: poll.candidates.length,
      ballotType: poll.ballotType,
      passThreshold: poll.passThreshold,
      tieRule: poll.tieRule,
      ballotMode: poll.ballotMode,
      freezeDecision: cycle.freeze_decision,
      listHash: poll.listHash,
    };

    if (poll.kind === 'rating') {
      const body = poll.ratingBody ?? 'deputies';
      // A standing committee's rating is announced by the committee, not a session's presidium.
      const issuer = body === 'standing_committee' ? `${cycle.unit_name ?? ''}人大常委会` : base.issuer;
      return {
        ...base,
        issuer,
        title: `${issuer}公告`,
        rules,
        chosen: [],
        rows: [],
        vacancies: 0,
        rating: poll.rating,
        paragraphs: ratingParagraphs({
          sessionName: session.name,
          title: poll.title,
          openedAt: poll.openedAt,
          record,
          quorumMet: base.quorumMet,
          projects: poll.candidates.length,
          ratingBase: poll.ratingBase ?? 'members',
          ratingBody: body,
          rerating: poll.reratingOf !== null,
          ballotMode: poll.ballotMode,
        }),
      };
    }

    // The tie the 主席团 decided completes the list as a run-off would (procedure/presidium.service.ts).
    const decisions = poll.certification.decisions ?? [];
    const tieDecision = decisions.find((d) => d.kind === 'tie') ?? null;
    const result = withTieDecision(poll.result!, tieDecision ? tieDecision.chosen.map((c) => c.candidateId) : null);
    const viaPresidium = new Set(tieDecision?.chosen.map((c) => c.candidateId) ?? []);
    // A run-off's winners complete the list of the round it resolved.
    const runoffWinners = new Set<string>();
    const runoffCounts = new Map<string, { for: number; against: number; abstain: number }>();
    let parent = poll.id;
    for (;;) {
      const child = siblings.find((p) => p.parent_poll_id === parent && FINAL.has(p.status));
      const childResult = child?.result as Poll['result'] | undefined;
      if (!child || !childResult) break;
      for (const id of childResult.chosen) runoffWinners.add(id);
      for (const r of childResult.rows) runoffCounts.set(r.candidateId, { for: r.for, against: r.against, abstain: r.abstain });
      parent = child.id;
    }
    const chosenIds = [...result.chosen, ...result.rows.filter((r) => runoffWinners.has(r.candidateId)).map((r) => r.candidateId)];
    const details = new Map((await cyclesRepository.candidatesByIds(this.db, chosenIds)).map((c) => [c.id, toCandidate(c)]));
    const chosen: AnnouncedProject[] = chosenIds.map((id, i) => {
      const row = result.rows.find((r) => r.candidateId === id)!;
      const c = details.get(id);
      return {
        rank: i + 1,
        candidateId: id,
        name: row.name,
        department: c?.department ?? '',
        investmentWan: c?.investmentWan ?? null,
        fundingSource: c?.fundingSource ?? '',
        deadline: c?.deadline ?? '',
        targets: c?.targets ?? '',
        for: row.for,
        against: row.against,
        abstain: row.abstain,
        viaRunoff: runoffWinners.has(id),
        viaPresidium: viaPresidium.has(id),
      };
    });
    const tieOpen = result.tie && result.tie.resolution !== 'vacant' && !tieDecision && !result.tie.candidateIds.every((id) => runoffWinners.has(id) || runoffCounts.has(id));
    const tiedNames = tieOpen ? result.rows.filter((r) => result.tie!.candidateIds.includes(r.candidateId)).map((r) => r.name) : [];
    const vacancies = Math.max(0, poll.chooseN - chosen.length - (tieOpen ? result.tie!.places : 0));
    return {
      ...base,
      title: `${session.name}主席团公告`,
      rules,
      chosen,
      rows: result.rows.map((r) => ({
        rank: r.rank,
        name: r.name,
        for: r.for,
        against: r.against,
        abstain: r.abstain,
        score: r.score,
        status: runoffWinners.has(r.candidateId) ? 'chosen' : r.status,
      })),
      vacancies,
      rating: null,
      paragraphs: voteParagraphs({
        sessionName: session.name,
        cycleName: cycle.name,
        openedAt: poll.openedAt,
        record,
        quorumMet: base.quorumMet,
        candidateCount: poll.candidates.length,
        chooseN: poll.chooseN,
        ballotType: poll.ballotType,
        ballotMode: poll.ballotMode,
        passThreshold: poll.passThreshold,
        chosenCount: chosen.length,
        vacancies,
        tiedNames,
        tieResolution: tieOpen ? result.tie!.resolution : null,
        presidiumTie: tieDecision && {
          tiedNames: result.rows.filter((r) => result.tie!.candidateIds.includes(r.candidateId)).map((r) => r.name),
          meeting: presidiumMeetingName(tieDecision.meeting),
          chosenNames: tieDecision.chosen.map((c) => c.name),
        },
      }),
      presidiumDecisions: announcedDecisions(decisions),
    };
  }

  /** The cycles the public results page lists: only those with a certified result to open. */
  async publicCycles(): Promise<PublicResultsCycles> {
    return resultsRepository.cyclesWithPublicResults(this.db);
  }

  /** The certified results of a cycle, for the public results page. */
  async publicResults(cycleId: string): Promise<PublicCycleResults> {
    const cycle = await cyclesRepository.get(this.db, cycleId);
    if (!cycle) throw new AppError('NOT_FOUND');
    const rows = await resultsRepository.publicPolls(this.db, cycleId);
    const announcements = [];
    for (const r of rows) announcements.push(await this.build(await toPoll(this.db, r)));
    return { cycleId, cycleName: cycle.name, year: cycle.year, announcements };
  }
}
