import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Interaction } from './interaction.entity.js';
import type { InteractionFilter } from './interaction.inputs.js';
import { interactionFilterSql } from './interaction.service.js';

export interface TimelineArgs {
  page: PageArgs;
  filter?: InteractionFilter | null;
}

export function createInteractionLoaders(em: EntityManager) {
  return {
    timelineByCustomer: loaderPerArgs<TimelineArgs, string, Page<Interaction>>(async ({ page, filter }, customerIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Interaction,
          table: 'interaction',
          orderBy: { column: 'occurred_at', property: 'occurredAt', descending: true },
          parent: { column: 'customer_id', ids: customerIds },
          where: interactionFilterSql(filter),
        },
        page,
      );
      return customerIds.map((id) => pages.get(id)!);
    }),
    timelineCountByCustomer: loaderPerArgs<InteractionFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'interaction', parentColumn: 'customer_id', ids: customerIds, where: interactionFilterSql(filter) }),
    ),
  };
}
