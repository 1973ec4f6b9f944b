import { tally, tallyRating, type BallotBody, type PollResult, type RatingBallot, type RatingResultWire } from '@piaojue/shared';
import { canonicalJson } from '../../lib/crypto.ts';
import { verifyEntries, type AuditRecord } from '../audit/audit.service.ts';
import { candidateListHash } from '../cycles/cycles.service.ts';
import { ratingRulesOf, rulesOf } from '../polls/poll-wire.ts';
import type { PollRow } from '../../db/types.ts';
import type { CycleArchive } from './archive.service.ts';

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
