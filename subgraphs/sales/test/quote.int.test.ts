import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { ProductCategory } from '../src/modules/product/product.entity.js';
import { FinancingKind, FinancingOption, QuoteLine, QuoteStatus } from '../src/modules/quote/quote.entity.js';
import type { FinancingInput, QuoteLineInput } from '../src/modules/quote/quote.inputs.js';
import { addQuoteFinancing, addQuoteLine, acceptQuote, createQuote, markQuoteViewed, rejectQuote, sendQuote } from '../src/modules/quote/quote.service.js';
import { CZK, newPipeline, newProduct, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const admin = actingFor(randomUUID());

const line = (quoteId: string, version: number, input: Partial<QuoteLineInput> & Pick<QuoteLineInput, 'productId'>) =>
  write((em) => addQuoteLine(em, quoteId, version, { quantity: 1, ...input }, admin));
const financing = (quoteId: string, version: number, input: FinancingInput) => write((em) => addQuoteFinancing(em, quoteId, version, input, admin));
const linesOf = (quoteId: string) => em().find(QuoteLine, { quoteId }, { orderBy: { position: 'asc' } });
const financingOf = (quoteId: string) => em().find(FinancingOption, { quoteId }, { orderBy: { position: 'asc' } });

describe('quotes', () => {
  it('starts a quote with its lines as addQuoteLine adds them: QuoteCreated, then a QuoteChanged per line, in one write', async () => {
    const car = await write((em) => newProduct(em, 'Q-WITH-LINES', 'Superb', '800000.00'));
    const quote = await write((em) =>
      createQuote(
        em,
        {
          customerId: randomUUID(),
          title: 'With lines',
          currency: 'CZK',
          taxRatePercent: '21',
          lines: [
            { productId: car.id, quantity: 2, discountPercent: '5' },
            { productId: car.id, quantity: 1 },
          ],
        },
        admin,
      ),
    );
    expect((await linesOf(quote.id)).map((l) => [l.position, l.netAmount])).toEqual([
      [0, '1520000.00'],
      [1, '800000.00'],
    ]);
    expect(quote).toMatchObject({ status: 'DRAFT', version: 1 });
    expect(await outboxTypes(orm(), quote.id)).toEqual(['QuoteCreated', 'QuoteChanged', 'QuoteChanged']);
    const [, , last] = await outboxOf(orm(), quote.id);
    expect(last!.payload).toMatchObject({ total: { amount: '2807200.00', currency: 'CZK' } });
  });

  it('prices lines exactly, calculates loan and lease, and walks DRAFT → SENT → VIEWED → ACCEPTED', async () => {
    const customerId = randomUUID();
    const car = await write((em) => newProduct(em, 'Q-CAR', 'Quote car', '100000.00'));
    const extra = await write((em) => newProduct(em, 'Q-EXTRA', 'Floor mats', '0.10', ProductCategory.SERVICE_PACKAGE));
    const pipeline = await write((em) => newPipeline(em, 'Quotes'));
    const opportunity = await write((em) => createOpportunity(em, { customerId, pipelineId: pipeline.id, title: 'Deal', amount: CZK('100000') }, admin));
    let quote = await write((em) =>
      createQuote(em, { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21', validUntil: '2099-12-31' }, admin),
    );
    expect(quote).toMatchObject({ status: 'DRAFT', customerId, opportunityId: opportunity.id, validUntil: '2099-12-31' });

    const noFinancing = await refusal(financing(quote.id, quote.version, { kind: FinancingKind.CASH }));
    expect(noFinancing.code).toBe('BAD_USER_INPUT');
    expect(noFinancing.message).toMatch(/Add lines/);
    quote = await line(quote.id, quote.version, { productId: car.id, discountPercent: '5' });
    quote = await line(quote.id, quote.version, { productId: extra.id, quantity: 3, discountAmount: '0.05' });
    const skuOf = new Map([car, extra].map((p) => [p.id, p.sku]));
    expect((await linesOf(quote.id)).map((l) => [skuOf.get(l.productId), l.quantity, l.unitPrice().amount, l.discount().amount, l.net().amount])).toEqual([
      ['Q-CAR', 1, '100000.00', '5000.00', '95000.00'],
      ['Q-EXTRA', 3, '0.10', '0.05', '0.25'],
    ]);
    expect([quote.subtotal().amount, quote.discount().amount, quote.tax().amount, quote.total().amount]).toEqual([
      '100000.30',
      '5000.05',
      '19950.05',
      '114950.30',
    ]);

    quote = await financing(quote.id, quote.version, { kind: FinancingKind.LOAN, termMonths: 12, annualRatePercent: '12', downPaymentAmount: '14950.30' });
    quote = await financing(quote.id, quote.version, {
      kind: FinancingKind.LEASE,
      termMonths: 36,
      annualRatePercent: '6',
      downPaymentAmount: '84950.30',
      residualValueAmount: '10000',
    });
    quote = await financing(quote.id, quote.version, { kind: FinancingKind.CASH });
    expect(
      (await financingOf(quote.id)).map((f) => [
        f.kind,
        f.financed().amount,
        f.monthlyPayment()?.amount ?? null,
        f.totalPaid().amount,
        f.totalInterest().amount,
      ]),
    ).toEqual([
      ['LOAN', '100000.00', '8884.88', '121568.85', '6618.55'],
      ['LEASE', '30000.00', '658.44', '118654.09', '3703.79'],
      ['CASH', '0.00', null, '114950.30', '0.00'],
    ]);

    const bad = async (input: Partial<QuoteLineInput>, message: string | RegExp) => {
      const refused = await refusal(line(quote.id, quote.version, { productId: car.id, ...input }));
      expect(refused.code).toBe('BAD_USER_INPUT');
      expect(refused.message).toMatch(message);
    };
    await bad({ discountPercent: '5', discountAmount: '1' }, 'Give the discount in percent or as an amount, not both');
    await bad({ discountPercent: '120' }, 'discountPercent must be between 0 and 100');
    await bad({ discountAmount: '100000.01' }, 'The discount is more than the line is worth');
    await bad({ unitPrice: { amount: '10', currency: 'EUR' } }, 'The unit price is in EUR but the quote is in CZK');
    expect((await refusal(line(quote.id, quote.version, { productId: UNKNOWN_ID }))).code).toBe('NOT_FOUND');
    const lease = await refusal(financing(quote.id, quote.version, { kind: FinancingKind.LEASE, termMonths: 12, annualRatePercent: '5' }));
    expect(lease.code).toBe('BAD_USER_INPUT');
    expect(lease.message).toMatch(/residualValue/);
    expect(await refusal(write((em) => acceptQuote(em, quote.id, quote.version, admin)))).toMatchObject({
      code: 'CONFLICT',
      message: 'A DRAFT quote cannot become ACCEPTED; allowed next: SENT',
    });
    expect(await linesOf(quote.id)).toHaveLength(2);

    const sent = await write((em) => sendQuote(em, quote.id, quote.version, admin));
    expect(sent.status).toBe('SENT');
    const edited = await refusal(line(quote.id, sent.version, { productId: car.id }));
    expect(edited).toMatchObject({ code: 'CONFLICT', extensions: { field: 'id' } }); // its status, not the line
    expect(edited.message).toMatch(/can no longer be edited/);
    const viewed = await write((em) => markQuoteViewed(em, quote.id));
    expect(viewed).toMatchObject({ status: 'VIEWED', version: sent.version + 1 });
    // Opened again: recorded too (its own QuoteViewed), the quote itself unchanged.
    expect(await write((em) => markQuoteViewed(em, quote.id))).toMatchObject({ status: 'VIEWED', version: viewed.version });
    expect((await refusal(write((em) => acceptQuote(em, quote.id, sent.version, admin)))).code).toBe('CONFLICT');
    expect((await write((em) => acceptQuote(em, quote.id, viewed.version, admin))).status).toBe(QuoteStatus.ACCEPTED);

    const events = await outboxOf(orm(), quote.id);
    expect(events.map((e) => e.type)).toEqual([
      'QuoteCreated',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteSent',
      'QuoteViewed',
      'QuoteViewed',
      'QuoteAccepted',
    ]);
    expect(events[6]?.payload).toMatchObject({
      total: { amount: '114950.30', currency: 'CZK' },
      lines: [{ description: 'Quote car' }, { description: 'Floor mats' }],
    });
    // The opportunity's owner hears of each opening.
    expect((await outboxTypes(orm(), opportunity.id)).filter((type) => type === 'OpportunityQuoteViewed')).toHaveLength(2);
  });

  it('keeps percent-based financing in step with the total, and rejects a quote after sending', async () => {
    const car = await write((em) => newProduct(em, 'R-CAR', 'Reject car', '30000.00'));
    let quote = await write((em) => createQuote(em, { customerId: randomUUID(), title: 'Lease', currency: 'CZK', taxRatePercent: '0' }, admin));
    quote = await line(quote.id, quote.version, { productId: car.id });
    quote = await financing(quote.id, quote.version, { kind: FinancingKind.LOAN, termMonths: 10, annualRatePercent: '0', downPaymentPercent: '10' });
    expect((await financingOf(quote.id)).map((f) => [f.downPayment().amount, f.monthlyPayment()?.amount])).toEqual([['3000.00', '2700.00']]);
    quote = await line(quote.id, quote.version, { productId: car.id });
    expect((await financingOf(quote.id)).map((f) => [f.downPayment().amount, f.monthlyPayment()?.amount, f.totalPaid().amount])).toEqual([
      ['6000.00', '5400.00', '60000.00'],
    ]);

    const sent = await write((em) => sendQuote(em, quote.id, quote.version, admin));
    const rejected = await write((em) => rejectQuote(em, quote.id, sent.version, admin, ' Too expensive '));
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Too expensive' });
    const opened = await refusal(write((em) => markQuoteViewed(em, quote.id)));
    expect(opened.code).toBe('CONFLICT');
    expect(opened.message).toMatch(/REJECTED quote cannot become VIEWED/);
    expect((await outboxTypes(orm(), quote.id)).slice(-2)).toEqual(['QuoteSent', 'QuoteRejected']);
    const nobody = await refusal(write((em) => createQuote(em, { title: 'Nobody', currency: 'CZK', taxRatePercent: '0' }, admin)));
    expect(nobody.code).toBe('BAD_USER_INPUT');
    expect(nobody.message).toMatch(/customerId or an opportunityId/);
  });

  it('reports an unknown quote', async () => {
    expect(await refusal(write((em) => sendQuote(em, UNKNOWN_ID, 1, admin)))).toMatchObject({
      code: 'NOT_FOUND',
      message: `Quote ${UNKNOWN_ID} does not exist`,
    });
  });
});
