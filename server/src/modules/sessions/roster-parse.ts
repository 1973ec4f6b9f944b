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
import { readTable, rowMessage, type RawRow } from '../../lib/spreadsheet.ts';

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

export async function parseRoster(content: Buffer, fileName: string): Promise<ParseResult> {
  const table = await readTable(content, fileName);
  if (table === null) return { ok: false, fileError: 'BAD_FILE' };
  try {
    return validateTable(table);
  } catch {
    return { ok: false, fileError: 'BAD_FILE' };
  }
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

function emptyError(): RosterRowError {
  return {
    row: 1,
    code: 'EMPTY',
    message: '文件中没有代表数据 / The file contains no deputy rows',
  };
}
