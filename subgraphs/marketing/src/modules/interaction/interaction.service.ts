import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent, recordEvents, type DomainEvent } from '@crm/kit/events.js';
import { isUuid, parseId } from '@crm/kit/ids.js';
import { normalizeEmail, normalizePhone } from '@crm/kit/contact.js';
import { liveCustomerId, liveCustomerIds } from '@crm/kit/customer-aliases.js';
import { inTransaction } from '@crm/kit/database.js';
import { executeBound, pgArray } from '@crm/kit/sql.js';
import { findById, findByIds, mergeRows } from '@crm/kit/rows.js';
import { Interaction, type InteractionChannel, type InteractionType } from './interaction.entity.js';
import { INTERACTION_TEXT_LIMITS, type RecordInteractionInput } from './interaction.inputs.js';
import { checkJson } from '@crm/kit/input-limits.js';
import { checkBulkSize, ItemProblems, MAX_BULK_ITEMS, UpsertOutcome } from '@crm/kit/bulk.js';

export const MAX_BATCH_SIZE = MAX_BULK_ITEMS;

export async function getInteraction(em: EntityManager, id: string): Promise<Interaction> {
  const found = await findById(em, Interaction, parseId(id, 'Interaction'));
  if (!found) throw notFound('Interaction', id);
  return found;
}

interface InteractionRow {
  id: string;
  customerId: string | null;
  anonymousId: string | null;
  phone: string | null;
  email: string | null;
  channel: InteractionChannel;
  type: InteractionType;
  occurredAt: Date;
  sourceSystem: string | null;
  externalEventId: string | null;
  campaignId: string | null;
  properties: Record<string, unknown>;
}

/** Checks one input and turns it into a row (a batch names the item: ItemProblems). */
function toRow(input: RecordInteractionInput): InteractionRow {
  const fail = (message: string, field: string) => badInput(message, field);
  checkTextLengths(input);
  const anonymousId = input.anonymousId?.trim() || null;
  // The value is personal data: the message names the field, never what was sent.
  const phone = contactOf(
    input.phone,
    (raw) => normalizePhone(raw),
    () => fail('phone is not a phone number: write it with its country prefix, e.g. +420 601 234 567', 'phone'),
  );
  const email = contactOf(
    input.email,
    (raw) => normalizeEmail(raw),
    () => fail('email is not an e-mail address', 'email'),
  );
  if (!input.customerId && !anonymousId && !phone && !email) {
    throw fail('An interaction needs a customerId, or an anonymousId, a phone or an email of a person not known yet', 'customerId');
  }
  if (input.customerId && !isUuid(input.customerId)) throw fail(`"${input.customerId}" is not a valid Customer id`, 'customerId');
  const occurredAt = input.occurredAt ?? new Date();
  if (Number.isNaN(occurredAt.getTime())) throw fail('occurredAt is not a valid time', 'occurredAt');
  const externalEventId = input.externalEventId?.trim() || null;
  const sourceSystem = input.sourceSystem?.trim() || null;
  if (externalEventId && !sourceSystem) throw fail('externalEventId needs a sourceSystem: ids are unique per source system', 'sourceSystem');
  const properties = input.properties ?? {};
  checkJson(properties, 'properties');
  const campaignId = input.campaignId ?? (typeof properties.campaignId === 'string' ? properties.campaignId : null);
  if (campaignId && !isUuid(campaignId)) throw fail(`"${campaignId}" is not a valid Campaign id`, 'campaignId');
  return {
    id: randomUUID(),
    customerId: input.customerId?.toLowerCase() ?? null,
    anonymousId,
    phone,
    email,
    channel: input.channel,
    type: input.type,
    occurredAt,
    sourceSystem,
    externalEventId,
    campaignId: campaignId?.toLowerCase() ?? null,
    properties,
  };
}

/** The text fields' longest lengths (INTERACTION_TEXT_LIMITS), as the single mutation's decorators check them. */
function checkTextLengths(input: RecordInteractionInput): void {
  for (const [field, max] of Object.entries(INTERACTION_TEXT_LIMITS) as Array<[keyof typeof INTERACTION_TEXT_LIMITS, number]>) {
    const value = input[field];
    if (typeof value === 'string' && value.length > max) throw badInput(`${field} must be at most ${max} characters long`, field);
  }
}

/** A phone or e-mail in the one form identity stores it in (E.164, lower-case), or null when none was given. */
function contactOf(raw: string | null | undefined, normalize: (raw: string) => string, refused: () => Error): string | null {
  if (!raw?.trim()) return null;
  try {
    return normalize(raw);
  } catch {
    throw refused();
  }
}

type RecordedFields = Pick<InteractionRow, 'id' | 'customerId' | 'anonymousId' | 'channel' | 'type' | 'campaignId'>;

const interactionRecorded = (row: RecordedFields): DomainEvent<'InteractionRecorded'> => ({
  type: 'InteractionRecorded',
  aggregateId: row.id,
  payload: {
    interactionId: row.id,
    customerId: row.customerId,
    anonymousId: row.anonymousId,
    channel: row.channel,
    type: row.type,
    campaignId: row.campaignId,
  },
});

export function recordedEvent(em: EntityManager, row: RecordedFields): void {
  recordEvent(em, interactionRecorded(row));
}

/**
 * Records one touchpoint; a known (sourceSystem, externalEventId) returns the interaction recorded before, also
 * when the same event is sent twice at once (the second waits for the first and gets its interaction).
 */
export async function recordInteraction(em: EntityManager, input: RecordInteractionInput): Promise<Interaction> {
  const row = toRow(input);
  const { ids, inserted } = await inTransaction(em, (tx) => insertRows(tx, [row], 'whole rows'));
  // The row as the insert returned it; one recorded before under its partner key (a retry) is read (kit/rows.ts).
  const [recorded] = inserted.length > 0 ? mergeRows(em, Interaction, inserted) : await findByIds(em, Interaction, ids);
  return recorded!;
}

/** What the insert answers: the new rows' ids (a partner's batch), or the whole new rows (one interaction, answered with it). */
const insertBatch = (returning: 'id' | '*') => `insert into interaction
    (id, customer_id, anonymous_id, phone, email, channel, type, occurred_at, source_system, external_event_id, campaign_id, properties, recorded_at)
  select id, customer_id, anonymous_id, phone, email, channel, type, occurred_at, source_system, external_event_id, campaign_id, coalesce(properties, '{}'), now()
  from jsonb_to_recordset($1::jsonb) as r(id uuid, customer_id uuid, anonymous_id text, phone text, email text, channel interaction_channel, type interaction_type,
    occurred_at timestamptz, source_system text, external_event_id text, campaign_id uuid, properties jsonb)
  on conflict do nothing
  returning ${returning}`;
const INSERT_RETURNING_IDS = insertBatch('id');
const INSERT_RETURNING_ROWS = insertBatch('*');

const FIND_KNOWN = `select id, source_system, external_event_id from interaction
  where (source_system, external_event_id) in (select * from unnest(?::text[], ?::text[]))`;

/**
 * A partner's batch: every item is checked before anything is written (all or nothing; every bad item is named at
 * once), then one INSERT … ON CONFLICT DO NOTHING skips events already recorded (by sourceSystem + externalEventId),
 * so a retried batch is harmless: its items come back UNCHANGED with the ids they were recorded under. An
 * interaction is a fact that happened, so a known one is never updated.
 */
export async function recordInteractions(em: EntityManager, inputs: RecordInteractionInput[]): Promise<RecordedInteractions> {
  checkBulkSize(inputs, 'interactions');
  const problems = new ItemProblems();
  const rows = inputs.map((input, index) => problems.check(index, () => toRow(input)));
  problems.throwIfAny(inputs.length, 'interactions');
  const { inserted: _ids, ...recorded } = await inTransaction(em, (tx) => insertRows(tx, rows as InteractionRow[]));
  return recorded;
}

export interface RecordedInteractions {
  accepted: number;
  duplicates: number;
  ids: string[];
  items: Array<{ index: number; id: string; outcome: UpsertOutcome }>;
}

/**
 * One INSERT … ON CONFLICT DO NOTHING for the rows; each gets the id it was recorded under (new or earlier). With
 * 'whole rows', `inserted` holds the new rows as stored (else their ids only: a batch's answer needs no more).
 */
async function insertRows(
  tx: EntityManager,
  given: InteractionRow[],
  returning: 'ids' | 'whole rows' = 'ids',
): Promise<RecordedInteractions & { inserted: Array<{ id: string } & Record<string, unknown>> }> {
  await assertCampaignsExist(tx, given);
  const owned = await joinKnownContacts(tx, given);
  const live = await liveCustomerIds(
    tx,
    owned.flatMap((row) => (row.customerId ? [row.customerId] : [])),
  );
  const rows = owned.map((row) => (row.customerId ? { ...row, customerId: live.get(row.customerId)! } : row));
  // Bound, not inlined: the batch's JSON is one parameter of a few hundred KB (kit/sql.ts).
  const inserted = await executeBound<{ id: string } & Record<string, unknown>>(tx, returning === 'ids' ? INSERT_RETURNING_IDS : INSERT_RETURNING_ROWS, [
    JSON.stringify(rows.map(asRecord)),
  ]);
  const insertedIds = new Set(inserted.map((r) => r.id));
  const retried = rows.filter((row) => !insertedIds.has(row.id) && row.externalEventId);
  const known = new Map<string, string>();
  if (retried.length > 0) {
    const found = await tx.execute<Array<{ id: string; source_system: string; external_event_id: string }>>(FIND_KNOWN, [
      pgArray(retried.map((r) => r.sourceSystem!)),
      pgArray(retried.map((r) => r.externalEventId!)),
    ]);
    for (const r of found) known.set(`${r.source_system}\u0000${r.external_event_id}`, r.id);
  }
  await recordEvents(tx, rows.filter((row) => insertedIds.has(row.id)).map(interactionRecorded));
  const ids = rows.map((row) => (insertedIds.has(row.id) ? row.id : (known.get(`${row.sourceSystem}\u0000${row.externalEventId}`) ?? row.id)));
  return {
    accepted: insertedIds.size,
    duplicates: rows.length - insertedIds.size,
    ids,
    items: rows.map((row, index) => ({ index, id: ids[index]!, outcome: insertedIds.has(row.id) ? UpsertOutcome.CREATED : UpsertOutcome.UNCHANGED })),
    inserted,
  };
}

/** A campaign named by an interaction must exist (the foreign key would refuse the whole batch with a database error). */
async function assertCampaignsExist(tx: EntityManager, rows: InteractionRow[]): Promise<void> {
  const named = [...new Set(rows.flatMap((row) => (row.campaignId ? [row.campaignId] : [])))];
  if (named.length === 0) return;
  const found = await tx.execute<Array<{ id: string }>>('select id::text as id from campaign where id = any(?::uuid[])', [pgArray(named)]);
  const existing = new Set(found.map((row) => row.id));
  const missing = named.find((id) => !existing.has(id));
  if (missing) throw notFound('Campaign', missing);
}

function asRecord(row: InteractionRow) {
  return {
    id: row.id,
    customer_id: row.customerId,
    anonymous_id: row.anonymousId,
    phone: row.phone,
    email: row.email,
    channel: row.channel,
    type: row.type,
    occurred_at: row.occurredAt.toISOString(),
    source_system: row.sourceSystem,
    external_event_id: row.externalEventId,
    campaign_id: row.campaignId,
    properties: row.properties,
  };
}

/** Step 2 of Story 1: once identity knows who used a device, its earlier anonymous interactions join the customer's timeline. */
export async function linkAnonymousInteractions(em: EntityManager, anonymousId: string, customerId: string): Promise<number> {
  const device = anonymousId.trim();
  if (!device) throw badInput('anonymousId must not be empty', 'anonymousId');
  const customer = parseId(customerId, 'Customer', 'customerId');
  return em.transactional(async (tx) => {
    const linked = await tx.execute<Array<{ id: string }>>(
      'update interaction set customer_id = ? where anonymous_id = ? and customer_id is null returning id',
      [customer, device],
    );
    if (linked.length > 0) {
      recordEvent(tx, {
        type: 'AnonymousInteractionsLinked',
        aggregateId: customer,
        payload: { customerId: customer, anonymousId: device, interactionIds: linked.map((r) => r.id) },
      });
    }
    return linked.length;
  });
}

/** The phones and e-mails identity stores: the kinds an interaction can be recorded under before its person is known. */
export type ContactKind = 'PHONE' | 'EMAIL';
const CONTACT_KINDS: readonly string[] = ['PHONE', 'EMAIL'];

const contactKey = (kind: ContactKind, value: string) => `${kind}:${value}`;

/**
 * Serializes, per phone or e-mail, recording under it and joining it to a customer: whichever comes second sees what
 * the first committed, so an interaction recorded while identity links its phone is never left behind. Taken before
 * any customer lock (liveCustomerIds) in both, sorted, so they never wait for each other in a circle.
 */
async function lockContacts(tx: EntityManager, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.execute(
    `select pg_advisory_xact_lock(hashtextextended('contact:' || key, 0)) from unnest(?::text[]) as key`,
    [pgArray([...new Set(keys)].sort())],
    'all',
  );
}

/**
 * Rows without a customer whose phone or e-mail already belongs to a known customer (marketing's copy of identity's
 * identifiers, customer_contact) are recorded for that customer at once; the e-mail decides before the phone, as
 * in identity's resolution.
 */
async function joinKnownContacts(tx: EntityManager, rows: InteractionRow[]): Promise<InteractionRow[]> {
  const contactsOf = (row: InteractionRow) => [
    ...(row.email ? [{ kind: 'EMAIL' as const, value: row.email }] : []),
    ...(row.phone ? [{ kind: 'PHONE' as const, value: row.phone }] : []),
  ];
  const wanted = rows.flatMap((row) => (row.customerId ? [] : contactsOf(row)));
  if (wanted.length === 0) return rows;
  await lockContacts(
    tx,
    wanted.map((c) => contactKey(c.kind, c.value)),
  );
  const known = await tx.execute<Array<{ kind: ContactKind; value: string; customer_id: string }>>(
    `select kind, value, customer_id from customer_contact
     where (kind, value) in (select * from unnest(?::text[], ?::text[])) order by linked_at desc`,
    [pgArray(wanted.map((c) => c.kind)), pgArray(wanted.map((c) => c.value))],
  );
  const owner = new Map<string, string>();
  for (const row of known) if (!owner.has(contactKey(row.kind, row.value))) owner.set(contactKey(row.kind, row.value), row.customer_id);
  return rows.map((row) => {
    if (row.customerId) return row;
    const customerId = contactsOf(row)
      .map((c) => owner.get(contactKey(c.kind, c.value)))
      .find((id) => id !== undefined);
    return customerId ? { ...row, customerId } : row;
  });
}

/**
 * Issue 12, point 6: identity linked phones or e-mails to a customer (IdentifierLinked, CustomerCreated,
 * CustomerResolved): the interactions recorded under them before, without a customer, join that customer's
 * timeline (a merged customer's survivor, if it was merged meanwhile). Nothing moves twice: run again, it finds none.
 */
export async function linkContactInteractions(
  em: EntityManager,
  customerId: string,
  identifiers: ReadonlyArray<{ kind: string; value: string }>,
): Promise<number> {
  const contacts = identifiers.flatMap((i) => {
    const kind = i.kind.toUpperCase();
    const value = kind === 'EMAIL' ? i.value.trim().toLowerCase() : i.value.trim();
    return CONTACT_KINDS.includes(kind) && value ? [{ kind: kind as ContactKind, value }] : [];
  });
  if (contacts.length === 0) return 0;
  const customer = parseId(customerId, 'Customer', 'customerId');
  return em.transactional(async (tx) => {
    await lockContacts(
      tx,
      contacts.map((c) => contactKey(c.kind, c.value)),
    );
    return joinContacts(tx, await liveCustomerId(tx, customer), contacts);
  });
}

/** The statement that joins them (one for all the identifiers: the phone and e-mail indexes, or-ed) and its event. */
async function joinContacts(tx: EntityManager, customerId: string, contacts: ReadonlyArray<{ kind: ContactKind; value: string }>): Promise<number> {
  const valuesOf = (kind: ContactKind) => pgArray(contacts.filter((c) => c.kind === kind).map((c) => c.value));
  const linked = await tx.execute<Array<{ id: string }>>(
    'update interaction set customer_id = ? where customer_id is null and (phone = any(?::text[]) or email = any(?::text[])) returning id',
    [customerId, valuesOf('PHONE'), valuesOf('EMAIL')],
  );
  if (linked.length > 0) {
    recordEvent(tx, { type: 'ContactInteractionsLinked', aggregateId: customerId, payload: { customerId, interactionIds: linked.map((r) => r.id) } });
  }
  return linked.length;
}

/**
 * After a merge: whatever still waits under one of the survivor's phones or e-mails (now including the merged
 * customer's) joins the survivor. The merge holds the customers' locks, so it takes no contact lock (a recording
 * that holds one waits for the merge instead, then lands on the survivor through its alias).
 */
export async function joinSurvivorContacts(tx: EntityManager, survivorId: string): Promise<number> {
  const contacts = await tx.execute<Array<{ kind: ContactKind; value: string }>>(
    `select kind, value from customer_contact where customer_id = ? and kind in ('PHONE', 'EMAIL')`,
    [survivorId],
  );
  return contacts.length === 0 ? 0 : joinContacts(tx, survivorId, contacts);
}
