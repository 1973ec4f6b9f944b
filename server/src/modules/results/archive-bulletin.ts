import { verifyBulletin, type BulletinJson } from '@piaojue/shared/crypto';
import { canonicalJson } from '../../lib/crypto.ts';
import type { ArchiveCheck } from './archive.ts';

/**
 * An encrypted poll in a cycle archive: its box holds ciphertexts, so it is recounted through its
 * bulletin — every check of `pnpm verify:poll` (proofs, sums, the 监票人's partial decryptions, the
 * candidate list the proofs bind, the result under the poll's rules) — and the bulletin must be
 * this poll's: the same result as the archive records, the poll's candidate list as the archive's
 * frozen list names it, and one ballot for each deputy the roll marks voted (less those refused).
 * Needs `await cryptoReady()` first.
 */
export function bulletinChecks(
  poll: { id: string; result: unknown; candidates: readonly { id: string; name: string }[] },
  voted: number, trackers: readonly string[], bulletin: BulletinJson | null,
): ArchiveCheck[] {
  if (!bulletin) return [{ name: `poll ${poll.id} bulletin`, ok: false, detail: 'an encrypted poll without its bulletin' }];
  const report = verifyBulletin(bulletin);
  const failures = report.failures.map((f) => `${f.code} ${f.path}${f.detail ? ` (${f.detail})` : ''}`);
  const checks: ArchiveCheck[] = [
    {
      name: `poll ${poll.id} bulletin`,
      ok: report.ok,
      detail: report.ok ? `${report.ballots} encrypted ballots, proofs, sums, decryption and result verified` : failures.join('; '),
    },
  ];
  const samePoll = bulletin.poll?.pollId === poll.id;
  const sameResult = canonicalJson(bulletin.result ?? null) === canonicalJson(poll.result ?? null);
  const sameList = canonicalJson(bulletin.rules?.candidates ?? null) === canonicalJson(poll.candidates);
  const ballots = Array.isArray(bulletin.ballots) ? bulletin.ballots : [];
  const refused = Number(bulletin.rules?.invalid ?? 0);
  const sameBox = ballots.length + refused === voted;
  // the receipts may be the trackers or their displayed prefix (docs/CRYPTO.md, "Tracker")
  const receipts = trackers.map((r) => r.replace(/[^0-9a-f]/gi, '').toLowerCase());
  const listed = ballots.every((b) => receipts.some((r) => r.length > 0 && String(b.tracker).startsWith(r)));
  const ok = samePoll && sameResult && sameList && sameBox && listed;
  checks.push({
    name: `poll ${poll.id} bulletin = archive`,
    ok,
    detail: ok
      ? `the bulletin's ${ballots.length} ballots and result are this poll's`
      : [!samePoll && 'another poll', !sameResult && 'the result differs from the archived one', !sameList && "the candidate list differs from the archived poll's", !sameBox && `${ballots.length} ballots and ${refused} refused for ${voted} marked voted`, !listed && 'a ballot whose tracker is not among the receipts']
          .filter(Boolean)
          .join('; '),
  });
  return checks;
}
