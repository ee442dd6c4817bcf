import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '@crm/kit/sql.js';
import type { CustomerKind } from './customer.entity.js';
import type { ProfileField } from './customer.service.js';

/** The profile fields as the customer table stores them: field, column, SQL type. */
export const CUSTOMER_COLUMNS: ReadonlyArray<readonly [ProfileField, string, string]> = [
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['organizationName', 'organization_name', 'text'],
  ['birthDate', 'birth_date', 'date'],
  ['gender', 'gender', 'customer_gender'],
  ['education', 'education', 'text'],
  ['occupation', 'occupation', 'text'],
  ['jobTitle', 'job_title', 'text'],
  ['industry', 'industry', 'text'],
  ['companySize', 'company_size', 'customer_company_size'],
  ['organizationId', 'organization_id', 'uuid'],
];

/** A customer as a bulk upsert reads and writes it (plain values, not a managed entity: the writes are SQL). */
export type CustomerRow = { id: string; version: number; kind: CustomerKind; sortName: string; archivedAt: Date | null } & Record<ProfileField, string | null>;

const RECORD = `r(id uuid, kind customer_kind, sort_name text, ${CUSTOMER_COLUMNS.map(([, column, type]) => `${column} ${type}`).join(', ')})`;
const COLUMNS = CUSTOMER_COLUMNS.map(([, column]) => column).join(', ');

// Timestamps come from the application, in milliseconds as the ORM writes them: list cursors carry milliseconds, and a
// row stamped with now()'s microseconds would sort past its own cursor.
export const INSERT_CUSTOMERS = `insert into customer (id, created_at, updated_at, version, kind, sort_name, ${COLUMNS})
  select id, ?::timestamptz, ?::timestamptz, 1, kind, sort_name, ${COLUMNS} from jsonb_to_recordset(?::jsonb) as ${RECORD}`;

// The rows were read `for update` in this transaction: the version they had is the one they have.
export const UPDATE_CUSTOMERS = `update customer c set updated_at = ?::timestamptz, version = c.version + 1, sort_name = r.sort_name,
  ${CUSTOMER_COLUMNS.map(([, column]) => `${column} = r.${column}`).join(', ')}
  from jsonb_to_recordset(?::jsonb) as ${RECORD} where c.id = r.id`;

export const INSERT_IDENTIFIERS = `insert into customer_identifier (id, customer_id, kind, value, created_at)
  select gen_random_uuid(), customer_id, kind, value, created_at
  from jsonb_to_recordset(?::jsonb) as r(customer_id uuid, kind identifier_kind, value text, created_at timestamptz)`;

export const INSERT_CONSENTS = `insert into customer_consent (id, customer_id, purpose, channel, status, source, text_version, given_at, recorded_at)
  select id, customer_id, purpose, channel, status, source, text_version, given_at, recorded_at
  from jsonb_to_recordset(?::jsonb) as r(id uuid, customer_id uuid, purpose consent_purpose, channel consent_channel, status consent_status,
    source text, text_version text, given_at timestamptz, recorded_at timestamptz)`;

export const customerRows = (rows: CustomerRow[]) =>
  rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    sort_name: row.sortName,
    ...Object.fromEntries(CUSTOMER_COLUMNS.map(([field, column]) => [column, row[field]])),
  }));

export const identifierRows = (rows: Array<{ customerId: string; kind: string; value: string }>, now: Date) =>
  rows.map((row) => ({ customer_id: row.customerId, kind: row.kind, value: row.value, created_at: now.toISOString() }));

export const consentRows = (
  rows: Array<{ id: string; customerId: string; purpose: string; channel: string; status: string; source: string; textVersion: string; givenAt: Date }>,
  now: Date,
) =>
  rows.map((row) => ({
    id: row.id,
    customer_id: row.customerId,
    purpose: row.purpose,
    channel: row.channel,
    status: row.status,
    source: row.source,
    text_version: row.textVersion,
    given_at: row.givenAt.toISOString(),
    recorded_at: now.toISOString(),
  }));

/** Who holds each of these identifiers now (`KIND:value` → customer id), in one statement. */
export async function readOwners(tx: EntityManager, contacts: ReadonlyArray<{ kind: string; value: string }>): Promise<Map<string, string>> {
  if (contacts.length === 0) return new Map();
  const rows = await tx.execute<Array<{ kind: string; value: string; customer_id: string }>>(
    `select kind::text as kind, value, customer_id from customer_identifier
     where (kind, value) in (select k::identifier_kind, v from unnest(?::text[], ?::text[]) as u(k, v))`,
    [pgArray(contacts.map((c) => c.kind)), pgArray(contacts.map((c) => c.value))],
  );
  return new Map(rows.map((row) => [`${row.kind}:${row.value}`, row.customer_id]));
}

/** The customers an upsert changes, locked until it commits (a concurrent single update waits, then sees the new version). */
export async function readCustomers(tx: EntityManager, ids: readonly string[]): Promise<Map<string, CustomerRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.execute<Array<Record<string, unknown>>>(
    `select id, version, kind, sort_name, archived_at, ${CUSTOMER_COLUMNS.map(([, column, type]) => (type === 'date' ? `${column}::text as ${column}` : column)).join(', ')}
     from customer where id = any(?::uuid[]) order by id for update`,
    [pgArray(ids)],
  );
  return new Map(
    rows.map((row) => [
      row.id as string,
      {
        id: row.id as string,
        version: Number(row.version),
        kind: row.kind as CustomerKind,
        sortName: row.sort_name as string,
        archivedAt: (row.archived_at as Date | null) ?? null,
        ...(Object.fromEntries(CUSTOMER_COLUMNS.map(([field, column]) => [field, (row[column] as string | null) ?? null])) as Record<
          ProfileField,
          string | null
        >),
      },
    ]),
  );
}

/** Each customer named as an organization, as it is now: a merged one is its survivor (kind of the survivor). */
export async function readOrganizations(
  tx: EntityManager,
  ids: readonly string[],
): Promise<Map<string, { id: string; kind: CustomerKind; archived: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.execute<Array<{ named: string; id: string; kind: CustomerKind; archived: boolean }>>(
    `select c.id as named, coalesce(s.id, c.id) as id, coalesce(s.kind, c.kind) as kind, coalesce(s.archived_at, c.archived_at) is not null as archived
     from customer c left join customer s on s.id = c.merged_into_id
     where c.id = any(?::uuid[])`,
    [pgArray([...new Set(ids)])],
  );
  return new Map(rows.map((row) => [row.named, { id: row.id, kind: row.kind, archived: row.archived }]));
}

/** The current decision per customer × purpose × channel (`customerId:PURPOSE:CHANNEL`), as `consents` shows it. */
export async function readCurrentConsents(tx: EntityManager, customerIds: readonly string[]): Promise<Map<string, { status: string; givenAt: Date }>> {
  if (customerIds.length === 0) return new Map();
  const rows = await tx.execute<Array<{ customer_id: string; purpose: string; channel: string; status: string; given_at: Date }>>(
    `select distinct on (customer_id, purpose, channel) customer_id, purpose, channel, status, given_at from customer_consent
     where customer_id = any(?::uuid[])
     order by customer_id, purpose, channel, given_at desc, recorded_at desc, id desc`,
    [pgArray(customerIds)],
  );
  return new Map(rows.map((row) => [`${row.customer_id}:${row.purpose}:${row.channel}`, { status: row.status, givenAt: new Date(row.given_at) }]));
}

/** The EXTERNAL keys each of these customers holds (`source:id`), to tell one source's second key for a customer. */
export async function readExternalKeys(tx: EntityManager, customerIds: readonly string[]): Promise<Map<string, string[]>> {
  if (customerIds.length === 0) return new Map();
  const rows = await tx.execute<Array<{ customer_id: string; value: string }>>(
    `select customer_id, value from customer_identifier where kind = 'EXTERNAL' and customer_id = any(?::uuid[])`,
    [pgArray(customerIds)],
  );
  const keys = new Map<string, string[]>();
  for (const row of rows) keys.set(row.customer_id, [...(keys.get(row.customer_id) ?? []), row.value]);
  return keys;
}
