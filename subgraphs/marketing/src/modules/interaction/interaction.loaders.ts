import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import type { Interaction } from './interaction.entity.js';
import type { InteractionFilter } from './interaction.inputs.js';
import { timelineCounts, timelinePages } from './interaction.queries.js';

export interface TimelineArgs {
  page: PageArgs;
  filter?: InteractionFilter | null;
}

export function createInteractionLoaders(em: EntityManager) {
  const timelineCountByCustomer = loaderPerArgs<InteractionFilter | null | undefined, string, number>((filter, customerIds) =>
    timelineCounts(em, customerIds, filter),
  );
  return {
    // A first page counts its customer's interactions too: totalCount selected with it needs no statement of its own.
    timelineByCustomer: loaderPerArgs<TimelineArgs, string, Page<Interaction>>(async ({ page, filter }, customerIds) => {
      const pages = await timelinePages(em, customerIds, filter, page);
      pages.forEach(({ total }, n) => total !== undefined && timelineCountByCustomer(filter).prime(customerIds[n]!, total));
      return pages;
    }),
    timelineCountByCustomer,
  };
}
