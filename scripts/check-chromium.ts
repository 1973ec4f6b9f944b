// `pnpm test` starts with this, so a machine without Chromium gets one line saying what to
// install instead of a stack trace from the first browser test.
import fs from 'node:fs';
import { CHROMIUM, CHROMIUM_MISSING } from '../tests/e2e/chromium.ts';

if (!fs.existsSync(CHROMIUM)) {
  console.error(CHROMIUM_MISSING);
  process.exit(1);
}
