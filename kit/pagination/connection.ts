import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './cursor.js';

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

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A page of a top-level list with its totalCount, which runs only when a client selects it. */
export interface CountedPage<T> extends Page<T> {
  count: () => Promise<number>;
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

type ConnectionOf<T> = { edges: Edge<T>[]; pageInfo: PageInfo; count: () => Promise<number> };

/** Builds a connection object; `count` (the page's own, unless given) runs only when a client selects totalCount. */
export function connectionOf<T, C extends ConnectionOf<T>>(Connection: new () => C, page: CountedPage<T>): C;
export function connectionOf<T, C extends ConnectionOf<T>>(Connection: new () => C, page: Page<T>, count: () => Promise<number>): C;
export function connectionOf<T, C extends ConnectionOf<T>>(Connection: new () => C, page: Page<T> & { count?: () => Promise<number> }, count = page.count): C {
  if (!count) throw new Error('connectionOf needs a count: pass one or a CountedPage');
  return Object.assign(new Connection(), { edges: page.edges, pageInfo: page.pageInfo, count });
}

/**
 * A connection whose page is read only when a client selects its edges or pageInfo (once for both): a view that
 * asks only `totalCount` (the 360° query's `cases { totalCount }`) runs the count alone. A failing read is reported
 * on the field that needed it.
 */
export function lazyConnectionOf<T, C extends ConnectionOf<T>>(Connection: new () => C, page: () => Promise<Page<T>>, count: () => Promise<number>): C {
  let read: Promise<Page<T>> | undefined;
  const once = () => (read ??= page());
  return Object.defineProperties(Object.assign(new Connection(), { count }), {
    edges: { get: () => once().then((found) => found.edges), enumerable: true },
    pageInfo: { get: () => once().then((found) => found.pageInfo), enumerable: true },
  });
}
