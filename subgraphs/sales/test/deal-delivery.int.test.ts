import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { outboxOf } from '../../../tests/helpers/integration.js';
import { ProductCategory } from '../src/modules/product/product.entity.js';
import { createOpportunity, getOpportunity, moveOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { acceptQuote, addQuoteLine, createQuote, sendQuote } from '../src/modules/quote/quote.service.js';
import { CZK, newPipeline, newProduct, useFreshSalesDatabase } from './database.js';

// Issue 12, point 4: the delivered car's asset links to the deal. Sales says which deal was won with which accepted
// quote and what it sold; service registers the cars (subgraphs/service/test/deal-assets.int.test.ts).

const { orm, em, write } = useFreshSalesDatabase();
const admin = actingFor(randomUUID());

async function dealWithQuote(name: string) {
  const pipeline = await write((em) => newPipeline(em, name));
  const [, , won] = await stagesOf(em(), pipeline.id);
  const opportunity = await write((em) =>
    createOpportunity(em, { customerId: randomUUID(), pipelineId: pipeline.id, title: name, amount: CZK('1.00'), ownerId: randomUUID() }, admin),
  );
  const car = await write((em) => newProduct(em, `DLV-${randomUUID().slice(0, 8)}`, 'Kodiaq Sportline', '900000.00'));
  const cover = await write((em) => newProduct(em, `INS-${randomUUID().slice(0, 8)}`, 'Comprehensive cover', '20000.00', ProductCategory.INSURANCE));
  let quote = await write((em) => createQuote(em, { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21' }, admin));
  for (const product of [car, cover]) {
    quote = await write((em) => addQuoteLine(em, quote.id, quote.version, { productId: product.id, quantity: 1, unitPrice: CZK('1000.00') }, admin));
  }
  quote = await write((em) => sendQuote(em, quote.id, quote.version, admin));
  return { opportunity, won: won!, quote, car, cover };
}
const last = async (aggregateId: string, type: string) => (await outboxOf(orm(), aggregateId)).filter((e) => e.type === type).at(-1);

describe('a deal won with an accepted quote', () => {
  it('accepted and won at once: QuoteAccepted says the deal is WON', async () => {
    const { opportunity, quote, car, cover } = await dealWithQuote('At once');
    await write((em) => acceptQuote(em, quote.id, quote.version, admin, { winOpportunity: true }));
    expect((await last(quote.id, 'QuoteAccepted'))?.payload).toMatchObject({
      quoteId: quote.id,
      opportunityId: opportunity.id,
      opportunityStatus: 'WON',
      products: [
        { productId: car.id, name: 'Kodiaq Sportline', category: 'CAR' },
        { productId: cover.id, name: 'Comprehensive cover', category: 'INSURANCE' },
      ],
    });
  });

  it('accepted first and won later: OpportunityWon names the accepted quote and what it sold', async () => {
    const { opportunity, won, quote, car } = await dealWithQuote('Later');
    await write((em) => acceptQuote(em, quote.id, quote.version, admin));
    expect((await last(quote.id, 'QuoteAccepted'))?.payload.opportunityStatus).toBe('OPEN');
    const priced = await getOpportunity(em(), opportunity.id);
    await write((em) => moveOpportunity(em, opportunity.id, priced.version, won.id, admin));
    const wonEvent = await last(opportunity.id, 'OpportunityWon');
    expect(wonEvent?.payload.acceptedQuote).toMatchObject({
      quoteId: quote.id,
      products: expect.arrayContaining([expect.objectContaining({ productId: car.id, category: 'CAR' })]),
    });
  });

  it('won without an accepted quote: OpportunityWon names none', async () => {
    const { opportunity, won } = await dealWithQuote('No quote taken');
    await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, won.id, admin));
    expect((await last(opportunity.id, 'OpportunityWon'))?.payload.acceptedQuote).toBeNull();
  });
});
