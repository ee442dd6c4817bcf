import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkBulkSize, ItemProblems, repeatedKeys, upsertAnswer, UpsertOutcome } from '@crm/kit/bulk.js';
import { archived, badInput, notFound } from '@crm/kit/errors.js';
import { recordEvents, type DomainEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { normalizeEmail, normalizePhone } from '@crm/kit/contact.js';
import { pgArray } from '@crm/kit/sql.js';
import { IdentifierKind } from './identifier.entity.js';
import { CustomerKind, foldName } from './customer.entity.js';
import type { CustomerConsentInput, UpsertCustomerInput, UpsertCustomersResult } from './customer-upsert.inputs.js';
import { customerProfile, PROFILE_FIELDS, type ProfileField } from './customer.service.js';
import {
  consentRows,
  CUSTOMER_COLUMNS,
  customerRows,
  identifierRows,
  INSERT_CONSENTS,
  INSERT_CUSTOMERS,
  INSERT_IDENTIFIERS,
  readCurrentConsents,
  readExternalKeys,
  readCustomers,
  readOwners,
  readOrganizations,
  UPDATE_CUSTOMERS,
  type CustomerRow,
} from './customer-upsert.queries.js';

interface Contact {
  kind: IdentifierKind;
  value: string;
  field: string;
}

/** One item, checked and normalized: what the partner said, in the forms identity stores. */
interface Prepared {
  index: number;
  externalKey: string;
  kind: CustomerKind | null;
  profile: Partial<Record<ProfileField, string | null>>;
  contacts: Contact[];
  consents: Array<Omit<CustomerConsentInput, 'givenAt'> & { givenAt: Date | null }>;
}

/** What the item does to its customer, worked out before anything is written. */
interface Plan {
  item: Prepared;
  before: CustomerRow | null;
  after: CustomerRow;
  changedFields: ProfileField[];
  newContacts: Array<{ kind: IdentifierKind; value: string }>;
  consents: Prepared['consents'];
}

/**
 * A partner's batch of customers (issue 13, point 5), matched by sourceSystem + externalId, kept as the customer's
 * EXTERNAL identifier; an unknown key falls back to the customer one of its e-mails (then phones) belongs to, which
 * then gets the key. All items are checked first and every problem is reported at once (nothing is written then);
 * the writes are a few set-based statements whatever the batch size, with the same events the single mutations
 * write (CustomerCreated, CustomerChanged, IdentifierLinked, ConsentChanged), item by item in input order.
 */
export async function upsertCustomers(em: EntityManager, inputs: UpsertCustomerInput[]): Promise<UpsertCustomersResult> {
  checkBulkSize(inputs, 'customers');
  const problems = new ItemProblems();
  const prepared = inputs.map((input, index) => problems.check(index, () => prepare(input, index)));
  const valid = prepared.filter((item): item is Prepared => item !== undefined);
  repeatedKeys(
    prepared.map((item) => item?.externalKey ?? null),
    problems,
    'externalId',
    'sourceSystem and externalId',
  );
  repeatedContacts(valid, problems);
  return em.transactional(async (tx) => {
    // Two calls upserting the same key take turns: the second sees the customer the first created.
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended('customer-upsert:' || key, 0)) from unnest(?::text[]) as key`, [
      pgArray([...new Set(valid.map((item) => item.externalKey))].sort()),
    ]);
    const plans = await planAll(tx, valid, problems);
    problems.throwIfAny(inputs.length, 'customers');
    return write(tx, plans);
  });
}

function prepare(input: UpsertCustomerInput, index: number): Prepared {
  const sourceSystem = input.sourceSystem.trim();
  const externalId = input.externalId.trim();
  if (!sourceSystem || sourceSystem.includes(':')) throw badInput('sourceSystem must be a name without ":", e.g. "dms"', 'sourceSystem');
  if (!externalId) throw badInput('externalId must not be empty', 'externalId');
  const problems = new ItemProblems();
  const profile: Prepared['profile'] = {};
  for (const field of PROFILE_FIELDS) {
    const raw = input[field];
    if (raw === undefined) continue;
    profile[field] = typeof raw === 'string' ? raw.trim() || null : raw;
  }
  if (profile.birthDate) {
    profile.birthDate = profile.birthDate.slice(0, 10);
    if (profile.birthDate > new Date().toISOString().slice(0, 10)) problems.add(index, 'birthDate', `birthDate ${profile.birthDate} is in the future`);
  }
  if (profile.organizationId) problems.check(index, () => (profile.organizationId = parseId(profile.organizationId!, 'Customer', 'organizationId')));
  const contacts: Contact[] = [{ kind: IdentifierKind.EXTERNAL, value: `${sourceSystem}:${externalId}`, field: 'externalId' }];
  input.emails.forEach((email, n) => {
    const value = problems.check(index, () => normalizeEmail(email, `emails.${n}`));
    if (value && !contacts.some((c) => c.value === value)) contacts.push({ kind: IdentifierKind.EMAIL, value, field: `emails.${n}` });
  });
  input.phones.forEach((phone, n) => {
    const value = problems.check(index, () => normalizePhone(phone, `phones.${n}`));
    if (value && !contacts.some((c) => c.value === value)) contacts.push({ kind: IdentifierKind.PHONE, value, field: `phones.${n}` });
  });
  const consents = input.consents.map((consent) => ({
    ...consent,
    source: consent.source.trim(),
    textVersion: consent.textVersion.trim(),
    givenAt: consent.givenAt ?? null,
  }));
  consents.forEach((consent, n) => {
    if (consent.givenAt && Number.isNaN(consent.givenAt.getTime())) problems.add(index, `consents.${n}.givenAt`, 'givenAt is not a valid time');
    else if (consent.givenAt && consent.givenAt.getTime() > Date.now() + 60_000)
      problems.add(index, `consents.${n}.givenAt`, 'givenAt cannot be in the future');
    if (!consent.source || !consent.textVersion) problems.add(index, `consents.${n}`, 'a consent needs its source and textVersion');
    if (consents.findIndex((c) => c.purpose === consent.purpose && c.channel === consent.channel) < n) {
      problems.add(index, `consents.${n}`, `${consent.purpose} by ${consent.channel} is given twice in this item`);
    }
  });
  // The item's own problems come out one at a time through check(); the first one names the item.
  const first = problems.list[0];
  if (first) throw badInput(problems.list.map((p) => p.message).join('; '), first.field);
  return { index, externalKey: contacts[0]!.value, kind: input.kind ?? null, profile, contacts, consents };
}

/** An e-mail or phone given for two customers of one call cannot belong to both. */
function repeatedContacts(items: Prepared[], problems: ItemProblems): void {
  const first = new Map<string, number>();
  for (const item of items) {
    for (const contact of item.contacts.slice(1)) {
      const key = `${contact.kind}:${contact.value}`;
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, item.index);
      else if (earlier !== item.index) problems.add(item.index, contact.field, `the same ${contact.kind} is given for item ${earlier}`);
    }
  }
}

/** Finds each item's customer (by its key, else its e-mails, then phones), checks what it may do, and says what changes. */
async function planAll(tx: EntityManager, items: Prepared[], problems: ItemProblems): Promise<Plan[]> {
  const owners = await readOwners(
    tx,
    items.flatMap((item) => item.contacts),
  );
  const ownerOf = (contact: Contact) => owners.get(`${contact.kind}:${contact.value}`);
  const matched = new Map<Prepared, string>();
  for (const item of items) {
    const byKey = ownerOf(item.contacts[0]!);
    const byContact = item.contacts.map(ownerOf).find((id) => id !== undefined);
    const customerId = byKey ?? byContact;
    if (customerId) matched.set(item, customerId);
    for (const contact of item.contacts) {
      const owner = ownerOf(contact);
      if (owner && owner !== customerId) problems.add(item.index, contact.field, `this ${contact.kind} already belongs to customer ${owner}`);
    }
  }
  // The item's identifiers nobody holds yet; those its customer holds stay, those of others were refused above.
  const unowned = (item: Prepared) => item.contacts.filter((c) => ownerOf(c) === undefined).map(({ kind, value }) => ({ kind, value }));
  // Found by an e-mail or phone, not by its key: a customer the same source already knows under another key is a
  // different record there (or a typo), never silently given a second key.
  const external = await readExternalKeys(tx, [
    ...new Set(items.filter((item) => matched.has(item) && !ownerOf(item.contacts[0]!)).map((item) => matched.get(item)!)),
  ]);
  for (const item of items) {
    const source = `${item.externalKey.split(':')[0]}:`;
    const other = matched.has(item) && !ownerOf(item.contacts[0]!) ? external.get(matched.get(item)!)?.find((key) => key.startsWith(source)) : undefined;
    if (other) {
      const field = item.contacts.find((c) => ownerOf(c) === matched.get(item))?.field ?? 'externalId';
      problems.add(
        item.index,
        field,
        `this ${field.split('.')[0] === 'phones' ? 'phone' : 'e-mail'} belongs to customer ${matched.get(item)}, whom ${source.slice(0, -1)} knows as externalId ${other.slice(source.length)}`,
      );
    }
  }
  repeatedKeys(
    items.map((item) => matched.get(item) ?? null),
    problems,
    'emails',
    'existing customer (found by an e-mail or phone)',
  );
  const customers = await readCustomers(tx, [...new Set(matched.values())]);
  const organizations = await readOrganizations(
    tx,
    items.flatMap((item) => (item.profile.organizationId ? [item.profile.organizationId] : [])),
  );
  const consents = await readCurrentConsents(tx, [...new Set(matched.values())]);
  return items.flatMap((item) => {
    const before = matched.has(item) ? customers.get(matched.get(item)!)! : null;
    const plan = problems.check(item.index, () => planOne(item, before, unowned(item), organizations, consents));
    return plan ? [plan] : [];
  });
}

function planOne(
  item: Prepared,
  before: CustomerRow | null,
  newContacts: Plan['newContacts'],
  organizations: Map<string, { id: string; kind: CustomerKind; archived: boolean }>,
  currentConsents: Map<string, { status: string; givenAt: Date }>,
): Plan {
  if (before?.archivedAt) throw badInput(`Customer ${before.id} is archived: restore it before changing it`, 'externalId');
  if (before && item.kind && item.kind !== before.kind) throw badInput(`Customer ${before.id} is a ${before.kind}; kind cannot change`, 'kind');
  const after: CustomerRow = before ? { ...before } : newCustomer(item.kind ?? CustomerKind.PERSON);
  const changedFields: ProfileField[] = [];
  // A merged organization's id names its survivor, where its people now belong.
  const named = item.profile.organizationId;
  const profile = named ? { ...item.profile, organizationId: organizations.get(named)?.id ?? named } : item.profile;
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (value === undefined || after[field] === value) continue;
    after[field] = value;
    changedFields.push(field);
  }
  if (after.organizationId && changedFields.includes('organizationId')) {
    if (after.kind !== CustomerKind.PERSON) throw badInput('Only a person can belong to an organization', 'organizationId');
    const organization = organizations.get(named!);
    if (!organization) throw notFound('Customer', named!, 'organizationId');
    if (organization.archived) throw archived('Customer', organization.id, 'organizationId');
    if (organization.kind !== CustomerKind.ORGANIZATION) throw badInput(`Customer ${after.organizationId} is not an organization`, 'organizationId');
  }
  if (after.kind === CustomerKind.ORGANIZATION && !after.organizationName) throw badInput('An organization needs an organizationName', 'organizationName');
  if (after.kind === CustomerKind.PERSON && !after.firstName && !after.lastName) throw badInput('A person needs a firstName or a lastName', 'lastName');
  after.sortName = foldName(
    after.kind === CustomerKind.ORGANIZATION ? (after.organizationName ?? '') : [after.firstName, after.lastName].filter(Boolean).join(' '),
  );
  return {
    item,
    before,
    after,
    changedFields,
    newContacts,
    consents: item.consents.filter((consent) => {
      const current = before ? currentConsents.get(`${before.id}:${consent.purpose}:${consent.channel}`) : undefined;
      if (!current) return true;
      // A decision older than the current one would not become current; the same one again changes nothing.
      if (consent.givenAt && consent.givenAt.getTime() <= current.givenAt.getTime()) return false;
      return current.status !== consent.status;
    }),
  };
}

const newCustomer = (kind: CustomerKind): CustomerRow => ({
  id: randomUUID(),
  version: 1,
  kind,
  ...(Object.fromEntries(CUSTOMER_COLUMNS.map(([field]) => [field, null])) as Record<ProfileField, null>),
  sortName: '',
  archivedAt: null,
});

/** The writes: a statement per table for the whole batch, then the events, item by item. */
async function write(tx: EntityManager, plans: Plan[]): Promise<UpsertCustomersResult> {
  const created = plans.filter((p) => !p.before);
  const changed = plans.filter((p) => p.before && p.changedFields.length > 0);
  const now = new Date();
  const at = now.toISOString();
  if (created.length > 0) await tx.execute(INSERT_CUSTOMERS, [at, at, JSON.stringify(customerRows(created.map((p) => p.after)))]);
  if (changed.length > 0) await tx.execute(UPDATE_CUSTOMERS, [at, JSON.stringify(customerRows(changed.map((p) => p.after)))]);
  const identifiers = plans.flatMap((p) => p.newContacts.map((c) => ({ customerId: p.after.id, ...c })));
  if (identifiers.length > 0) await tx.execute(INSERT_IDENTIFIERS, [JSON.stringify(identifierRows(identifiers, now))]);
  const consentsOf = new Map(plans.map((p) => [p, p.consents.map((c) => ({ id: randomUUID(), customerId: p.after.id, ...c, givenAt: c.givenAt ?? now }))]));
  const consents = [...consentsOf.values()].flat();
  if (consents.length > 0) await tx.execute(INSERT_CONSENTS, [JSON.stringify(consentRows(consents, now))]);

  const events: DomainEvent[] = [];
  const versions = new Map<string, number>();
  for (const plan of plans) {
    const { after } = plan;
    const profile = customerProfile(after as never);
    if (!plan.before) {
      versions.set(after.id, 1);
      events.push({ type: 'CustomerCreated', aggregateId: after.id, payload: { ...profile, identifiers: plan.newContacts } });
    } else {
      if (plan.changedFields.length > 0) {
        versions.set(after.id, after.version + 1);
        const values = Object.fromEntries(plan.changedFields.map((f) => [f, after[f] ?? null]));
        events.push({ type: 'CustomerChanged', aggregateId: after.id, payload: { ...profile, changedFields: plan.changedFields, values } });
      }
      for (const contact of plan.newContacts) {
        events.push({ type: 'IdentifierLinked', aggregateId: after.id, payload: { customerId: after.id, ...contact } });
      }
    }
    for (const consent of consentsOf.get(plan)!) {
      events.push({
        type: 'ConsentChanged',
        aggregateId: consent.customerId,
        payload: {
          customerId: consent.customerId,
          consentId: consent.id,
          purpose: consent.purpose,
          channel: consent.channel,
          status: consent.status,
          source: consent.source,
          textVersion: consent.textVersion,
          givenAt: consent.givenAt.toISOString(),
          recordedAt: now.toISOString(),
        },
      });
    }
  }
  await recordEvents(tx, events, versions);

  const items = plans.map((plan) => ({
    index: plan.item.index,
    id: plan.after.id,
    outcome: !plan.before
      ? UpsertOutcome.CREATED
      : plan.changedFields.length > 0 || plan.newContacts.length > 0 || plan.consents.length > 0
        ? UpsertOutcome.UPDATED
        : UpsertOutcome.UNCHANGED,
  }));
  return upsertAnswer(items);
}
