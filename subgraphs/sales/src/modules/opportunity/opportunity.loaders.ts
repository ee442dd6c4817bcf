import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Opportunity } from './opportunity.entity.js';

export function createOpportunityLoaders(em: EntityManager) {
  return {
    opportunityPagesByCustomer: loaderPerArgs<PageArgs, string, Page<Opportunity>>(async (page, customerIds) => {
      const pages = await fetchKeysetPages(em, {
        entity: Opportunity,
        table: 'opportunity',
        orderBy: { column: 'created_at', property: 'createdAt', descending: true },
        parent: { column: 'customer_id', ids: customerIds },
      }, page);
      return customerIds.map((id) => pages.get(id)!);
    }),
    opportunityCountByCustomer: new DataLoader<string, number>((customerIds) =>
      countByParent(em, { table: 'opportunity', parentColumn: 'customer_id', ids: customerIds }),
    ),
  };
}
