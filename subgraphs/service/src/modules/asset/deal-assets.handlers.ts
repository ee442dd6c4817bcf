import { defineHandler } from '@crm/kit/consumer.js';
import { registerDealAssets, type WonDeal } from './deal-assets.service.js';

/**
 * A deal WON with an accepted quote registers the cars it sold (registerDealAssets): sales says so in OpportunityWon
 * (`acceptedQuote`, a quote accepted before the win) or in QuoteAccepted (`opportunityStatus` WON, the quote that won it).
 */
export const dealAssets = defineHandler({
  name: 'service.deal-assets',
  on: ['OpportunityWon', 'QuoteAccepted'],
  when: (event) =>
    event.type === 'OpportunityWon' ? Boolean(event.payload.acceptedQuote) : event.payload.opportunityStatus === 'WON' && event.payload.opportunityId !== null,
  async handle(em, event, log) {
    const { payload } = event;
    let deal: WonDeal;
    if (event.type === 'OpportunityWon') {
      const { quoteId, products } = event.payload.acceptedQuote!;
      deal = { opportunityId: event.payload.opportunityId, quoteId, products, customerId: payload.customerId };
    } else {
      deal = { opportunityId: event.payload.opportunityId!, quoteId: event.payload.quoteId, products: event.payload.products, customerId: payload.customerId };
    }
    const assets = await registerDealAssets(em, deal);
    log.info({ opportunityId: deal.opportunityId, quoteId: deal.quoteId, assetIds: assets.map((a) => a.id) }, 'assets of the won deal registered');
  },
  afterExpiry: {
    skip: {
      lost: 'cars sold by deals won in the missed events have no asset in service: register them by hand (registerAsset with opportunityId and quoteId)',
    },
  },
});
