import {
  countSheetAttendance,
  countSheetBallotTable,
  countSheetColumns,
  countSheetInvalidReasons,
  countSheetSigners,
  countSheetSplitWithheld,
  RESULT_STATUS_ZH,
  type CountSheet,
} from '@piaojue/shared';
import PDFDocument from 'pdfkit';
import { loadFonts } from './announcement-pdf.ts';

const RED = '#b3141c';
const mm = (v: number) => (v * 72) / 25.4;
const TZ = 'Asia/Shanghai';
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** 2027年1月15日 09:42, in the hall's time zone. */
const zhDateTime = (iso: string | null) => (iso ? `${dateFmt.format(new Date(iso))} ${timeFmt.format(new Date(iso))}` : '—');

/**
 * The 表决结果报告单 as an A4 PDF, in the order of the console's print page
 * (CountSheetView.vue): title, ballots, per-project figures, the rules applied, times, the
 * 执行主席 and the signature lines.
 */
export function countSheetPdf(s: CountSheet): Promise<Buffer> {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: mm(25), bottom: mm(22), left: mm(24), right: mm(22) },
    info: { Title: s.title.join(' '), Subject: s.pollTitle, Creator: 'Piaojue 票决' },
  });
  doc.registerFont('song', f.regular);
  doc.registerFont('song-bold', f.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const fits = (h: number) => {
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
  };

  doc.font('song-bold').fontSize(16).fillColor('black');
  for (const line of s.title.slice(0, -1)) doc.text(line, left, doc.y, { width, align: 'center' });
  doc.fontSize(22).text(s.title[s.title.length - 1]!, left, doc.y + 4, { width, align: 'center', characterSpacing: 4 });
  doc.moveDown(0.2).font('song').fontSize(11).fillColor('#333').text(statusLine(s), left, doc.y, { width, align: 'center' });
  const ruleY = doc.y + 6;
  doc.moveTo(left, ruleY).lineTo(left + width, ruleY).lineWidth(1.2).strokeColor(RED).stroke();
  doc.y = ruleY + 12;

  const label = (text: string) => {
    fits(40);
    doc.moveDown(0.4).font('song-bold').fontSize(13).fillColor('black').text(text, left, doc.y, { width });
    doc.moveDown(0.2);
  };
  const para = (text: string) => doc.font('song').fontSize(11.5).fillColor('black').text(text, left, doc.y, { width, lineGap: 3, align: 'justify' });

  label('一、出席和表决票情况');
  para(countSheetAttendance(s.record, s.quorumMet));
  doc.moveDown(0.3);
  const ballots = countSheetBallotTable(s.record, s.parts);
  table(doc, ballots.header, [0.24, 0.19, 0.19, 0.19, 0.19], ballots.rows, 0);
  const reasons = s.parts ? countSheetInvalidReasons(s.parts.invalidReasons) : '';
  if (reasons) {
    doc.moveDown(0.3);
    para(reasons);
  }

  label('二、各候选项目得票情况');
  const cols = countSheetColumns(s.rules.ballotType);
  const figure = cols.length === 3 ? 0.12 : 0.15;
  const nameW = 1 - 0.08 - 0.12 - figure * cols.length;
  table(
    doc,
    ['名次', '候选项目', ...cols.map((c) => c.zh), '结果'],
    [0.08, nameW, ...cols.map(() => figure), 0.12],
    s.rows.map((r) => [String(r.rank), r.name, ...cols.map((c) => String(r[c.key])), RESULT_STATUS_ZH[r.status]]),
    1,
  );
  if (s.parts) {
    const split = s.rows.filter((r) => r.split);
    doc.moveDown(0.3);
    if (split.length === s.rows.length && split.length > 0) {
      const w = (1 - 0.4) / (cols.length * 2);
      table(
        doc,
        ['候选项目', ...cols.map((c) => `电子·${c.zh}`), ...cols.map((c) => `纸质·${c.zh}`)],
        [0.4, ...cols.map(() => w), ...cols.map(() => w)],
        split.map((r) => [r.name, ...cols.map((c) => String(r.split!.electronic[c.key] ?? 0)), ...cols.map((c) => String(r.split!.paper[c.key] ?? 0))]),
        0,
      );
    } else {
      para(countSheetSplitWithheld(s.rules.minBallots));
    }
  }

  label('三、计票规则的适用');
  for (const t of s.ruleText) para(t);

  label('四、时间');
  para(`表决开始：${zhDateTime(s.openedAt)}　　表决结束：${zhDateTime(s.closedAt)}　　计票完成：${zhDateTime(s.countedAt)}`);

  // The signatures stay together on one page.
  const signers = countSheetSigners(s);
  fits(70 + signers.length * 30);
  doc.moveDown(1);
  para('以上计票结果准确无误，由总监票人向执行主席报告。');
  doc.moveDown(0.6);
  const line = (role: string, name: string) => {
    const y = doc.y;
    doc.font('song-bold').fontSize(12).text(role, left, y, { width: 80 });
    doc.font('song').fontSize(12).text(name, left + 80, y, { width: 150 });
    doc.text('签名：', left + 240, y, { width: 50 });
    doc.moveTo(left + 285, y + 15).lineTo(left + width, y + 15).lineWidth(0.6).strokeColor('#333').stroke();
    doc.x = left;
    doc.y = y + 30;
  };
  for (const g of signers) line(g.role, g.name);
  line('执行主席', s.presidingChair || '　');
  doc.end();
  return done;
}

function statusLine(s: CountSheet): string {
  if (s.certifiedAt) return `（计票结果已经主席团确认，${zhDateTime(s.certifiedAt)}）`;
  if (s.status === 'rejected') return '（计票结果已被主席团退回）';
  return '（计票结果，待主席团确认）';
}

/** A bordered table; `leftCol` is the one column set flush left (names). */
function table(doc: PDFKit.PDFDocument, header: string[], widths: number[], rows: string[][], leftCol: number) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = widths.map((w) => w * width);
  const pad = 4;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'song-bold' : 'song').fontSize(10.5);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: cols[i]! - pad * 2 }))) + pad * 2;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      if (bold) doc.rect(x, y, cols[i]!, h).fillColor('#f2f2f2').fill();
      doc.rect(x, y, cols[i]!, h).lineWidth(0.6).strokeColor('#444').stroke();
      doc.fillColor('black').text(c, x + pad, y + pad, { width: cols[i]! - pad * 2, align: i === leftCol && !bold ? 'left' : 'center' });
      x += cols[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(header, true);
  for (const r of rows) drawRow(r, false);
}
