import type { EntityManager } from '@mikro-orm/postgresql';
import { Quote, QuoteStatus } from './quote.entity.js';
import { quoteSnapshot } from './quote.events.js';

/** The deal's most recently accepted quote and what it sold (for OpportunityWon: service registers the cars); null without one. */
export async function acceptedQuoteOf(em: EntityManager, opportunityId: string) {
  const quote = await em.findOne(Quote, { opportunityId, status: QuoteStatus.ACCEPTED }, { orderBy: { updatedAt: 'desc', id: 'desc' } });
  if (!quote) return null;
  return { quoteId: quote.id, products: (await quoteSnapshot(em, quote)).products };
}
