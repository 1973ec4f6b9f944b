import { tally, tallyRating, type BallotBody, type GradingRule, type PollResult, type RatingBallot, type RatingResultWire } from '@piaojue/shared';
import type { Db } from '../../db/database.ts';
import { canonicalJson } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { verifyEntries, type AuditRecord } from '../audit/audit.service.ts';
import { candidateListHash, toCandidate } from '../cycles/cycles.service.ts';
import { ratingRulesOf, rulesOf } from '../polls/polls.service.ts';
import type { PollRow } from '../../db/types.ts';
import { archiveRepository as repo, SEALED_STATUSES } from './archive.repository.ts';

export const ARCHIVE_FORMAT = 'piaojue-cycle-archive/2';

/**
 * One file with everything needed to audit a cycle later: the rules, the frozen list, each
 * session's roster (no phones, no login codes), each poll's roll (who was issued and returned a
 * ballot), and, for polls counted and resealed, the box (the ballots, sorted by content) and the
 * published receipts as a separate sorted list; results, sign-offs, and the whole audit chain.
 * No ballot of a poll that is open (or was cancelled) ever leaves the server, and nothing pairs
 * a receipt with a ballot (docs/PROCEDURE.md, "Secret ballot").
 */
export async function buildArchive(db: Db, cycleId: string) {
  const cycle = await repo.cycle(db, cycleId);
  if (!cycle) throw new AppError('NOT_FOUND');
  const candidates = (await repo.candidates(db, cycleId)).map(toCandidate);
  const sessions = await repo.sessions(db, cycleId);
  const polls = await repo.polls(db, cycleId);
  const out = [];
  for (const s of sessions) out.push({ session: s, deputies: await repo.deputies(db, s.id) });
  const pollEntries = [];
  for (const p of polls) {
    const sealed = (SEALED_STATUSES as readonly string[]).includes(p.status);
    const [roll, box, trackers, signoffs] = await Promise.all([
      repo.roll(db, p.id),
      sealed ? repo.box(db, p.id) : [],
      sealed ? repo.trackers(db, p.id) : [],
      repo.signoffs(db, p.id),
    ]);
    pollEntries.push({ poll: p, roll, box, trackers: trackers.map((t) => t.tracker), signoffs });
  }
  const audit = await repo.audit(db);
  return { format: ARCHIVE_FORMAT, generatedAt: new Date().toISOString(), cycle, candidates, sessions: out, polls: pollEntries, audit };
}

export type CycleArchive = Awaited<ReturnType<typeof buildArchive>>;

export interface ArchiveCheck {
  name: string;
  ok: boolean;
  detail: string;
}

// jsonb does not keep key order: compare canonical forms.
const stable = canonicalJson;

/** Re-verifies an archive on its own: the audit chain, the frozen list, and every tally from its box. */
export function verifyArchive(a: CycleArchive): ArchiveCheck[] {
  const checks: ArchiveCheck[] = [];
  const chain = verifyEntries(a.audit as unknown as AuditRecord[]);
  checks.push({ name: 'audit chain', ok: chain.ok, detail: chain.ok ? `${chain.entries} entries intact` : `broken at ${chain.brokenAt}: ${chain.reason}` });
  if (a.cycle.frozen_hash) {
    const hash = candidateListHash(a.candidates);
    checks.push({ name: 'frozen candidate list', ok: hash === a.cycle.frozen_hash, detail: hash === a.cycle.frozen_hash ? `hash ${hash}` : `list hashes to ${hash}, frozen as ${a.cycle.frozen_hash}` });
  }
  const names = new Map(a.candidates.map((c) => [c.id, c.name]));
  for (const { poll, roll, box, trackers } of a.polls) {
    const p = poll as unknown as PollRow;
    if (!p.result) continue;
    const voted = roll.filter((r) => r.voted).length;
    checks.push({ name: `poll ${p.id} roll = box`, ok: voted === box.length, detail: `${voted} marked voted, ${box.length} ballots` });
    const receipts = new Set(trackers);
    const receiptsOk = trackers.length === box.length && receipts.size === trackers.length;
    checks.push({ name: `poll ${p.id} receipts`, ok: receiptsOk, detail: `${receipts.size} distinct receipts for ${box.length} ballots` });
    const cands = p.candidate_ids.map((id) => ({ id, name: names.get(id) ?? '' }));
    const valid = box.filter((b) => b.valid);
    const common = { invalid: box.length - valid.length, seated: p.seated ?? 0, present: roll.length, issued: roll.length };
    const recount =
      p.kind === 'rating'
        ? tallyRating({ ...common, candidates: cands, ballots: valid.map((b) => b.body as RatingBallot), ...ratingRulesOf(p) })
        : tally({ ...common, rules: rulesOf(p), candidates: cands, ballots: valid.map((b) => b.body as BallotBody) });
    const stored = p.result as PollResult | RatingResultWire;
    const same = stable(recount.rows.map((r) => ({ ...r, name: '' }))) === stable(stored.rows.map((r) => ({ ...r, name: '' }))) && stable(recount.record) === stable(stored.record);
    checks.push({ name: `poll ${p.id} recount`, ok: same, detail: same ? `${box.length} ballots recounted, result identical` : 'recount differs from the stored result' });
  }
  return checks;
}
