import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../../../kit/access/viewer.js';
import { groupByKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { FinancingOption, Quote, QuoteLine } from './quote.entity.js';
import type { QuoteFilter } from './quote.inputs.js';
import { quoteFilterSql } from './quote.service.js';

type QuoteParent = 'customer_id' | 'opportunity_id';

function quotePages(em: EntityManager, viewer: Viewer, parent: QuoteParent) {
  return loaderPerArgs<{ page: PageArgs; filter?: QuoteFilter | null }, string, Page<Quote>>(async ({ page, filter }, ids) => {
    const pages = await fetchKeysetPages(
      em,
      {
        entity: Quote,
        table: 'quote',
        orderBy: { column: 'created_at', property: 'createdAt', descending: true },
        parent: { column: parent, ids },
        where: quoteFilterSql(filter, viewer),
      },
      page,
    );
    return ids.map((id) => pages.get(id)!);
  });
}

function quoteCounts(em: EntityManager, viewer: Viewer, parent: QuoteParent) {
  return loaderPerArgs<QuoteFilter | null | undefined, string, number>((filter, ids) =>
    countByParent(em, { table: 'quote', parentColumn: parent, ids, where: quoteFilterSql(filter, viewer) }),
  );
}

export function createQuoteLoaders(em: EntityManager, viewer: Viewer) {
  return {
    quotePagesByCustomer: quotePages(em, viewer, 'customer_id'),
    quoteCountByCustomer: quoteCounts(em, viewer, 'customer_id'),
    quotePagesByOpportunity: quotePages(em, viewer, 'opportunity_id'),
    quoteCountByOpportunity: quoteCounts(em, viewer, 'opportunity_id'),
    linesByQuote: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupByKeys(ids, await em.find(QuoteLine, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (l) => l.quoteId),
    ),
    financingByQuote: new DataLoader<string, FinancingOption[]>(async (ids) =>
      groupByKeys(ids, await em.find(FinancingOption, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (f) => f.quoteId),
    ),
  };
}
