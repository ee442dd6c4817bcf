import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { FinancingKind, type FinancingOption, type Quote, type QuoteLine } from './quote.entity.js';
import { instalmentSchedule } from './quote.math.js';
import { formatDate, formatMoney, formatPercent, QUOTE_LABELS, type QuoteLanguage } from './quote.pdf.labels.js';

/**
 * pdfkit's built-in Helvetica has no Czech or Polish letters (ě, ř, ł, ś…): the document embeds Liberation Sans
 * (SIL Open Font License, subgraphs/sales/assets/fonts/LICENSE), kept with the sales package so every deployment
 * has it (the Dockerfile copies the folder).
 */
const FONTS = path.join(path.dirname(createRequire(import.meta.url).resolve('@crm/sales/package.json')), 'assets', 'fonts');
const REGULAR = path.join(FONTS, 'LiberationSans-Regular.ttf');
const BOLD = path.join(FONTS, 'LiberationSans-Bold.ttf');

export interface QuoteDocumentContent {
  quote: Quote;
  lines: QuoteLine[];
  financing: FinancingOption[];
  language: QuoteLanguage;
  /** The dealer's name and a line of details (address, phone) at the top. */
  dealer: { name: string; details: string | null };
  /** The customer's name as identity knows it; null when it could not be asked. */
  customerName: string | null;
  sentAt: Date;
  /** The dealer's time zone, for the date. */
  timeZone: string;
}

interface Cell {
  text: string;
  width: number;
  align?: 'left' | 'right';
}

/** The quote as the customer gets it: header, customer, lines, totals, and each way to pay with its instalments. */
export function renderQuotePdf(content: QuoteDocumentContent): Promise<Buffer> {
  const { quote, language } = content;
  const t = QUOTE_LABELS[language];
  const money = (amount: string) => formatMoney(amount, quote.currency, language);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t.quote}: ${quote.title}`, Author: content.dealer.name }, lang: language });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  const row = (cells: Cell[], bold = false) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    const height = Math.max(...cells.map((cell) => doc.heightOfString(cell.text, { width: cell.width - 6 }))) + 5;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    for (const cell of cells) {
      doc.text(cell.text, x, y, { width: cell.width - 6, align: cell.align ?? 'left' });
      x += cell.width;
    }
    if (bold)
      doc
        .moveTo(left, y + height - 2)
        .lineTo(left + width, y + height - 2)
        .lineWidth(0.5)
        .stroke();
    doc.x = left;
    doc.y = y + height;
  };
  const pair = (label: string, value: string, bold = false) =>
    row(
      [
        { text: label, width: width - 150, align: 'right' },
        { text: value, width: 150, align: 'right' },
      ],
      bold,
    );

  // Header: the dealer, then what this is and for whom.
  doc.font('bold').fontSize(16).text(content.dealer.name);
  if (content.dealer.details) doc.font('regular').fontSize(9).text(content.dealer.details);
  doc.moveDown(1.5);
  doc.font('bold').fontSize(14).text(`${t.quote}: ${quote.title}`);
  doc.font('regular').fontSize(10);
  doc.text(`${t.number}: ${quote.id.slice(0, 8).toUpperCase()}    ${t.date}: ${formatDate(content.sentAt, language, content.timeZone)}`);
  if (quote.validUntil) doc.text(`${t.validUntil}: ${formatDate(quote.validUntil, language, content.timeZone)}`);
  doc.text(`${t.customer}: ${content.customerName ?? '—'}`);
  doc.moveDown();

  // Lines and totals.
  const columns = [width - 330, 40, 95, 95, 100];
  const line = (texts: string[], bold = false) =>
    row(
      texts.map((text, i) => ({ text, width: columns[i]!, align: i === 0 ? 'left' : 'right' })),
      bold,
    );
  line([t.item, t.quantity, t.unitPrice, t.discount, t.net], true);
  for (const l of content.lines) {
    const discount = l.discountPercent != null ? `${formatPercent(l.discountPercent, language)}: ${money(l.discountAmount)}` : money(l.discountAmount);
    line([l.description, String(l.quantity), money(l.unitPriceAmount), discount, money(l.netAmount)]);
  }
  doc.moveDown(0.5);
  pair(t.subtotal, money(quote.subtotalAmount));
  pair(t.discount, money(quote.discountAmount));
  pair(`${t.vat} ${formatPercent(quote.taxRatePercent, language)}`, money(quote.taxAmount));
  pair(t.total, money(quote.totalAmount), true);

  // Each way to pay, with its instalments month by month.
  if (content.financing.length) {
    doc.moveDown();
    doc.font('bold').fontSize(12).text(t.financing);
  }
  for (const option of content.financing) {
    doc.moveDown(0.5);
    const terms =
      option.kind === FinancingKind.CASH
        ? ''
        : ` · ${option.termMonths} ${t.months} · ${t.annualRate} ${formatPercent(option.annualRatePercent ?? '0', language)}`;
    if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc.font('bold').fontSize(11).text(`${t[option.kind]}${terms}`, left);
    if (option.kind === FinancingKind.CASH) {
      pair(t.totalPaid, money(option.totalPaidAmount));
      continue;
    }
    pair(t.downPayment, money(option.downPaymentAmount));
    pair(t.financed, money(option.financedAmount));
    pair(t.monthlyPayment, money(option.monthlyPaymentAmount ?? '0'));
    if (option.kind === FinancingKind.LEASE) pair(t.residualValue, money(option.residualValueAmount));
    pair(t.totalPaid, money(option.totalPaidAmount));
    pair(t.totalInterest, money(option.totalInterestAmount));
    doc.moveDown(0.3);
    const residual = option.kind === FinancingKind.LEASE ? option.residualValueAmount : '0';
    const schedule = instalmentSchedule(option.financedAmount, option.annualRatePercent ?? '0', option.termMonths ?? 1, residual);
    const plan = (texts: string[], bold = false) =>
      row(
        texts.map((text, i) => ({ text, width: i === 0 ? width - 4 * 110 : 110, align: 'right' })),
        bold,
      );
    plan([t.month, t.instalment, t.interest, t.principal, t.balance], true);
    for (const month of schedule) plan([String(month.month), money(month.instalment), money(month.interest), money(month.principal), money(month.balance)]);
  }
  doc.end();
  return done;
}
