import { announcedProjectLines, announcementAnnex, announcementRecordRows, announcementTable, bodyLayout, noticeNumberLine, vacanciesLine, type Announcement } from '@piaojue/shared';
import { officialPdf } from '../../lib/pdf.ts';
import { zhDate } from './announcement-text.ts';

const RED = '#b3141c';
const mm = (v: number) => (v * 72) / 25.4;

/**
 * The 公告 as an A4 PDF laid out like an official notice, with its 附件 as on the web 公告: the
 * count table (a rating's 满意度 table) and the 表决记录 (shared wording: announcementRecordRows).
 */
export function announcementPdf(a: Announcement): Promise<Buffer> {
  const { doc, done } = officialPdf({
    size: 'A4',
    margins: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
    info: { Title: a.title, Author: a.issuer, Subject: a.cycleName, Creator: 'Piaojue 票决' },
    bufferPages: true,
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const left = doc.page.margins.left;

  // Heading: issuer and 公告 in red, number beneath, a red rule. The issuer stays on one line
  // down to 16 pt, as on the web 公告; a longer one wraps.
  doc.font('song-bold').fillColor(RED);
  let issuerPt = 22;
  while (issuerPt > 16 && doc.fontSize(issuerPt).widthOfString(a.issuer) > width) issuerPt -= 0.5;
  doc.fontSize(issuerPt).text(a.issuer, { align: 'center' });
  doc.fontSize(26).text('公　告', { align: 'center' });
  doc.moveDown(0.3).font('song').fontSize(16).fillColor('black').text(noticeNumberLine(a.number), { align: 'center' });
  const ruleY = doc.y + 8;
  doc.moveTo(left, ruleY).lineTo(left + width, ruleY).lineWidth(1.5).strokeColor(RED).stroke();
  doc.y = ruleY + 18;

  const body = (text: string) => doc.font('song').fontSize(15).fillColor('black').text(text, left, doc.y, { width, indent: 30, lineGap: 7, align: 'justify' });
  // the list of projects goes right after the paragraph that introduces it, as on the web 公告
  const { lead, tail, closing } = bodyLayout(a.paragraphs);
  for (const p of lead) body(p);
  doc.moveDown(0.3);

  const rating = a.kind === 'rating' && !!a.rating;
  // the table (shared: announcementTable), in the body of a rating's 公告 and in every 附件
  const shared = announcementTable(a);
  const results = { header: [...shared.header], rows: shared.rows.map((row) => row.map(String)) };
  // each column as wide as its heading or widest cell, the project's name the rest: a rating's
  // nine as narrow as that; a vote's, headed by its ballot form (赞成（勾选）, 被排序次数…), at
  // least a tenth of the width each (what 赞成, 反对 and 弃权 always had), so no figure is cramped
  const resultWidths = fittedWidths(doc, results.header, results.rows, { min: rating ? 0 : 0.1 });
  const drawResults = () => table(doc, results.header, resultWidths, results.rows);
  if (rating) {
    drawResults();
  } else {
    for (const c of a.chosen) {
      const { heading, details } = announcedProjectLines(c);
      // Keep a project's name with its details.
      if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc.font('song-bold').fontSize(15).fillColor('black').text(heading, left + 30, doc.y, { width: width - 30, lineGap: 4 });
      for (const d of details) doc.font('song').fontSize(12).fillColor('#333').text(d, left + 52, doc.y, { width: width - 52, lineGap: 3 });
      doc.fillColor('black').moveDown(0.3);
    }
  }
  doc.moveDown(0.3);
  for (const p of tail) body(p);
  // The closing formula, the annex note and the signature stay together: a signature alone on a
  // page would sign nothing (GB/T 9704 moves body text over rather than leave it so).
  const annex = announcementAnnex(a);
  const ending = [...(closing ? [closing] : []), annex.note];
  doc.font('song').fontSize(15);
  const signatureGap = 30;
  const endingH = ending.reduce((sum, p) => sum + doc.heightOfString(p, { width, indent: 30, lineGap: 7 }), 0) + signatureGap + 2 * doc.currentLineHeight(true) + 10;
  if (doc.y + endingH > doc.page.height - doc.page.margins.bottom) doc.addPage();
  for (const p of ending) body(p);

  // GB/T 9704: the issuer centred over the date, the pair at the right.
  doc.font('song').fontSize(15);
  const sigW = Math.min(width, Math.max(doc.widthOfString(a.issuer), doc.widthOfString(zhDate(a.date))) + 8);
  doc.y += signatureGap;
  const sigX = left + width - sigW - 15;
  doc.text(a.issuer, sigX, doc.y, { width: sigW, align: 'center' });
  doc.text(zhDate(a.date), sigX, doc.y + 4, { width: sigW, align: 'center' });

  doc.addPage();
  doc.font('song-bold').fontSize(16).fillColor('black').text('附件', left, doc.y);
  doc.moveDown(0.3).fontSize(18).text(`${a.cycleName}${annex.title}`, { align: 'center' });
  doc.moveDown(0.6);
  drawResults();
  const vacancies = vacanciesLine(a.vacancies);
  if (vacancies) doc.moveDown(0.4).font('song').fontSize(12).fillColor('black').text(vacancies, left, doc.y, { width });
  doc.moveDown(0.8).font('song-bold').fontSize(14).fillColor('black').text('表决记录', left, doc.y, { width });
  doc.moveDown(0.3);
  // 五号 (10.5 pt), the size of a table in an official document
  table(doc, null, [0.22, 0.78], announcementRecordRows(a), { size: 10.5, pad: 3 });

  // Every page: its number (— 1 —) in the bottom margin, and across a draft the 草稿 mark.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('song').fontSize(12).fillColor('black').text(`— ${i + 1} —`, 0, doc.page.height - mm(24), { width: doc.page.width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
    if (a.draft) {
      doc.save().rotate(-30, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc.font('song-bold').fontSize(110).fillColor('#d0d0d0').opacity(0.35).text('草　稿', 0, doc.page.height / 2 - 60, { width: doc.page.width, align: 'center', lineBreak: false });
      doc.restore();
    }
  }
  doc.end();
  return done;
}

/**
 * Shares of the width for table() at its default size: every column but the second as wide as its
 * heading (bold) or its widest cell, so that no heading breaks, and at least `min` of the width;
 * the second, the name, takes the rest.
 */
function fittedWidths(doc: PDFKit.PDFDocument, header: string[], rows: string[][], { size = 11, pad = 4, min = 0 } = {}): number[] {
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const widest = header.map((h, i) => {
    const cells = rows.map((r) => doc.font('song').fontSize(size).widthOfString(r[i] ?? ''));
    return Math.max(doc.font('song-bold').fontSize(size).widthOfString(h), ...cells, min * width - pad * 2 - 1) + pad * 2 + 1;
  });
  const fixed = widest.reduce((sum, w, i) => (i === 1 ? sum : sum + w), 0);
  return widest.map((w, i) => (i === 1 ? Math.max(width - fixed, 0) : w) / width);
}

/** A bordered table, the second column flush left; without a header, a record of label and value. */
function table(doc: PDFKit.PDFDocument, header: string[] | null, widths: number[], rows: string[][], { size = 11, pad = 4 } = {}) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = widths.map((w) => w * width);
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'song-bold' : 'song').fontSize(size);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i]! - pad * 2 }));
    const h = Math.max(...heights) + pad * 2;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.rect(x, y, cols[i]!, h).lineWidth(0.6).strokeColor('#444').stroke();
      doc.fillColor('black').text(c, x + pad, y + (h - heights[i]!) / 2, { width: cols[i]! - pad * 2, align: i === 1 ? 'left' : 'center' });
      x += cols[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  if (header) drawRow(header, true);
  for (const r of rows) drawRow(r, false);
}
