import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchCountedPage, fetchKeysetPages, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { enumArray, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Activity } from './activity.entity.js';
import { ActivityOrder, type ActivityFilter } from './activity.inputs.js';

export const activityOrderBy = (order: ActivityOrder): KeysetOrder<Activity> =>
  order === ActivityOrder.DUE_SOONEST ? { property: 'dueAt', descending: false } : { property: 'createdAt', descending: true };

/** The filter, within the activities the viewer may see, as SQL over `sales_activity`. */
export function activityFilterSql(filter: ActivityFilter | null | undefined, order: ActivityOrder, viewer: Viewer): SqlCondition | undefined {
  const scope = ownerScopeSql(viewer, 'owner_id');
  const conditions: string[] = order === ActivityOrder.DUE_SOONEST ? ['due_at is not null'] : [];
  const params: unknown[] = [];
  if (scope.params.length) {
    conditions.push(scope.sql);
    params.push(...scope.params);
  }
  const add = (sql: string, value: unknown) => {
    conditions.push(sql);
    params.push(value);
  };
  if (filter?.types?.length) conditions.push(`type = any(${enumArray(filter.types, 'sales_activity_type')})`);
  if (filter?.ownerIds?.length) add('owner_id = any(?::uuid[])', pgArray(filter.ownerIds.map((id) => parseId(id, 'User', 'filter.ownerIds'))));
  if (filter?.leadId) add('lead_id = ?', parseId(filter.leadId, 'Lead', 'filter.leadId'));
  if (filter?.opportunityId) add('opportunity_id = ?', parseId(filter.opportunityId, 'Opportunity', 'filter.opportunityId'));
  if (filter?.dueBefore) add('due_at < ?', filter.dueBefore);
  if (filter?.done != null) conditions.push(filter.done ? 'completed_at is not null' : 'completed_at is null');
  return conditions.length ? { sql: conditions.join(' and '), params } : undefined;
}

/** One page of Query.activities and its totalCount. */
export async function activitiesPage(
  em: EntityManager,
  filter: ActivityFilter | null | undefined,
  order: ActivityOrder,
  viewer: Viewer,
  page: PageArgs,
): Promise<CountedPage<Activity>> {
  return fetchCountedPage(em, { entity: Activity, orderBy: activityOrderBy(order), where: activityFilterSql(filter, order, viewer) }, page);
}

/** Each customer's activities, one page each, in one statement. */
export async function activityPagesByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: ActivityFilter | null | undefined,
  order: ActivityOrder,
  viewer: Viewer,
  page: PageArgs,
): Promise<Array<Page<Activity>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Activity,
      orderBy: activityOrderBy(order),
      parent: { property: 'customerId', ids: customerIds },
      where: activityFilterSql(filter, order, viewer),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function activityCountsByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: ActivityFilter | null | undefined,
  order: ActivityOrder,
  viewer: Viewer,
): Promise<number[]> {
  return countByParent(em, { entity: Activity, parent: { property: 'customerId', ids: customerIds }, where: activityFilterSql(filter, order, viewer) });
}
