import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { ownsRow } from '@crm/kit/access/viewer.js';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import { Opportunity } from './opportunity.entity.js';
import type { OpportunityFilter } from './opportunity.inputs.js';
import {
  opportunityCountsByCustomer,
  opportunityPagesByCustomer,
  stageHistoryCounts,
  stageHistoryPages,
  type OpportunityNames,
} from './opportunity.queries.js';
import type { StageChange } from './stage-change.entity.js';

/** `names`: the request's loaders of stages' and owners' names, which the pages prime. */
export function createOpportunityLoaders(em: EntityManager, viewer: Viewer, names: OpportunityNames) {
  return {
    opportunityById: new DataLoader<string, Opportunity | null>(async (ids) =>
      byKeys(
        ids,
        (await em.find(Opportunity, { id: { $in: [...ids] } })).filter((o) => ownsRow(viewer, o.ownerId)),
        (o) => o.id,
      ),
    ),
    opportunityPagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: OpportunityFilter | null }, string, Page<Opportunity>>(
      ({ page, filter }, customerIds) => opportunityPagesByCustomer(em, customerIds, filter, viewer, page, names),
    ),
    opportunityCountByCustomer: loaderPerArgs<OpportunityFilter | null | undefined, string, number>((filter, customerIds) =>
      opportunityCountsByCustomer(em, customerIds, filter, viewer),
    ),
    stageHistoryPages: loaderPerArgs<PageArgs, string, Page<StageChange>>((page, opportunityIds) => stageHistoryPages(em, opportunityIds, page)),
    stageHistoryCount: new DataLoader<string, number>((opportunityIds) => stageHistoryCounts(em, opportunityIds)),
  };
}
