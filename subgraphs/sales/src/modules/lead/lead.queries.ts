import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchCountedPage, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Lead } from './lead.entity.js';
import type { LeadFilter } from './lead.inputs.js';

/** The filter, within the leads the viewer may see, as SQL over `sales_lead`. */
export function leadFilterSql(filter: LeadFilter | null | undefined, viewer: Viewer): SqlCondition | undefined {
  const scope = ownerScopeSql(viewer, 'owner_id');
  const conditions: string[] = scope.params.length ? [scope.sql] : [];
  const params: unknown[] = [...scope.params];
  if (filter?.statuses?.length) conditions.push(`status = any(${enumArray(filter.statuses, 'lead_status')})`);
  if (filter?.ownerIds?.length) {
    conditions.push('owner_id = any(?::uuid[])');
    params.push(pgArray(filter.ownerIds.map((id) => parseId(id, 'User', 'filter.ownerIds'))));
  }
  return conditions.length ? { sql: conditions.join(' and '), params } : undefined;
}

/** One page of Query.leads, newest first, and its totalCount. */
export async function leadsPage(em: EntityManager, filter: LeadFilter | null | undefined, viewer: Viewer, page: PageArgs): Promise<CountedPage<Lead>> {
  return fetchCountedPage(em, { entity: Lead, orderBy: { property: 'createdAt', descending: true }, where: leadFilterSql(filter, viewer) }, page);
}

/** Each customer's leads, newest first, one page each, in one statement. */
export async function leadPagesByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: LeadFilter | null | undefined,
  viewer: Viewer,
  page: PageArgs,
): Promise<Array<Page<Lead>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Lead,
      orderBy: { property: 'createdAt', descending: true },
      parent: { property: 'customerId', ids: customerIds },
      where: leadFilterSql(filter, viewer),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function leadCountsByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: LeadFilter | null | undefined,
  viewer: Viewer,
): Promise<number[]> {
  return countByParent(em, { entity: Lead, parent: { property: 'customerId', ids: customerIds }, where: leadFilterSql(filter, viewer) });
}
