// pnpm verify:poll <bulletin.json>: re-checks a poll's published bulletin offline — the 监票人's
// key ceremony, every encrypted ballot's proofs, the sums, each 监票人's partial decryption, the
// counts, and the published result recounted under the poll's rules (docs/CRYPTO.md). Exit 0 when everything holds, 1 when anything fails, 2 on usage.
import fs from 'node:fs';
import { cryptoReady, verifyBulletin } from '../shared/src/crypto/index.ts';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: pnpm verify:poll <bulletin.json>');
  process.exit(2);
}
let json: unknown;
try {
  json = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`无法读取 ${file} · cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
await cryptoReady();
const report = verifyBulletin(json);
if (report.fingerprint) console.log(`联合公钥指纹 · joint key fingerprint: ${report.fingerprint}`);
console.log(`表决票 · ballots: ${report.ballots}`);
for (const f of report.failures) {
  const who = f.guardian ? ` · 监票人 ${f.guardian.index} ${f.guardian.label}` : '';
  console.log(`✗ ${f.code} ${f.path}${who}: ${f.zh} · ${f.en}${f.detail ? ` (${f.detail})` : ''}`);
}
if (report.chosen) console.log(`入选 · chosen (recounted under the poll's rules): ${report.chosen.join('、') || '—'}`);
if (report.ok) {
  console.log(`✓ 复核通过 · verified${report.counts ? `: ${JSON.stringify(report.counts)}` : ' (not yet decrypted)'}`);
} else {
  console.log(`复核未通过 · verification failed: ${report.failures.length} failure(s)`);
}
process.exit(report.ok ? 0 : 1);
