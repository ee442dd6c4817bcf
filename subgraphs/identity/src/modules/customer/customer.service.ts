import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountryCode } from 'libphonenumber-js';
import { badInput, conflict, notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { Customer, CustomerKind } from './customer.entity.js';
import type { CreateCustomerInput } from './customer.inputs.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';
import { normalizeEmail, normalizePhone } from './identifier.normalize.js';

export const DEFAULT_PHONE_COUNTRY: CountryCode = 'CZ';

export async function getCustomer(em: EntityManager, id: string): Promise<Customer> {
  const customer = await em.findOne(Customer, { id: parseId(id, 'Customer') });
  if (!customer) throw notFound('Customer', id);
  return customer;
}

export async function createCustomer(em: EntityManager, input: CreateCustomerInput): Promise<Customer> {
  if (input.kind === CustomerKind.ORGANIZATION && !input.organizationName?.trim()) {
    throw badInput('An organization needs an organizationName', 'organizationName');
  }
  if (input.kind === CustomerKind.PERSON && !input.firstName?.trim() && !input.lastName?.trim()) {
    throw badInput('A person needs a firstName or a lastName', 'lastName');
  }
  const identifiers = [
    ...unique(input.emails.map(normalizeEmail)).map((value) => ({ kind: IdentifierKind.EMAIL, value })),
    ...unique(input.phones.map((p) => normalizePhone(p, DEFAULT_PHONE_COUNTRY))).map((value) => ({ kind: IdentifierKind.PHONE, value })),
  ];
  const taken = identifiers.length
    ? await em.find(Identifier, { $or: identifiers.map(({ kind, value }) => ({ kind, value })) })
    : [];
  if (taken.length > 0) {
    throw conflict(`${taken.map((t) => t.value).join(', ')} already belongs to another customer`);
  }

  const customer = em.create(Customer, {
    kind: input.kind,
    firstName: input.firstName?.trim() || null,
    lastName: input.lastName?.trim() || null,
    organizationName: input.organizationName?.trim() || null,
  });
  for (const identifier of identifiers) em.create(Identifier, { customer, ...identifier });
  recordEvent(em, {
    type: 'CustomerCreated',
    aggregateType: 'Customer',
    aggregateId: customer.id,
    payload: { customerId: customer.id, kind: customer.kind, identifiers },
  });
  await em.flush();
  return customer;
}

const unique = (values: string[]) => [...new Set(values)];
