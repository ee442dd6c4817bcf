import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass } from '@mikro-orm/core';
import { badInput } from './errors.js';
import { isUuid } from './ids.js';

// invalid_text_representation, invalid_datetime_format, datetime_field_overflow
const INVALID_VALUE_CODES = new Set(['22P02', '22007', '22008']);

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * A Relay connection type for `Node`: edges, pageInfo and a lazily counted totalCount.
 * `name` prefixes the edge type when the node's own name is taken (e.g. `SegmentMember` for customers).
 */
export function ConnectionType<T extends object>(Node: ClassType<T>, name: string = Node.name) {
  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<T> {
    @Field() cursor!: string;
    @Field(() => Node) node!: T;
  }

  @ObjectType()
  abstract class Connection {
    @Field(() => [EdgeType]) edges!: Edge<T>[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    count!: () => Promise<number>;

    @Field(() => Int, { description: 'All items matching the filter, across pages' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return Connection;
}

type SortValue = string | number | Date;

export function encodeCursor(values: SortValue[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v)))).toString('base64url');
}

export function decodeCursor(cursor: string): Array<string | number> {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as Array<string | number>;
    }
  } catch {
    // fall through to the error below
  }
  throw badInput(`"${cursor}" is not a cursor returned by this API`, 'cursor');
}

/** One keyset page request in SQL terms: which way to walk, how many rows, from where. */
export interface KeysetPlan {
  forward: boolean;
  limit: number;
  cursor: Array<string | number> | null;
}

export function planKeyset(args: PageArgs): KeysetPlan {
  if (args.first != null && args.last != null) throw badInput('Pass either first or last, not both', 'first');
  if (args.after != null && args.before != null) throw badInput('Pass either after or before, not both', 'after');
  const forward = args.last == null && args.before == null;
  const limit = (forward ? args.first : args.last) ?? DEFAULT_PAGE_SIZE;
  const raw = forward ? args.after : args.before;
  return { forward, limit, cursor: raw == null ? null : decodeCursor(raw) };
}

export interface KeysetQuery<T> {
  entity: EntityClass<T>;
  table: string;
  /** Sort column (a timestamp or number), always paired with `id` as the tie-breaker. */
  orderBy: { column: string; property: keyof T & string; descending: boolean };
  /** Optional SQL condition with `?` placeholders; already scoped to the owner's rows. */
  where?: { sql: string; params: unknown[] };
  /** When set, pages are cut per parent in one statement (a batch for a DataLoader). */
  parent?: { column: string; ids: readonly string[] };
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * Keyset pagination (never OFFSET), one SQL statement for any number of parents:
 * rows are numbered per parent by a window function and cut at limit + 1.
 */
export async function fetchKeysetPages<T extends { id: string }>(em: EntityManager, query: KeysetQuery<T>, args: PageArgs): Promise<Map<string, Page<T>>> {
  const plan = planKeyset(args);
  const { column, property, descending } = query.orderBy;
  const walkDescending = descending === plan.forward;
  const direction = walkDescending ? 'desc' : 'asc';
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.parent) {
    conditions.push(`${query.parent.column} = any(?::uuid[])`);
    params.push(pgArray(query.parent.ids));
  }
  if (query.where) {
    conditions.push(`(${query.where.sql})`);
    params.push(...query.where.params);
  }
  if (plan.cursor) {
    if (plan.cursor.length !== 2 || !isUuid(String(plan.cursor[1]))) throw badInput('This cursor belongs to another list', 'cursor');
    conditions.push(`(${column}, id) ${walkDescending ? '<' : '>'} (?, ?)`);
    params.push(plan.cursor[0], plan.cursor[1]);
  }
  const partition = query.parent ? `partition by ${query.parent.column}` : '';
  const sql = `select * from (
      select t.*, row_number() over (${partition} order by ${column} ${direction}, id ${direction}) as page_row
      from ${query.table} t ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
    ) numbered where page_row <= ? order by page_row`;
  params.push(plan.limit + 1);
  const rows = await em
    .getConnection()
    .execute<Array<Record<string, unknown>>>(sql, params)
    .catch((error: { code?: string }) => {
      // A forged cursor whose sort value does not fit the column (e.g. not a time) is the client's mistake.
      if (plan.cursor && INVALID_VALUE_CODES.has(error.code ?? '')) throw badInput('This cursor belongs to another list', 'cursor');
      throw error;
    });

  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    const key = query.parent ? String(row[query.parent.column]) : '';
    delete row.page_row;
    const list = grouped.get(key) ?? [];
    list.push(em.map(query.entity, row as never) as T);
    grouped.set(key, list);
  }
  const keys = query.parent ? query.parent.ids : [''];
  return new Map(
    keys.map((key) => {
      const found = grouped.get(key) ?? [];
      const hasMore = found.length > plan.limit;
      const nodes = found.slice(0, plan.limit);
      if (!plan.forward) nodes.reverse();
      const edges = nodes.map((node) => ({ node, cursor: encodeCursor([node[property] as SortValue, node.id]) }));
      const pageInfo: PageInfo = {
        hasNextPage: plan.forward ? hasMore : plan.cursor !== null,
        hasPreviousPage: plan.forward ? plan.cursor !== null : hasMore,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      };
      return [key, { edges, pageInfo }];
    }),
  );
}

/** Counts rows per parent in one statement (the batch behind `totalCount`). */
export async function countByParent(
  em: EntityManager,
  query: { table: string; parentColumn: string; ids: readonly string[]; where?: { sql: string; params: unknown[] } },
): Promise<number[]> {
  const extra = query.where ? ` and (${query.where.sql})` : '';
  const rows = await em
    .getConnection()
    .execute<Array<{ parent: string; total: string }>>(
      `select ${query.parentColumn} as parent, count(*) as total from ${query.table} where ${query.parentColumn} = any(?::uuid[])${extra} group by ${query.parentColumn}`,
      [pgArray(query.ids), ...(query.where?.params ?? [])],
    );
  const totals = new Map(rows.map((row) => [String(row.parent), Number(row.total)]));
  return query.ids.map((id) => totals.get(id) ?? 0);
}

/** One page of a top-level list (no parent). */
export async function fetchKeysetPage<T extends { id: string }>(em: EntityManager, query: Omit<KeysetQuery<T>, 'parent'>, args: PageArgs): Promise<Page<T>> {
  return (await fetchKeysetPages(em, query, args)).get('')!;
}

/** Builds a connection object; `count` runs only when a client selects totalCount. */
export function connectionOf<T, C extends { edges: Edge<T>[]; pageInfo: PageInfo; count: () => Promise<number> }>(
  Connection: new () => C,
  page: Page<T>,
  count: () => Promise<number>,
): C {
  return Object.assign(new Connection(), { edges: page.edges, pageInfo: page.pageInfo, count });
}

/**
 * MikroORM expands an array parameter into a list of placeholders; a PostgreSQL array literal
 * keeps it one parameter for `= any(?::type[])`.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** totalCount of a top-level list: the same condition as its pages (rows aliased `t`), counted in one statement. */
export async function countWhere(em: EntityManager, table: string, where?: { sql: string; params: unknown[] }): Promise<number> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ total: string }>>(`select count(*) as total from ${table} t${where ? ` where ${where.sql}` : ''}`, where?.params ?? []);
  return Number(row?.total ?? 0);
}

/** Makes user text literal inside a LIKE/ILIKE pattern (`%`, `_` and `\` lose their meaning). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');
