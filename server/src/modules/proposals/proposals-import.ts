/**
 * Pure parser for proposals gathered offline (hotline logs, letters, deputies' suggestions)
 * in CSV or XLSX. No database access. Modelled on sessions/roster-parse.ts:
 *
 * - CSV: UTF-8 (with/without BOM), UTF-16 with BOM, otherwise GB18030/GBK (what Chinese Excel
 *   writes for "CSV (逗号分隔)"); comma, tab or semicolon delimited. XLSX: first worksheet.
 * - Row numbers are the ones seen in Excel (header = row 1). If any row is wrong, every error
 *   is returned and no rows, so the caller imports nothing.
 * - Never throws: unreadable input yields `{ ok: false, fileError: 'BAD_FILE' }`.
 */
import { PROPOSAL_LIMITS } from '@piaojue/shared';
import { cleanPhone, cleanText } from './proposals-text.ts';
import { readTable, rowMessage, type RawRow } from '../../lib/spreadsheet.ts';

export type ImportChannel = 'hotline' | 'letter' | 'deputy';

export interface ImportedProposal {
  row: number;
  title: string;
  content: string;
  reason: string;
  area: string;
  district: string;
  location: string;
  costWan: number | null;
  proposerName: string | null;
  proposerPhone: string | null;
  channel: ImportChannel;
  channelNote: string;
  receivedAt: Date | null;
}

export interface ImportRowError {
  row: number;
  column?: string;
  code: string;
  message: string;
}

export type ImportParseResult =
  | { ok: true; rows: ImportedProposal[] }
  | { ok: false; errors: ImportRowError[] }
  | { ok: false; fileError: 'BAD_FILE' };

export interface ImportOptions {
  areas: readonly string[];
  /** Empty: free text. */
  districts: readonly string[];
  defaultChannel: ImportChannel;
  now: Date;
}

export const MAX_IMPORT_ROWS = 5000;
/** Errors reported before giving up, so a wholly wrong file does not produce a megabyte of them. */
const MAX_ERRORS = 200;

type Column = 'title' | 'content' | 'reason' | 'area' | 'district' | 'location' | 'cost' | 'name' | 'phone' | 'channel' | 'note' | 'received';

const ALIASES: Record<Column, string[]> = {
  title: ['标题', '建议标题', '题目', '项目名称', 'title'],
  content: ['内容', '建议内容', '具体内容', '事项', 'content'],
  reason: ['理由', '原因', '建议理由', '受益', '受益群体', 'reason'],
  area: ['领域', '类别', '分类', '所属领域', 'area', 'category'],
  district: ['区县', '区域', '街道', '镇街', '所在地区', '辖区', 'district'],
  location: ['地点', '位置', '具体地点', '地址', 'location', 'address'],
  cost: ['估算费用', '费用', '预计投资', '投资', '估算', 'cost', 'costwan'],
  name: ['姓名', '建议人', '联系人', 'name'],
  phone: ['电话', '手机', '手机号', '联系电话', 'phone', 'mobile'],
  channel: ['渠道', '来源', 'channel'],
  note: ['备注', '编号', '工单号', '来信编号', 'note'],
  received: ['收到日期', '日期', '来电时间', '来信日期', '收到时间', 'received', 'date'],
};
const HEADER: Record<string, Column> = Object.fromEntries(
  (Object.entries(ALIASES) as [Column, string[]][]).flatMap(([col, names]) => names.map((n) => [n, col])),
);

const LABEL: Record<Column, string> = {
  title: '标题/title',
  content: '内容/content',
  reason: '理由/reason',
  area: '领域/area',
  district: '区县/district',
  location: '地点/location',
  cost: '估算费用/cost',
  name: '姓名/name',
  phone: '电话/phone',
  channel: '渠道/channel',
  note: '备注/note',
  received: '收到日期/received',
};

const REQUIRED: readonly Column[] = ['title', 'content', 'area'];

const CHANNELS: Record<string, ImportChannel> = {
  热线: 'hotline',
  '12345': 'hotline',
  电话: 'hotline',
  hotline: 'hotline',
  来信: 'letter',
  信件: 'letter',
  信函: 'letter',
  邮件: 'letter',
  letter: 'letter',
  email: 'letter',
  代表: 'deputy',
  代表建议: 'deputy',
  人大代表: 'deputy',
  deputy: 'deputy',
};

export async function parseProposalSheet(content: Buffer, fileName: string, opts: ImportOptions): Promise<ImportParseResult> {
  const table = await readTable(content, fileName);
  if (table === null) return { ok: false, fileError: 'BAD_FILE' };
  try {
    return validate(table, opts);
  } catch {
    return { ok: false, fileError: 'BAD_FILE' };
  }
}

function headerKey(cell: string): string {
  return cleanText(cell.normalize('NFKC'))
    .toLowerCase()
    .replace(/\(.*?\)|\[.*?\]/g, '')
    .replace(/[\s_*]/g, '');
}

/** A date (read in UTC+8), a date and time, or an Excel date already turned into ISO. */
export function parseReceived(value: string): Date | null {
  const v = value.normalize('NFKC').trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v);
  if (m) return new Date(`${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}T00:00:00+08:00`);
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m) {
    const [, y, mo, d, h, mi, s] = m;
    return new Date(`${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T${h!.padStart(2, '0')}:${mi}:${s ?? '00'}+08:00`);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) {
    // exceljs gives a date-only cell as UTC midnight: that is the calendar day meant.
    const iso = v.endsWith('T00:00:00.000Z') ? `${v.slice(0, 10)}T00:00:00+08:00` : v;
    return new Date(iso);
  }
  return null;
}

function validate(table: RawRow[], opts: ImportOptions): ImportParseResult {
  const nonEmpty = table.filter((r) => r.cells.some((c) => cleanText(c) !== ''));
  const header = nonEmpty[0];
  const empty = (): ImportParseResult => ({ ok: false, errors: [{ row: 1, code: 'EMPTY', message: '文件中没有建议数据 / The file contains no proposal rows' }] });
  if (!header) return empty();

  const index: Partial<Record<Column, number>> = {};
  header.cells.forEach((cell, i) => {
    const col = HEADER[headerKey(cell)];
    if (col && index[col] === undefined) index[col] = i;
  });
  const missing = REQUIRED.filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      errors: missing.map((column) => ({
        row: header.rowNumber,
        column,
        code: 'MISSING_COLUMN',
        message: rowMessage(header.rowNumber, `缺少必填列“${LABEL[column]}”`, `required column "${LABEL[column]}" is missing`),
      })),
    };
  }
  const data = nonEmpty.slice(1);
  if (data.length === 0) return empty();
  if (data.length > MAX_IMPORT_ROWS) {
    const row = data[MAX_IMPORT_ROWS]!.rowNumber;
    return { ok: false, errors: [{ row, code: 'TOO_MANY_ROWS', message: rowMessage(row, `数据行超过 ${MAX_IMPORT_ROWS} 行的上限`, `more than ${MAX_IMPORT_ROWS} data rows`) }] };
  }

  const areaSet = new Set(opts.areas);
  const districtSet = new Set(opts.districts);
  const latest = opts.now.getTime() + 24 * 3600_000;
  const errors: ImportRowError[] = [];
  const rows: ImportedProposal[] = [];

  for (const { rowNumber, cells } of data) {
    if (errors.length >= MAX_ERRORS) break;
    const get = (c: Column, multiline = false) => {
      const i = index[c];
      return i === undefined ? '' : cleanText(cells[i] ?? '', multiline);
    };
    const fail = (column: Column, code: string, zh: string, en: string) => errors.push({ row: rowNumber, column, code, message: rowMessage(rowNumber, zh, en) });
    const before = errors.length;

    const text = (c: Column, max: number, required: boolean, multiline = false) => {
      const v = get(c, multiline);
      if (required && v === '') fail(c, 'REQUIRED', `缺少${LABEL[c].split('/')[0]}`, `${LABEL[c].split('/')[1]} is required`);
      else if ([...v].length > max) fail(c, 'TOO_LONG', `${LABEL[c].split('/')[0]}超过 ${max} 个字符`, `${LABEL[c].split('/')[1]} exceeds ${max} characters`);
      return v;
    };
    const title = text('title', PROPOSAL_LIMITS.title, true);
    const content = text('content', PROPOSAL_LIMITS.content, true, true);
    const reason = text('reason', PROPOSAL_LIMITS.reason, false, true);
    const location = text('location', PROPOSAL_LIMITS.location, false);
    const district = text('district', PROPOSAL_LIMITS.district, false);
    const name = text('name', PROPOSAL_LIMITS.name, false);
    const note = text('note', 200, false);

    const area = get('area');
    if (area === '') fail('area', 'REQUIRED', '缺少领域', 'area is required');
    else if (!areaSet.has(area)) fail('area', 'UNKNOWN_AREA', `领域“${area}”不在本年度的领域列表中`, `area "${area}" is not one of this cycle's areas`);
    if (district !== '' && districtSet.size > 0 && !districtSet.has(district)) {
      fail('district', 'UNKNOWN_DISTRICT', `区县“${district}”不在本年度的区县列表中`, `district "${district}" is not one of this cycle's districts`);
    }

    const phone = cleanPhone(get('phone'));
    if (phone === 'invalid') fail('phone', 'BAD_PHONE', '电话号码格式不正确', 'phone number is invalid');

    let costWan: number | null = null;
    const rawCost = get('cost').normalize('NFKC').replace(/万元|万|,|\s/g, '');
    if (rawCost !== '') {
      const n = Number(rawCost);
      if (!/^\d+(\.\d+)?$/.test(rawCost) || !Number.isFinite(n) || n > 1e8) fail('cost', 'BAD_NUMBER', '估算费用应为不小于 0 的数字（万元）', 'cost must be a number ≥ 0 (10k yuan)');
      else costWan = Math.round(n * 100) / 100;
    }

    let channel = opts.defaultChannel;
    const rawChannel = get('channel');
    if (rawChannel !== '') {
      const c = CHANNELS[rawChannel.toLowerCase()];
      if (!c) fail('channel', 'UNKNOWN_CHANNEL', `渠道“${rawChannel}”应为 热线、来信 或 代表`, `channel "${rawChannel}" must be hotline, letter or deputy`);
      else channel = c;
    }

    let receivedAt: Date | null = null;
    const rawReceived = get('received');
    if (rawReceived !== '') {
      receivedAt = parseReceived(rawReceived);
      if (!receivedAt || Number.isNaN(receivedAt.getTime())) fail('received', 'BAD_DATE', '收到日期格式应为 2027-07-15', 'received date must look like 2027-07-15');
      else if (receivedAt.getTime() > latest) fail('received', 'FUTURE_DATE', '收到日期不能晚于今天', 'received date is in the future');
    }

    if (errors.length === before) {
      rows.push({
        row: rowNumber,
        title,
        content,
        reason,
        area,
        district,
        location,
        costWan,
        proposerName: name === '' ? null : name,
        proposerPhone: phone === 'invalid' ? null : phone,
        channel,
        channelNote: note,
        receivedAt,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, rows };
}
