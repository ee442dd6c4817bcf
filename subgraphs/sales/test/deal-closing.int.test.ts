import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { deliver, outboxOf, outboxTypes, published } from '../../../tests/helpers/integration.js';
import { Activity, SalesActivityType } from '../src/modules/activity/activity.entity.js';
import { createActivity } from '../src/modules/activity/activity.service.js';
import { firstOfferFollowUp } from '../src/modules/opportunity/opportunity.handlers.js';
import { createOpportunity, getOpportunity, moveOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { acceptQuote, addQuoteLine, createQuote, sendQuote } from '../src/modules/quote/quote.service.js';
import { CZK, newPipeline, newProduct, useFreshSalesDatabase } from './database.js';

// Issue 12, point 4: deals close the loop. Accepting a quote prices (and may win) its opportunity; a WON or LOST deal
// closes its follow-ups. Through the gateway: tests/sales-quote.e2e.test.ts.

const { orm, em, write } = useFreshSalesDatabase();

const admin = actingFor(randomUUID());
const DAY = 24 * 3600_000;

async function deal(name: string) {
  const pipeline = await write((em) => newPipeline(em, name));
  const [inquiry, offer, won, lost] = await stagesOf(em(), pipeline.id);
  const opportunity = await write((em) =>
    createOpportunity(em, { customerId: randomUUID(), pipelineId: pipeline.id, title: name, amount: CZK('789900.00'), ownerId: randomUUID() }, admin),
  );
  return { opportunity, stages: { inquiry: inquiry!, offer: offer!, won: won!, lost: lost! } };
}

const plan = (opportunityId: string, type: SalesActivityType, subject: string) =>
  write((em) => createActivity(em, { type, subject, opportunityId, dueAt: new Date(Date.now() + 3 * DAY) }));

describe('a deal WON or LOST closes its follow-ups', () => {
  it('closes the open calls and tasks of a LOST deal (done, with the reason, ActivityCompleted), keeps meetings and other deals', async () => {
    const { opportunity, stages } = await deal('Lost deal');
    const other = await deal('Other deal');
    const call = await plan(opportunity.id, SalesActivityType.CALL, 'Call about the offer');
    const task = await plan(opportunity.id, SalesActivityType.TASK, 'Send the brochure');
    const meeting = await plan(opportunity.id, SalesActivityType.MEETING, 'Test drive');
    const elsewhere = await plan(other.opportunity.id, SalesActivityType.CALL, 'Call the other customer');

    const lost = await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stages.lost.id, admin));
    expect(lost.status).toBe('LOST');

    const after = async (id: string) => em().findOneOrFail(Activity, { id });
    for (const closed of [call, task]) {
      expect(await after(closed.id)).toMatchObject({ completedAt: expect.any(Date), notes: expect.stringMatching(/opportunity was LOST/) });
      expect(await outboxTypes(orm(), closed.id)).toEqual(['ActivityCreated', 'ActivityCompleted']);
    }
    expect((await after(meeting.id)).completedAt).toBeNull();
    expect((await after(elsewhere.id)).completedAt).toBeNull();
    expect((await outboxTypes(orm(), opportunity.id)).slice(-2)).toEqual(['OpportunityStageChanged', 'OpportunityLost']);
  });

  it('plans no first-offer call for a deal that was won before the consumer handled the first offer', async () => {
    const { opportunity, stages } = await deal('Quick win');
    const offered = await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stages.offer.id, admin));
    await write((em) => moveOpportunity(em, offered.id, offered.version, stages.won.id, admin));
    const firstOffer = (await outboxOf(orm(), opportunity.id)).find((e) => e.type === 'OpportunityStageChanged' && e.payload.marker === 'FIRST_OFFER_SENT');
    expect(await deliver(orm(), firstOfferFollowUp, published('sales', firstOffer!))).toBe(true);
    expect(await em().find(Activity, { opportunityId: opportunity.id })).toEqual([]);
  });
});

describe('accepting a quote', () => {
  async function sent(opportunityId: string, price: string) {
    const car = await write((em) => newProduct(em, `ACC-${randomUUID().slice(0, 8)}`, 'Accepted car', price));
    const draft = await write((em) => createQuote(em, { opportunityId, title: 'Final offer', currency: 'EUR', taxRatePercent: '21' }, admin));
    const lined = await write((em) =>
      addQuoteLine(em, draft.id, draft.version, { productId: car.id, quantity: 1, unitPrice: { amount: price, currency: 'EUR' } }, admin),
    );
    return write((em) => sendQuote(em, lined.id, lined.version, admin));
  }

  it("sets the opportunity's amount and currency from the quote's total, in one transaction with the quote", async () => {
    const { opportunity } = await deal('Priced');
    const quote = await sent(opportunity.id, '40000.00');
    await write((em) => acceptQuote(em, quote.id, quote.version, admin));
    const priced = await getOpportunity(em(), opportunity.id);
    expect(priced).toMatchObject({ amount: '48400.00', currency: 'EUR', status: 'OPEN' });
    expect(priced.version).toBe(opportunity.version + 1);
    const changed = (await outboxOf(orm(), opportunity.id)).at(-1);
    expect(changed).toMatchObject({
      type: 'OpportunityChanged',
      payload: { amount: { amount: '48400.00', currency: 'EUR' }, changedFields: ['amount', 'currency'], quoteId: quote.id, aggregateVersion: priced.version },
    });
  });

  it('with winOpportunity moves the deal to its WON stage and closes its follow-up call', async () => {
    const { opportunity, stages } = await deal('Won by quote');
    const call = await plan(opportunity.id, SalesActivityType.CALL, 'Call about the offer');
    const quote = await sent(opportunity.id, '10000.00');
    await write((em) => acceptQuote(em, quote.id, quote.version, admin, { winOpportunity: true }));
    expect(await getOpportunity(em(), opportunity.id)).toMatchObject({ stageId: stages.won.id, status: 'WON', amount: '12100.00' });
    expect((await em().findOneOrFail(Activity, { id: call.id })).completedAt).toEqual(expect.any(Date));
    expect((await outboxTypes(orm(), opportunity.id)).slice(-3)).toEqual(['OpportunityChanged', 'OpportunityStageChanged', 'OpportunityWon']);
  });
});
