import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

// Noto Serif SC (宋体 style, SIL Open Font License) ships inside an npm package, so a PDF
// with correct Chinese needs nothing installed on the machine.
const require = createRequire(import.meta.url);
const FONT_FILES = {
  song: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
  'song-bold': '@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf',
} as const;
/** The font names every official PDF registers: 'song' for the body, 'song-bold' for headings. */
export type PdfFont = keyof typeof FONT_FILES;

let fonts: Record<PdfFont, Buffer> | null = null;
function loadFonts(): Record<PdfFont, Buffer> {
  fonts ??= { song: fs.readFileSync(require.resolve(FONT_FILES.song)), 'song-bold': fs.readFileSync(require.resolve(FONT_FILES['song-bold'])) };
  return fonts;
}

/** The part of fontkit's public API read here (fontkit is the font engine under pdfkit). */
interface FontkitFont {
  characterSet: number[];
  glyphForCodePoint(codePoint: number): { id: number };
  stringsForGlyph(glyphId: number): string[];
}
const fontkit = require('fontkit') as { create(data: Buffer): FontkitFont };

const isRadical = (cp: number) => cp >= 0x2e80 && cp <= 0x2fdf;
const isUnifiedIdeograph = (cp: number) => (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x3134f);

/**
 * Why text is canonicalised before it is drawn: Noto Serif SC draws 人 (U+4EBA) and the Kangxi
 * radical ⼈ (U+2F08) with one glyph, 民 and ⺠ (U+2EA0) likewise, and pdfkit writes the PDF's
 * ToUnicode map from the first code point it drew with each glyph. One radical in the input (a
 * name pasted from a PDF that some other tool made badly) then makes every 人 of the document
 * copy, search and read aloud as ⼈. A radical is never meant in an official text: each one the
 * font draws with an ideograph's glyph becomes that ideograph (same picture, right text), and one
 * the font lacks becomes its Unicode compatibility ideograph (NFKC), if any.
 */
let radicals: Map<string, string> | null = null;
function radicalMap(): Map<string, string> {
  if (radicals) return radicals;
  const map = new Map<string, string>();
  for (let cp = 0x2e80; cp <= 0x2fdf; cp++) {
    const nfkc = String.fromCodePoint(cp).normalize('NFKC');
    if (isUnifiedIdeograph(nfkc.codePointAt(0)!) && [...nfkc].length === 1) map.set(String.fromCodePoint(cp), nfkc);
  }
  for (const data of Object.values(loadFonts())) {
    const font = fontkit.create(data);
    for (const cp of font.characterSet) {
      if (!isRadical(cp)) continue;
      const same = font.stringsForGlyph(font.glyphForCodePoint(cp).id).find((s) => [...s].length === 1 && isUnifiedIdeograph(s.codePointAt(0)!));
      if (same) map.set(String.fromCodePoint(cp), same);
    }
  }
  radicals = map;
  return map;
}

/** The text as it is drawn into every official PDF: CJK radicals replaced as radicalMap() says. */
export function pdfText(text: string): string {
  if (!/[\u2e80-\u2fdf]/.test(text)) return text;
  const map = radicalMap();
  return text.replace(/[\u2e80-\u2fdf]/g, (ch) => map.get(ch) ?? ch);
}

/**
 * A new A4-style official PDF: the fonts registered as 'song' and 'song-bold', every string drawn
 * or measured through pdfText() (so no document can forget it), and the finished file as a Buffer.
 */
export function officialPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const info = options.info && Object.fromEntries(Object.entries(options.info).map(([k, v]) => [k, typeof v === 'string' ? pdfText(v) : v]));
  const doc = new PDFDocument({ ...options, ...(info && { info }) });
  for (const [name, data] of Object.entries(loadFonts())) doc.registerFont(name, data);
  const { text, heightOfString, widthOfString } = doc;
  doc.text = function (this: PDFKit.PDFDocument, value: string, ...rest: unknown[]) {
    return (text as (...a: unknown[]) => PDFKit.PDFDocument).call(this, pdfText(String(value)), ...rest);
  } as PDFKit.PDFDocument['text'];
  doc.heightOfString = function (this: PDFKit.PDFDocument, value: string, opts?: PDFKit.Mixins.TextOptions) {
    return heightOfString.call(this, pdfText(value), opts);
  };
  doc.widthOfString = function (this: PDFKit.PDFDocument, value: string, opts?: PDFKit.Mixins.TextOptions) {
    return widthOfString.call(this, pdfText(value), opts);
  };
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}
