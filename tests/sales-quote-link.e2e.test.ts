import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signLinkToken } from '@crm/kit/access/link-token.js';
import {
  AddQuoteFinancingDocument,
  AddQuoteLineDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteForLinkDocument,
  CustomerTimelineDocument,
  EraseCustomerDocument,
  ErasureRequestDocument,
  OwnerQuoteViewsDocument,
  QuoteDocumentAndViewsDocument,
  SendQuoteDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { outboxOf } from './helpers/integration.js';
import { pdfText } from './helpers/pdf.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';
import { QUOTE_VIEW } from '../subgraphs/sales/src/modules/quote/quote.links.js';
import { formatMoney } from '../subgraphs/sales/src/modules/quote/quote.pdf.labels.js';

// Issue 12, point 4: a sent quote's tracked link, opened and downloaded by the customer through the gateway's public
// URL (no sign-in): each open and download is recorded with its kind, reaches marketing's timeline, and reaches the
// deal's owner live on opportunityChanged. The PDF and the link's rules in detail: subgraphs/sales/test/quote-document.int.test.ts.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const unique = () => randomUUID().slice(0, 8);
const CZK = (amount: string) => ({ amount, currency: 'CZK' });
const czk = (amount: string) => formatMoney(amount, 'CZK', 'cs');
/** The link as this test's gateway serves it (PUBLIC_URL names the platform's usual address, not the test's port). */
const throughGateway = (link: string) => new URL(new URL(link).pathname, url).toString();

describe("a sent quote's tracked link through the gateway", () => {
  it('records each open and download with its kind, on the timeline and live on the owner’s opportunityChanged', async () => {
    const owner = (await platform.createStaff('SALES_REP')).id; // owners are checked with identity (ADR 16)
    const client = connect(platform.wsUrl);
    const dashboard = subscribe(client, OwnerQuoteViewsDocument, { ownerId: owner, after: (await platform.bus.head()) ?? undefined });

    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Žofie', lastName: 'Dvořáková', emails: [`zofie-${unique()}@example.cz`], phones: [] },
    });
    const { createProduct: car } = await executeOk(url, CreateProductDocument, {
      input: { sku: `LINK-${unique()}`, name: 'Škoda Octavia Combi', category: 'CAR', listPrice: CZK('600000.00') },
    });
    const { createPipeline } = await executeOk(url, CreatePipelineDocument, {
      input: { name: `Links ${unique()}`, stages: [{ name: 'Inquiry', probability: 10 }] },
    });
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, pipelineId: createPipeline.id, title: 'Octavia', amount: CZK('600000.00'), ownerId: owner },
    });
    const draft = (
      await executeOk(url, CreateQuoteForLinkDocument, {
        input: { opportunityId: opportunity.id, title: 'Octavia pro rodinu', currency: 'CZK', taxRatePercent: '21', language: 'cs' },
      })
    ).createQuote;
    expect(draft.language).toBe('cs');
    const lined = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id } })).addQuoteLine;
    const financed = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: draft.id,
        version: lined.version,
        input: { kind: 'LOAN', termMonths: 24, annualRatePercent: '6.9', downPaymentAmount: '126000.00' },
      })
    ).addQuoteFinancing;
    const monthly = financed.financingOptions[0]!.monthlyPayment!.amount;
    await executeOk(url, SendQuoteDocument, { id: draft.id, version: financed.version });

    const { quote: sent } = await executeOk(url, QuoteDocumentAndViewsDocument, { id: draft.id });
    expect(sent.status).toBe('SENT');
    expect(sent.views).toEqual([]);
    expect(sent.document).toMatchObject({ language: 'cs', quoteVersion: financed.version, sizeBytes: expect.any(Number) });
    const link = sent.document!.url;
    expect(link).toMatch(/\/public\/sales\/quotes\/[\w-]+\.[\w-]+\.[\w-]+$/);
    // The QuoteSent event carries the link for marketing's message to the customer.
    const quoteSent = (await outboxOf(platform.subgraphs.sales.orm, draft.id)).find((e) => e.type === 'QuoteSent')!;
    expect((quoteSent.payload as { documentUrl: string }).documentUrl).toMatch(/\/public\/sales\/quotes\/[\w-]+\.[\w-]+\.[\w-]+$/);

    // The customer opens the link (no credentials), then downloads the PDF from the page.
    const page = await fetch(throughGateway(link));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Octavia pro rodinu');
    const href = /href="([^"]+\/document\.pdf)"/.exec(html)![1]!;
    const pdf = await fetch(new URL(href, throughGateway(link)));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="quote-/);
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Zákazník: Žofie Dvořáková'); // the name identity knows
    expect(text).toContain(`Celkem ${czk('726000.00')}`);
    expect(text).toContain(`Měsíční splátka ${czk(monthly)}`);
    expect(text).toContain(`1 ${czk(monthly)} ${czk('3450.00')}`); // month 1: 600,000 × 6.9 % / 12 of interest

    // Both recorded, with their kinds.
    const { quote: viewed } = await executeOk(url, QuoteDocumentAndViewsDocument, { id: draft.id });
    expect(viewed.status).toBe('VIEWED');
    expect(viewed.views.map((v) => [v.kind, v.channel])).toEqual([
      ['OPENED', 'WEB'],
      ['DOWNLOADED', 'DOWNLOAD'],
    ]);

    // Live, to the deal's owner: the opening and the download, each an OpportunityQuoteViewed.
    const live = await dashboard.waitFor(3);
    expect(live.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    expect(live.map((r) => r.data?.opportunityChanged.event.type)).toEqual(['OpportunityCreated', 'OpportunityQuoteViewed', 'OpportunityQuoteViewed']);
    expect(live[2]?.data?.opportunityChanged.opportunity?.quotes?.edges[0]?.node.views.map((v) => v.kind)).toEqual(['OPENED', 'DOWNLOADED']);
    await dashboard.close();
    await client.dispose();

    // On the customer's timeline in marketing: a quote view and a download.
    await eventually(async () => {
      const { customer } = await executeOk(url, CustomerTimelineDocument, { id: createCustomer.id, first: 20 });
      const entries = customer!.interactions!.edges.map((e) => e.node).filter((i) => i.properties?.quoteId === draft.id);
      expect(entries.map((i) => [i.type, i.properties?.kind ?? null]).sort()).toEqual([
        ['DOWNLOAD', 'DOWNLOADED'],
        ['QUOTE_SENT', null],
        ['QUOTE_VIEWED', 'OPENED'],
      ]);
    });
  });

  it('stops opening once its customer is erased: 410, nothing recorded, no document made again', async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Ema', lastName: `Smazaná ${unique()}`, emails: [], phones: [] },
    });
    const { createProduct: car } = await executeOk(url, CreateProductDocument, {
      input: { sku: `ERASE-${unique()}`, name: 'Škoda Fabia', category: 'CAR', listPrice: CZK('400000.00') },
    });
    const draft = (
      await executeOk(url, CreateQuoteForLinkDocument, {
        input: { customerId: createCustomer.id, title: 'Fabia', currency: 'CZK', taxRatePercent: '21', language: 'cs' },
      })
    ).createQuote;
    const lined = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id } })).addQuoteLine;
    await executeOk(url, SendQuoteDocument, { id: draft.id, version: lined.version });
    const link = throughGateway((await executeOk(url, QuoteDocumentAndViewsDocument, { id: draft.id })).quote.document!.url);
    expect((await fetch(link)).status).toBe(200);

    const { eraseCustomer } = await executeOk(url, EraseCustomerDocument, { customerId: createCustomer.id, reason: 'GDPR art. 17' });
    await eventually(async () => {
      const { erasureRequest } = await executeOk(url, ErasureRequestDocument, { id: eraseCustomer.id });
      expect(erasureRequest.perSubgraph.find((p) => p.subgraph === 'sales')?.done).toBe(true);
    }, 30_000);
    const sql = (statement: string) => platform.subgraphs.sales.orm.em.fork().execute<Array<{ n: number }>>(statement, [draft.id]);
    const views = async () => (await sql('select count(*)::int as n from quote_view where quote_id = ?'))[0]!.n;
    const documents = async () => (await sql('select count(*)::int as n from quote_document where quote_id = ?'))[0]!.n;
    const [viewsBefore, documentsBefore] = [await views(), await documents()];
    expect(documentsBefore).toBe(0); // the PDF named the person: the erasure deleted it
    for (const address of [link, `${link}/document.pdf`]) {
      const gone = await fetch(address, { headers: { 'accept-language': 'en' } });
      expect([address, gone.status]).toEqual([address, 410]);
      expect((await fetch(address, { method: 'HEAD' })).status).toBe(410);
    }
    expect([await views(), await documents()]).toEqual([viewsBefore, 0]);
  });

  it('answers an expired link 410 and a forged one 404 with a short page, and only known subgraphs and methods', async () => {
    const expired = await signLinkToken(QUOTE_VIEW, randomUUID(), new Date(Date.now() - 1000));
    const gone = await fetch(new URL(`/public/sales/quotes/${expired}`, url), { headers: { 'accept-language': 'cs' } });
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('Platnost tohoto odkazu vypršela');

    const forged = await fetch(new URL(`/public/sales/quotes/${expired.slice(0, -5)}AAAAA/document.pdf`, url), { headers: { 'accept-language': 'en' } });
    expect(forged.status).toBe(404);
    const body = await forged.text();
    expect(body).toContain('This link is not valid');
    expect(body).not.toMatch(/Error|stack|\.ts:/);

    expect((await fetch(new URL('/public/nowhere/quotes/x', url))).status).toBe(404);
    expect((await fetch(new URL('/public/sales/quotes/x', url), { method: 'PUT' })).status).toBe(405);
  });
});
