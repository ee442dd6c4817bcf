import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { encodeCursor, keysetCursor, pageOf, planKeyset } from '@crm/kit/pagination/cursor.js';
import { fetchCountedPage, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { escapeLike, type SqlCondition } from '@crm/kit/sql.js';
import { Segment } from './segment.entity.js';
import { SegmentOrder, type SegmentFilter } from './segment.inputs.js';

/** The filter as SQL over `segment t`; shared by the page and its count. */
export function segmentFilterSql(filter: SegmentFilter | null | undefined): SqlCondition | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (!filter?.includeArchived) parts.push('archived_at is null');
  if (filter?.kind) {
    parts.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter?.nameContains?.trim()) {
    parts.push('name ilike ?');
    params.push(`%${escapeLike(filter.nameContains.trim())}%`);
  }
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}

const segmentOrder = (order: SegmentOrder): KeysetOrder<Segment> =>
  order === SegmentOrder.NAME ? { property: 'name', descending: false } : { property: 'createdAt', descending: true };

/** One page of Query.segments and its totalCount. */
export async function segmentsPage(
  em: EntityManager,
  filter: SegmentFilter | null | undefined,
  order: SegmentOrder,
  page: PageArgs,
): Promise<CountedPage<Segment>> {
  return fetchCountedPage(em, { entity: Segment, orderBy: segmentOrder(order), where: segmentFilterSql(filter) }, page);
}

/** The order of Customer.segments: by name, then id; the same comparison seeks a cursor. */
const collator = new Intl.Collator('en');
function compareNameThenId(a: readonly [string, string], b: readonly [string, string]): number {
  return collator.compare(a[0], b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/** Sorts a customer's segments into the order of Customer.segments. */
export function sortByName(list: Segment[]): Segment[] {
  return list.sort((a, b) => compareNameThenId([a.name, a.id], [b.name, b.id]));
}

/**
 * One page of a customer's segments, cut in memory: the membership list is bounded by the number of
 * active segments and already loaded (for all customers of the request at once) in name, id order.
 */
export function segmentPageInMemory(list: readonly Segment[], page: PageArgs): Page<Segment> {
  const plan = planKeyset(page);
  const seek = plan.cursor ? keysetCursor(plan.cursor, true) : null;
  const cursor: [string, string] | null = seek ? [String(seek[0]), seek[1].toLowerCase()] : null;
  const key = (s: Segment): [string, string] => [s.name, s.id];
  // In walk order: forward after the cursor, backward before it (nearest first).
  const rest = plan.forward
    ? list.filter((s) => !cursor || compareNameThenId(key(s), cursor) > 0)
    : list.filter((s) => !cursor || compareNameThenId(key(s), cursor) < 0).reverse();
  return pageOf(rest, plan, (node) => ({ node, cursor: encodeCursor(key(node)) }));
}
