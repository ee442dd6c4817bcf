import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { FinancingOption, Quote, QuoteLine } from './quote.entity.js';
import type { QuoteFilter } from './quote.inputs.js';
import { quoteFilterSql } from './quote.service.js';

type QuoteParent = 'customer_id' | 'opportunity_id';

function quotePages(em: EntityManager, parent: QuoteParent) {
  return loaderPerArgs<{ page: PageArgs; filter?: QuoteFilter | null }, string, Page<Quote>>(async ({ page, filter }, ids) => {
    const pages = await fetchKeysetPages(em, {
      entity: Quote,
      table: 'quote',
      orderBy: { column: 'created_at', property: 'createdAt', descending: true },
      parent: { column: parent, ids },
      where: quoteFilterSql(filter),
    }, page);
    return ids.map((id) => pages.get(id)!);
  });
}

function quoteCounts(em: EntityManager, parent: QuoteParent) {
  return loaderPerArgs<QuoteFilter | null | undefined, string, number>((filter, ids) =>
    countByParent(em, { table: 'quote', parentColumn: parent, ids, where: quoteFilterSql(filter) }),
  );
}

export function createQuoteLoaders(em: EntityManager) {
  return {
    quotePagesByCustomer: quotePages(em, 'customer_id'),
    quoteCountByCustomer: quoteCounts(em, 'customer_id'),
    quotePagesByOpportunity: quotePages(em, 'opportunity_id'),
    quoteCountByOpportunity: quoteCounts(em, 'opportunity_id'),
    linesByQuote: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupByKeys(ids, await em.find(QuoteLine, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (l) => l.quoteId),
    ),
    financingByQuote: new DataLoader<string, FinancingOption[]>(async (ids) =>
      groupByKeys(ids, await em.find(FinancingOption, { quoteId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (f) => f.quoteId),
    ),
  };
}
