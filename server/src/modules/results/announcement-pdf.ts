import { createRequire } from 'node:module';
import fs from 'node:fs';
import { formatRate, GRADE_ZH, RESULT_STATUS_ZH, type Announcement } from '@piaojue/shared';
import PDFDocument from 'pdfkit';
import { zhDate } from './announcement-text.ts';

// Noto Serif SC (宋体 style, SIL Open Font License) ships inside an npm package, so a PDF
// with correct Chinese needs nothing installed on the machine.
const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | null = null;
export function loadFonts() {
  fonts ??= {
    regular: fs.readFileSync(require.resolve('@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf')),
    bold: fs.readFileSync(require.resolve('@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf')),
  };
  return fonts;
}

const RED = '#b3141c';
const mm = (v: number) => (v * 72) / 25.4;

/** The 公告 as an A4 PDF laid out like an official notice, with the annexed count table. */
export function announcementPdf(a: Announcement): Promise<Buffer> {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
    info: { Title: a.title, Author: a.issuer, Subject: a.cycleName, Creator: 'Piaojue 票决' },
    bufferPages: true,
  });
  doc.registerFont('song', f.regular);
  doc.registerFont('song-bold', f.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const left = doc.page.margins.left;

  // Heading: issuer and 公告 in red, number beneath, a red rule.
  doc.font('song-bold').fontSize(22).fillColor(RED).text(a.issuer, { align: 'center' });
  doc.fontSize(26).text('公　告', { align: 'center' });
  doc.moveDown(0.3).font('song').fontSize(16).fillColor('black').text(`（第 ${a.number ?? '\u3000\u3000'} 号）`, { align: 'center' });
  const ruleY = doc.y + 8;
  doc.moveTo(left, ruleY).lineTo(left + width, ruleY).lineWidth(1.5).strokeColor(RED).stroke();
  doc.y = ruleY + 18;

  const body = (text: string) => doc.font('song').fontSize(15).fillColor('black').text(text, left, doc.y, { width, indent: 30, lineGap: 7, align: 'justify' });
  const closing = a.paragraphs[a.paragraphs.length - 1]!;
  for (const p of a.paragraphs.slice(0, -1)) body(p);
  doc.moveDown(0.5);

  if (a.kind === 'rating' && a.rating) {
    table(doc, ['序号', '项目名称', '满意', '基本满意', '不满意', '弃权', '满意率', '测评等次'], [0.07, 0.31, 0.09, 0.11, 0.09, 0.09, 0.12, 0.12], a.rating.rows.map((r, i) => [
      String(i + 1), r.name, String(r.satisfied), String(r.basic), String(r.unsatisfied), String(r.abstain), formatRate(r.satisfactionRate), GRADE_ZH[r.grade],
    ]));
  } else {
    for (const c of a.chosen) {
      const invest = c.investmentWan === null ? '' : `，总投资${c.investmentWan.toLocaleString('zh-CN')}万元`;
      // Keep a project's name with its details.
      if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc.font('song-bold').fontSize(15).text(`${c.rank}. ${c.name}`, left + 30, doc.y, { width: width - 30, lineGap: 4 });
      doc.font('song').fontSize(12).fillColor('#333').text(`责任单位：${c.department || '—'}${invest}${c.deadline ? `，完成时限：${c.deadline}` : ''}${c.viaRunoff ? '（经再次投票确定）' : ''}${c.viaPresidium ? '（经大会主席团决定）' : ''}`, left + 52, doc.y, { width: width - 52, lineGap: 3 });
      doc.fillColor('black').moveDown(0.3);
    }
  }
  doc.moveDown(0.6);
  doc.font('song').fontSize(15).fillColor('black').text(closing, left + 30, doc.y, { width: width - 30 });
  doc.moveDown(1.5);
  doc.font('song').fontSize(15).text(a.issuer, left, doc.y, { width, align: 'right' });
  doc.text(zhDate(a.date), { width, align: 'right' });

  if (a.kind !== 'rating') {
    doc.addPage();
    doc.font('song-bold').fontSize(16).text('附件', left, doc.y);
    doc.moveDown(0.3).fontSize(18).text(`${a.cycleName}票决结果统计表`, { align: 'center' });
    doc.moveDown(0.6);
    table(doc, ['名次', '候选项目', '赞成', '反对', '弃权', '结果'], [0.1, 0.46, 0.1, 0.1, 0.1, 0.14], a.rows.map((r) => [String(r.rank), r.name, String(r.for), String(r.against), String(r.abstain), RESULT_STATUS_ZH[r.status]]));
    doc.moveDown(0.8).font('song').fontSize(11).fillColor('#333');
    const rec = a.record;
    const lines = [
      `应到 ${rec.seated} 名　实到 ${rec.present} 名　发出 ${rec.issued} 张　收回 ${rec.returned} 张　有效 ${rec.valid} 张　无效 ${rec.invalid} 张`,
      `应选数量 ${a.rules.chooseN} 个，候选项目 ${a.rules.candidateCount} 个${a.rules.freezeDecision ? `（${a.rules.freezeDecision}确定）` : ''}`,
      a.scrutineers.length ? `监票人：${a.scrutineers.join('、')}` : '',
      a.certifiedBy.length ? `主席团确认：${a.certifiedBy.join('、')}` : '',
      ...(a.presidiumDecisions ?? []).map(
        (d) => `${d.kind === 'tie' ? '主席团决定并列项目' : '主席团确认决定'}：${d.meeting}（${d.decidedOn}）${d.kind === 'tie' ? `决定${d.chosen.join('、')}入选` : '决定确认'}；签署：${d.signers.join('、')}`,
      ),
      `候选清单校验值：${a.rules.listHash}`,
      a.auditAnchor ? `审计日志锚点：第 ${a.auditAnchor.seq} 条 ${a.auditAnchor.hash}` : '',
    ].filter(Boolean);
    for (const l of lines) doc.text(l, left, doc.y, { width, lineGap: 4 });
  }

  if (a.draft) {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      doc.save().rotate(-30, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc.font('song-bold').fontSize(110).fillColor('#d0d0d0').opacity(0.35).text('草　稿', 0, doc.page.height / 2 - 60, { width: doc.page.width, align: 'center', lineBreak: false });
      doc.restore();
    }
  }
  doc.end();
  return done;
}

function table(doc: PDFKit.PDFDocument, header: string[], widths: number[], rows: string[][]) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = widths.map((w) => w * width);
  const pad = 4;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'song-bold' : 'song').fontSize(11);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i]! - pad * 2 }))) + pad * 2;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.rect(x, y, cols[i]!, h).lineWidth(0.6).strokeColor('#444').stroke();
      doc.fillColor('black').text(c, x + pad, y + pad, { width: cols[i]! - pad * 2, align: i === 1 ? 'left' : 'center' });
      x += cols[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(header, true);
  for (const r of rows) drawRow(r, false);
}
