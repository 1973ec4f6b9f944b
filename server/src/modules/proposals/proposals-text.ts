/**
 * Text handling for proposals, pure and locale-independent: cleaning citizens' input, the
 * normalised search text, character bigrams (the unit of search and of duplicate detection,
 * because Chinese has no spaces between words), and tracking codes.
 */
import { createHash, randomInt } from 'node:crypto';
import { safeCell } from '../../lib/spreadsheet.ts';

/** Trims ASCII/Unicode whitespace incl. the full-width space U+3000, NBSP, BOM and zero-width space. */
export function trimText(value: string): string {
  return value.replace(/^[\s\u3000\u200b\ufeff]+|[\s\u3000\u200b\ufeff]+$/g, '');
}

/**
 * Input as stored: trimmed, CRLF → LF, C0/C1 control characters (other than line breaks and
 * tabs in multi-line fields) removed, runs of blank lines collapsed.
 */
export function cleanText(value: string, multiline = false): string {
  let v = value.replace(/\r\n?/g, '\n');
  v = multiline ? v.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '') : v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  if (multiline) v = v.replace(/\n{3,}/g, '\n\n');
  return trimText(v);
}

/** Compatibility-folded (full-width → ASCII), lower-case, whitespace collapsed. */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\u3000\u200b\ufeff]+/g, ' ').trim();
}

const SEGMENT = /[\p{L}\p{N}]+/gu;

/**
 * Distinct character bigrams of every run of letters/digits. A query that is a substring of a
 * text has all its bigrams among the text's bigrams (both sides normalised the same way), which
 * makes the bigram index a safe pre-filter for LIKE.
 */
export function bigrams(normalized: string): string[] {
  const out = new Set<string>();
  for (const m of normalized.matchAll(SEGMENT)) {
    const chars = [...m[0]];
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return [...out];
}

export interface SearchableFields {
  title: string;
  content: string;
  reason: string;
  location: string;
}

/** What staff search and what duplicate detection compares: the proposal's own words. */
export function searchText(f: SearchableFields): string {
  return normalizeText([f.title, f.content, f.reason, f.location].join('\n'));
}

/** Identifies "the same proposal" for folding a double submission. */
export function contentHash(cycleId: string, title: string, content: string): string {
  const key = `${cycleId}\n${normalizeText(title).replace(/[^\p{L}\p{N}]/gu, '')}\n${normalizeText(content).replace(/[^\p{L}\p{N}]/gu, '')}`;
  return createHash('sha256').update(key).digest('hex');
}

/** Escapes LIKE's wildcards so the query matches literally (with ESCAPE '\'). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// Without 0/O, 1/I/L, U: easy to read aloud on the hotline and to type on a phone.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_LENGTH = 12;

/** 12 characters from 30 ≈ 59 bits: cannot be guessed, and lookups are rate-limited. */
export function trackingCode(): string {
  let s = '';
  for (let i = 0; i < TRACKING_CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** Accepts what people type: any case, spaces or dashes between groups, full-width characters. */
export function normalizeTrackingCode(input: string): string | null {
  const code = input.normalize('NFKC').toUpperCase().replace(/[\s\-_.·]/g, '');
  if (code.length !== TRACKING_CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** XXXX-XXXX-XXXX, as printed and shown. */
export function formatTrackingCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** Mainland/landline/extension numbers after NFKC: digits, spaces, + - ( ). */
export function cleanPhone(value: string): string | null | 'invalid' {
  const v = trimText(value.normalize('NFKC'));
  if (v === '') return null;
  if (!/^[0-9+\-() ]{5,30}$/.test(v) || (v.match(/\d/g)?.length ?? 0) < 5) return 'invalid';
  return v;
}

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) is shown as text. */
export function neutralizeCell(value: string): string {
  return String(safeCell(value));
}
