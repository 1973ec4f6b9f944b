import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * A cell that starts like a formula (= + - @, or a tab/CR that some programs skip) is prefixed
 * with an apostrophe so a spreadsheet shows it as text instead of running it.
 */
export function safeCell(v: unknown): string | number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const s = v === null || v === undefined ? '' : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** RFC 4180 CSV with a UTF-8 BOM so Excel in a Chinese locale opens it correctly. */
export function toCsv(header: string[], rows: unknown[][]): Buffer {
  const esc = (v: unknown) => {
    const s = String(safeCell(v));
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/**
 * A workbook of the given sheets. A sheet without a header is a record of label and value
 * (as the 公告's 表决记录): its rows only, the label column bold.
 */
export async function toXlsx(sheets: readonly { name: string; header: string[] | null; rows: unknown[][] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Piaojue';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31));
    if (s.header) ws.addRow(s.header).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map(safeCell));
    const all = s.header ? [s.header, ...s.rows] : s.rows;
    ws.columns.forEach((c, i) => (c.width = Math.min(60, Math.max(8, ...all.map((r) => String(r[i] ?? '').length * 2)))));
    if (!s.header) ws.getColumn(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function tryDecode(encoding: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The text of an uploaded CSV as Chinese offices produce it: UTF-8 (with or without BOM),
 * UTF-16 with BOM, or GB18030 from Excel. Null when the bytes are not text.
 */
export function decodeText(content: Buffer): string | null {
  const bytes = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  let text: string | null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = tryDecode('utf-16le', bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = tryDecode('utf-16be', bytes);
  else text = tryDecode('utf-8', bytes) ?? tryDecode('gb18030', bytes);
  if (text === null) return null;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Binary content (NUL and other C0 controls besides tab/CR/LF) is not a CSV.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return null;
  return text;
}

// ---------------------------------------------------------------------------
// Reading an uploaded table (roster, offline proposals)
// ---------------------------------------------------------------------------

/** A raw table row: `rowNumber` is 1-based as shown in Excel; cells are untrimmed strings. */
export interface RawRow {
  rowNumber: number;
  cells: string[];
}

/**
 * The rows of an uploaded CSV (UTF-8, UTF-16 with BOM or GB18030; comma, tab or semicolon
 * delimited, decided from the header line) or XLSX (first worksheet), as the user sees them in
 * Excel: one CSV record is one row even when a quoted cell spans lines. Null when the file is
 * neither; never throws.
 */
export async function readTable(content: Buffer, fileName: string): Promise<RawRow[] | null> {
  try {
    const kind = detectKind(content, fileName);
    if (kind === null) return null;
    return kind === 'xlsx' ? await readXlsx(content) : readCsv(content);
  } catch {
    return null;
  }
}

/** A row's error in both languages, as the import screens list them. */
export function rowMessage(row: number, zh: string, en: string): string {
  return `第 ${row} 行：${zh} / Row ${row}: ${en}`;
}

function detectKind(content: Buffer, fileName: string): 'csv' | 'xlsx' | null {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim().toLowerCase())?.[1] ?? '';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'csv' || ext === 'txt') return 'csv';
  // Unknown or missing extension: sniff the content.
  if (content.length >= 2 && content[0] === 0x50 && content[1] === 0x4b) return 'xlsx'; // "PK" (zip)
  if (content.length > 0 && decodeText(content) !== null) return 'csv';
  return null;
}

/** Decodes CSV bytes; null when the bytes are not plausible text. */
function readCsv(content: Buffer): RawRow[] {
  const text = decodeText(content);
  if (text === null) throw new Error('not text');
  if (text.trim() === '') return [];
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const delimiter = pickDelimiter(firstLine);
  const records = parseCsv(text, {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    trim: false,
  }) as unknown;
  if (!Array.isArray(records)) throw new Error('unexpected csv result');
  return records.map((record: unknown, index) => ({
    rowNumber: index + 1,
    cells: Array.isArray(record) ? record.map((c: unknown) => (typeof c === 'string' ? c : '')) : [],
  }));
}

function pickDelimiter(headerLine: string): string {
  const counts = [',', '\t', ';'].map((d) => ({ d, n: headerLine.split(d).length - 1 }));
  const best = counts.reduce((a, b) => (b.n > a.n ? b : a));
  return best.n > 0 ? best.d : ',';
}

async function readXlsx(content: Buffer): Promise<RawRow[]> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own global `Buffer` interface; Node's Buffer is structurally fine.
  await workbook.xlsx.load(content as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const count = row.cellCount;
    for (let col = 1; col <= count; col++) {
      cells.push(cellValueToText(row.getCell(col).value));
    }
    rows.push({ rowNumber, cells });
  });
  return rows;
}

/** The displayed text of an exceljs cell value (numbers, rich text, hyperlinks, formula results). */
function cellValueToText(value: unknown, depth = 0): string {
  if (value === null || value === undefined || depth > 5) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['richText'])) {
      return (v['richText'] as unknown[])
        .map((part) =>
          part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
            ? (part as { text: string }).text
            : '',
        )
        .join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return cellValueToText(v['result'], depth + 1);
    if ('hyperlink' in v || 'text' in v) return cellValueToText(v['text'], depth + 1);
    if (typeof v['error'] === 'string') return v['error'];
  }
  return '';
}
