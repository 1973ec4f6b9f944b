/**
 * The last step of verifyBulletin: the result under the cycle's rules. The published rules must
 * fit the poll the ballots were proved for, the paper figures must obey the paper rules, nothing
 * may have been decrypted below the minimum number of ballots, and the published result must
 * be exactly what the one tally rule makes of the decrypted counts (shared/src/crypto/result.ts).
 */
import { countReleasable } from '../domain/count-release.ts';
import type { Bulletin } from './bulletin.ts';
import { paperProblems, resultOfCounts } from './result.ts';
import type { Fail } from './verify.ts';

/** Checks the rules and the result; returns the chosen projects' names as recounted, or null when no result could be recounted. */
export function verifyResult(b: Bulletin, countsOk: boolean, fail: Fail): string[] | null {
  const r = b.rules;
  const spec = b.spec;
  let rulesOk = true;
  const mismatch = (path: string, detail: string): void => {
    fail('RULES_MISMATCH', path, { detail });
    rulesOk = false;
  };
  if (r.ballotType !== spec.kind) mismatch('$.rules.ballotType', `${r.ballotType} rules for a ${spec.kind} ballot`);
  if (r.candidates.length !== spec.candidates) mismatch('$.rules.candidates', `${r.candidates.length} candidates listed, the ballots have ${spec.candidates}`);
  if (new Set(r.candidates.map((c) => c.id)).size !== r.candidates.length) mismatch('$.rules.candidates', 'a candidate is listed twice');
  if (spec.kind !== 'rating' && r.choose !== spec.places) mismatch('$.rules.choose', `N = ${r.choose}, the ballots were proved for N = ${spec.places}`);
  if ((spec.kind === 'rating') !== (r.rating !== null)) mismatch('$.rules.rating', spec.kind === 'rating' ? 'a rating poll without its grading rules' : 'grading rules for a vote');
  if (b.ballots.length + r.invalid > r.issued) mismatch('$.rules.issued', `${b.ballots.length} ballots and ${r.invalid} invalid, ${r.issued} issued`);

  const problems = paperProblems(r, spec);
  for (const p of problems) fail('PAPER_FIGURES', `$.rules.paper.${p.field}`, { detail: p.code });

  if (!b.decryption) {
    if (b.result !== null) fail('RESULT_MISMATCH', '$.result', { detail: 'a result is published but nothing was decrypted' });
    return null;
  }
  // The server's rule (docs/PROCEDURE.md §3, "Minimum ballots"): a part of one or two ballots,
  // decrypted or on paper, tells how those deputies voted.
  const release = countReleasable({ electronic: b.ballots.length, paper: r.paper?.returned ?? 0, minBallots: r.minBallots });
  if (!release.ok) {
    const part = release.reason === 'total' ? 'in all' : release.channel === 'electronic' ? 'on the tablets' : 'on paper';
    fail('BELOW_MIN_BALLOTS', '$.decryption', { detail: `${release.ballots} ballots ${part}, minimum ${release.minimum}` });
  }
  if (b.result === null) {
    fail('RESULT_MISSING', '$.result');
    return null;
  }
  if (!countsOk || !rulesOk || problems.length > 0) return null;

  const recount = resultOfCounts(r, spec, b.decryption.counts, b.ballots.length) as unknown as Record<string, unknown>;
  const published = b.result as Record<string, unknown>;
  const keys = new Set([...Object.keys(recount), ...Object.keys(published), 'paper']);
  for (const key of keys) {
    const mine = recount[key] ?? null;
    const theirs = published[key] ?? null;
    if (key === 'rows' && Array.isArray(mine) && Array.isArray(theirs) && mine.length === theirs.length) {
      mine.forEach((row: Record<string, unknown>, i) => {
        const other = theirs[i] as Record<string, unknown> | undefined;
        if (deepEqual(row, other)) return;
        const fields = Object.keys(row).filter((k) => !deepEqual(row[k], other?.[k]));
        fail('RESULT_MISMATCH', `$.result.rows[${i}]`, { detail: `${String(row.name)} (${String(row.candidateId)}): ${fields.join(', ') || 'extra fields'}` });
      });
    } else if (!deepEqual(mine, theirs)) {
      fail('RESULT_MISMATCH', `$.result.${key}`, { detail: `recounted ${JSON.stringify(mine)}` });
    }
  }
  const names = new Map(r.candidates.map((c) => [c.id, c.name]));
  return Array.isArray(recount.chosen) ? (recount.chosen as string[]).map((id) => names.get(id) ?? id) : null;
}

/** Structural equality of JSON values (object key order ignored). */
export function deepEqual(x: unknown, y: unknown): boolean {
  if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  if (typeof x === 'object' && x !== null) {
    if (typeof y !== 'object' || y === null || Array.isArray(y)) return false;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
  }
  return x === y;
}
