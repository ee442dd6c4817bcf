import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, DomainError, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { Customer, CustomerKind } from './customer.entity.js';
import type { CreateCustomerInput, CustomerProfileInput } from './customer.inputs.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';
import { normalizeEmail, normalizePhone } from '@crm/kit/contact.js';

export const PROFILE_FIELDS = [
  'firstName',
  'lastName',
  'organizationName',
  'birthDate',
  'gender',
  'education',
  'occupation',
  'jobTitle',
  'industry',
  'companySize',
  'organizationId',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** The stored record under this id, merged or not (`customerRecord`); `field` names the argument that gave the id. */
export async function getCustomerRecord(em: EntityManager, id: string, field?: string): Promise<Customer> {
  const customer = await em.findOne(Customer, { id: parseId(id, 'Customer', field) });
  if (!customer) throw notFound('Customer', id, field);
  return customer;
}

/** The customer behind an id: a merged id leads to its survivor, so old references keep working. */
export async function getCustomer(em: EntityManager, id: string, field?: string): Promise<Customer> {
  const record = await getCustomerRecord(em, id, field);
  if (!record.mergedIntoId) return record;
  const survivor = await em.findOne(Customer, { id: record.mergedIntoId });
  if (!survivor) throw notFound('Customer', record.mergedIntoId);
  return survivor;
}

export async function createCustomer(em: EntityManager, input: CreateCustomerInput): Promise<Customer> {
  const identifiers = [
    ...unique(input.emails.map((e) => normalizeEmail(e, 'emails'))).map((value) => ({ kind: IdentifierKind.EMAIL, value })),
    ...unique(input.phones.map((p) => normalizePhone(p, 'phones'))).map((value) => ({ kind: IdentifierKind.PHONE, value })),
  ];
  // Kept out of the unit of work until every check has passed: a lookup on the way (the organization, the
  // identifiers) flushes what the unit of work holds, and would insert a half-made customer before a check refuses it.
  const customer = em.create(Customer, { kind: input.kind }, { persist: false });
  await applyProfile(em, customer, input, 'overwrite');
  requireName(customer);
  const taken = identifiers.length ? await em.find(Identifier, { $or: identifiers.map(({ kind, value }) => ({ kind, value })) }) : [];
  if (taken.length > 0) {
    throw conflict(`${taken.map((t) => t.value).join(', ')} already belongs to another customer`);
  }
  em.persist(customer);
  for (const identifier of identifiers) em.create(Identifier, { customer, ...identifier });
  recordCustomerCreated(em, customer, identifiers);
  await em.flush();
  return customer;
}

export async function updateCustomer(em: EntityManager, id: string, version: number, input: CustomerProfileInput): Promise<Customer> {
  const customer = await getLiveRecord(em, id);
  assertVersion(customer, version, 'Customer');
  const changedFields = await applyProfile(em, customer, input, 'overwrite');
  requireName(customer);
  if (changedFields.length > 0) {
    recordCustomerChanged(em, customer, changedFields);
    await em.flush();
  }
  return customer;
}

export async function archiveCustomer(em: EntityManager, id: string, version: number): Promise<Customer> {
  const customer = await getLiveRecord(em, id);
  assertVersion(customer, version, 'Customer');
  if (customer.archivedAt) return customer;
  customer.archivedAt = new Date();
  recordEvent(em, {
    type: 'CustomerArchived',
    aggregateId: customer.id,
    payload: { customerId: customer.id, archivedAt: customer.archivedAt.toISOString() },
  });
  await em.flush();
  return customer;
}

/** A record that can still be changed: not merged away (changes go to the survivor). */
async function getLiveRecord(em: EntityManager, id: string): Promise<Customer> {
  const customer = await getCustomerRecord(em, id);
  if (customer.mergedIntoId) throw mergedAway(customer, 'id');
  return customer;
}

/** A write naming a record that was merged away: it names the survivor, where the change belongs. */
export const mergedAway = (customer: Customer, field: string) =>
  new DomainError('CONFLICT', `Customer ${customer.id} was merged into ${customer.mergedIntoId}; use that customer instead`, {
    field,
    survivorId: customer.mergedIntoId,
  });

/**
 * Copies the given profile fields onto the customer and returns the ones that changed.
 * `fillBlanks` only sets fields the customer does not have yet (resolution, merges).
 */
export async function applyProfile(
  em: EntityManager,
  customer: Customer,
  input: CustomerProfileInput,
  mode: 'overwrite' | 'fillBlanks',
): Promise<ProfileField[]> {
  const target = customer as unknown as Record<ProfileField, unknown>;
  const changed: ProfileField[] = [];
  for (const field of PROFILE_FIELDS) {
    const raw = input[field];
    if (raw === undefined) continue;
    const value = typeof raw === 'string' ? raw.trim() || null : raw;
    if (mode === 'fillBlanks' && (target[field] != null || value == null)) continue;
    if (target[field] === value) continue;
    target[field] = field === 'birthDate' && value != null ? checkBirthDate(String(value)) : value;
    changed.push(field);
  }
  if (changed.includes('organizationId') && customer.organizationId) {
    customer.organizationId = await checkOrganization(em, customer, customer.organizationId);
  }
  if (customer.kind === CustomerKind.ORGANIZATION && !customer.organizationName) {
    throw badInput('An organization needs an organizationName', 'organizationName');
  }
  return changed;
}

export function requireName(customer: Customer): void {
  if (customer.kind === CustomerKind.PERSON && !customer.firstName && !customer.lastName) {
    throw badInput('A person needs a firstName or a lastName', 'lastName');
  }
}

function checkBirthDate(value: string): string {
  const date = value.slice(0, 10);
  if (date > new Date().toISOString().slice(0, 10)) throw badInput(`birthDate ${date} is in the future`, 'birthDate');
  return date;
}

async function checkOrganization(em: EntityManager, person: Customer, organizationId: string): Promise<string> {
  if (person.kind !== CustomerKind.PERSON) throw badInput('Only a person can belong to an organization', 'organizationId');
  const organization = await getCustomer(em, organizationId, 'organizationId');
  if (organization.kind !== CustomerKind.ORGANIZATION) {
    throw badInput(`Customer ${organization.id} is not an organization`, 'organizationId');
  }
  return organization.id;
}

/** The profile fields every Customer* event carries, so segments and projections need no read-back. */
export function customerProfile(customer: Customer) {
  return {
    customerId: customer.id,
    kind: customer.kind,
    firstName: customer.firstName ?? null,
    lastName: customer.lastName ?? null,
    organizationName: customer.organizationName ?? null,
    birthDate: customer.birthDate ?? null,
    gender: customer.gender ?? null,
    industry: customer.industry ?? null,
    companySize: customer.companySize ?? null,
    jobTitle: customer.jobTitle ?? null,
    organizationId: customer.organizationId ?? null,
  };
}

export function recordCustomerCreated(em: EntityManager, customer: Customer, identifiers: Array<{ kind: IdentifierKind; value: string }>): void {
  recordEvent(em, {
    type: 'CustomerCreated',
    aggregateId: customer.id,
    payload: { ...customerProfile(customer), identifiers },
  });
}

export function recordCustomerChanged(em: EntityManager, customer: Customer, changedFields: ProfileField[]): void {
  const values = customer as unknown as Record<ProfileField, unknown>;
  recordEvent(em, {
    type: 'CustomerChanged',
    aggregateId: customer.id,
    payload: { ...customerProfile(customer), changedFields, values: Object.fromEntries(changedFields.map((f) => [f, values[f] ?? null])) },
  });
}

const unique = (values: string[]) => [...new Set(values)];
