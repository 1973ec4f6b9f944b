/**
 * Pure parser for uploaded deputies rosters (CSV or XLSX). No database access.
 *
 * - CSV: UTF-8 (with/without BOM), UTF-16 with BOM, otherwise GB18030/GBK
 *   (what Chinese Excel writes for "CSV (逗号分隔)"). Comma, tab or semicolon
 *   delimited (decided from the header line).
 * - XLSX: first worksheet, via exceljs.
 *
 * Row numbers in errors are the ones the user sees in Excel: the header is
 * row 1 and the first data row is row 2. If anything is wrong, every error
 * is returned and no rows, so the caller imports nothing.
 *
 * Never throws: unreadable input yields `{ ok: false, fileError: 'BAD_FILE' }`.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { decodeText } from '../../lib/spreadsheet.ts';

export interface RosterRow {
  name: string;
  delegation: string;
  seat: string;
  phone: string | null;
}

export interface RosterRowError {
  row: number;
  column?: string;
  code: string;
  message: string;
}

export type ParseResult =
  | { ok: true; rows: RosterRow[] }
  | { ok: false; errors: RosterRowError[] }
  | { ok: false; fileError: 'BAD_FILE' };

export const MAX_ROSTER_ROWS = 5000;
export const MAX_NAME_LENGTH = 50;
export const MAX_SEAT_LENGTH = 20;
export const MAX_DELEGATION_LENGTH = 100;
const PHONE_RE = /^[0-9+\-() ]{5,20}$/;

type Column = 'name' | 'delegation' | 'seat' | 'phone';

const HEADER_ALIASES: Record<string, Column> = {
  '姓名': 'name',
  name: 'name',
  '代表团': 'delegation',
  delegation: 'delegation',
  '团': 'delegation',
  '座位': 'seat',
  '座位号': 'seat',
  seat: 'seat',
  '电话': 'phone',
  '手机': 'phone',
  '手机号': 'phone',
  phone: 'phone',
  mobile: 'phone',
};

const REQUIRED_COLUMNS: readonly Column[] = ['name', 'delegation', 'seat'];

const COLUMN_LABEL: Record<Column, { zh: string; en: string }> = {
  name: { zh: '姓名', en: 'name' },
  delegation: { zh: '代表团', en: 'delegation' },
  seat: { zh: '座位号', en: 'seat' },
  phone: { zh: '电话', en: 'phone' },
};

const MAX_LENGTH: Record<Exclude<Column, 'phone'>, number> = {
  name: MAX_NAME_LENGTH,
  delegation: MAX_DELEGATION_LENGTH,
  seat: MAX_SEAT_LENGTH,
};

/** A raw table: `rowNumber` is 1-based as shown in Excel; cells are untrimmed strings. */
interface RawRow {
  rowNumber: number;
  cells: string[];
}

class BadFileError extends Error {}

export async function parseRoster(content: Buffer, fileName: string): Promise<ParseResult> {
  try {
    const kind = detectKind(content, fileName);
    if (kind === null) return { ok: false, fileError: 'BAD_FILE' };
    const table = kind === 'xlsx' ? await readXlsx(content) : readCsv(content);
    return validateTable(table);
  } catch {
    return { ok: false, fileError: 'BAD_FILE' };
  }
}

// ---------------------------------------------------------------------------
// Format detection and reading
// ---------------------------------------------------------------------------

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
  if (text === null) throw new BadFileError('not text');
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
  if (!Array.isArray(records)) throw new BadFileError('unexpected csv result');
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
  if (!sheet) throw new BadFileError('no worksheet');
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

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/** Trims ASCII/Unicode whitespace incl. full-width space U+3000, NBSP, BOM and zero-width space. */
export function cleanCell(value: string): string {
  return value.replace(/^[\s\u3000\u200b\ufeff]+|[\s\u3000\u200b\ufeff]+$/g, '');
}

function charLength(value: string): number {
  return [...value].length;
}

function normalizeHeader(value: string): string {
  return cleanCell(value).toLowerCase();
}

function validateTable(table: RawRow[]): ParseResult {
  const nonEmpty = table
    .map((r) => ({ rowNumber: r.rowNumber, cells: r.cells.map(cleanCell) }))
    .filter((r) => r.cells.some((c) => c !== ''));

  const header = nonEmpty[0];
  if (!header) return { ok: false, errors: [emptyError()] };

  // Map columns (first occurrence wins).
  const index: Partial<Record<Column, number>> = {};
  header.cells.forEach((cell, i) => {
    const column = HEADER_ALIASES[normalizeHeader(cell)];
    if (column && index[column] === undefined) index[column] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      errors: missing.map((column) => ({
        row: header.rowNumber,
        column,
        code: 'MISSING_COLUMN',
        message: rowMessage(
          header.rowNumber,
          `缺少必填列“${COLUMN_LABEL[column].zh}”`,
          `required column "${COLUMN_LABEL[column].en}" is missing`,
        ),
      })),
    };
  }

  const dataRows = nonEmpty.slice(1);
  if (dataRows.length === 0) return { ok: false, errors: [emptyError()] };
  if (dataRows.length > MAX_ROSTER_ROWS) {
    const first = dataRows[MAX_ROSTER_ROWS];
    const row = first?.rowNumber ?? header.rowNumber + MAX_ROSTER_ROWS + 1;
    return {
      ok: false,
      errors: [
        {
          row,
          code: 'TOO_MANY_ROWS',
          message: rowMessage(
            row,
            `数据行超过 ${MAX_ROSTER_ROWS} 行的上限`,
            `more than ${MAX_ROSTER_ROWS} data rows`,
          ),
        },
      ],
    };
  }

  const get = (cells: string[], column: Column): string => {
    const i = index[column];
    return i === undefined ? '' : (cells[i] ?? '');
  };

  const errors: RosterRowError[] = [];
  const rows: RosterRow[] = [];
  const seatRows = new Map<string, number>();

  for (const { rowNumber, cells } of dataRows) {
    const rowErrors: RosterRowError[] = [];
    const fail = (column: Column, code: string, zh: string, en: string) =>
      rowErrors.push({ row: rowNumber, column, code, message: rowMessage(rowNumber, zh, en) });

    const values = {
      name: get(cells, 'name'),
      delegation: get(cells, 'delegation'),
      seat: get(cells, 'seat'),
    };

    for (const column of ['name', 'delegation', 'seat'] as const) {
      const value = values[column];
      const label = COLUMN_LABEL[column];
      if (value === '') {
        if (column !== 'delegation') fail(column, 'REQUIRED', `缺少${label.zh}`, `${label.en} is required`);
        continue;
      }
      if (charLength(value) > MAX_LENGTH[column]) {
        fail(
          column,
          'TOO_LONG',
          `${label.zh}超过 ${MAX_LENGTH[column]} 个字符`,
          `${label.en} exceeds ${MAX_LENGTH[column]} characters`,
        );
      }
      if (/^[=+\-@]/.test(value)) {
        fail(
          column,
          'FORMULA_NOT_ALLOWED',
          `${label.zh}不能以 = + - @ 开头`,
          `${label.en} must not start with = + - @`,
        );
      }
      if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
        fail(column, 'INVALID_CHARACTER', `${label.zh}包含控制字符`, `${label.en} contains control characters`);
      }
    }

    let phone: string | null = null;
    const rawPhone = get(cells, 'phone');
    if (rawPhone !== '') {
      phone = cleanCell(rawPhone.normalize('NFKC')); // full-width digits → ASCII
      if (!PHONE_RE.test(phone)) {
        fail('phone', 'BAD_PHONE', '电话号码格式不正确', 'phone number is invalid');
      }
    }

    if (!rowErrors.some((e) => e.column === 'seat')) {
      const key = values.seat.normalize('NFKC').toLowerCase();
      const firstRow = seatRows.get(key);
      if (firstRow === undefined) {
        seatRows.set(key, rowNumber);
      } else {
        fail(
          'seat',
          'DUPLICATE_SEAT',
          `座位号“${values.seat}”与第 ${firstRow} 行重复`,
          `seat "${values.seat}" duplicates row ${firstRow}`,
        );
      }
    }

    if (rowErrors.length > 0) errors.push(...rowErrors);
    else rows.push({ name: values.name, delegation: values.delegation, seat: values.seat, phone });
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, rows };
}

function rowMessage(row: number, zh: string, en: string): string {
  return `第 ${row} 行：${zh} / Row ${row}: ${en}`;
}

function emptyError(): RosterRowError {
  return {
    row: 1,
    code: 'EMPTY',
    message: '文件中没有代表数据 / The file contains no deputy rows',
  };
}
