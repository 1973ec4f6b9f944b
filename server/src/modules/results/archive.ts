import {
  checkPaperFigures,
  comparePaperFigures,
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
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { verifyEntries, verifyExcerpt, type AuditRecord } from '../audit/audit.service.ts';
import { candidateListHash } from '../cycles/cycles.service.ts';
import { paperPollOf } from '../paper/paper.service.ts';
import { ratingRulesOf, rulesOf } from '../polls/poll-wire.ts';
import type { PollRow } from '../../db/types.ts';
import { bulletinChecks } from './archive-bulletin.ts';
import type { CycleArchive } from './archive.service.ts';

export interface ArchiveCheck {
  name: string;
  ok: boolean;
  detail: string;
}

// jsonb does not keep key order: compare canonical forms.
const stable = canonicalJson;

/** Where two results differ, each figure named (a candidate by its name): record, parts, rows. */
function leafDiffs(a: unknown, b: unknown, at: string, out: string[]) {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) leafDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at && !k.startsWith('[') ? `${at}.${k}` : `${at}${k}`, out);
  } else if (stable(a ?? null) !== stable(b ?? null)) out.push(`${at} stored ${stable(b ?? null)}, recounted ${stable(a ?? null)}`);
}

/**
 * Re-verifies an archive on its own: the cycle's audit entries (each against its own hash:
 * audit.service.ts verifyExcerpt says what that proves and what it cannot; an archive of format
 * 4 or before carried the whole chain, which is verified whole), the frozen list, every paper
 * count's arithmetic, every plain tally from its box (and paper figures), and every encrypted poll
 * through its bulletin (archive-bulletin.ts; call `await cryptoReady()` first).
 */
export function verifyArchive(a: CycleArchive): ArchiveCheck[] {
  const checks: ArchiveCheck[] = [];
  const names = new Map(a.candidates.map((c) => [c.id, c.name]));
  const nameOf = (id: string) => `[${names.get(id) ?? id}]`;
  const fieldName = (field: string) => field.replace(/^candidates\.([^.]+)/, (_, id: string) => `candidates${nameOf(id)}`);
  const byCandidate = (rows: { candidateId: string }[]) => Object.fromEntries(rows.map((r) => [nameOf(r.candidateId), { ...r, name: undefined }]));
  const differences = (recount: PollResult | RatingResultWire, stored: PollResult | RatingResultWire): string[] => {
    const out: string[] = [];
    leafDiffs(recount.record, stored.record, 'record', out);
    leafDiffs((recount as { paper?: unknown }).paper ?? null, stored.paper ?? null, 'paper', out);
    leafDiffs(byCandidate(recount.rows), byCandidate(stored.rows), 'rows', out);
    return out.map((d) => d.replace(/\.split\.(\d+)/, (m, i: string) => {
      const id = (stored.paper?.split?.[Number(i)] as { candidateId?: string } | undefined)?.candidateId;
      return id ? `.split${nameOf(id)}` : m;
    }));
  };
  // Archives kept with the minutes before format 5 carry the installation's whole chain.
  const whole = Array.isArray(a.audit) ? (a.audit as AuditRecord[]) : null;
  const auditEntries = (whole ?? a.audit.entries) as CycleArchive['audit']['entries'];
  if (whole) {
    const chain = verifyEntries(whole);
    checks.push({ name: 'audit chain', ok: chain.ok, detail: chain.ok ? `${chain.entries} entries intact` : `broken at ${chain.brokenAt}: ${chain.reason}` });
  } else {
    const { chain } = a.audit;
    const excerpt = verifyExcerpt(auditEntries as unknown as AuditRecord[], chain);
    checks.push({
      name: 'audit entries',
      ok: excerpt.ok,
      detail: excerpt.ok
        ? `${excerpt.entries} entries of this cycle each match their hash, of a chain of ${chain.length} ending in ${chain.head} (pnpm audit:verify compares them with the server's chain)`
        : `broken at ${excerpt.brokenAt}: ${excerpt.reason}`,
    });
  }
  if (a.cycle.frozen_hash) {
    const hash = candidateListHash(a.candidates);
    checks.push({ name: 'frozen candidate list', ok: hash === a.cycle.frozen_hash, detail: hash === a.cycle.frozen_hash ? `hash ${hash}` : `list hashes to ${hash}, frozen as ${a.cycle.frozen_hash}` });
  }
  for (const { poll, roll, box, trackers, paper, bulletin } of a.polls) {
    const p = poll as unknown as PollRow;
    if (!p.result) continue;
    const voted = roll.filter((r) => r.voted).length;
    checks.push({ name: `poll ${p.id} roll = box`, ok: voted === box.length, detail: `${voted} marked voted, ${box.length} ballots` });
    if (p.ballot_mode === 'encrypted') {
      checks.push(...bulletinChecks({ ...p, candidates: p.candidate_ids.map((id) => ({ id, name: names.get(id) ?? '' })) }, voted, trackers, bulletin));
      continue;
    }
    const receipts = new Set(trackers);
    const receiptsOk = trackers.length === box.length && receipts.size === trackers.length;
    checks.push({ name: `poll ${p.id} receipts`, ok: receiptsOk, detail: `${receipts.size} distinct receipts for ${box.length} ballots` });
    const cands = p.candidate_ids.map((id) => ({ id, name: names.get(id) ?? '' }));
    const valid = box.filter((b) => b.valid);
    const figures = (paper?.count?.figures ?? null) as PaperFigures | null;
    const onPaper = roll.filter((r) => r.paper).length;
    const common = { invalid: box.length - valid.length, seated: p.seated ?? 0, present: roll.length, issued: roll.length - onPaper, candidates: cands };
    if (figures) {
      const pp = paperPollOf(p);
      const problems = checkPaperFigures(pp, figures);
      const ok = problems.length === 0 && figures.issued === onPaper;
      checks.push({ name: `poll ${p.id} paper figures`, ok, detail: ok ? `${figures.returned} of ${figures.issued} paper ballots returned, figures consistent` : `${problems.map((x) => `${x.code} at ${fieldName(x.field)}`).join(', ') || `${figures.issued} issued, ${onPaper} on the roll`}` });
      // the confirmed figures are what both 计票人 entered
      const entries = paper?.entries ?? [];
      const differ = entries.flatMap((e, i) => comparePaperFigures(pp, e.figures as PaperFigures, figures).map((d) => `entry ${i + 1} ${fieldName(d.field)} ${d.first}, confirmed ${d.second}`));
      const agree = entries.length === 2 && differ.length === 0;
      checks.push({ name: `poll ${p.id} paper entries`, ok: agree, detail: agree ? 'two entries, identical to the confirmed figures' : entries.length !== 2 ? `${entries.length} entries, not two` : `the entries differ from the confirmed figures: ${differ.join('; ')}` });
      // and what the 总监票人 confirmed, as the audit chain recorded it then
      const confirmed = auditEntries.findLast((e) => e.subject === `poll:${p.id}` && e.action === 'poll.paper_confirmed');
      const recorded = (confirmed?.details as { figuresHash?: unknown } | undefined)?.figuresHash;
      const hash = sha256(stable(figures));
      checks.push({
        name: `poll ${p.id} paper figures = audit`,
        ok: hash === recorded,
        detail: hash === recorded ? `the confirmed figures hash to ${hash}, as recorded at confirmation` : `the figures hash to ${hash}; the audit chain recorded ${String(recorded ?? 'no confirmation')}`,
      });
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
    const where = same ? [] : differences(recount, stored);
    checks.push({ name: `poll ${p.id} recount`, ok: same, detail: same ? `${counted} recounted, result identical` : `recount differs from the stored result: ${where.join('; ') || 'in its shape'}` });
  }
  return checks;
}
