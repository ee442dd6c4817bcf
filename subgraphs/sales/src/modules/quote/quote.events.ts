import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent, withSnapshot, type Specifics } from '@crm/kit/events.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Product } from '../product/product.entity.js';
import { type Quote, QuoteLine } from './quote.entity.js';

/**
 * What every Quote* event says about the quote: who it is for, whose deal it is, its total and what it offers
 * (a newsletter personalized from the offer, a timeline entry, need no read-back).
 * `lines` is passed when the caller holds lines not flushed yet.
 */
export type QuoteSnapshot = Awaited<ReturnType<typeof quoteSnapshot>>;

export async function quoteSnapshot(em: EntityManager, quote: Quote, lines?: QuoteLine[]) {
  const quoteLines = lines ?? (await em.find(QuoteLine, { quoteId: quote.id }, { orderBy: { position: 'asc' } }));
  const productIds = [...new Set(quoteLines.map((line) => line.productId))];
  const products = productIds.length ? await em.find(Product, { id: { $in: productIds } }) : [];
  const opportunity = quote.opportunityId ? await em.findOne(Opportunity, { id: quote.opportunityId }) : null;
  return {
    quoteId: quote.id,
    opportunityId: quote.opportunityId ?? null,
    customerId: quote.customerId,
    ownerId: opportunity?.ownerId ?? null,
    status: quote.status,
    total: quote.total(),
    products: productIds.flatMap((id) => {
      const product = products.find((p) => p.id === id);
      return product ? [{ productId: product.id, name: product.name, category: product.category }] : [];
    }),
  };
}

/** Records a Quote* event: the snapshot, and what is specific to the event (never a snapshot key). */
export async function recordQuoteEvent<T extends EventsAbout<'Quote'>>(
  em: EntityManager,
  quote: Quote,
  type: T,
  specifics: Specifics<T, QuoteSnapshot>,
  lines?: QuoteLine[],
): Promise<void> {
  recordEvent(em, { type, aggregateId: quote.id, payload: withSnapshot<T>(await quoteSnapshot(em, quote, lines), specifics) });
}
