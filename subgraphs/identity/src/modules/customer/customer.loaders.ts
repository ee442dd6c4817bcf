import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import { Customer } from './customer.entity.js';
import { customerKeys, customersWithContacts, customersWithIdentifiers, memberCounts, membersPages, mergedIdsOf, type Contact } from './customer.queries.js';
import { Identifier } from './identifier.entity.js';

export function createCustomerLoaders(em: EntityManager) {
  const identifiersByCustomer = new DataLoader<string, Identifier[]>(async (ids) =>
    groupByKeys(ids, await findByIds(em, Identifier, ids, { property: 'customer', orderBy: ['createdAt', 'id'] }), (i) => i.customer.id),
  );
  /**
   * E-mails and phones read with their customer (customerWithContactsById), which `emails` and `phones` answer from
   * without identifiersByCustomer: a customer read otherwise (a list, a reference) has them read as identifiers.
   */
  const contactsKnown = new Map<string, Contact[]>();
  /** A merged id resolves to its survivor (merges keep every old id one hop away). */
  const withSurvivors = async (ids: readonly string[], find: (ids: readonly string[]) => Promise<Customer[]>) => {
    const records = await find(ids);
    const survivorIds = [...new Set(records.flatMap((c) => (c.mergedIntoId ? [c.mergedIntoId] : [])))];
    const survivors = await find(survivorIds);
    const byId = new Map([...records, ...survivors].map((c) => [c.id, c]));
    return byKeys(ids, records, (c) => c.id).map((c) => (c?.mergedIntoId ? (byId.get(c.mergedIntoId) ?? null) : c));
  };
  const customerById = new DataLoader<string, Customer | null>((ids) => withSurvivors(ids, (some) => findByIds(em, Customer, some)));
  return {
    customerById,
    /** `{ id }` of each customer as another subgraph stores it (a merged id's survivor's), from the key alone (customer.reference.ts). */
    customerKeyById: new DataLoader<string, { id: string } | null>((ids) => customerKeys(em, ids)),
    /** The same customers, their identifiers read with them and handed to identifiersByCustomer (for e-mails, phones). */
    customerWithIdentifiersById: new DataLoader<string, Customer | null>((ids) =>
      withSurvivors(ids, async (some) => {
        const found = await customersWithIdentifiers(em, some);
        for (const { customer, identifiers } of found) identifiersByCustomer.prime(customer.id, identifiers);
        return found.map(({ customer }) => customer);
      }),
    ),
    /** The same customers with their e-mails and phones alone, kept in contactsKnown (a 360° view's customer). */
    customerWithContactsById: new DataLoader<string, Customer | null>((ids) =>
      withSurvivors(ids, async (some) => {
        const found = await customersWithContacts(em, some);
        for (const { customer, contacts } of found) contactsKnown.set(customer.id, contacts);
        return found.map(({ customer }) => customer);
      }),
    ),
    identifiersByCustomer,
    contactsKnown,
    mergedIdsBySurvivor: new DataLoader<string, string[]>((ids) => mergedIdsOf(em, ids)),
    membersByOrganization: loaderPerArgs<PageArgs, string, Page<Customer>>((page, organizationIds) => membersPages(em, organizationIds, page)),
    memberCountByOrganization: new DataLoader<string, number>((organizationIds) => memberCounts(em, organizationIds)),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
