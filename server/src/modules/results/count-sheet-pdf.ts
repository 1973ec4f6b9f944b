import {
  ballotFormColumns,
  countSheetAttendance,
  countSheetBallotTable,
  countSheetInvalidReasons,
  countSheetPartCell,
  countSheetPartHeader,
  countSheetSigners,
  countSheetSplitWithheld,
  countSheetStatusLine,
  countSheetTimes,
  countSheetResultCell,
  type CountSheet,
} from '@piaojue/shared';
import { officialPdf } from '../../lib/pdf.ts';

const RED = '#b3141c';
const mm = (v: number) => (v * 72) / 25.4;
const TZ = 'Asia/Shanghai';
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** 2027年1月15日 and 09:42, in the hall's time zone. */
const zhParts = (iso: string) => ({ date: dateFmt.format(new Date(iso)), time: timeFmt.format(new Date(iso)) });
const zhDateTime = (iso: string) => `${zhParts(iso).date} ${zhParts(iso).time}`;

/**
 * The 表决结果报告单 as an A4 PDF, in the order of the console's print page
 * (CountSheetView.vue): title, times and ballots, per-project figures, the rules applied, the
 * signature lines and the 执行主席.
 */
export function countSheetPdf(s: CountSheet): Promise<Buffer> {
  const { doc, done } = officialPdf({
    size: 'A4',
    margins: { top: mm(18), bottom: mm(16), left: mm(24), right: mm(22) },
    info: { Title: s.title.join(' '), Subject: s.pollTitle, Creator: 'Piaojue 票决' },
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const fits = (h: number) => {
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
  };

  doc.font('song-bold').fontSize(15).fillColor('black');
  for (const line of s.title.slice(0, -1)) doc.text(line, left, doc.y, { width, align: 'center' });
  doc.fontSize(21).text(s.title[s.title.length - 1]!, left, doc.y + 3, { width, align: 'center', characterSpacing: 4 });
  doc.moveDown(0.2).font('song').fontSize(11).fillColor('#333').text(countSheetStatusLine(s, zhDateTime), left, doc.y, { width, align: 'center' });
  const ruleY = doc.y + 5;
  doc.moveTo(left, ruleY).lineTo(left + width, ruleY).lineWidth(1.2).strokeColor(RED).stroke();
  doc.y = ruleY + 6;

  const label = (text: string) => {
    fits(40);
    doc.moveDown(0.35).font('song-bold').fontSize(12).fillColor('black').text(text, left, doc.y, { width });
    doc.moveDown(0.15);
  };
  const para = (text: string) => doc.font('song').fontSize(10.5).fillColor('black').text(text, left, doc.y, { width, lineGap: 2, align: 'justify' });

  label('一、出席和表决票情况');
  for (const l of countSheetTimes(s, zhParts)) para(l);
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
  const cols = ballotFormColumns(s.rules.ballotType);
  // with paper ballots, each part's figures beside the totals, unless a part is too small to show
  const split = !!s.parts && s.rows.length > 0 && s.rows.every((r) => r.split);
  const figure = split ? 0.065 : cols.length === 3 ? 0.12 : 0.15;
  // a part's heading on two lines (电子表决 / （赞成/反对/弃权）), its column as wide as the second
  // line needs, so no heading breaks inside a word; a very long one (rank ballots) still wraps
  const partHeaders = split ? (['electronic', 'paper'] as const).map((p) => countSheetPartHeader(cols, p).replace('（', '\n（')) : [];
  doc.font('song-bold').fontSize(9.5);
  const partW = split ? Math.min(0.2, Math.max(...partHeaders.flatMap((h) => h.split('\n')).map((l) => doc.widthOfString(l))) / width + 0.02) : 0;
  const nameW = 1 - 0.07 - 0.11 - figure * cols.length - partW * 2;
  table(
    doc,
    ['名次', '候选项目', ...cols.map((c) => c.zh), ...partHeaders, '结果'],
    [0.07, nameW, ...cols.map(() => figure), ...(split ? [partW, partW] : []), 0.11],
    s.rows.map((r) => [
      String(r.rank),
      r.name,
      ...cols.map((c) => String(r[c.key])),
      ...(split ? [countSheetPartCell(cols, r.split!.electronic), countSheetPartCell(cols, r.split!.paper)] : []),
      countSheetResultCell(r).join('\n'),
    ]),
    1,
  );
  if (s.parts && !split) {
    doc.moveDown(0.3);
    para(countSheetSplitWithheld(s.parts, s.rules.minBallots));
  }

  label('三、计票规则的适用');
  for (const t of s.ruleText) para(t);

  // The signatures stay together on one page, two to a row as on the print page.
  const signers: { role: string; name: string }[] = [...countSheetSigners(s), { role: '执行主席', name: s.presidingChair }];
  const rowH = 26;
  fits(40 + Math.ceil(signers.length / 2) * rowH + 20);
  doc.moveDown(0.8);
  para('以上计票结果准确无误，由总监票人向执行主席报告。');
  doc.moveDown(0.5);
  const half = width / 2;
  const top = doc.y;
  signers.forEach((g, i) => {
    const x = left + (i % 2) * (half + 8);
    const y = top + Math.floor(i / 2) * rowH;
    doc.font('song-bold').fontSize(11).fillColor('black').text(g.role, x, y, { width: 56, lineBreak: false });
    doc.font('song').fontSize(11).text(g.name || '　', x + 58, y, { width: 70, lineBreak: false });
    doc.text('签名：', x + 128, y, { width: 34, lineBreak: false });
    doc.moveTo(x + 160, y + 13).lineTo(x + half - 12, y + 13).lineWidth(0.6).strokeColor('#333').stroke();
  });
  doc.x = left;
  doc.y = top + Math.ceil(signers.length / 2) * rowH;
  if (s.countedAt) doc.font('song').fontSize(11.5).text(zhParts(s.countedAt).date, left, doc.y + 4, { width: width - 10, align: 'right' });
  doc.end();
  return done;
}

/** A bordered table; `leftCol` is the one column set flush left (names). */
function table(doc: PDFKit.PDFDocument, header: string[], widths: number[], rows: string[][], leftCol: number) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = widths.map((w) => w * width);
  const pad = 2.5;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'song-bold' : 'song').fontSize(bold ? 9.5 : 10);
    const heights = cells.map((c, i) => doc.heightOfString(c || ' ', { width: cols[i]! - pad * 2 }));
    const h = Math.max(...heights) + pad * 2;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      if (bold) doc.rect(x, y, cols[i]!, h).fillColor('#f2f2f2').fill();
      doc.rect(x, y, cols[i]!, h).lineWidth(0.6).strokeColor('#444').stroke();
      // each cell's text centred in the row's height, as a form's table is
      doc.fillColor('black').text(c, x + pad, y + (h - heights[i]!) / 2, { width: cols[i]! - pad * 2, align: i === leftCol && !bold ? 'left' : 'center' });
      x += cols[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(header, true);
  for (const r of rows) drawRow(r, false);
}
