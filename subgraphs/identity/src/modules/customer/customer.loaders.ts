import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '../../../../kit/loaders.js';
import { Customer } from './customer.entity.js';
import { Identifier } from './identifier.entity.js';

export function createCustomerLoaders(em: EntityManager) {
  return {
    customerById: new DataLoader<string, Customer | null>(async (ids) =>
      byKeys(ids, await em.find(Customer, { id: { $in: [...ids] } }), (c) => c.id),
    ),
    identifiersByCustomer: new DataLoader<string, Identifier[]>(async (ids) =>
      groupByKeys(
        ids,
        await em.find(Identifier, { customer: { $in: [...ids] } }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
        (i) => i.customer.id,
      ),
    ),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
