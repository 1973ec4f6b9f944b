import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, MAX_LINES, verdict } from '../scripts/check-layers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('layers', () => {
  const { breaks, stale } = verdict(checkLayers(ROOT));

  it('keeps SQL in repositories and every source file within the size limit', () => {
    expect(breaks).toEqual([]);
  });

  it('lists as pending (scripts/check-layers.ts) only files that still break their rule', () => {
    expect(stale).toEqual([]);
  });
});

describe('the layer check itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piaojue-layers-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const put = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const query = "export const q = (db: any) => db.selectFrom('polls').selectAll().execute();\n";
  put('server/src/modules/x/x.repository.ts', `import { sql } from 'kysely';\n${query}export const n = (db: any) => sql\`select 1\`.execute(db);\n`);
  put('server/src/db/database.ts', query);
  put('server/src/modules/x/x.test.ts', query);
  put('server/src/modules/x/x.service.ts', `import { type Kysely } from 'kysely';\nexport const ok = [1, 2].with(0, 3);\n${query}`);
  put('server/src/modules/x/x.routes.ts', "import { sql } from 'kysely';\nexport const r = (db: any) => sql<number>`select 1`.execute(db);\n");
  put('server/src/realtime/cte.ts', "export const c = (db: any) => db.with('t', (q: any) => q.selectNoFrom(['1 as one'])).deleteFrom('t');\n");
  put('server/src/modules/x/x.service.ts.bak', query);
  put('web/src/views/Long.vue', '<template></template>\n'.repeat(MAX_LINES + 1));
  put('web/src/views/Edge.vue', '<template></template>\n'.repeat(MAX_LINES));
  put('web/src/i18n/zh-CN.ts', 'export {};\n'.repeat(MAX_LINES + 1));
  put('tests/big.test.ts', 'export {};\n'.repeat(MAX_LINES + 1));
  put('scripts/long.ts', 'export {};\n'.repeat(MAX_LINES + 1));

  it('finds a query outside a repository, and allows it in repositories, db/ and tests', () => {
    const sql = checkLayers(dir).filter((v) => v.rule === 'sql').map((v) => `${v.file} ${v.detail}`);
    expect(sql).toEqual([
      "server/src/modules/x/x.routes.ts 1: imports kysely's sql",
      'server/src/modules/x/x.routes.ts 2: sql`…`',
      'server/src/modules/x/x.service.ts 3: .selectFrom(…)',
      'server/src/realtime/cte.ts 1: .deleteFrom(…)',
      "server/src/realtime/cte.ts 1: .with('t', …)",
      'server/src/realtime/cte.ts 1: .selectNoFrom(…)',
    ]);
  });

  it('finds a source file over the limit, outside tests and i18n', () => {
    expect(checkLayers(dir).filter((v) => v.rule === 'size').map((v) => v.file)).toEqual(['scripts/long.ts', 'web/src/views/Long.vue']);
  });
});
