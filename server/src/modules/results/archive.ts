import {
  checkPaperFigures,
  tally,
  tallyRating,
  tallyRatingWithPaper,
  tallyWithPaper,
  type BallotBody,
  type PaperFigures,
  type PollResult,
  type RatingBallot,
  type RatingResultWire,
} from '@piaojue/shared';
import { canonicalJson } from '../../lib/crypto.ts';
import { verifyEntries, type AuditRecord } from '../audit/audit.service.ts';
import { candidateListHash } from '../cycles/cycles.service.ts';
import { paperPollOf } from '../paper/paper.service.ts';
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

/** Re-verifies an archive on its own: the audit chain, the frozen list, every paper count's arithmetic, and every tally from its box (and paper figures). */
export function verifyArchive(a: CycleArchive): ArchiveCheck[] {
  const checks: ArchiveCheck[] = [];
  const chain = verifyEntries(a.audit as unknown as AuditRecord[]);
  checks.push({ name: 'audit chain', ok: chain.ok, detail: chain.ok ? `${chain.entries} entries intact` : `broken at ${chain.brokenAt}: ${chain.reason}` });
  if (a.cycle.frozen_hash) {
    const hash = candidateListHash(a.candidates);
    checks.push({ name: 'frozen candidate list', ok: hash === a.cycle.frozen_hash, detail: hash === a.cycle.frozen_hash ? `hash ${hash}` : `list hashes to ${hash}, frozen as ${a.cycle.frozen_hash}` });
  }
  const names = new Map(a.candidates.map((c) => [c.id, c.name]));
  for (const { poll, roll, box, trackers, paper } of a.polls) {
    const p = poll as unknown as PollRow;
    if (!p.result) continue;
    const voted = roll.filter((r) => r.voted).length;
    checks.push({ name: `poll ${p.id} roll = box`, ok: voted === box.length, detail: `${voted} marked voted, ${box.length} ballots` });
    const receipts = new Set(trackers);
    const receiptsOk = trackers.length === box.length && receipts.size === trackers.length;
    checks.push({ name: `poll ${p.id} receipts`, ok: receiptsOk, detail: `${receipts.size} distinct receipts for ${box.length} ballots` });
    const cands = p.candidate_ids.map((id) => ({ id, name: names.get(id) ?? '' }));
    const valid = box.filter((b) => b.valid);
    const figures = (paper?.count?.figures ?? null) as PaperFigures | null;
    const onPaper = roll.filter((r) => r.paper).length;
    const common = { invalid: box.length - valid.length, seated: p.seated ?? 0, present: roll.length, issued: roll.length - onPaper, candidates: cands };
    if (figures) {
      const problems = checkPaperFigures(paperPollOf(p), figures);
      const ok = problems.length === 0 && figures.issued === onPaper;
      checks.push({ name: `poll ${p.id} paper figures`, ok, detail: ok ? `${figures.returned} of ${figures.issued} paper ballots returned, figures consistent` : `${problems.map((x) => `${x.code} at ${x.field}`).join(', ') || `${figures.issued} issued, ${onPaper} on the roll`}` });
      // the confirmed figures are what both 计票人 entered
      const entries = paper?.entries ?? [];
      const agree = entries.length === 2 && entries.every((e) => stable(e.figures) === stable(figures));
      checks.push({ name: `poll ${p.id} paper entries`, ok: agree, detail: agree ? 'two entries, identical to the confirmed figures' : 'the entries differ from the confirmed figures' });
    }
    const ratingBallots = () => valid.map((b) => b.body as RatingBallot);
    const voteBallots = () => valid.map((b) => b.body as BallotBody);
    const recount =
      p.kind === 'rating'
        ? figures
          ? tallyRatingWithPaper({ ...common, ballots: ratingBallots(), ...ratingRulesOf(p) }, figures, p.min_ballots)
          : tallyRating({ ...common, ballots: ratingBallots(), ...ratingRulesOf(p) })
        : figures
          ? tallyWithPaper({ ...common, rules: rulesOf(p), ballots: voteBallots() }, paperPollOf(p), figures, p.min_ballots)
          : tally({ ...common, rules: rulesOf(p), ballots: voteBallots() });
    const stored = p.result as PollResult | RatingResultWire;
    const same =
      stable(recount.rows.map((r) => ({ ...r, name: '' }))) === stable(stored.rows.map((r) => ({ ...r, name: '' }))) &&
      stable(recount.record) === stable(stored.record) &&
      stable((recount as { paper?: unknown }).paper ?? null) === stable(stored.paper ?? null);
    const counted = figures ? `${box.length} ballots and ${figures.returned} paper ballots` : `${box.length} ballots`;
    checks.push({ name: `poll ${p.id} recount`, ok: same, detail: same ? `${counted} recounted, result identical` : 'recount differs from the stored result' });
  }
  return checks;
}
