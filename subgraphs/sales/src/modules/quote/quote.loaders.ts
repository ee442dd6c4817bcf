import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { byKeys, groupByKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { FinancingOption, Quote, QuoteLine } from './quote.entity.js';
import type { QuoteFilter } from './quote.inputs.js';
import { QuoteDocument, QuoteView } from './quote-document.entity.js';
import { quoteCounts, quotePages, type QuoteParent } from './quote.queries.js';

function quotePagesBy(em: EntityManager, viewer: Viewer, parent: QuoteParent) {
  return loaderPerArgs<{ page: PageArgs; filter?: QuoteFilter | null }, string, Page<Quote>>(({ page, filter }, ids) =>
    quotePages(em, parent, ids, filter, viewer, page),
  );
}

function quoteCountsBy(em: EntityManager, viewer: Viewer, parent: QuoteParent) {
  return loaderPerArgs<QuoteFilter | null | undefined, string, number>((filter, ids) => quoteCounts(em, parent, ids, filter, viewer));
}

export function createQuoteLoaders(em: EntityManager, viewer: Viewer) {
  return {
    /** Quotes by id, whoever may see them: the reference (references.ts) applies the viewer's rows. */
    quoteById: new DataLoader<string, Quote | null>(async (ids) => byKeys(ids, await em.find(Quote, { id: { $in: [...ids] } }), (q) => q.id)),
    quotePagesByCustomer: quotePagesBy(em, viewer, 'customerId'),
    quoteCountByCustomer: quoteCountsBy(em, viewer, 'customerId'),
    quotePagesByOpportunity: quotePagesBy(em, viewer, 'opportunityId'),
    quoteCountByOpportunity: quoteCountsBy(em, viewer, 'opportunityId'),
    linesByQuote: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupByKeys(ids, await em.find(QuoteLine, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (l) => l.quoteId),
    ),
    financingByQuote: new DataLoader<string, FinancingOption[]>(async (ids) =>
      groupByKeys(ids, await em.find(FinancingOption, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (f) => f.quoteId),
    ),
    /** The latest document of each quote (its bytes are not read). */
    documentByQuote: new DataLoader<string, QuoteDocument | null>(async (ids) => {
      const byQuote = groupByKeys(
        ids,
        await em.find(QuoteDocument, { quoteId: { $in: [...ids] } }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
        (d) => d.quoteId,
      );
      return byQuote.map((documents) => documents.at(-1) ?? null);
    }),
    viewsByQuote: new DataLoader<string, QuoteView[]>(async (ids) =>
      groupByKeys(ids, await em.find(QuoteView, { quoteId: { $in: [...ids] } }, { orderBy: { viewedAt: 'asc', id: 'asc' } }), (v) => v.quoteId),
    ),
  };
}
