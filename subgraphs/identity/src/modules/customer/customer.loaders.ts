import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, pgArray, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Customer } from './customer.entity.js';
import { LISTED } from './customer.queries.js';
import { Identifier } from './identifier.entity.js';

const LISTED_MEMBERS = { sql: LISTED, params: [] };

export function createCustomerLoaders(em: EntityManager) {
  return {
    /** A merged id resolves to its survivor (merges keep every old id one hop away). */
    customerById: new DataLoader<string, Customer | null>(async (ids) => {
      const records = await em.find(Customer, { id: { $in: [...ids] } });
      const survivorIds = [...new Set(records.flatMap((c) => (c.mergedIntoId ? [c.mergedIntoId] : [])))];
      const survivors = survivorIds.length ? await em.find(Customer, { id: { $in: survivorIds } }) : [];
      const byId = new Map([...records, ...survivors].map((c) => [c.id, c]));
      return byKeys(ids, records, (c) => c.id).map((c) => (c?.mergedIntoId ? (byId.get(c.mergedIntoId) ?? null) : c));
    }),
    identifiersByCustomer: new DataLoader<string, Identifier[]>(async (ids) =>
      groupByKeys(ids, await em.find(Identifier, { customer: { $in: [...ids] } }, { orderBy: { createdAt: 'asc', id: 'asc' } }), (i) => i.customer.id),
    ),
    mergedIdsBySurvivor: new DataLoader<string, string[]>(async (ids) => {
      const rows = await em
        .getConnection()
        .execute<Array<{ id: string; merged_into_id: string }>>('select id, merged_into_id from customer where merged_into_id = any(?::uuid[]) order by id', [
          pgArray(ids),
        ]);
      return groupByKeys(ids, rows, (r) => r.merged_into_id).map((group) => group.map((r) => r.id));
    }),
    membersByOrganization: loaderPerArgs<PageArgs, string, Page<Customer>>(async (page, organizationIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Customer,
          table: 'customer',
          orderBy: { column: 'sort_name', property: 'sortName', descending: false },
          parent: { column: 'organization_id', ids: organizationIds },
          where: LISTED_MEMBERS,
        },
        page,
      );
      return organizationIds.map((id) => pages.get(id)!);
    }),
    memberCountByOrganization: new DataLoader<string, number>((organizationIds) =>
      countByParent(em, { table: 'customer t', parentColumn: 'organization_id', ids: organizationIds, where: LISTED_MEMBERS }),
    ),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
