import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../../../kit/access/viewer.js';
import { ownsRow } from '../../../../kit/access/viewer.js';
import { byKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Opportunity } from './opportunity.entity.js';
import type { OpportunityFilter } from './opportunity.inputs.js';
import { opportunityFilterSql } from './opportunity.service.js';
import { StageChange } from './stage-change.entity.js';

export function createOpportunityLoaders(em: EntityManager, viewer: Viewer) {
  return {
    opportunityById: new DataLoader<string, Opportunity | null>(async (ids) =>
      byKeys(
        ids,
        (await em.find(Opportunity, { id: { $in: [...ids] } })).filter((o) => ownsRow(viewer, o.ownerId)),
        (o) => o.id,
      ),
    ),
    opportunityPagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: OpportunityFilter | null }, string, Page<Opportunity>>(
      async ({ page, filter }, customerIds) => {
        const pages = await fetchKeysetPages(
          em,
          {
            entity: Opportunity,
            table: 'opportunity',
            orderBy: { column: 'created_at', property: 'createdAt', descending: true },
            parent: { column: 'customer_id', ids: customerIds },
            where: opportunityFilterSql(filter, viewer),
          },
          page,
        );
        return customerIds.map((id) => pages.get(id)!);
      },
    ),
    opportunityCountByCustomer: loaderPerArgs<OpportunityFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'opportunity', parentColumn: 'customer_id', ids: customerIds, where: opportunityFilterSql(filter, viewer) }),
    ),
    stageHistoryPages: loaderPerArgs<PageArgs, string, Page<StageChange>>(async (page, opportunityIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: StageChange,
          table: 'opportunity_stage_change',
          orderBy: { column: 'created_at', property: 'createdAt', descending: false },
          parent: { column: 'opportunity_id', ids: opportunityIds },
        },
        page,
      );
      return opportunityIds.map((id) => pages.get(id)!);
    }),
    stageHistoryCount: new DataLoader<string, number>((opportunityIds) =>
      countByParent(em, { table: 'opportunity_stage_change', parentColumn: 'opportunity_id', ids: opportunityIds }),
    ),
  };
}
