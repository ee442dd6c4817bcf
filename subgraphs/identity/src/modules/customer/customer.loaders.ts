import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import { Customer } from './customer.entity.js';
import { memberCounts, membersPages, mergedIdsOf } from './customer.queries.js';
import { Identifier } from './identifier.entity.js';

export function createCustomerLoaders(em: EntityManager) {
  return {
    /** A merged id resolves to its survivor (merges keep every old id one hop away). */
    customerById: new DataLoader<string, Customer | null>(async (ids) => {
      const records = await findByIds(em, Customer, ids);
      const survivorIds = [...new Set(records.flatMap((c) => (c.mergedIntoId ? [c.mergedIntoId] : [])))];
      const survivors = await findByIds(em, Customer, survivorIds);
      const byId = new Map([...records, ...survivors].map((c) => [c.id, c]));
      return byKeys(ids, records, (c) => c.id).map((c) => (c?.mergedIntoId ? (byId.get(c.mergedIntoId) ?? null) : c));
    }),
    identifiersByCustomer: new DataLoader<string, Identifier[]>(async (ids) =>
      groupByKeys(ids, await findByIds(em, Identifier, ids, { property: 'customer', orderBy: ['createdAt', 'id'] }), (i) => i.customer.id),
    ),
    mergedIdsBySurvivor: new DataLoader<string, string[]>((ids) => mergedIdsOf(em, ids)),
    membersByOrganization: loaderPerArgs<PageArgs, string, Page<Customer>>((page, organizationIds) => membersPages(em, organizationIds, page)),
    memberCountByOrganization: new DataLoader<string, number>((organizationIds) => memberCounts(em, organizationIds)),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
