import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, notFound } from '@crm/kit/errors.js';
import type { PayloadOf } from '@crm/kit/event-catalog.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { pgArray } from '@crm/kit/sql.js';
import { Customer, CustomerKind } from './customer.entity.js';
import type { IdentifierInput, ResolveCustomerInput } from './customer.inputs.js';
import { applyProfile, getCustomer, recordCustomerChanged, recordCustomerCreated } from './customer.service.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';
import { normalizeIdentifier } from './identifier.normalize.js';

interface NormalizedIdentifier {
  kind: IdentifierKind;
  value: string;
}

export interface Resolution {
  customer: Customer;
  created: boolean;
  matchedBy: IdentifierKind[];
  conflictingCustomerIds: string[];
}

/** How strongly a match names one person: a shared laptop's device id says less than an e-mail. */
const MATCH_STRENGTH = [IdentifierKind.EMAIL, IdentifierKind.PHONE, IdentifierKind.EXTERNAL, IdentifierKind.SOCIAL, IdentifierKind.DEVICE];

export async function addIdentifier(em: EntityManager, customerId: string, input: IdentifierInput): Promise<Customer> {
  const customer = await getCustomer(em, customerId);
  const value = normalizeIdentifier(input.kind, input.value);
  const existing = await em.findOne(Identifier, { kind: input.kind, value });
  if (existing) {
    if (existing.customer.id === customer.id) return customer;
    throw conflict(`${input.kind} ${value} already belongs to another customer`);
  }
  linkIdentifier(em, customer, { kind: input.kind, value });
  await em.flush();
  return customer;
}

export async function removeIdentifier(em: EntityManager, customerId: string, identifierId: string): Promise<Customer> {
  const customer = await getCustomer(em, customerId);
  const identifier = await em.findOne(Identifier, { id: parseId(identifierId, 'Identifier', 'identifierId'), customer });
  if (!identifier) throw notFound('Identifier', identifierId);
  em.remove(identifier);
  recordEvent(em, {
    type: 'IdentifierRemoved',
    aggregateId: customer.id,
    payload: { customerId: customer.id, kind: identifier.kind, value: identifier.value },
  });
  await em.flush();
  return customer;
}

/**
 * Finds the customer by any identifier or creates one, then links every identifier not known yet.
 * Identifiers of two different customers are not merged silently: the strongest match wins and the
 * others are reported as conflicting (their identifiers stay where they are).
 */
export async function resolveCustomer(em: EntityManager, input: ResolveCustomerInput): Promise<Resolution> {
  const resolution = await matchOrCreateCustomer(em, input);
  recordCustomerResolved(em, resolution, { identifiers: input.identifiers });
  await em.flush();
  return resolution;
}

/** resolveCustomer without its CustomerResolved event and flush: a caller that does more in the same transaction records it. */
export async function matchOrCreateCustomer(em: EntityManager, input: ResolveCustomerInput): Promise<Resolution> {
  const wanted = uniqueIdentifiers(input.identifiers.map((i) => ({ kind: i.kind, value: normalizeIdentifier(i.kind, i.value) })));
  if (wanted.length === 0) throw badInput('Pass at least one identifier to resolve a customer', 'identifiers');
  // Two resolutions naming the same identifier take turns (sorted, so never in a circle): the second finds the
  // customer the first created or linked it to, where both would have created one and the second hit the unique key.
  await em.execute(`select pg_advisory_xact_lock(hashtextextended('identifier:' || key, 0)) from unnest(?::text[]) as key`, [
    pgArray(wanted.map(({ kind, value }) => `${kind}:${value}`).sort()),
  ]);
  const known = await em.find(Identifier, { $or: wanted.map(({ kind, value }) => ({ kind, value })) });
  known.sort((a, b) => MATCH_STRENGTH.indexOf(a.kind) - MATCH_STRENGTH.indexOf(b.kind));
  const matchedIds = [...new Set(known.map((i) => i.customer.id))];

  let customer: Customer;
  const created = matchedIds.length === 0;
  if (created) {
    customer = em.create(Customer, { kind: input.profile?.kind ?? CustomerKind.PERSON });
    if (input.profile) await applyProfile(em, customer, input.profile, 'overwrite');
    recordCustomerCreated(em, customer, wanted);
  } else {
    customer = await getCustomer(em, matchedIds[0]!);
    const filled = input.profile ? await applyProfile(em, customer, input.profile, 'fillBlanks') : [];
    if (filled.length > 0) recordCustomerChanged(em, customer, filled);
  }
  const matched = known.filter((i) => i.customer.id === customer.id);
  const matchedBy = MATCH_STRENGTH.filter((kind) => matched.some((i) => i.kind === kind));
  const conflictingCustomerIds = matchedIds.slice(1);
  const isKnown = (w: NormalizedIdentifier) => known.some((k) => k.kind === w.kind && k.value === w.value);
  for (const identifier of wanted.filter((w) => !isKnown(w))) linkIdentifier(em, customer, identifier);
  return { customer, created, matchedBy, conflictingCustomerIds };
}

/** What a resolution tells other domains; `context` adds the request it answered (e.g. the web form's lead). */
export function recordCustomerResolved(
  em: EntityManager,
  resolution: Resolution,
  context: {
    identifiers: IdentifierInput[];
    leadId?: string | null;
    requestedAppointment?: string | null;
    interest?: PayloadOf<'CustomerResolved'>['interest'];
  },
): void {
  const { customer } = resolution;
  const valuesOf = (kind: IdentifierKind) => context.identifiers.filter((i) => i.kind === kind).map((i) => normalizeIdentifier(kind, i.value));
  recordEvent(em, {
    type: 'CustomerResolved',
    aggregateId: customer.id,
    payload: {
      customerId: customer.id,
      created: resolution.created,
      matchedBy: resolution.matchedBy,
      conflictingCustomerIds: resolution.conflictingCustomerIds,
      leadId: context.leadId ?? null,
      email: valuesOf(IdentifierKind.EMAIL)[0] ?? null,
      phone: valuesOf(IdentifierKind.PHONE)[0] ?? null,
      deviceIds: valuesOf(IdentifierKind.DEVICE),
      requestedAppointment: context.requestedAppointment ?? null,
      interest: context.interest ?? null,
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
    },
  });
}

/** Attaches an identifier to a customer; an anonymous device's history follows it via IdentifierLinked. */
function linkIdentifier(em: EntityManager, customer: Customer, identifier: NormalizedIdentifier): void {
  em.create(Identifier, { customer, ...identifier });
  recordEvent(em, {
    type: 'IdentifierLinked',
    aggregateId: customer.id,
    payload: { customerId: customer.id, kind: identifier.kind, value: identifier.value },
  });
}

function uniqueIdentifiers(identifiers: NormalizedIdentifier[]): NormalizedIdentifier[] {
  const seen = new Map(identifiers.map((i) => [`${i.kind}:${i.value}`, i]));
  return [...seen.values()];
}
