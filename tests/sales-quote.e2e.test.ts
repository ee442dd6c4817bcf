import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcceptQuoteDocument,
  AddQuoteFinancingDocument,
  AddQuoteLineDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  FollowUpsDocument,
  MarkQuoteViewedDocument,
  MarketingAutomationViewDocument,
  MoveOpportunityDocument,
  OpportunityDocument,
  OwnerOpportunityChangedDocument,
  RecordConsentDocument,
  SendQuoteDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { outboxOf } from './helpers/integration.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';
import { eventually } from './helpers/eventually.js';

// Sales' quotes through the gateway: the quote as the API answers it, input the API refuses, and the owner told live
// when the customer opens it (DOMAIN Story 1 step 8). Pricing, financing and statuses are tested on sales' own
// database (subgraphs/sales/test/quote.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const CZK = (amount: string) => ({ amount, currency: 'CZK' });
const unique = () => randomUUID().slice(0, 8);

async function newCustomer(firstName: string) {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Quote', emails: [`${firstName.toLowerCase()}-${unique()}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

async function newProduct(price = '100000.00') {
  const sku = `Q-${unique()}`;
  return (await executeOk(url, CreateProductDocument, { input: { sku, name: `Car ${sku}`, category: 'CAR', listPrice: CZK(price) } })).createProduct;
}

async function newOpportunity(customerId: string, ownerId?: string) {
  const stages = [
    { name: 'Inquiry', probability: 10 },
    { name: 'Offer sent', probability: 50, marker: 'FIRST_OFFER_SENT' as const },
  ];
  const { createPipeline } = await executeOk(url, CreatePipelineDocument, { input: { name: `Quotes ${unique()}`, stages } });
  return (
    await executeOk(url, CreateOpportunityDocument, {
      input: { customerId, pipelineId: createPipeline.id, title: 'Quote deal', amount: CZK('799900.00'), ownerId },
    })
  ).createOpportunity;
}

function expectError(result: GraphQLResponse<unknown>, code: string, message: string | RegExp) {
  expect(errorCodes(result)).toEqual([code]);
  expect(result.errors?.[0]?.message).toMatch(message);
}

describe('a quote through the gateway', () => {
  it('answers with its lines, their products, the totals and the financing, as money', async () => {
    const opportunity = await newOpportunity(await newCustomer('Shape'));
    const car = await newProduct();
    const draft = (
      await executeOk(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21' } })
    ).createQuote;
    const lined = (
      await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id, discountPercent: '5' } })
    ).addQuoteLine;
    const { addQuoteFinancing: quote } = await executeOk(url, AddQuoteFinancingDocument, {
      quoteId: draft.id,
      version: lined.version,
      input: { kind: 'LOAN', termMonths: 12, annualRatePercent: '12', downPaymentAmount: '14950.00' },
    });
    expect(quote).toMatchObject({
      status: 'DRAFT',
      taxRatePercent: '21.00',
      subtotal: { amount: '100000.00' },
      discount: { amount: '5000.00' },
      tax: { amount: '19950.00' },
      total: { amount: '114950.00', currency: 'CZK' },
      lines: [
        {
          description: car.name,
          quantity: 1,
          discountPercent: '5.00',
          product: { sku: car.sku },
          unitPrice: { amount: '100000.00' },
          net: { amount: '95000.00' },
        },
      ],
    });
    expect(quote.financingOptions).toMatchObject([{ kind: 'LOAN', termMonths: 12, downPayment: { amount: '14950.00' }, financed: { amount: '100000.00' } }]);
    expect(quote.financingOptions[0]?.monthlyPayment?.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('refuses malformed quantities and money before any rule runs', async () => {
    const opportunity = await newOpportunity(await newCustomer('Malformed'));
    const car = await newProduct();
    const quote = (await executeOk(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK' } })).createQuote;
    const line = (input: Record<string, unknown>) =>
      execute(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: car.id, ...input } });
    expectError(await line({ quantity: -2 }), 'BAD_USER_INPUT', 'quantity must be at least 1');
    expectError(await line({ unitPrice: { amount: '10,5', currency: 'CZK' } }), 'BAD_USER_INPUT', /not a decimal number/);
    expectError(
      await execute(url, CreateProductDocument, { input: { sku: 'X1', name: 'Bad', category: 'CAR', listPrice: CZK('abc') } }),
      'BAD_USER_INPUT',
      /not a decimal/,
    );
    expectError(
      await execute(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Offer', currency: 'euro' } }),
      'BAD_USER_INPUT',
      /ISO 4217/,
    );
  });

  it('tells the owner live each time the customer opens or downloads the quote: QuoteViewed and OpportunityQuoteViewed', async () => {
    const owner = (await platform.createStaff('SALES_REP')).id; // owners are checked with identity (ADR 16)
    // The owner's dashboard, from now on (the cursor replays whatever happens before it is registered).
    const client = connect(platform.wsUrl);
    const dashboard = subscribe(client, OwnerOpportunityChangedDocument, { ownerId: owner, after: (await platform.bus.head()) ?? undefined });
    const customerId = await newCustomer('Viewer');
    const product = await newProduct('799900.00');
    const opportunity = await newOpportunity(customerId, owner);
    const draft = (
      await executeOk(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21' } })
    ).createQuote;
    const quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: product.id, quantity: 1 } }))
      .addQuoteLine;
    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    const { markQuoteViewed } = await executeOk(url, MarkQuoteViewedDocument, { id: sent.id, channel: 'EMAIL' });
    expect(markQuoteViewed.status).toBe('VIEWED');
    const again = (await executeOk(url, MarkQuoteViewedDocument, { id: sent.id, channel: 'DOWNLOAD' })).markQuoteViewed; // a download, recorded too
    expect(again).toMatchObject({ status: 'VIEWED', version: markQuoteViewed.version });

    const sales = platform.subgraphs.sales.orm;
    const quoteSnapshot = {
      quoteId: quote.id,
      opportunityId: opportunity.id,
      customerId,
      ownerId: owner,
      total: { amount: quote.total.amount, currency: 'CZK' },
      products: [{ productId: product.id, name: product.name, category: 'CAR' }],
    };
    const quoteEvents = await outboxOf(sales, quote.id);
    expect(quoteEvents.map((e) => e.type)).toEqual(['QuoteCreated', 'QuoteChanged', 'QuoteSent', 'QuoteViewed', 'QuoteViewed']);
    expect(quoteEvents.find((e) => e.type === 'QuoteSent')?.payload).toMatchObject(quoteSnapshot);
    expect(quoteEvents.filter((e) => e.type === 'QuoteViewed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ ...quoteSnapshot, channel: 'EMAIL', kind: 'OPENED', status: 'VIEWED' }),
      expect.objectContaining({ ...quoteSnapshot, channel: 'DOWNLOAD', kind: 'DOWNLOADED', status: 'VIEWED' }),
    ]);

    const viewed = (await outboxOf(sales, opportunity.id)).filter((e) => e.type === 'OpportunityQuoteViewed');
    expect(viewed.map((e) => (e.payload as { kind: string }).kind)).toEqual(['OPENED', 'DOWNLOADED']);
    expect(viewed[0]?.payload).toMatchObject({
      opportunityId: opportunity.id,
      customerId,
      ownerId: owner,
      pipelineId: opportunity.pipeline.id,
      stageName: 'Inquiry',
      status: 'OPEN',
      quoteId: quote.id,
      channel: 'EMAIL',
    });
    // Live on the owner's opportunityChanged(filter: {ownerId}) subscription.
    const live = await dashboard.waitFor(3);
    expect(live.map((r) => r.data?.opportunityChanged.event.type)).toEqual(['OpportunityCreated', 'OpportunityQuoteViewed', 'OpportunityQuoteViewed']);
    expect(live[1]?.data?.opportunityChanged).toMatchObject({
      event: { aggregateId: opportunity.id },
      opportunity: { id: opportunity.id, title: 'Quote deal' },
    });
    await dashboard.close();
    await client.dispose();
  });
});

describe('accepting a quote closes the loop on its deal (issue 12)', () => {
  async function sentQuote(opportunityId: string, price: string) {
    const car = await newProduct(price);
    const draft = (await executeOk(url, CreateQuoteDocument, { input: { opportunityId, title: 'Final offer', currency: 'CZK', taxRatePercent: '0' } }))
      .createQuote;
    const lined = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id } })).addQuoteLine;
    return (await executeOk(url, SendQuoteDocument, { id: lined.id, version: lined.version })).sendQuote;
  }

  it("sets the opportunity's amount to the accepted quote's total, in the same transaction, with the snapshot in its event", async () => {
    const opportunity = await newOpportunity(await newCustomer('Accepter'));
    const sent = await sentQuote(opportunity.id, '1061657.03');
    const { acceptQuote } = await executeOk(url, AcceptQuoteDocument, { id: sent.id, version: sent.version });
    expect(acceptQuote.status).toBe('ACCEPTED');

    const after = (await executeOk(url, OpportunityDocument, { id: opportunity.id })).opportunity;
    expect(after.amount).toEqual({ amount: '1061657.03', currency: 'CZK' });
    expect(after.version).toBeGreaterThan(opportunity.version);
    expect(after.status).toBe('OPEN'); // not won unless asked

    const changed = (await outboxOf(platform.subgraphs.sales.orm, opportunity.id)).filter((e) => e.type === 'OpportunityChanged');
    expect(changed.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        opportunityId: opportunity.id,
        amount: { amount: '1061657.03', currency: 'CZK' },
        changedFields: ['amount'],
        quoteId: sent.id,
      }),
    ]);
  });

  it('with winOpportunity also wins the deal: WON stage and events, the follow-up call closed, the first-offer sequence exited', async () => {
    const owner = (await platform.createStaff('SALES_REP')).id; // owners are checked with identity (ADR 16)
    const customerId = await newCustomer('Winner');
    await executeOk(url, RecordConsentDocument, {
      input: { customerId, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v1' },
    });
    const enrolments = async () =>
      (await executeOk(url, MarketingAutomationViewDocument, { id: customerId })).customer!.sequenceEnrolments!.edges.map((e) => ({
        sequence: e.node.sequence?.name,
        status: e.node.status,
      }));
    // marketing knows the consent before the first offer goes out (identity's and sales' events are separate streams)
    await eventually(async () => {
      const [row] = await platform.subgraphs.marketing.orm.em
        .fork()
        .execute<Array<{ granted: boolean }>>("select granted from consent_state where customer_id = ? and purpose = 'MARKETING'", [customerId]);
      expect(row?.granted).toBe(true);
    });
    const { createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Won ${unique()}`,
        stages: [
          { name: 'Inquiry', probability: 10 },
          { name: 'Offer sent', probability: 50, marker: 'FIRST_OFFER_SENT' },
          { name: 'Won', probability: 100, isWon: true },
          { name: 'Lost', probability: 0, isLost: true, marker: 'LOST' },
        ],
      },
    });
    const created = (
      await executeOk(url, CreateOpportunityDocument, {
        input: { customerId, pipelineId: pipeline.id, title: 'Won deal', amount: CZK('789900.00'), ownerId: owner },
      })
    ).createOpportunity;
    const offerStage = pipeline.stages.find((stage) => stage.name === 'Offer sent')!;
    const offered = (await executeOk(url, MoveOpportunityDocument, { id: created.id, version: created.version, stageId: offerStage.id })).moveOpportunity;
    // sales' own consumer plans the call after the first offer (Story 1, step 7)
    const followUps = async () => (await executeOk(url, FollowUpsDocument, { filter: { opportunityId: offered.id } })).activities.edges.map((e) => e.node);
    const [call] = await eventually(async () => {
      const planned = await followUps();
      expect(planned).toEqual([expect.objectContaining({ type: 'CALL', done: false })]);
      return planned;
    });

    await eventually(async () => expect(await enrolments()).toEqual([{ sequence: 'After the first offer', status: 'ACTIVE' }]));

    const sent = await sentQuote(offered.id, '1061657.03');
    const { acceptQuote } = await executeOk(url, AcceptQuoteDocument, { id: sent.id, version: sent.version, input: { winOpportunity: true } });
    expect(acceptQuote.status).toBe('ACCEPTED');

    const won = (await executeOk(url, OpportunityDocument, { id: offered.id })).opportunity;
    expect(won).toMatchObject({ status: 'WON', stage: 'Won', amount: { amount: '1061657.03', currency: 'CZK' } });
    expect(await followUps()).toEqual([expect.objectContaining({ id: call!.id, done: true })]);
    const types = (await outboxOf(platform.subgraphs.sales.orm, offered.id)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['OpportunityChanged', 'OpportunityStageChanged', 'OpportunityWon']);
    const completed = (await outboxOf(platform.subgraphs.sales.orm, call!.id)).map((e) => e.type);
    expect(completed).toEqual(['ActivityCreated', 'ActivityCompleted']);
    // marketing's journey consumer ends the newsletters of the won deal
    await eventually(async () => expect(await enrolments()).toEqual([{ sequence: 'After the first offer', status: 'EXITED' }]));
  });

  it('refuses to win a deal whose pipeline has no WON stage, and changes nothing', async () => {
    const opportunity = await newOpportunity(await newCustomer('Nowin'));
    const sent = await sentQuote(opportunity.id, '500000.00');
    const refused = await execute(url, AcceptQuoteDocument, { id: sent.id, version: sent.version, input: { winOpportunity: true } });
    expectError(refused, 'BAD_USER_INPUT', /no WON stage/);
    expect((await executeOk(url, OpportunityDocument, { id: opportunity.id })).opportunity.amount.amount).toBe('799900.00');
  });
});
