import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { getWorkingCalendar } from '../calendar/working-calendar.service.js';
import { ServiceContractTier } from '../sla/sla.policy.js';
import { ServiceContract } from './service-contract.entity.js';
import type { SetServiceContractInput, UpdateServiceContractInput } from './service-contract.inputs.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';

/** Without a contract a customer is served on STANDARD terms. */
export async function contractTierOf(em: EntityManager, customerId: string): Promise<ServiceContractTier> {
  return (await contractTermsOf(em, customerId)).tier;
}

export interface ContractTerms {
  tier: ServiceContractTier;
  /** The working calendar deadlines run in; null: calendar time (also without a contract). */
  calendar: WorkingCalendar | null;
}

/** The SLA terms of a customer's new cases: STANDARD in calendar time without a contract. */
export async function contractTermsOf(em: EntityManager, customerId: string): Promise<ContractTerms> {
  const contract = await em.findOne(ServiceContract, { customerId });
  const calendar = contract?.calendarId ? await em.findOne(WorkingCalendar, { id: contract.calendarId }) : null;
  return { tier: contract?.tier ?? ServiceContractTier.STANDARD, calendar };
}

/** The calendar id asked for, checked to exist (null: calendar time; undefined: not asked to change). */
async function calendarIdOf(em: EntityManager, calendarId: string | null | undefined): Promise<string | null | undefined> {
  if (calendarId == null) return calendarId;
  return (await getWorkingCalendar(em, calendarId, 'calendarId')).id;
}

function recordContractSet(em: EntityManager, contract: ServiceContract, previous: { tier: string | null; calendarId: string | null }): void {
  recordEvent(em, {
    type: 'ServiceContractSet',
    aggregateId: contract.id,
    payload: {
      contractId: contract.id,
      customerId: contract.customerId,
      tier: contract.tier,
      previousTier: previous.tier,
      calendarId: contract.calendarId ?? null,
      previousCalendarId: previous.calendarId,
    },
  });
}

/** Sets the tier (and the calendar, when given) for the cases opened from now on; open cases keep the SLA they were given. */
export async function setServiceContract(em: EntityManager, input: SetServiceContractInput): Promise<ServiceContract> {
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
  const calendarId = await calendarIdOf(em, input.calendarId);
  const existing = await em.findOne(ServiceContract, { customerId });
  const previous = { tier: existing?.tier ?? null, calendarId: existing?.calendarId ?? null };
  const contract = existing ?? em.create(ServiceContract, { customerId, tier: input.tier });
  contract.tier = input.tier;
  if (calendarId !== undefined) contract.calendarId = calendarId;
  recordContractSet(em, contract, previous);
  await em.flush();
  return contract;
}

/** Changes the tier or the calendar of a contract, for the cases opened from now on; CONFLICT when the version is stale. */
export async function updateServiceContract(em: EntityManager, id: string, version: number, input: UpdateServiceContractInput): Promise<ServiceContract> {
  const contract = await em.findOne(ServiceContract, { id: parseId(id, 'ServiceContract') });
  if (!contract) throw notFound('ServiceContract', id);
  assertVersion(contract, version, 'ServiceContract');
  const previous = { tier: contract.tier, calendarId: contract.calendarId ?? null };
  const calendarId = await calendarIdOf(em, input.calendarId);
  if (input.tier != null) contract.tier = input.tier;
  if (calendarId !== undefined) contract.calendarId = calendarId;
  if (contract.tier === previous.tier && (contract.calendarId ?? null) === previous.calendarId) return contract;
  recordContractSet(em, contract, previous);
  await em.flush();
  return contract;
}
