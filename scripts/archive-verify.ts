// pnpm archive:verify <file>: re-verify a cycle archive on its own (no database needed):
// the audit hash chain, the frozen candidate list's hash, every plain poll recounted from its box,
// and every encrypted poll's bulletin through the checks of `pnpm verify:poll`.
import fs from 'node:fs';
import { cryptoReady } from '../shared/src/crypto/index.ts';
import { verifyArchive } from '../server/src/modules/results/archive.ts';
import type { CycleArchive } from '../server/src/modules/results/archive.service.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: pnpm archive:verify <archive.json>');
  process.exit(2);
}
const archive = JSON.parse(fs.readFileSync(file, 'utf8')) as CycleArchive;
await cryptoReady();
const checks = verifyArchive(archive);
for (const c of checks) console.log(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
const bad = checks.filter((c) => !c.ok).length;
console.log(bad ? `档案复核未通过 · ${bad} check(s) failed` : `档案复核通过 · all ${checks.length} checks passed`);
process.exit(bad ? 1 : 0);
