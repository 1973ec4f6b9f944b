import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '@piaojue/shared';
import zhCN from '../web/src/i18n/zh-CN.ts';
import portalZhCN from '../web/src/i18n/portal.zh-CN.ts';
import afterZhCN from '../web/src/i18n/after.zh-CN.ts';

// Official wording (docs/PROCEDURE.md): a project is 入选/未入选 (当选 is said of persons), the
// paper is a 表决票 (选票 is an election's), the list is 确定 (not 冻结) in what people read.
const FORBIDDEN = ['当选', '选票', '冻结候选', '清单已冻结', '通过门槛', '进度回调', '工作控制台', '表决器'];

function strings(tree: unknown, at = ''): [string, string][] {
  if (typeof tree === 'string') return [[at, tree]];
  if (tree && typeof tree === 'object') return Object.entries(tree).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const offending = (list: [string, string][]) => list.filter(([, s]) => FORBIDDEN.some((w) => s.includes(w))).map(([k, s]) => `${k}: ${s}`);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|vue)$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

/** The Chinese text inside string literals and templates, comments left out. */
function literalLines(file: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    const t = line.trim();
    if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || t.startsWith('<!--')) continue;
    out.push([`${path.relative(process.cwd(), file)}:${i + 1}`, line.replace(/\/\/ .*$/, '')]);
  }
  return out;
}

describe('official wording in every zh-CN string', () => {
  it('the zh-CN messages never say 当选, 选票 or the other non-official terms', () => {
    expect(offending([...strings(zhCN, 'zh-CN'), ...strings(portalZhCN, 'portal.zh-CN'), ...strings(afterZhCN, 'after.zh-CN')])).toEqual([]);
  });

  it('the error catalogue’s Chinese messages never do either', () => {
    expect(offending(Object.entries(ERRORS).map(([code, [, zh]]) => [code, zh]))).toEqual([]);
  });

  it('no Chinese text hard-coded in the web, the server or shared does', () => {
    const files = ['web/src', 'server/src', 'shared/src', 'scripts'].flatMap((d) => sourceFiles(path.resolve(d)));
    expect(files.length).toBeGreaterThan(50);
    expect(offending(files.flatMap(literalLines))).toEqual([]);
  });

  it('catches a forbidden word when one is there', () => {
    expect(offending([['x', '确定以下项目当选']])).toEqual(['x: 确定以下项目当选']);
    expect(offending(strings({ a: { b: '请核对选票' } }))).toEqual(['a.b: 请核对选票']);
  });
});
