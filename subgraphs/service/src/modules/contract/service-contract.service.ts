import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { ServiceContractTier } from '../sla/sla.policy.js';
import { ServiceContract } from './service-contract.entity.js';
import type { SetServiceContractInput } from './service-contract.inputs.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';

/** Without a contract a customer is served on STANDARD terms. */
export async function contractTierOf(em: EntityManager, customerId: string): Promise<ServiceContractTier> {
  const contract = await em.findOne(ServiceContract, { customerId });
  return contract?.tier ?? ServiceContractTier.STANDARD;
}

/** Sets the tier for the cases opened from now on; open cases keep the SLA they were given. */
export async function setServiceContract(em: EntityManager, input: SetServiceContractInput): Promise<ServiceContract> {
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
  const existing = await em.findOne(ServiceContract, { customerId });
  const previousTier = existing?.tier ?? null;
  const contract = existing ?? em.create(ServiceContract, { customerId, tier: input.tier });
  contract.tier = input.tier;
  recordEvent(em, {
    type: 'ServiceContractSet',
    aggregateId: contract.id,
    payload: { contractId: contract.id, customerId, tier: input.tier, previousTier },
  });
  await em.flush();
  return contract;
}
