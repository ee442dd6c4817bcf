import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Consent } from './consent.entity.js';
import type { ConsentHistoryFilter } from './consent.inputs.js';

/** The history filter as SQL over the indexed columns; shared by the page and its count. */
export function consentFilterSql(filter: ConsentHistoryFilter | null | undefined): SqlCondition | undefined {
  const parts: string[] = [];
  if (filter?.purposes?.length) parts.push(`purpose = any(${enumArray(filter.purposes, 'consent_purpose')})`);
  if (filter?.channels?.length) parts.push(`channel = any(${enumArray(filter.channels, 'consent_channel')})`);
  return parts.length ? { sql: parts.join(' and '), params: [] } : undefined;
}

/** The latest decision per purpose × channel, for many customers in one statement. */
export async function currentConsentsOf(em: EntityManager, customerIds: readonly string[]): Promise<Consent[][]> {
  const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(
    `select distinct on (customer_id, purpose, channel) * from customer_consent
     where customer_id = any(?::uuid[])
     order by customer_id, purpose, channel, given_at desc, recorded_at desc, id desc`,
    [pgArray(customerIds)],
  );
  const consents = rows.map((row) => em.map(Consent, row as never));
  return groupByKeys(customerIds, consents, (c) => c.customer.id);
}

/** Every decision of each customer, newest first, one page each, in one statement. */
export async function consentHistoryPages(
  em: EntityManager,
  customerIds: readonly string[],
  filter: ConsentHistoryFilter | null | undefined,
  page: PageArgs,
): Promise<Array<Page<Consent>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Consent,
      orderBy: { property: 'givenAt', descending: true },
      parent: { property: 'customer', ids: customerIds },
      where: consentFilterSql(filter),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function consentHistoryCounts(
  em: EntityManager,
  customerIds: readonly string[],
  filter: ConsentHistoryFilter | null | undefined,
): Promise<number[]> {
  return countByParent(em, { entity: Consent, parent: { property: 'customer', ids: customerIds }, where: consentFilterSql(filter) });
}
