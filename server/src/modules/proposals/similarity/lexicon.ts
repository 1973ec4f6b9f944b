/**
 * The duplicate detector's vocabulary: synonym groups, place names (gazetteer), extra words
 * for the segmenter and stop words. The repository ships a seed (lexicon.zh.txt); staff keep
 * growing it in the console, and the database holds the list in force (similarity_lexicon).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LEXICON_KINDS, type LexiconKind } from '@piaojue/shared';

export interface LexiconEntryValue {
  kind: LexiconKind;
  value: string;
}

/** The lexicon in the shape the analyzer uses. */
export interface Lexicon {
  /** Each group's first word names it (shown to staff as the shared request). */
  synonyms: string[][];
  places: string[];
  words: string[];
  stops: string[];
}

const SECTIONS: Record<string, LexiconKind> = { 同义词: 'synonym', 地名: 'place', 词语: 'word', 停用: 'stop' };

/** One entry's canonical text: NFKC, lower-case, single spaces; a synonym group without repeats. */
export function normalizeEntry(kind: LexiconKind, value: string): string {
  const words = value.normalize('NFKC').toLowerCase().split(/[\s,，、;；]+/u).filter(Boolean);
  if (kind === 'synonym') return [...new Set(words)].join(' ');
  return words.join('');
}

/** Parses the seed file format: `[section]` headers, `#` comments, one entry per line (stop words: several). */
export function parseLexiconText(text: string): LexiconEntryValue[] {
  const out: LexiconEntryValue[] = [];
  let kind: LexiconKind | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      kind = SECTIONS[header[1]!] ?? null;
      if (!kind) throw new Error(`lexicon: unknown section ${line}`);
      continue;
    }
    if (!kind) throw new Error(`lexicon: entry outside a section: ${line}`);
    if (kind === 'stop') for (const w of line.split(/\s+/)) out.push({ kind, value: normalizeEntry(kind, w) });
    else out.push({ kind, value: normalizeEntry(kind, line) });
  }
  return out;
}

let seed: LexiconEntryValue[] | null = null;
/** The repository's seed entries (read once). */
export function seedEntries(): LexiconEntryValue[] {
  seed ??= parseLexiconText(readFileSync(fileURLToPath(new URL('./lexicon.zh.txt', import.meta.url)), 'utf8'));
  return seed;
}

export function toLexicon(entries: readonly LexiconEntryValue[]): Lexicon {
  const lex: Lexicon = { synonyms: [], places: [], words: [], stops: [] };
  for (const e of entries) {
    if (!e.value) continue;
    if (e.kind === 'synonym') lex.synonyms.push(e.value.split(' '));
    else if (e.kind === 'place') lex.places.push(e.value);
    else if (e.kind === 'word') lex.words.push(e.value);
    else lex.stops.push(e.value);
  }
  return lex;
}

export { LEXICON_KINDS };
