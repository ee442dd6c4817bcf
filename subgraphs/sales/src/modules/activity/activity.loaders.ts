import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import type { Activity } from './activity.entity.js';
import type { ActivityFilter, ActivityOrder } from './activity.inputs.js';
import { activityCountsByCustomer, activityPagesByCustomer } from './activity.queries.js';

interface ActivityListArgs {
  filter?: ActivityFilter | null;
  order: ActivityOrder;
}

export function createActivityLoaders(em: EntityManager, viewer: Viewer) {
  return {
    activityPagesByCustomer: loaderPerArgs<ActivityListArgs & { page: PageArgs }, string, Page<Activity>>(({ page, filter, order }, customerIds) =>
      activityPagesByCustomer(em, customerIds, filter, order, viewer, page),
    ),
    activityCountByCustomer: loaderPerArgs<ActivityListArgs, string, number>(({ filter, order }, customerIds) =>
      activityCountsByCustomer(em, customerIds, filter, order, viewer),
    ),
  };
}
