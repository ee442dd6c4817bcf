import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { signLinkToken } from '@crm/kit/access/link-token.js';
import { createLogger } from '@crm/kit/logger.js';
import { outboxOf } from '../../../tests/helpers/integration.js';
import { pdfText } from '../../../tests/helpers/pdf.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { FinancingKind } from '../src/modules/quote/quote.entity.js';
import { QuoteDocument, QuoteView } from '../src/modules/quote/quote-document.entity.js';
import { QUOTE_VIEW } from '../src/modules/quote/quote.links.js';
import { instalmentSchedule } from '../src/modules/quote/quote.math.js';
import { formatMoney } from '../src/modules/quote/quote.pdf.labels.js';
import { quotePublicRoutes } from '../src/modules/quote/quote.routes.js';
import { addQuoteFinancing, addQuoteLine, createQuote, rejectQuote, sendQuote } from '../src/modules/quote/quote.service.js';
import { CZK, newPipeline, newProduct, useFreshSalesDatabase } from './database.js';

// A sent quote's PDF (rendered with pdfkit, read back with pdf-parse) and its tracked link: the public routes sales
// mounts under /public (the gateway forwards /public/sales/… to them; tests/sales-quote-link.e2e.test.ts).

const { orm, em, write } = useFreshSalesDatabase();
const admin = actingFor(randomUUID());
const czk = (amount: string) => formatMoney(amount, 'CZK', 'cs');

let server: http.Server;
let base: string;
beforeAll(async () => {
  const app = express();
  const router = express.Router();
  quotePublicRoutes(router, { orm: orm(), log: createLogger('sales') });
  app.use('/public', router);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/public`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A sent quote with a discounted car, 21 % VAT, a 12-month loan and cash: the figures of quote.int.test.ts. */
async function sentQuote(language: string | null = 'cs') {
  const customerId = randomUUID();
  const sku = `D-${randomUUID().slice(0, 6)}`;
  const car = await write((em) => newProduct(em, sku, 'Škoda Kodiaq 7 míst', '100000.00'));
  const pipeline = await write((em) => newPipeline(em, `Documents ${sku}`));
  const opportunity = await write((em) => createOpportunity(em, { customerId, pipelineId: pipeline.id, title: 'Deal', amount: CZK('100000') }, admin));
  let quote = await write((em) =>
    createQuote(
      em,
      { opportunityId: opportunity.id, title: 'Nabídka Kodiaq', currency: 'CZK', taxRatePercent: '21', validUntil: '2099-12-31', language },
      admin,
    ),
  );
  quote = await write((em) => addQuoteLine(em, quote.id, quote.version, { productId: car.id, quantity: 1, discountPercent: '5' }, admin));
  quote = await write((em) =>
    addQuoteFinancing(em, quote.id, quote.version, { kind: FinancingKind.LOAN, termMonths: 12, annualRatePercent: '12', downPaymentAmount: '14950.00' }, admin),
  );
  quote = await write((em) => addQuoteFinancing(em, quote.id, quote.version, { kind: FinancingKind.CASH }, admin));
  const draftVersion = quote.version;
  const sent = await write((em) => sendQuote(em, quote.id, quote.version, admin, { customerName: async () => 'Jana Nováková' }));
  return { quote: sent, opportunity, draftVersion };
}

const documentOf = async (quoteId: string) => (await em().find(QuoteDocument, { quoteId }, { populate: ['content'] }))[0]!;
const viewsOf = async (quoteId: string) => (await em().find(QuoteView, { quoteId }, { orderBy: { viewedAt: 'asc' } })).map((v) => [v.kind, v.channel]);
const linkOf = async (quoteId: string) => {
  const sent = (await outboxOf(orm(), quoteId)).find((e) => e.type === 'QuoteSent')!;
  return (sent.payload as { documentUrl: string }).documentUrl;
};
const tokenOf = async (quoteId: string) => new URL(await linkOf(quoteId)).pathname.split('/').at(-1)!;

describe("a sent quote's PDF", () => {
  it('shows the dealer, the customer, the lines with discounts, VAT, the total and each loan instalment, in Czech', async () => {
    const { quote, draftVersion } = await sentQuote();
    const document = await documentOf(quote.id);
    expect(document).toMatchObject({ quoteVersion: draftVersion, language: 'cs', sizeBytes: document.content.length });
    expect(document.content.subarray(0, 5).toString()).toBe('%PDF-');

    const text = await pdfText(document.content);
    expect(text).toContain('Cenová nabídka: Nabídka Kodiaq');
    expect(text).toContain('Zákazník: Jana Nováková');
    expect(text).toContain(`Škoda Kodiaq 7 míst 1 ${czk('100000.00')} 5 %: ${czk('5000.00')} ${czk('95000.00')}`);
    expect(text).toContain(`Mezisoučet ${czk('100000.00')}`);
    expect(text).toContain(`DPH 21 % ${czk('19950.00')}`);
    expect(text).toContain(`Celkem ${czk('114950.00')}`);
    // The loan: the figures the quote holds, then its instalments month by month (quote.math's schedule).
    expect(text).toContain(`Měsíční splátka ${czk('8884.88')}`);
    const schedule = instalmentSchedule('100000.00', '12', 12);
    expect(text).toContain('Měsíc Splátka Úrok Jistina Zůstatek');
    for (const month of [schedule[0]!, schedule[11]!]) {
      expect(text).toContain(`${month.month} ${czk(month.instalment)} ${czk(month.interest)} ${czk(month.principal)} ${czk(month.balance)}`);
    }
    expect(schedule[11]!.balance).toBe('0.00');
    expect(text).toContain(`Hotově Zaplaceno celkem ${czk('114950.00')}`);
  });

  it('is written in the quote’s language (Polish here), and QuoteSent carries its tracked link', async () => {
    const { quote } = await sentQuote('pl');
    const text = await pdfText((await documentOf(quote.id)).content);
    expect(text).toContain('Oferta cenowa: Nabídka Kodiaq');
    expect(text).toContain('Rata miesięczna');
    expect(text).toContain('Miesiąc Rata Odsetki Kapitał Saldo');
    expect(await linkOf(quote.id)).toMatch(/^http:\/\/localhost:\d+\/public\/sales\/quotes\/[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe("a quote's tracked link", () => {
  it('records every open and every download with its kind, each with its event, and serves the page and the PDF', async () => {
    const { quote, opportunity } = await sentQuote();
    const token = await tokenOf(quote.id);

    const page = await fetch(`${base}/quotes/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Nabídka Kodiaq');
    expect(html).toContain(czk('114950.00'));
    expect(html).toContain(`href="${token}/document.pdf"`);
    expect((await fetch(`${base}/quotes/${token}`)).status).toBe(200); // opened again

    const pdf = await fetch(`${base}/quotes/${token}/document.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="quote-[0-9a-f]{8}\.pdf"$/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.equals((await documentOf(quote.id)).content)).toBe(true);

    expect(await viewsOf(quote.id)).toEqual([
      ['OPENED', 'WEB'],
      ['OPENED', 'WEB'],
      ['DOWNLOADED', 'DOWNLOAD'],
    ]);
    const viewed = (await outboxOf(orm(), quote.id)).filter((e) => e.type === 'QuoteViewed').map((e) => e.payload);
    expect(viewed).toEqual([
      expect.objectContaining({ kind: 'OPENED', channel: 'WEB', status: 'VIEWED' }),
      expect.objectContaining({ kind: 'OPENED', channel: 'WEB', status: 'VIEWED' }),
      expect.objectContaining({ kind: 'DOWNLOADED', channel: 'DOWNLOAD', status: 'VIEWED' }),
    ]);
    const toOwner = (await outboxOf(orm(), opportunity.id)).filter((e) => e.type === 'OpportunityQuoteViewed').map((e) => e.payload);
    expect(toOwner.map((p) => (p as { kind: string }).kind)).toEqual(['OPENED', 'OPENED', 'DOWNLOADED']);
  });

  it('answers an expired token 410 and a forged or foreign one 404, as a short page, recording nothing', async () => {
    const { quote } = await sentQuote();
    const token = await tokenOf(quote.id);
    const expired = await signLinkToken(QUOTE_VIEW, quote.id, new Date(Date.now() - 60_000));
    const forged = `${token.slice(0, -6)}AAAAAA`;
    const foreign = await signLinkToken('lead-follow', quote.id, new Date(Date.now() + 60_000));

    const gone = await fetch(`${base}/quotes/${expired}`, { headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('This link has expired');
    expect((await fetch(`${base}/quotes/${expired}/document.pdf`)).status).toBe(410);
    for (const bad of [forged, foreign, 'not-a-token', quote.id]) {
      for (const path of [`quotes/${bad}`, `quotes/${bad}/document.pdf`]) {
        const answer = await fetch(`${base}/${path}`, { headers: { 'accept-language': 'pl' } });
        expect(answer.status).toBe(404);
        const body = await answer.text();
        expect(body).toContain('Ten link jest nieprawidłowy');
        expect(body).not.toMatch(/Error|at .*\.ts|stack/);
      }
    }
    expect(await viewsOf(quote.id)).toEqual([]);
  });

  it('answers 410 for a quote no longer open (rejected)', async () => {
    const { quote } = await sentQuote();
    const token = await tokenOf(quote.id);
    await write((em) => rejectQuote(em, quote.id, quote.version, admin, null));
    const answer = await fetch(`${base}/quotes/${token}`);
    expect(answer.status).toBe(410);
    expect(await answer.text()).toContain('Tato nabídka již není k dispozici');
    expect(await viewsOf(quote.id)).toEqual([]);
  });
});
