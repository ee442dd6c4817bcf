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
  return {
    timelineByCustomer: loaderPerArgs<TimelineArgs, string, Page<Interaction>>(({ page, filter }, customerIds) => timelinePages(em, customerIds, filter, page)),
    timelineCountByCustomer: loaderPerArgs<InteractionFilter | null | undefined, string, number>((filter, customerIds) =>
      timelineCounts(em, customerIds, filter),
    ),
  };
}
