import ExcelJS from 'exceljs';

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

export async function toXlsx(sheets: { name: string; header: string[]; rows: unknown[][] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Piaojue';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31));
    ws.addRow(s.header).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map(safeCell));
    ws.columns.forEach((c, i) => (c.width = Math.min(60, Math.max(8, ...[s.header, ...s.rows].map((r) => String(r[i] ?? '').length * 2)))));
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
