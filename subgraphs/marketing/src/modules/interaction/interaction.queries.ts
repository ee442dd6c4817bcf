import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPage, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { Interaction } from './interaction.entity.js';
import type { InteractionFilter } from './interaction.inputs.js';

/** The filter as SQL over the indexed columns; shared by the page and its count. */
export function interactionFilterSql(filter: InteractionFilter | undefined | null): SqlCondition | undefined {
  if (!filter) return undefined;
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.channels?.length) parts.push(`channel = any(${enumArray(filter.channels, 'interaction_channel')})`);
  if (filter.types?.length) parts.push(`type = any(${enumArray(filter.types, 'interaction_type')})`);
  if (filter.since) {
    parts.push('occurred_at >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    parts.push('occurred_at < ?');
    params.push(filter.until);
  }
  if (filter.since && filter.until && filter.since >= filter.until) throw badInput('since must be before until', 'since');
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}

/** One page of what an anonymous device did, newest first, and its totalCount. */
export async function anonymousInteractionsPage(em: EntityManager, anonymousId: string, page: PageArgs): Promise<CountedPage<Interaction>> {
  const where = { sql: 'anonymous_id = ?', params: [anonymousId] };
  const found = await fetchKeysetPage(em, { entity: Interaction, orderBy: { property: 'occurredAt', descending: true }, where }, page);
  return { ...found, count: () => em.count(Interaction, { anonymousId }) };
}

/** Each customer's timeline, newest first, one page each, in one statement. */
/** Each customer's page; a first or last page also with the customer's totalCount (`total`), from the same statement. */
export async function timelinePages(
  em: EntityManager,
  customerIds: readonly string[],
  filter: InteractionFilter | null | undefined,
  page: PageArgs,
): Promise<Array<Page<Interaction> & { total?: number }>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Interaction,
      orderBy: { property: 'occurredAt', descending: true },
      parent: { property: 'customerId', ids: customerIds },
      where: interactionFilterSql(filter),
    },
    page,
    { counted: true },
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function timelineCounts(em: EntityManager, customerIds: readonly string[], filter: InteractionFilter | null | undefined): Promise<number[]> {
  return countByParent(em, { entity: Interaction, parent: { property: 'customerId', ids: customerIds }, where: interactionFilterSql(filter) });
}
