import { ReferenceKind, type EntityClass, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared, uuidArray, type SqlCondition } from '../sql.js';
import type { CountedPage, Page, PageArgs } from './connection.js';
import { encodeCursor, foreignCursor, keysetCursor, pageOf, planKeyset, type KeysetPlan, type SortKind, type SortValue } from './cursor.js';

// invalid_text_representation, invalid_datetime_format, datetime_field_overflow, undefined_function (no operator
// compares the column with the cursor's value, e.g. a timestamp with a number)
const INVALID_VALUE_CODES = new Set(['22P02', '22007', '22008', '42883']);

/**
 * For `.catch`: a forged cursor whose sort value does not fit the column (e.g. not a time) is the client's mistake.
 * The cursor's own check (`keysetCursor`) refuses most of them first; this is the safety net for the rest.
 */
export function rejectForgedCursor(plan: KeysetPlan): (error: { code?: string }) => never {
  return (error) => {
    if (plan.cursor && INVALID_VALUE_CODES.has(error.code ?? '')) throw foreignCursor();
    throw error;
  };
}

type PropertyOf<T> = keyof T & string;

/** The sort property (a timestamp, number or text), always paired with `id` as the tie-breaker. */
export interface KeysetOrder<T> {
  property: PropertyOf<T>;
  descending: boolean;
}

/** The parent is a column of the rows themselves (a many-to-one, or another subgraph's id). */
export interface OwnParent<T> {
  property: PropertyOf<T>;
  ids: readonly string[];
}

/** The rows reach their parent through a link entity (a membership): its `property` is the parent, its `child` the row. */
export interface LinkedParent<L> {
  through: EntityClass<L>;
  property: PropertyOf<L>;
  child: PropertyOf<L>;
  ids: readonly string[];
}

/**
 * A keyset list of `entity`, named by its properties: the table and columns come from the ORM's metadata.
 * `where` is SQL over the entity's table aliased `t` (already scoped to the rows the viewer may see).
 */
export interface KeysetQuery<T, L = never> {
  entity: EntityClass<T>;
  orderBy: KeysetOrder<T>;
  where?: SqlCondition;
  /** When set, pages are cut per parent in one statement (a batch for a DataLoader). */
  parent?: OwnParent<T> | LinkedParent<L>;
  /** Values read beside each row in the page's own statement, handed over with the row's entity (`Beside`). */
  beside?: Beside<T>;
}

/**
 * What a page's nodes are nearly always asked for next, read in the page's statement instead of one of their own:
 * each of `columns` is one value per row, SQL over the row (`t`), e.g. the name of its stage by a scalar subquery.
 * `use` gets each node the page keeps with its values by name, to prime the request's loaders with them: a field
 * resolver then finds the value where it would otherwise wake PostgreSQL once more (ADR 12).
 */
export interface Beside<T> {
  columns: Readonly<Record<string, string>>;
  use: (node: T, values: Record<string, unknown>) => void;
}

const BESIDE_PREFIX = 'page_beside_';

export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function metadataOf<T>(em: EntityManager, entity: EntityClass<T>): EntityMetadata<T> {
  const meta = em.getMetadata().find(entity);
  if (!meta) throw new Error(`Keyset query: ${entity.name} is not an entity of this EntityManager`);
  return meta;
}

export function tableOf(meta: EntityMetadata): string {
  return meta.schema && meta.schema !== '*' ? `${quote(meta.schema)}.${quote(meta.tableName)}` : quote(meta.tableName);
}

const COLUMN_KINDS: readonly ReferenceKind[] = [ReferenceKind.SCALAR, ReferenceKind.MANY_TO_ONE, ReferenceKind.ONE_TO_ONE];

/** The column a property is stored in; a programming error (not the client's) when there is no such single column. */
export function columnOf(meta: EntityMetadata, property: string): string {
  const prop = Object.hasOwn(meta.properties, property) ? meta.properties[property as never] : undefined;
  const stored = prop && COLUMN_KINDS.includes(prop.kind) && prop.persist !== false && !prop.formula && (prop.kind !== ReferenceKind.ONE_TO_ONE || prop.owner);
  const [column, ...more] = stored ? (prop.fieldNames ?? []) : [];
  if (!column || more.length > 0) {
    throw new Error(`Keyset query: ${meta.className} has no property "${property}" stored in one column of ${meta.tableName}`);
  }
  return column;
}

/** How a sort property's values travel in cursors: a Date as its ISO text, a number as a number, the rest as text. */
function sortKindOf(meta: EntityMetadata, property: string): SortKind {
  const prop = meta.properties[property as never] as EntityMetadata['properties'][never] | undefined;
  switch (prop?.runtimeType) {
    case 'Date':
      return 'time';
    case 'number':
      return 'number';
    case 'string':
      return 'text';
    default:
      return 'any';
  }
}

/** `from` clause (aliased `t`) and the column of `t` holding each row's parent id. */
function sourceOf<T, L>(em: EntityManager, meta: EntityMetadata<T>, parent: OwnParent<T> | LinkedParent<L> | undefined) {
  if (!parent) return { from: `${tableOf(meta)} t`, parentColumn: null };
  if (!('through' in parent)) return { from: `${tableOf(meta)} t`, parentColumn: columnOf(meta, parent.property) };
  const link = metadataOf(em, parent.through);
  const from = `(select c.*, l.${quote(columnOf(link, parent.property))} as page_parent
      from ${tableOf(link)} l join ${tableOf(meta)} c on c.${quote(columnOf(meta, 'id'))} = l.${quote(columnOf(link, parent.child))}) t`;
  return { from, parentColumn: 'page_parent' };
}

/**
 * Keyset pagination (never OFFSET), one SQL statement for any number of parents. Each parent's page is its own
 * `order by … limit` (a lateral subquery per parent), which walks an index on (parent, sort, id) in order and stops
 * at limit + 1: a customer with 50,000 interactions costs a page of them, not 50,000 rows numbered and cut (as a
 * window function over every parent's rows did). A top-level list is one `order by … limit`.
 */
export async function fetchKeysetPages<T extends { id: string }, L = never>(
  em: EntityManager,
  query: KeysetQuery<T, L>,
  args: PageArgs,
  options: { counted?: boolean } = {},
): Promise<Map<string, Page<T> & { total?: number }>> {
  const meta = metadataOf(em, query.entity);
  const sort = `t.${quote(columnOf(meta, query.orderBy.property))}`;
  const sortKind = sortKindOf(meta, query.orderBy.property);
  const id = `t.${quote(columnOf(meta, 'id'))}`;
  const { from, parentColumn } = sourceOf(em, meta, query.parent);
  const plan = planKeyset(args);
  const walkDescending = query.orderBy.descending === plan.forward;
  const direction = walkDescending ? 'desc' : 'asc';
  // The rows' own conditions (the filter, the cursor), for the page and, without the cursor, for its count.
  const filter: string[] = [];
  const filterParams: unknown[] = [];
  if (query.where) {
    filter.push(`(${query.where.sql})`);
    filterParams.push(...query.where.params);
  }
  const conditions = [...filter];
  const params = [...filterParams];
  if (plan.cursor) {
    conditions.push(`(${sort}, ${id}) ${walkDescending ? '<' : '>'} (?, ?)`);
    params.push(...keysetCursor(plan.cursor, sortKind));
  }
  const beside = Object.entries(query.beside?.columns ?? {})
    .map(([name, sql]) => `, (${sql}) as ${quote(BESIDE_PREFIX + name)}`)
    .join('');
  const page = (parentCondition: string | null, columns = `t.*${beside}`) => {
    const where = [...(parentCondition ? [parentCondition] : []), ...conditions];
    return `select ${columns} from ${from} ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${sort} ${direction}, ${id} ${direction} limit ?`;
  };
  // A first or last page (no cursor) of a parent sees every matching row of it: their number, the totalCount, comes
  // with it instead of from a second statement (counted from the index, not by reading the rows).
  const counted = options.counted === true && !plan.cursor && parentColumn !== null;
  let sql: string;
  const allParams: unknown[] = [];
  // Each parent once (a repeated id would repeat its page).
  const parentIds = query.parent ? [...new Set(query.parent.ids.map((parentId) => parentId.toLowerCase()))] : [];
  if (parentColumn && parentIds.length === 1) {
    // One parent (a customer's own page, the usual case): a plain page, its count an uncorrelated subquery. The
    // batch's form below costs PostgreSQL about half as much again for one parent (0.33-0.39 ms against 0.23-0.24
    // for a customer's interactions filtered by channel, ADR 12), most of it planning.
    const ofParent = `t.${quote(parentColumn)} = ?`;
    const count = counted ? `(select count(*) from ${from} where ${[ofParent, ...filter].join(' and ')}) as page_total, ` : '';
    if (counted) allParams.push(parentIds[0], ...filterParams);
    allParams.push(parentIds[0], ...params, plan.limit + 1);
    sql = page(ofParent, `${count}t.*${beside}`);
  } else if (query.parent && parentColumn) {
    const ofParent = `t.${quote(parentColumn)} = p.page_key`;
    const parents = uuidArray(parentIds);
    allParams.push(...parents.params);
    let count = '';
    if (counted) {
      count = `cross join lateral (select count(*) as page_total from ${from} where ${[ofParent, ...filter].join(' and ')}) counted`;
      allParams.push(...filterParams);
    }
    allParams.push(...params, plan.limit + 1);
    // Numbered within each parent's page (a handful of rows) so that the answer comes in order.
    const numbered = `select page.*, row_number() over (order by page.${quote(columnOf(meta, query.orderBy.property))} ${direction},
      page.${quote(columnOf(meta, 'id'))} ${direction}) as page_row from (${page(ofParent)}) page`;
    sql = `select p.page_key::text as page_key${counted ? ', counted.page_total' : ''}, rows.*
      from unnest(${parents.sql}) with ordinality as p(page_key, page_order)
      ${count}
      cross join lateral (${numbered}) rows
      order by p.page_order, rows.page_row`;
  } else {
    allParams.push(...params, plan.limit + 1);
    sql = page(null);
  }
  const rows = await executePrepared<Record<string, unknown>>(em, sql, allParams).catch(rejectForgedCursor(plan));

  const grouped = new Map<string, Array<Record<string, unknown>>>();
  const totals = new Map<string, number>();
  const besideValues = new Map<Record<string, unknown>, Record<string, unknown>>();
  for (const row of rows) {
    if (query.beside) {
      const values: Record<string, unknown> = {};
      for (const name of Object.keys(query.beside.columns)) {
        values[name] = row[BESIDE_PREFIX + name];
        delete row[BESIDE_PREFIX + name];
      }
      besideValues.set(row, values);
    }
    const key = parentColumn ? String(row.page_key ?? parentIds[0]) : '';
    if (counted) totals.set(key, Number(row.page_total));
    delete row.page_key;
    delete row.page_row;
    delete row.page_parent;
    delete row.page_total;
    const list = grouped.get(key) ?? [];
    list.push(row);
    grouped.set(key, list);
  }
  const property = query.orderBy.property;
  const keys = query.parent ? query.parent.ids : [''];
  // Only the rows a page keeps become entities: the one read past its end only tells that there is more. Mapping a
  // row into the ORM is most of what a small page costs in Node (three interactions of a 360° query, ADR 12).
  const edgeOf = (row: Record<string, unknown>) => {
    const node = em.map(query.entity, row as never) as T;
    if (query.beside) query.beside.use(node, besideValues.get(row)!);
    return { node, cursor: encodeCursor([node[property] as SortValue, node.id]) };
  };
  return new Map(
    keys.map((key) => {
      const page = pageOf(grouped.get(key.toLowerCase()) ?? [], plan, edgeOf);
      return [key, counted ? { ...page, total: totals.get(key.toLowerCase()) ?? 0 } : page];
    }),
  );
}

/** One page of a top-level list (no parent). */
export async function fetchKeysetPage<T extends { id: string }>(em: EntityManager, query: Omit<KeysetQuery<T>, 'parent'>, args: PageArgs): Promise<Page<T>> {
  return (await fetchKeysetPages(em, query, args)).get('')!;
}

/** One page of a top-level list with its totalCount: the same condition, counted only when asked. */
export async function fetchCountedPage<T extends { id: string }>(
  em: EntityManager,
  query: Omit<KeysetQuery<T>, 'parent'>,
  args: PageArgs,
): Promise<CountedPage<T>> {
  const page = await fetchKeysetPage(em, query, args);
  return { ...page, count: () => countWhere(em, query.entity, query.where) };
}

/** Counts rows per parent in one statement (the batch behind `totalCount`); `where` is over the table aliased `t`. */
export async function countByParent<T>(em: EntityManager, query: { entity: EntityClass<T>; parent: OwnParent<T>; where?: SqlCondition }): Promise<number[]> {
  const meta = metadataOf(em, query.entity);
  const parent = `t.${quote(columnOf(meta, query.parent.property))}`;
  const extra = query.where ? ` and (${query.where.sql})` : '';
  // PostgreSQL answers a uuid in lower case whatever case it was asked in; each parent is asked once.
  const parents = uuidArray([...new Set(query.parent.ids.map((parentId) => parentId.toLowerCase()))]);
  const rows = await executePrepared<{ parent: string; total: string }>(
    em,
    `select ${parent} as parent, count(*) as total from ${tableOf(meta)} t where ${parent} = any(${parents.sql})${extra} group by ${parent}`,
    [...parents.params, ...(query.where?.params ?? [])],
  );
  const totals = new Map(rows.map((row) => [String(row.parent), Number(row.total)]));
  return query.parent.ids.map((id) => totals.get(id.toLowerCase()) ?? 0);
}

/** totalCount of a top-level list: the same condition as its pages (rows aliased `t`), counted in one statement. */
export async function countWhere<T>(em: EntityManager, entity: EntityClass<T>, where?: SqlCondition): Promise<number> {
  const [row] = await executePrepared<{ total: string }>(
    em,
    `select count(*) as total from ${tableOf(metadataOf(em, entity))} t${where ? ` where ${where.sql}` : ''}`,
    where?.params ?? [],
  );
  return Number(row?.total ?? 0);
}
