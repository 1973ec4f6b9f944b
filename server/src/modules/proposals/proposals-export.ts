/**
 * The review queue as a spreadsheet (CSV for any tool, XLSX for Excel/WPS). Every text cell
 * that a spreadsheet would read as a formula (= + - @ …) is prefixed with ' first.
 */
import ExcelJS from 'exceljs';
import { toCsv as csvBuffer } from '../../lib/spreadsheet.ts';
import { formatTrackingCode, neutralizeCell } from './proposals-text.ts';

export interface ExportRow {
  no: number;
  tracking_code: string;
  status: string;
  title: string;
  content: string;
  reason: string;
  area: string;
  district: string;
  location: string;
  cost_wan: string | null;
  channel: string;
  point_name: string | null;
  channel_note: string;
  received_at: Date;
  candidate_name: string | null;
  decision_reason: string | null;
  routed_to: string | null;
  proposer_name: string | null;
  proposer_phone: string | null;
}

const STATUS_ZH: Record<string, string> = {
  received: '已收到',
  under_review: '审查中',
  accepted: '已采纳',
  merged: '已合并',
  rejected: '未采纳',
  reserved: '储备库',
  routed: '已转交',
};
const CHANNEL_ZH: Record<string, string> = {
  web: '网页',
  qr: '收集点二维码',
  hotline: '热线',
  letter: '来信',
  deputy: '代表建议',
  carried: '上年度转入',
};

/** Beijing time, as staff read it: 2027-07-15 09:30. */
function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function exportTable(rows: ExportRow[], withContact: boolean): { header: string[]; body: (string | number | null)[][] } {
  const header = ['编号', '查询码', '状态', '标题', '内容', '理由', '领域', '区县', '地点', '估算费用（万元）', '渠道', '收集点', '渠道备注', '收到时间', '候选项目', '处理意见'];
  if (withContact) header.push('姓名', '电话');
  const body = rows.map((r) => {
    const cells: (string | number | null)[] = [
      r.no,
      formatTrackingCode(r.tracking_code),
      STATUS_ZH[r.status] ?? r.status,
      r.title,
      r.content,
      r.reason,
      r.area,
      r.district,
      r.location,
      r.cost_wan === null ? null : Number(r.cost_wan),
      CHANNEL_ZH[r.channel] ?? r.channel,
      r.point_name ?? '',
      r.channel_note,
      chinaTime(r.received_at),
      r.candidate_name ?? '',
      r.decision_reason ?? (r.routed_to ? `转交：${r.routed_to}` : ''),
    ];
    if (withContact) cells.push(r.proposer_name ?? '', r.proposer_phone ?? '');
    return cells.map((c) => (typeof c === 'string' ? neutralizeCell(c) : c));
  });
  return { header: header.map(neutralizeCell), body };
}

/** UTF-8 with BOM, CRLF: what Excel on a Chinese Windows opens without garbling. */
export function toCsv(t: { header: string[]; body: (string | number | null)[][] }): Buffer {
  return csvBuffer(t.header, t.body);
}

export async function toXlsx(t: { header: string[]; body: (string | number | null)[][] }, sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') || 'proposals');
  ws.addRow(t.header).font = { bold: true };
  for (const r of t.body) ws.addRow(r);
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const widths = [8, 16, 8, 30, 60, 40, 10, 10, 20, 10, 10, 16, 16, 17, 24, 30, 10, 16];
  ws.columns.forEach((c, i) => {
    c.width = widths[i] ?? 12;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
