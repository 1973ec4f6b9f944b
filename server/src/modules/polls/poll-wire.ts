/** A poll's rows as the wire shows them; shared by the lifecycle, the cast path and the read models. */
import {
  readRatingResult,
  type Candidate,
  type GradingRule,
  type Poll,
  type PollCandidate,
  type PollDecryption,
  type PollResult,
  type PollRules,
  type RatingBase,
  type RatingBody,
  type Signoff,
} from '@piaojue/shared';
import type { DbOrTx } from '../../db/database.ts';
import type { PollRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { ceremonyRepository } from '../ceremony/ceremony.repository.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { toCandidate } from '../cycles/cycles.service.ts';
import { presidiumOf, seesPendingDecisions } from '../procedure/presidium-wire.ts';
import { confirmationsNeeded } from '../procedure/scrutiny.service.ts';
import { decryptionRepository } from './decryption.repository.ts';
import { pollsRepository as repo } from './polls.repository.ts';

export const toPollCandidate = (c: Candidate): PollCandidate => ({
  id: c.id,
  name: c.name,
  department: c.department,
  investmentWan: c.investmentWan,
  deadline: c.deadline,
  content: c.content,
  targets: c.targets,
  location: c.location,
  category: c.category,
  fundingSource: c.fundingSource,
  subItems: c.subItems,
});

export const rulesOf = (p: PollRow): PollRules => ({
  ballotType: p.ballot_type as PollRules['ballotType'],
  choose: p.choose_n,
  passThreshold: p.pass_threshold as PollRules['passThreshold'],
  tieRule: p.tie_rule as PollRules['tieRule'],
});

/** A rating poll's settings; polls made before the base was a setting graded against raters. */
export const ratingRulesOf = (p: PollRow): { gradingRule: GradingRule; ratingBase: RatingBase; ratingBody: RatingBody } => ({
  gradingRule: (p.grading_rule ?? 'zhenhai') as GradingRule,
  ratingBase: p.rating_base ?? 'raters',
  ratingBody: p.rating_body ?? 'deputies',
});

/** The candidates of a poll in ballot order. */
export async function pollCandidates(db: DbOrTx, ids: string[]): Promise<PollCandidate[]> {
  const rows = await cyclesRepository.candidatesByIds(db, ids);
  const byId = new Map(rows.map((r) => [r.id, toCandidate(r)]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    return c ? [toPollCandidate(c)] : [];
  });
}

/** The poll row, or NOT_FOUND; `lock` takes it FOR UPDATE in the caller's transaction. */
export async function mustGetPoll(db: DbOrTx, id: string, lock = false): Promise<PollRow> {
  const p = lock ? await repo.lock(db, id) : await repo.get(db, id);
  if (!p) throw new AppError('NOT_FOUND');
  return p;
}

/** A deputy sees only the polls of the session they sit in. */
export function checkPollReader(principal: Principal, p: PollRow) {
  if (principal.kind === 'deputy' && principal.deputy.sessionId !== p.session_id) throw new AppError('NOT_FOUND');
}

/** 监票人解密中 k/t of an encrypted poll: who of the ceremony's 监票人 has decrypted; null for a plain poll. */
export async function decryptionOf(db: DbOrTx, p: PollRow): Promise<PollDecryption | null> {
  if (p.ballot_mode !== 'encrypted' || !p.ceremony_id) return null;
  const c = await ceremonyRepository.get(db, p.ceremony_id);
  if (!c) return null;
  const [names, partials] = await Promise.all([ceremonyRepository.names(db, c.guardians), decryptionRepository.partials(db, p.id)]);
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const done = new Set(partials.map((x) => x.guardian));
  return {
    threshold: c.threshold,
    done: done.size,
    guardians: c.guardians.map((id, i) => ({ index: i + 1, name: nameOf.get(id) ?? '', done: done.has(i + 1) })),
  };
}

/**
 * Who a poll is shown to. The 主席团's pending decisions are left out unless the reader may see
 * them (seesPendingDecisions): a path that forgets to say shows none.
 */
export interface PollReader {
  pending: boolean;
}
/** The 主席团's members and staff, on routes only they reach. */
export const INSIDER: PollReader = { pending: true };
export const readerOf = (principal: Principal): PollReader => ({ pending: seesPendingDecisions(principal) });

/** The poll as the wire shows it: its result only once counted, its sign-offs with names. */
export async function toPoll(db: DbOrTx, p: PollRow, reader: PollReader = { pending: false }): Promise<Poll> {
  const showResult = p.status === 'closed' || p.status === 'rejected' || p.status === 'certified' || p.status === 'published';
  const isRating = p.kind === 'rating';
  const signoffs = await repo.signoffs(db, p.id);
  return {
    id: p.id,
    sessionId: p.session_id,
    kind: p.kind,
    parentPollId: p.parent_poll_id,
    title: p.title,
    status: p.status,
    ballotType: p.ballot_type,
    chooseN: p.choose_n,
    passThreshold: p.pass_threshold as Poll['passThreshold'],
    tieRule: p.tie_rule as Poll['tieRule'],
    listHash: p.list_hash,
    candidates: await pollCandidates(db, p.candidate_ids),
    countdownSeconds: p.countdown_seconds,
    openedAt: p.opened_at?.toISOString() ?? null,
    closesAt: p.closes_at?.toISOString() ?? null,
    closedAt: p.closed_at?.toISOString() ?? null,
    certifiedAt: p.certified_at?.toISOString() ?? null,
    cancelledAt: p.cancelled_at?.toISOString() ?? null,
    rejectedAt: p.rejected_at?.toISOString() ?? null,
    allowAbstain: p.allow_abstain,
    gradingRule: (p.grading_rule as GradingRule | null) ?? null,
    ratingBase: isRating ? ratingRulesOf(p).ratingBase : null,
    ratingBody: isRating ? ratingRulesOf(p).ratingBody : null,
    reratingOf: p.rerating_of,
    paperWhole: p.paper_whole,
    ballotMode: p.ballot_mode,
    decryption: await decryptionOf(db, p),
    result: showResult && !isRating ? ((p.result as PollResult | null) ?? null) : null,
    rating: showResult && isRating ? readRatingResult(p.result) : null,
    certification: {
      certifyK: p.certify_k,
      scrutineerConfirmations: await confirmationsNeeded(db, p),
      minBallots: p.min_ballots,
      ...(await presidiumOf(db, p, reader.pending)),
      signoffs: signoffs.map(
        (x): Signoff => ({
          role: x.role,
          userId: x.user_id,
          deputyId: x.deputy_id,
          displayName: x.display_name ?? '',
          decision: x.decision,
          reason: x.reason,
          at: x.at.toISOString(),
        }),
      ),
    },
  };
}
