import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../../../kit/access/viewer.js';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Activity } from './activity.entity.js';
import type { ActivityFilter, ActivityOrder } from './activity.inputs.js';
import { activityFilterSql, activityOrderBy } from './activity.service.js';

interface ActivityListArgs {
  filter?: ActivityFilter | null;
  order: ActivityOrder;
}

export function createActivityLoaders(em: EntityManager, viewer: Viewer) {
  return {
    activityPagesByCustomer: loaderPerArgs<ActivityListArgs & { page: PageArgs }, string, Page<Activity>>(async ({ page, filter, order }, customerIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Activity,
          table: 'sales_activity',
          orderBy: activityOrderBy(order),
          parent: { column: 'customer_id', ids: customerIds },
          where: activityFilterSql(filter, order, viewer),
        },
        page,
      );
      return customerIds.map((id) => pages.get(id)!);
    }),
    activityCountByCustomer: loaderPerArgs<ActivityListArgs, string, number>(({ filter, order }, customerIds) =>
      countByParent(em, { table: 'sales_activity', parentColumn: 'customer_id', ids: customerIds, where: activityFilterSql(filter, order, viewer) }),
    ),
  };
}
