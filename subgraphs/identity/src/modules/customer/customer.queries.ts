import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { byKeys, groupByKeys } from '@crm/kit/loaders.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, countWhere, fetchCountedPage, fetchKeysetPages, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { escapeLike, executePrepared, pgArray, uuidArray, type SqlCondition } from '@crm/kit/sql.js';
import { Customer, foldName } from './customer.entity.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';
import { mergeRows } from '@crm/kit/rows.js';
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
      // The e-mails and phones that start so are read once from their byte-ordered prefix index (an array, which no
      // planner runs once per customer), their customers then by key, beside the names' trigram index. An EXISTS
      // in the OR, as this was, could use no index: it tested every customer of the list and read every e-mail and
      // phone, for each page and each count.
      const prefixes = identifierPrefixes(term);
      parts.push(`(t.sort_name like ? or t.sort_name like ? or t.id = any(array(
      select i.customer_id from customer_identifier i
      where i.kind in ('EMAIL', 'PHONE') and (${prefixes.map(() => 'i.value collate "C" like ?').join(' or ')}))))`);
      params.push(`${name}%`, `% ${name}%`, ...prefixes);
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
/**
 * The id each of `ids` is stored as elsewhere: its own, or its survivor's when it was merged (merges keep every old
 * id one hop away from its survivor); null for an id no customer has. No entity is built: a bulk call's reference
 * check asks a thousand at a time.
 */
export async function customerKeys(em: EntityManager, ids: readonly string[]): Promise<Array<{ id: string } | null>> {
  const list = uuidArray(ids);
  const rows = await executePrepared<{ id: string; merged_into_id: string | null }>(
    em,
    `select id, merged_into_id from customer where id = any(${list.sql})`,
    list.params,
  );
  return byKeys(ids, rows, (r) => r.id).map((row) => (row ? { id: row.merged_into_id ?? row.id } : null));
}

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
 * read them (searchesContacts) their e-mail or phone (exact, then prefix), matches the query; best first.
 */
export async function searchCustomerIds(em: EntityManager, query: string, limit: number, viewer?: Viewer): Promise<SearchHitRow[]> {
  const { sql, params } = customerSearchSql(query, limit, searchesContacts(viewer));
  // em.execute, not em.getConnection().execute: on the caller's transaction (withinDeadline's), not another connection.
  const rows = await em.execute<Array<{ customer_id: string; score: number }>>(sql, params);
  return rows.map((row) => ({ customerId: row.customer_id, score: Number(row.score) }));
}

/**
 * The ranked search as one statement that reads about as many rows as it returns, however many customers match: a
 * common surname matches thousands, and ranking every match cost 1.4 s at a million customers (issue 11 asks for
 * search within 2× of its latency at 10,000). Each branch takes only its `limit` best, from an index in that order:
 * - names: the nearest by word similarity (`<<->`) among those similar enough (`<%`), from the GiST trigram index;
 *   `<%` also matches a name a word of which starts with the query (all its trigrams but the word's last are there);
 * - e-mails and phones, for a viewer who may read them: those starting with the query (or its digits as a number),
 *   a range of the byte-ordered index, an exact one first (it sorts before its longer namesakes) and scored 1, a
 *   prefix 0.9.
 * Each branch keeps only listed customers itself, so nothing joins the hits afterwards: a planner without statistics
 * yet (a fresh or just loaded table) once ran such a join's hits once per listed customer. An identifier's customer is
 * checked by its key in a subquery, which no such planner can turn into a scan of the customers.
 */
export function customerSearchSql(query: string, limit: number, contacts: boolean): { sql: string; params: unknown[] } {
  const term = query.trim();
  if (term.length < 2) throw badInput('Search for at least 2 characters', 'query');
  const name = foldName(term);
  const branches = [
    `(select t.id as customer_id, greatest(word_similarity(?, t.sort_name), similarity(?, t.sort_name)) as score
      from customer t where ? <% t.sort_name and ${LISTED} order by ? <<-> t.sort_name limit ?)`,
  ];
  const params: unknown[] = [name, name, name, name, limit];
  if (contacts) {
    for (const prefix of identifierPrefixes(term)) {
      branches.push(`(select i.customer_id, case when i.value = ? then 1 else 0.9 end
      from customer_identifier i
      where i.kind in ('EMAIL', 'PHONE') and i.value collate "C" like ? and (select ${LISTED} from customer t where t.id = i.customer_id)
      order by i.value collate "C" limit ?)`);
      params.push(term.toLowerCase(), prefix, limit);
    }
  }
  const sql = `with hits as materialized (${branches.join(' union all ')})
      select customer_id, max(score)::float8 as score from hits group by customer_id order by score desc, customer_id limit ?`;
  return { sql, params: [...params, limit] };
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

/**
 * Customers by id, each with one JSON array `of` its identifiers (SQL over `customer t`, e.g. a `json_agg` of its
 * identifiers), in one statement; the customers are mapped into `em` as the request's other reads map them.
 */
async function customersWith<A>(em: EntityManager, ids: readonly string[], of: string): Promise<Array<{ customer: Customer; aggregated: A[] }>> {
  if (ids.length === 0) return [];
  const list = uuidArray(ids);
  const rows = await executePrepared<Record<string, unknown> & { aggregated__: A[] }>(
    em,
    `select t.*, coalesce((${of}), '[]') as aggregated__ from customer t where t.id = any(${list.sql})`,
    list.params,
  );
  const customers = mergeRows(
    em,
    Customer,
    rows.map(({ aggregated__: _aggregated, ...customer }) => customer),
  );
  return customers.map((customer, n) => ({ customer, aggregated: rows[n]!.aggregated__ }));
}

/**
 * Customers by id with their identifiers, in one statement (a 360° view shows both; a second statement was a fifth
 * of its round trips to PostgreSQL): each customer's identifiers come as one JSON array, in the order
 * identifiersByCustomer reads them, and are mapped into `em` as that loader maps its rows.
 */
export async function customersWithIdentifiers(em: EntityManager, ids: readonly string[]): Promise<Array<{ customer: Customer; identifiers: Identifier[] }>> {
  const found = await customersWith<Record<string, unknown>>(
    em,
    ids,
    'select json_agg(i order by i.created_at, i.id) from customer_identifier i where i.customer_id = t.id',
  );
  return found.map(({ customer, aggregated }) => ({ customer, identifiers: mergeRows(em, Identifier, aggregated) }));
}

/** An e-mail or a phone number of a customer, as `emails` and `phones` show it: no Identifier entity for it. */
export interface Contact {
  kind: IdentifierKind;
  value: string;
}

const CONTACT_KINDS = `'{${IdentifierKind.EMAIL},${IdentifierKind.PHONE}}'::identifier_kind[]`;

/**
 * Customers by id with their e-mails and phones, in one statement (the 360° view's customer): kind and value only,
 * in the identifiers' order. Each identifier made an ORM entity cost more of identity's CPU than the customer's
 * statement (ADR 12); `identifiers`, which shows whole identifiers, still reads them (customersWithIdentifiers).
 */
export async function customersWithContacts(em: EntityManager, ids: readonly string[]): Promise<Array<{ customer: Customer; contacts: Contact[] }>> {
  const found = await customersWith<Contact>(
    em,
    ids,
    `select json_agg(json_build_object('kind', i.kind, 'value', i.value) order by i.created_at, i.id)
    from customer_identifier i where i.customer_id = t.id and i.kind = any(${CONTACT_KINDS})`,
  );
  return found.map(({ customer, aggregated }) => ({ customer, contacts: aggregated }));
}
