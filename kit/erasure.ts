import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from './ids.js';
import { pgArray } from './sql.js';

/**
 * What an erasure leaves of a retained event about the person: the ids, codes and numbers that say what happened
 * to which record (so the history stays consistent), and nothing a person wrote or is known by.
 */
export const ERASED = '[erased]';

/** Payload keys holding customer ids: an event naming one of the erased customers is about them. */
export const CUSTOMER_ID_KEYS = ['customerId', 'survivorId', 'mergedId', 'previousCustomerId', 'authorCustomerId'] as const;

/** Enumerated values and codes: they say what happened, not who it happened to. */
const CODES = new Set([
  'type',
  'status',
  'from',
  'to',
  'channel',
  'currentChannel',
  'purpose',
  'direction',
  'kind',
  'priority',
  'line',
  'category',
  'marker',
  'outcome',
  'changedFields',
  'currency',
  'tier',
]);

/**
 * The sources that are codes: a lead's (sales' LeadSource) and the web form's. A `source` is kept only as one of
 * these: ConsentChanged's is what the caller wrote into recordConsent (a String, e.g. "phone call with …"), so any
 * other value is erased.
 */
export const SOURCE_CODES: ReadonlySet<string> = new Set(['WEB_FORM', 'PHONE', 'EMAIL', 'WALK_IN', 'PARTNER', 'CAMPAIGN', 'REFERRAL', 'web-form']);

/** A record id of the platform (a UUID), or a list of them: a device id or a submission id a client chose is not. */
const isRecordId = (value: unknown): boolean =>
  (typeof value === 'string' && isUuid(value)) || (Array.isArray(value) && value.every((item) => typeof item === 'string' && isUuid(item)));

export function redactPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = { erased: true };
  for (const [key, value] of Object.entries(payload)) {
    const keep =
      (/(Id|Ids)$/.test(key) && isRecordId(value)) ||
      (CODES.has(key) && typeof value === 'string') ||
      (key === 'source' && typeof value === 'string' && SOURCE_CODES.has(value)) ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      value === null;
    kept[key] = keep ? value : ERASED;
  }
  return kept;
}

/** Which events are about the erased person: those of their records, or naming them as a customer. */
export interface ErasureMatch {
  aggregateIds: readonly string[];
  customerIds: readonly string[];
}

/** The SQL condition over an event table's `aggregate_id` and `payload` columns. */
export function mentionsSql(match: ErasureMatch): { sql: string; params: unknown[] } {
  const ids = pgArray([...match.customerIds]);
  return {
    sql: `(aggregate_id = any(?::text[]) or ${CUSTOMER_ID_KEYS.map((key) => `payload->>'${key}' = any(?::text[])`).join(' or ')})
      and coalesce(payload->>'erased', 'false') <> 'true'`,
    params: [pgArray([...match.aggregateIds, ...match.customerIds]), ...CUSTOMER_ID_KEYS.map(() => ids)],
  };
}

/** The tables of a subgraph that keep copies of events, with their keys. */
const EVENT_TABLES = { outbox_event: ['position'], dead_letter: ['consumer', 'event_id'] } as const;

/**
 * Redacts this subgraph's copies of events about the person: its outbox (relayed events are redacted on the bus by
 * bus.redact) or the events its consumers set aside as dead letters.
 */
export async function redactEvents(em: EntityManager, table: keyof typeof EVENT_TABLES, match: ErasureMatch): Promise<number> {
  const where = mentionsSql(match);
  const key = EVENT_TABLES[table];
  const rows = await em.execute<Array<Record<string, string> & { payload: Record<string, unknown> }>>(
    `select ${key.join(', ')}, payload from ${table} where ${where.sql}`,
    where.params,
    'all',
  );
  for (const row of rows) {
    await em.execute(
      `update ${table} set payload = ?::jsonb where ${key.map((column) => `${column} = ?`).join(' and ')}`,
      [JSON.stringify(redactPayload(row.payload)), ...key.map((column) => row[column])],
      'run',
    );
  }
  return rows.length;
}
