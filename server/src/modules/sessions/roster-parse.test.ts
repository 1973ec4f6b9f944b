import { describe, it, expect } from 'vitest';
import ExcelJS from 'exceljs';
import { parseRoster } from './roster-parse.ts';

// ---------------------------------------------------------------------------
// Fixture helpers
// ---------------------------------------------------------------------------

function csv(text: string, fileName = 'roster.csv') {
  return parseRoster(Buffer.from(text, 'utf8'), fileName);
}

async function xlsxBuffer(
  rows: ExcelJS.CellValue[][],
  setup?: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('代表名单');
  for (const row of rows) ws.addRow(row);
  setup?.(ws, wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function hex(bytes: string): Buffer {
  return Buffer.from(bytes.replace(/\s+/g, ''), 'hex');
}

/** Deterministic pseudo-random bytes (LCG) so the test is reproducible. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const BAD_FILE = { ok: false, fileError: 'BAD_FILE' } as const;

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

describe('parseRoster – CSV', () => {
  it('parses a plain UTF-8 CSV with English headers', async () => {
    const result = await csv('name,delegation,seat,phone\nZhang San,Beijing,1,13800138000\nLi Si,Shanghai,2,\n');
    expect(result).toEqual({
      ok: true,
      rows: [
        { name: 'Zhang San', delegation: 'Beijing', seat: '1', phone: '13800138000' },
        { name: 'Li Si', delegation: 'Shanghai', seat: '2', phone: null },
      ],
    });
  });

  it('parses UTF-8 with BOM, CRLF line endings and Chinese headers', async () => {
    const text = '\uFEFF姓名,代表团,座位号,手机号\r\n张三,北京市代表团,A-01,+86 138 0013 8000\r\n李四,上海市代表团,A-02,\r\n';
    expect(await csv(text)).toEqual({
      ok: true,
      rows: [
        { name: '张三', delegation: '北京市代表团', seat: 'A-01', phone: '+86 138 0013 8000' },
        { name: '李四', delegation: '上海市代表团', seat: 'A-02', phone: null },
      ],
    });
  });

  it('handles mixed CRLF/LF line endings', async () => {
    expect(await csv('姓名,团,座位\r\n张三,北京,1\n李四,上海,2\r\n')).toEqual({
      ok: true,
      rows: [
        { name: '张三', delegation: '北京', seat: '1', phone: null },
        { name: '李四', delegation: '上海', seat: '2', phone: null },
      ],
    });
  });

  it('handles quoted fields containing commas, quotes and header aliases in any case', async () => {
    const text = ' NAME ,Delegation,SEAT,Mobile\n"王五","广东省代表团,深圳小组","3","(010) 1234-5678"\n"赵""六""",广东省代表团,4,\n';
    expect(await csv(text)).toEqual({
      ok: true,
      rows: [
        { name: '王五', delegation: '广东省代表团,深圳小组', seat: '3', phone: '(010) 1234-5678' },
        { name: '赵"六"', delegation: '广东省代表团', seat: '4', phone: null },
      ],
    });
  });

  it('trims ordinary and full-width (U+3000) spaces in cells and headers', async () => {
    const text = '\u3000姓名\u3000,代表团, 座位号\n\u3000张三\u3000, \u3000北京\u3000 ,\u3000 12 \u3000\n';
    expect(await csv(text)).toEqual({
      ok: true,
      rows: [{ name: '张三', delegation: '北京', seat: '12', phone: null }],
    });
  });

  it('normalizes full-width digits in phone numbers', async () => {
    expect(await csv('姓名,代表团,座位号,电话\n张三,北京,1,１３８００１３８０００\n')).toEqual({
      ok: true,
      rows: [{ name: '张三', delegation: '北京', seat: '1', phone: '13800138000' }],
    });
  });

  it('decodes GB18030/GBK-encoded CSV as exported by Chinese Excel', async () => {
    // '姓名,代表团,座位号,手机\r\n张三,北京市代表团,12,13800138000\r\n李四,"广东省,深圳",13,\r\n' in GB18030
    const bytes = hex(`
      d0 d5 c3 fb 2c b4 fa b1 ed cd c5 2c d7 f9 ce bb ba c5 2c ca d6 bb fa 0d 0a
      d5 c5 c8 fd 2c b1 b1 be a9 ca d0 b4 fa b1 ed cd c5 2c 31 32 2c 31 33 38 30 30 31 33 38 30 30 30 0d 0a
      c0 ee cb c4 2c 22 b9 e3 b6 ab ca a1 2c c9 ee db da 22 2c 31 33 2c 0d 0a`);
    expect(await parseRoster(bytes, '名单.csv')).toEqual({
      ok: true,
      rows: [
        { name: '张三', delegation: '北京市代表团', seat: '12', phone: '13800138000' },
        { name: '李四', delegation: '广东省,深圳', seat: '13', phone: null },
      ],
    });
  });

  it('decodes GBK names under an ASCII header', async () => {
    // 'name,delegation,seat\n' + '张三' (d5 c5 c8 fd) + ',,7\n'
    const bytes = Buffer.concat([Buffer.from('name,delegation,seat\n'), hex('d5 c5 c8 fd'), Buffer.from(',,7\n')]);
    expect(await parseRoster(bytes, 'roster.CSV')).toEqual({
      ok: true,
      rows: [{ name: '张三', delegation: '', seat: '7', phone: null }],
    });
  });

  it('reads UTF-16LE tab-separated text with BOM (Excel "Unicode text")', async () => {
    const bytes = Buffer.concat([hex('ff fe'), Buffer.from('姓名\t代表团\t座位号\r\n张三\t北京\t5\r\n', 'utf16le')]);
    expect(await parseRoster(bytes, 'roster.txt')).toEqual({
      ok: true,
      rows: [{ name: '张三', delegation: '北京', seat: '5', phone: null }],
    });
  });

  it('skips completely empty rows but keeps Excel row numbers', async () => {
    const text = '姓名,代表团,座位号\n张三,北京,1\n\n , ,\u3000\n,,5\n李四,上海,6\n';
    expect(await csv(text)).toEqual({
      ok: false,
      errors: [{ row: 5, column: 'name', code: 'REQUIRED', message: '第 5 行：缺少姓名 / Row 5: name is required' }],
    });
  });

  it('ignores unknown extra columns and takes delegation as optional value', async () => {
    expect(await csv('备注,姓名,代表团,座位号,性别\n甲,张三,,8,男\n')).toEqual({
      ok: true,
      rows: [{ name: '张三', delegation: '', seat: '8', phone: null }],
    });
  });

  it('reports every missing required column on row 1', async () => {
    expect(await csv('姓名,电话\n张三,123456\n')).toEqual({
      ok: false,
      errors: [
        {
          row: 1,
          column: 'delegation',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“代表团” / Row 1: required column "delegation" is missing',
        },
        {
          row: 1,
          column: 'seat',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“座位号” / Row 1: required column "seat" is missing',
        },
      ],
    });
  });

  it('treats a title row in place of the header as missing columns', async () => {
    const result = await csv('第十四届人民代表大会代表名单\n姓名,代表团,座位号\n张三,北京,1\n');
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          row: 1,
          column: 'name',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“姓名” / Row 1: required column "name" is missing',
        },
        {
          row: 1,
          column: 'delegation',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“代表团” / Row 1: required column "delegation" is missing',
        },
        {
          row: 1,
          column: 'seat',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“座位号” / Row 1: required column "seat" is missing',
        },
      ],
    });
  });

  it('returns all field errors and no rows', async () => {
    const long51 = '名'.repeat(51);
    const long50 = '名'.repeat(50);
    const text = [
      '姓名,代表团,座位号,电话',
      `,北京,1,`, // row 2: name required
      `张三,北京,,`, // row 3: seat required
      `${long51},北京,3,`, // row 4: name too long
      `${long50},${'团'.repeat(101)},${'9'.repeat(21)},`, // row 5: delegation + seat too long
      `李四,北京,6,abc123`, // row 6: bad phone
      `王五,北京,7,1234`, // row 7: phone too short
      `赵六,北京,8,123456789012345678901`, // row 8: phone too long
      `钱七,北京,9,13800138000`, // row 9: fine
    ].join('\n');
    expect(await csv(text)).toEqual({
      ok: false,
      errors: [
        { row: 2, column: 'name', code: 'REQUIRED', message: '第 2 行：缺少姓名 / Row 2: name is required' },
        { row: 3, column: 'seat', code: 'REQUIRED', message: '第 3 行：缺少座位号 / Row 3: seat is required' },
        {
          row: 4,
          column: 'name',
          code: 'TOO_LONG',
          message: '第 4 行：姓名超过 50 个字符 / Row 4: name exceeds 50 characters',
        },
        {
          row: 5,
          column: 'delegation',
          code: 'TOO_LONG',
          message: '第 5 行：代表团超过 100 个字符 / Row 5: delegation exceeds 100 characters',
        },
        {
          row: 5,
          column: 'seat',
          code: 'TOO_LONG',
          message: '第 5 行：座位号超过 20 个字符 / Row 5: seat exceeds 20 characters',
        },
        { row: 6, column: 'phone', code: 'BAD_PHONE', message: '第 6 行：电话号码格式不正确 / Row 6: phone number is invalid' },
        { row: 7, column: 'phone', code: 'BAD_PHONE', message: '第 7 行：电话号码格式不正确 / Row 7: phone number is invalid' },
        { row: 8, column: 'phone', code: 'BAD_PHONE', message: '第 8 行：电话号码格式不正确 / Row 8: phone number is invalid' },
      ],
    });
  });

  it('counts length in characters, not UTF-16 code units', async () => {
    // 50 astral characters (each two UTF-16 code units) are still 50 characters.
    const name = '𠀀'.repeat(50);
    expect(await csv(`姓名,代表团,座位号\n${name},北京,1\n`)).toEqual({
      ok: true,
      rows: [{ name, delegation: '北京', seat: '1', phone: null }],
    });
  });

  it('flags duplicate seats on the later rows', async () => {
    const text = '姓名,代表团,座位号\n张三,北京,1\n李四,北京,2\n王五,北京,1\n赵六,北京, 1\n钱七,北京,A3\n孙八,北京,a3\n';
    expect(await csv(text)).toEqual({
      ok: false,
      errors: [
        {
          row: 4,
          column: 'seat',
          code: 'DUPLICATE_SEAT',
          message: '第 4 行：座位号“1”与第 2 行重复 / Row 4: seat "1" duplicates row 2',
        },
        {
          row: 5,
          column: 'seat',
          code: 'DUPLICATE_SEAT',
          message: '第 5 行：座位号“1”与第 2 行重复 / Row 5: seat "1" duplicates row 2',
        },
        {
          row: 7,
          column: 'seat',
          code: 'DUPLICATE_SEAT',
          message: '第 7 行：座位号“a3”与第 6 行重复 / Row 7: seat "a3" duplicates row 6',
        },
      ],
    });
  });

  it('rejects formula-like content in name, delegation and seat', async () => {
    const text = [
      '姓名,代表团,座位号,电话',
      '"=HYPERLINK(""http://evil"",""x"")",北京,1,',
      '张三,+cmd|calc,2,',
      '李四,北京,-3,',
      '@SUM(A1),北京,4,',
      ' =1+1,北京,5,',
      '王五,北京,6,+86 13800138000', // phone may start with '+'
    ].join('\r\n');
    expect(await csv(text)).toEqual({
      ok: false,
      errors: [
        {
          row: 2,
          column: 'name',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 2 行：姓名不能以 = + - @ 开头 / Row 2: name must not start with = + - @',
        },
        {
          row: 3,
          column: 'delegation',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 3 行：代表团不能以 = + - @ 开头 / Row 3: delegation must not start with = + - @',
        },
        {
          row: 4,
          column: 'seat',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 4 行：座位号不能以 = + - @ 开头 / Row 4: seat must not start with = + - @',
        },
        {
          row: 5,
          column: 'name',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 5 行：姓名不能以 = + - @ 开头 / Row 5: name must not start with = + - @',
        },
        {
          row: 6,
          column: 'name',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 6 行：姓名不能以 = + - @ 开头 / Row 6: name must not start with = + - @',
        },
      ],
    });
  });

  it('rejects control characters inside cells', async () => {
    expect(await csv('姓名,代表团,座位号\n"张\n三",北京,1\n')).toEqual({
      ok: false,
      errors: [
        {
          row: 2,
          column: 'name',
          code: 'INVALID_CHARACTER',
          message: '第 2 行：姓名包含控制字符 / Row 2: name contains control characters',
        },
      ],
    });
  });

  it('reports EMPTY for an empty file, a blank file and a header-only file', async () => {
    const empty = {
      ok: false,
      errors: [{ row: 1, code: 'EMPTY', message: '文件中没有代表数据 / The file contains no deputy rows' }],
    };
    expect(await parseRoster(Buffer.alloc(0), 'roster.csv')).toEqual(empty);
    expect(await csv('\r\n \r\n\u3000\n')).toEqual(empty);
    expect(await csv('\uFEFF')).toEqual(empty);
    expect(await csv('姓名,代表团,座位号\r\n')).toEqual(empty);
    expect(await csv('姓名,代表团,座位号\r\n,,\r\n\r\n')).toEqual(empty);
  });

  it('accepts exactly 5000 rows', async () => {
    const lines = ['姓名,代表团,座位号'];
    for (let i = 1; i <= 5000; i++) lines.push(`代表${i},北京,${i}`);
    const result = await csv(lines.join('\n'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.rows.length).toBe(5000);
      expect(result.rows[4999]).toEqual({ name: '代表5000', delegation: '北京', seat: '5000', phone: null });
    }
  });

  it('rejects 5001 rows with TOO_MANY_ROWS', async () => {
    const lines = ['姓名,代表团,座位号'];
    for (let i = 1; i <= 5001; i++) lines.push(`代表${i},北京,${i}`);
    expect(await csv(lines.join('\n'))).toEqual({
      ok: false,
      errors: [
        {
          row: 5002,
          code: 'TOO_MANY_ROWS',
          message: '第 5002 行：数据行超过 5000 行的上限 / Row 5002: more than 5000 data rows',
        },
      ],
    });
  });

  it('returns BAD_FILE for an unterminated quote', async () => {
    expect(await csv('姓名,代表团,座位号\n"张三,北京,1\n')).toEqual(BAD_FILE);
  });
});

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

describe('parseRoster – XLSX', () => {
  it('parses the first worksheet with numbers, rich text, formulas, hyperlinks and merged cells', async () => {
    const buf = await xlsxBuffer(
      [
        ['姓名', '代表团', '座位号', '手机'],
        ['张三', '北京市代表团', 12, 13800138000],
        [{ richText: [{ text: '李', font: { bold: true } }, { text: '四' }] }, null, 13, null],
        ['王五', { formula: '"上海"&"市代表团"', result: '上海市代表团' }, { formula: '10+4', result: 14 }, '  '],
        [{ text: '赵六', hyperlink: 'https://example.org' }, '上海市代表团', '15', '+86 13900139000'],
      ],
      (ws, wb) => {
        ws.mergeCells('B2:B3'); // 代表团 merged across two deputies
        wb.addWorksheet('其他').addRow(['ignored']);
      },
    );
    expect(await parseRoster(buf, 'roster.xlsx')).toEqual({
      ok: true,
      rows: [
        { name: '张三', delegation: '北京市代表团', seat: '12', phone: '13800138000' },
        { name: '李四', delegation: '北京市代表团', seat: '13', phone: null },
        { name: '王五', delegation: '上海市代表团', seat: '14', phone: null },
        { name: '赵六', delegation: '上海市代表团', seat: '15', phone: '+86 13900139000' },
      ],
    });
  });

  it('matches English headers case-insensitively and trims full-width spaces', async () => {
    const buf = await xlsxBuffer([
      [' Name ', 'DELEGATION', '\u3000Seat\u3000', 'Phone', 'Notes'],
      ['\u3000Zhang San\u3000', ' Beijing ', 1, '', 'x'],
    ]);
    expect(await parseRoster(buf, 'Roster.XLSX')).toEqual({
      ok: true,
      rows: [{ name: 'Zhang San', delegation: 'Beijing', seat: '1', phone: null }],
    });
  });

  it('keeps Excel row numbers across blank rows and reports all errors', async () => {
    const buf = await xlsxBuffer([
      ['姓名', '团', '座位'],
      ['张三', '北京', 1],
      [null, null, null],
      ['', '北京', 1],
      ['=1+1', '北京', 2],
      [{ formula: 'A2', result: '张三' }, '@evil', 1],
    ]);
    expect(await parseRoster(buf, 'roster.xlsx')).toEqual({
      ok: false,
      errors: [
        { row: 4, column: 'name', code: 'REQUIRED', message: '第 4 行：缺少姓名 / Row 4: name is required' },
        {
          row: 4,
          column: 'seat',
          code: 'DUPLICATE_SEAT',
          message: '第 4 行：座位号“1”与第 2 行重复 / Row 4: seat "1" duplicates row 2',
        },
        {
          row: 5,
          column: 'name',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 5 行：姓名不能以 = + - @ 开头 / Row 5: name must not start with = + - @',
        },
        {
          row: 6,
          column: 'delegation',
          code: 'FORMULA_NOT_ALLOWED',
          message: '第 6 行：代表团不能以 = + - @ 开头 / Row 6: delegation must not start with = + - @',
        },
        {
          row: 6,
          column: 'seat',
          code: 'DUPLICATE_SEAT',
          message: '第 6 行：座位号“1”与第 2 行重复 / Row 6: seat "1" duplicates row 2',
        },
      ],
    });
  });

  it('reports missing columns', async () => {
    const buf = await xlsxBuffer([
      ['姓名', '座位号'],
      ['张三', 1],
    ]);
    expect(await parseRoster(buf, 'roster.xlsx')).toEqual({
      ok: false,
      errors: [
        {
          row: 1,
          column: 'delegation',
          code: 'MISSING_COLUMN',
          message: '第 1 行：缺少必填列“代表团” / Row 1: required column "delegation" is missing',
        },
      ],
    });
  });

  it('reports EMPTY for an empty worksheet and a header-only worksheet', async () => {
    const empty = {
      ok: false,
      errors: [{ row: 1, code: 'EMPTY', message: '文件中没有代表数据 / The file contains no deputy rows' }],
    };
    expect(await parseRoster(await xlsxBuffer([]), 'roster.xlsx')).toEqual(empty);
    expect(await parseRoster(await xlsxBuffer([['姓名', '代表团', '座位号']]), 'roster.xlsx')).toEqual(empty);
  });

  it('rejects 5001 data rows', async () => {
    const rows: ExcelJS.CellValue[][] = [['姓名', '代表团', '座位号']];
    for (let i = 1; i <= 5001; i++) rows.push([`代表${i}`, '北京', i]);
    expect(await parseRoster(await xlsxBuffer(rows), 'roster.xlsx')).toEqual({
      ok: false,
      errors: [
        {
          row: 5002,
          code: 'TOO_MANY_ROWS',
          message: '第 5002 行：数据行超过 5000 行的上限 / Row 5002: more than 5000 data rows',
        },
      ],
    });
  });
});

// ---------------------------------------------------------------------------
// Format detection and hostile input
// ---------------------------------------------------------------------------

describe('parseRoster – format detection and bad files', () => {
  it('sniffs XLSX content when the extension is missing or unknown', async () => {
    const buf = await xlsxBuffer([
      ['姓名', '代表团', '座位号'],
      ['张三', '北京', 1],
    ]);
    const expected = { ok: true, rows: [{ name: '张三', delegation: '北京', seat: '1', phone: null }] };
    expect(await parseRoster(buf, 'upload')).toEqual(expected);
    expect(await parseRoster(buf, 'roster.bin')).toEqual(expected);
  });

  it('sniffs CSV content when the extension is missing or unknown', async () => {
    const expected = { ok: true, rows: [{ name: '张三', delegation: '北京', seat: '1', phone: null }] };
    expect(await parseRoster(Buffer.from('姓名,代表团,座位号\n张三,北京,1\n'), 'upload')).toEqual(expected);
    expect(await parseRoster(hex('d0d5c3fb 2c b4fab1edcdc5 2c d7f9cebbbac5 0a d5c5c8fd 2c b1b1bea9 2c 31 0a'), '')).toEqual(
      expected,
    );
  });

  it('returns BAD_FILE for a random binary buffer whatever the name', async () => {
    const junk = pseudoRandomBytes(4096, 20240305);
    expect(await parseRoster(junk, 'roster.csv')).toEqual(BAD_FILE);
    expect(await parseRoster(junk, 'roster.xlsx')).toEqual(BAD_FILE);
    expect(await parseRoster(junk, 'roster')).toEqual(BAD_FILE);
    expect(await parseRoster(Buffer.from([0, 0, 0, 0]), 'roster.csv')).toEqual(BAD_FILE);
  });

  it('returns BAD_FILE for a truncated zip', async () => {
    const buf = await xlsxBuffer([
      ['姓名', '代表团', '座位号'],
      ['张三', '北京', 1],
    ]);
    const truncated = buf.subarray(0, Math.floor(buf.length / 2));
    expect(await parseRoster(truncated, 'roster.xlsx')).toEqual(BAD_FILE);
    expect(await parseRoster(truncated, 'roster')).toEqual(BAD_FILE);
    expect(await parseRoster(hex('50 4b 03 04'), 'roster.xlsx')).toEqual(BAD_FILE);
  });

  it('returns BAD_FILE for an empty .xlsx and for a legacy .xls (OLE2) file', async () => {
    expect(await parseRoster(Buffer.alloc(0), 'roster.xlsx')).toEqual(BAD_FILE);
    expect(await parseRoster(Buffer.alloc(0), 'roster')).toEqual(BAD_FILE);
    const ole = Buffer.concat([hex('d0 cf 11 e0 a1 b1 1a e1'), Buffer.alloc(512)]);
    expect(await parseRoster(ole, 'roster.xls')).toEqual(BAD_FILE);
  });

  it('returns BAD_FILE when an XLSX is uploaded with a .csv name', async () => {
    const buf = await xlsxBuffer([
      ['姓名', '代表团', '座位号'],
      ['张三', '北京', 1],
    ]);
    expect(await parseRoster(buf, 'roster.csv')).toEqual(BAD_FILE);
  });
});
