import { badInput } from '../errors.js';
import { isUuid } from '../ids.js';
import type { Edge, Page, PageArgs } from './connection.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type SortValue = string | number | Date;

/** A cursor is base64url JSON of the row's sort values, e.g. `[sortValue, id]`; a Date becomes its ISO text. */
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

/** A well-formed cursor of a different list (or a forged one). */
export const foreignCursor = () => badInput('This cursor belongs to another list', 'cursor');

/**
 * What a keyset list is sorted by, as its cursors carry it: a timestamp (its ISO text), a number, or other text.
 * `any` takes either a text or a number (the caller checks it).
 */
export type SortKind = 'time' | 'number' | 'text' | 'any';

/** Whether a cursor's sort value can be one of a list sorted by `kind`. */
function fitsSort(value: string | number, kind: SortKind): boolean {
  switch (kind) {
    case 'time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'text':
      return typeof value === 'string';
    case 'any':
      return true;
  }
}

/**
 * The `[sort value, id]` of a keyset cursor; anything else belongs to another list, and so does a sort value of
 * another type than the list's `sort` (e.g. a number for a list sorted by a timestamp: the database would refuse
 * to compare them). `true` is `text` (a name, an exact timestamp compared as its text).
 */
export function keysetCursor(cursor: ReadonlyArray<string | number>, sort: SortKind | boolean = 'any'): [string | number, string] {
  const kind = sort === true ? 'text' : sort === false ? 'any' : sort;
  const [sortValue, id] = cursor;
  if (cursor.length !== 2 || sortValue === undefined || typeof id !== 'string' || !isUuid(id) || !fitsSort(sortValue, kind)) {
    throw foreignCursor();
  }
  return [sortValue, id];
}

/**
 * Cuts rows fetched in walk order (up to limit + 1 of them: the extra one says there is more) into a page
 * in list order, with its page info.
 */
export function pageOf<R, T>(rows: readonly R[], plan: KeysetPlan, edgeOf: (row: R) => Edge<T>): Page<T> {
  const hasMore = rows.length > plan.limit;
  const kept = rows.slice(0, plan.limit);
  if (!plan.forward) kept.reverse();
  const edges = kept.map(edgeOf);
  const hasCursor = plan.cursor !== null;
  return {
    edges,
    pageInfo: {
      hasNextPage: plan.forward ? hasMore : hasCursor,
      hasPreviousPage: plan.forward ? hasCursor : hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
