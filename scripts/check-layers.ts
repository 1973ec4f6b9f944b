// The layering rules a reviewer would otherwise check by eye (run by tests/layers.test.ts, so
// `pnpm test` fails on a break; `pnpm check:layers` prints the same verdict):
// - SQL only in `*.repository.ts`: no other server/src file builds or runs a query (server/src/db
//   holds the connection and the generated types; tests may read the database directly);
// - no source file outside tests, i18n and the generated table types is over MAX_LINES lines.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_LINES = 600;
const GENERATED_TYPES = 'server/src/db/types.ts';

// Files that still break a rule while their splits land (issue 13). Whoever fixes one removes
// its entry: an entry that no longer breaks its rule is reported too, so the list only shrinks.
export const PENDING: Record<string, Violation['rule'][]> = {};

/** Kysely's query starters; `with` counts only with a name first (`Array#with` takes an index). */
const QUERY_METHODS = new Set(['selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto', 'executeQuery']);
const CTE_METHODS = new Set(['with', 'withRecursive', 'withMaterialized', 'withNotMaterialized']);

const SOURCE = /\.(ts|mts|cts|js|mjs|vue|css)$/;
const TEST = /(^|\/)(tests|__tests__)\/|\.(test|spec)\.[a-z]+$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', '.git', 'coverage']);

export interface Violation {
  file: string;
  rule: 'sql' | 'size';
  detail: string;
}

function walk(root: string, dir: string, out: string[]) {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(root, rel, out);
    } else if (SOURCE.test(e.name)) out.push(rel);
  }
}

/** Where a file outside the repositories touches the database through Kysely, as `line: what`. */
export function sqlUses(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (n: ts.Node, what: string) => found.push(`${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${what}`);
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text === 'kysely') {
      const named = n.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const s of named.elements) if (!s.isTypeOnly && (s.propertyName ?? s.name).text === 'sql') at(s, "imports kysely's sql");
    }
    if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 'sql') at(n, 'sql`…`');
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const name = n.expression.name.text;
      if (QUERY_METHODS.has(name)) at(n, `.${name}(…)`);
      else if (CTE_METHODS.has(name) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) at(n, `.${name}('${n.arguments[0].text}', …)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every break of the rules under `root` (a checkout of this repository, or a fixture shaped like one). */
export function checkLayers(root: string): Violation[] {
  const files: string[] = [];
  for (const top of ['server', 'web', 'shared', 'scripts', 'migrations']) if (fs.existsSync(path.join(root, top))) walk(root, top, files);
  const out: Violation[] = [];
  for (const file of files.sort()) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const isTest = TEST.test(file);
    if (file.startsWith('server/src/') && /\.[mc]?ts$/.test(file) && !isTest && !file.endsWith('.repository.ts') && !file.startsWith('server/src/db/')) {
      for (const use of sqlUses(file, text)) out.push({ file, rule: 'sql', detail: use });
    }
    const lines = lineCount(text);
    // server/src/db/types.ts is written by `pnpm db:types` from the schema: its length follows the tables
    if (!isTest && !/(^|\/)i18n\//.test(file) && file !== GENERATED_TYPES && lines > MAX_LINES) out.push({ file, rule: 'size', detail: `${lines} lines (at most ${MAX_LINES})` });
  }
  return out;
}

/** What fails the check: breaks not pending, and pending entries that no longer break their rule. */
export function verdict(found: Violation[]): { breaks: string[]; stale: string[] } {
  return {
    breaks: found.filter((v) => !PENDING[v.file]?.includes(v.rule)).map((v) => `${v.file} [${v.rule}] ${v.detail}`),
    stale: Object.entries(PENDING).flatMap(([file, rules]) => rules.filter((r) => !found.some((v) => v.file === file && v.rule === r)).map((r) => `${file} [${r}]`)),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { breaks, stale } = verdict(checkLayers(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')));
  for (const b of breaks) console.log(b);
  for (const s of stale) console.log(`${s}: pending, but no longer breaks the rule; remove it from PENDING`);
  console.log(breaks.length + stale.length === 0 ? 'layers: clean' : `layers: ${breaks.length + stale.length} finding(s)`);
  process.exitCode = breaks.length + stale.length === 0 ? 0 : 1;
}
