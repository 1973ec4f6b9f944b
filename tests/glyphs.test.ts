/**
 * Every character the web client can put on a screen must exist in the fonts we ship or
 * recommend (Debian's fonts-noto-cjk, the bundled Noto Serif SC), or a hall display or tablet
 * shows an empty box (tofu) instead, as 🖶 did on the seat-card page.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';

interface Font {
  hasGlyphForCodePoint(cp: number): boolean;
}
const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(file: string): Font | { fonts: Font[] } };

const ROOT = path.resolve(import.meta.dirname, '..');
const FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc',
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(vue|ts|css|html)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The text of a source file without its comments (they never reach a screen). */
function visibleText(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

it('the web client uses no character that the recommended CJK fonts lack', () => {
  const missingFonts = FONTS.filter((f) => !fs.existsSync(f));
  expect(missingFonts, 'install the recommended fonts: sudo apt-get install -y fonts-noto-cjk').toEqual([]);
  const faces = FONTS.flatMap((f) => {
    const opened = fontkit.openSync(f);
    return 'fonts' in opened ? opened.fonts : [opened];
  });
  const files = [...sources(path.join(ROOT, 'web/src')), path.join(ROOT, 'web/index.html')];
  const missing = new Map<string, string>();
  for (const file of files) {
    for (const ch of new Set(visibleText(file))) {
      const cp = ch.codePointAt(0)!;
      // ASCII is in every font; control characters and variation selectors draw nothing
      if (cp < 0x80 || cp === 0xfe0f || cp === 0x200b) continue;
      if (!faces.some((f) => f.hasGlyphForCodePoint(cp))) missing.set(`${ch} U+${cp.toString(16).toUpperCase()}`, path.relative(ROOT, file));
    }
  }
  expect(Object.fromEntries(missing)).toEqual({});
});

it('no screen-reader label is a literal in English: labels come from the zh-CN/en catalogue', () => {
  const literal = /\saria-label="[A-Za-z][^"]*"/g;
  const found = sources(path.join(ROOT, 'web/src'))
    .filter((f) => f.endsWith('.vue'))
    .flatMap((f) => (visibleText(f).match(literal) ?? []).map((m) => `${path.relative(ROOT, f)}:${m.trim()}`));
  expect(found).toEqual([]);
});
