import { announcedProjectLines, announcementPaperRows, bodyLayout, formatRate, GRADE_ZH, noticeNumberLine, RESULT_STATUS_ZH, type Announcement } from '@piaojue/shared';
import { officialPdf } from '../../lib/pdf.ts';
import { zhDate } from './announcement-text.ts';

const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** 2027年1月15日 09:42 in the hall's time zone; — when unknown. */
const zhDateTime = (iso: string | null) => (iso ? `${zhDate(iso)} ${timeFmt.format(new Date(iso))}` : '—');

const RED = '#b3141c';
const mm = (v: number) => (v * 72) / 25.4;

/** The 公告 as an A4 PDF laid out like an official notice, with the annexed count table. */
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

  if (a.kind === 'rating' && a.rating) {
    table(doc, ['序号', '项目名称', '满意', '基本满意', '不满意', '弃权', '满意率', '测评等次'], [0.07, 0.27, 0.08, 0.13, 0.10, 0.08, 0.14, 0.13], a.rating.rows.map((r, i) => [
      String(i + 1), r.name, String(r.satisfied), String(r.basic), String(r.unsatisfied), String(r.abstain), formatRate(r.satisfactionRate), GRADE_ZH[r.grade],
    ]));
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
  // (a rating's table is in the body: its PDF has no annex to point to)
  const ending = [...(closing ? [closing] : []), ...(a.kind === 'rating' ? [] : ['附件：票决结果统计表及表决记录'])];
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

  if (a.kind !== 'rating') {
    doc.addPage();
    doc.font('song-bold').fontSize(16).text('附件', left, doc.y);
    doc.moveDown(0.3).fontSize(18).text(`${a.cycleName}票决结果统计表`, { align: 'center' });
    doc.moveDown(0.6);
    table(doc, ['名次', '候选项目', '赞成', '反对', '弃权', '结果'], [0.1, 0.46, 0.1, 0.1, 0.1, 0.14], a.rows.map((r) => [String(r.rank), r.name, String(r.for), String(r.against), String(r.abstain), RESULT_STATUS_ZH[r.status]]));
    if (a.vacancies > 0) doc.moveDown(0.4).font('song').fontSize(12).fillColor('black').text(`空缺名额：${a.vacancies}个。`, left, doc.y, { width });
    doc.moveDown(0.8).font('song-bold').fontSize(14).fillColor('black').text('表决记录', left, doc.y, { width });
    doc.moveDown(0.3);
    const rec = a.record;
    const record: [string, string][] = [
      ['会议', a.sessionName],
      ['候选与应选', `候选项目${a.rules.candidateCount}个，应选${a.rules.chooseN}个`],
      ['出席情况', `应到代表${rec.seated}名，实到代表${rec.present}名，${a.quorumMet ? '符合法定人数' : '不足法定人数'}`],
      ['表决票', `发出${rec.issued}张，收回${rec.returned}张，有效${rec.valid}张，无效${rec.invalid}张，未投票${rec.notVoted}人；${rec.balanced ? '收回票数不多于发出票数，表决有效' : '收回票数多于发出票数，表决无效'}`],
      // with paper ballots, the electronic and the paper part, worded as on the web 公告
      ...announcementPaperRows(a.paper),
      ['开始时间', zhDateTime(a.openedAt)],
      ['结束时间', zhDateTime(a.closedAt)],
      ['监票人确认', a.scrutineers.join('、') || '—'],
      ['主席团确认', a.certifiedAt ? `${a.certifiedBy.join('、') || '—'}（${zhDateTime(a.certifiedAt)}）` : '尚未确认（草稿）'],
      ...(a.presidiumDecisions ?? []).map((d): [string, string] => [
        d.kind === 'tie' ? '主席团决定并列项目' : '主席团确认决定',
        `${d.meeting}（${d.decidedOn}）${d.kind === 'tie' ? `决定得票相同的并列项目中${d.chosen.join('、')}入选` : '决定确认表决结果'}；签署：${d.signers.join('、') || '—'}`,
      ]),
      ...(a.rules.freezeDecision ? [['候选清单确定', a.rules.freezeDecision] as [string, string]] : []),
      ['候选清单校验值', a.rules.listHash],
      ...(a.auditAnchor ? [['审计日志锚点', `第 ${a.auditAnchor.seq} 条 ${a.auditAnchor.hash}`] as [string, string]] : []),
    ];
    table(doc, null, [0.22, 0.78], record);
  }

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

/** A bordered table, the second column flush left; without a header, a record of label and value. */
function table(doc: PDFKit.PDFDocument, header: string[] | null, widths: number[], rows: string[][]) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = widths.map((w) => w * width);
  const pad = 4;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'song-bold' : 'song').fontSize(11);
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
