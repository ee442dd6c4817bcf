import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys } from '@crm/kit/loaders.js';
import { ServiceContract } from './service-contract.entity.js';

export function createServiceContractLoaders(em: EntityManager) {
  return {
    contractByCustomer: new DataLoader<string, ServiceContract | null>(async (customerIds) =>
      byKeys(customerIds, await em.find(ServiceContract, { customerId: { $in: [...customerIds] } }), (c) => c.customerId),
    ),
  };
}
