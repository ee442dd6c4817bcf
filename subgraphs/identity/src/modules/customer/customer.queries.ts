import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { groupByKeys } from '@crm/kit/loaders.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, countWhere, fetchCountedPage, fetchKeysetPages, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { escapeLike, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Customer, foldName } from './customer.entity.js';
import { CustomerOrderDirection, CustomerOrderField, type CustomerFilter, type CustomerOrder } from './customer.inputs.js';
import { countryCallingCode } from '@crm/kit/contact.js';
import { searchTerm } from '@crm/kit/input-limits.js';
import { can, type Viewer } from '@crm/kit/access/viewer.js';

/**
 * Whether a search may match e-mails and phones: only for a viewer who may read them (pii:read), else a hit would
 * confirm that an address or a number belongs to a customer. Without a viewer (the platform's own work) it may.
 */
export const searchesContacts = (viewer: Viewer | undefined): boolean => !viewer || can(viewer, 'pii:read');

/** Customers a list shows: never merged-away records, archived ones only when asked for. */
export const LISTED = 't.merged_into_id is null and t.archived_at is null';

/**
 * The filter as SQL over the indexed columns of `customer t`; shared by the page and its count. `search` matches
 * e-mails and phones only for a viewer who may read them (searchesContacts).
 */
export function customerFilterSql(filter: CustomerFilter | null | undefined, viewer?: Viewer): SqlCondition {
  const parts = [filter?.includeArchived ? 't.merged_into_id is null' : LISTED];
  const params: unknown[] = [];
  if (filter?.kind) {
    parts.push('t.kind = ?');
    params.push(filter.kind);
  }
  if (filter?.industry?.trim()) {
    parts.push('t.industry = ?');
    params.push(filter.industry.trim());
  }
  const term = filter?.search?.trim() ? searchTerm(filter.search, 'filter.search') : null;
  if (term) {
    const name = escapeLike(foldName(term));
    if (searchesContacts(viewer)) {
      parts.push(`(t.sort_name like ? or t.sort_name like ? or exists (
      select 1 from customer_identifier i
      where i.customer_id = t.id and i.kind in ('EMAIL', 'PHONE') and i.value like any(?::text[])))`);
      params.push(`${name}%`, `% ${name}%`, pgArray(identifierPrefixes(term)));
    } else {
      parts.push('(t.sort_name like ? or t.sort_name like ?)');
      params.push(`${name}%`, `% ${name}%`);
    }
  }
  return { sql: parts.join(' and '), params };
}

export const countCustomers = (em: EntityManager, where: SqlCondition): Promise<number> => countWhere(em, Customer, where);

const ORDER_PROPERTIES = {
  [CustomerOrderField.CREATED_AT]: 'createdAt',
  [CustomerOrderField.NAME]: 'sortName',
} as const;

/** The order of Query.customers: newest first unless asked otherwise. */
export function customerOrder(orderBy: CustomerOrder | null | undefined): KeysetOrder<Customer> {
  const property = ORDER_PROPERTIES[orderBy?.field ?? CustomerOrderField.CREATED_AT];
  return { property, descending: orderBy ? orderBy.direction === CustomerOrderDirection.DESC : true };
}

/** One page of Query.customers and its totalCount. */
export async function customersPage(
  em: EntityManager,
  filter: CustomerFilter | null | undefined,
  orderBy: CustomerOrder | null | undefined,
  page: PageArgs,
  viewer?: Viewer,
): Promise<CountedPage<Customer>> {
  return fetchCountedPage(em, { entity: Customer, orderBy: customerOrder(orderBy), where: customerFilterSql(filter, viewer) }, page);
}

const LISTED_MEMBERS: SqlCondition = { sql: LISTED, params: [] };

/** The listed people of each organization by name, one page each, in one statement. */
export async function membersPages(em: EntityManager, organizationIds: readonly string[], page: PageArgs): Promise<Array<Page<Customer>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Customer,
      orderBy: { property: 'sortName', descending: false },
      parent: { property: 'organizationId', ids: organizationIds },
      where: LISTED_MEMBERS,
    },
    page,
  );
  return organizationIds.map((id) => pages.get(id)!);
}

/** How many listed people each organization has, in one statement. */
export const memberCounts = (em: EntityManager, organizationIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: Customer, parent: { property: 'organizationId', ids: organizationIds }, where: LISTED_MEMBERS });

/** The ids merged into each survivor (merges keep every old id one hop away), in one statement. */
export async function mergedIdsOf(em: EntityManager, survivorIds: readonly string[]): Promise<string[][]> {
  const rows = await em
    .getConnection()
    .execute<Array<{ id: string; merged_into_id: string }>>('select id, merged_into_id from customer where merged_into_id = any(?::uuid[]) order by id', [
      pgArray(survivorIds),
    ]);
  return groupByKeys(survivorIds, rows, (r) => r.merged_into_id).map((group) => group.map((r) => r.id));
}

export interface SearchHitRow {
  customerId: string;
  score: number;
}

/**
 * Ranks customers by how well their name (trigram word similarity, diacritics ignored), and for a viewer who may
 * read them (searchesContacts) their e-mail or phone (prefix, then trigram similarity), matches the query; best first.
 */
export async function searchCustomerIds(em: EntityManager, query: string, limit: number, viewer?: Viewer): Promise<SearchHitRow[]> {
  const { sql, params } = customerSearchSql(query, limit, searchesContacts(viewer));
  const rows = await em.getConnection().execute<Array<{ customer_id: string; score: number }>>(sql, params);
  return rows.map((row) => ({ customerId: row.customer_id, score: Number(row.score) }));
}

/**
 * The ranked search as one statement. The hits are a materialized CTE, found once: joined directly, a planner
 * without statistics yet (a fresh or just-loaded table) ran the whole union once per listed customer (330 ms on
 * 200 customers instead of 2 ms).
 */
export function customerSearchSql(query: string, limit: number, contacts: boolean): { sql: string; params: unknown[] } {
  const term = query.trim();
  if (term.length < 2) throw badInput('Search for at least 2 characters', 'query');
  const name = foldName(term);
  const prefixes = pgArray(identifierPrefixes(term));
  const byName = [name, name, name, `${escapeLike(name)}%`, `% ${escapeLike(name)}%`];
  const sql = `with hits as materialized (
        select id as customer_id, greatest(word_similarity(?, sort_name), similarity(?, sort_name)) as score
        from customer where ? <% sort_name or sort_name like ? or sort_name like ?
      ${
        contacts
          ? `union all
        select customer_id, case when value = ? then 1 when value like any(?::text[]) then 0.9 else similarity(value, ?) end
        from customer_identifier where kind in ('EMAIL', 'PHONE') and (value like any(?::text[]) or value % ?)`
          : ''
      }
      )
      select hits.customer_id, max(hits.score)::float8 as score from hits join customer t on t.id = hits.customer_id
      where ${LISTED}
      group by hits.customer_id order by score desc, hits.customer_id limit ?`;
  const lower = term.toLowerCase();
  return { sql, params: [...byName, ...(contacts ? [lower, prefixes, lower, prefixes, lower] : []), limit] };
}

/** LIKE patterns an e-mail or a phone number starting with the term would match. */
function identifierPrefixes(term: string): string[] {
  const patterns = [`${escapeLike(term.toLowerCase())}%`];
  const digits = term.replace(/\D/g, '');
  if (/^[+\d\s()/-]+$/.test(term) && digits.length >= 3) {
    if (term.startsWith('+')) patterns.push(`+${digits}%`);
    else if (digits.startsWith('00')) patterns.push(`+${digits.slice(2)}%`);
    else patterns.push(`+${countryCallingCode()}${digits}%`, `+${digits}%`);
  }
  return patterns;
}
