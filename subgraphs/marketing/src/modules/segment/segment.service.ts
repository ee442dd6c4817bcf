import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { isUuid, parseId } from '../../../../kit/ids.js';
import { groupByKeys } from '../../../../kit/loaders.js';
import {
  encodeCursor,
  escapeLike,
  pgArray,
  planKeyset,
  type Edge,
  type KeysetQuery,
  type Page,
  type PageArgs,
  type PageInfo,
} from '../../../../kit/pagination.js';
import { assertVersion } from '../../../../kit/versioning.js';
import { compileRules, type CompiledRules } from './segment.compiler.js';
import { Segment, SegmentKind } from './segment.entity.js';
import { SegmentOrder, type CreateSegmentInput, type SegmentFilter, type StaticListInput, type UpdateSegmentInput } from './segment.inputs.js';
import type { SegmentRuleGroup } from './segment.rules.js';

export async function getSegment(em: EntityManager, id: string, field = 'id'): Promise<Segment> {
  const found = await em.findOne(Segment, { id: parseId(id, 'Segment', field) });
  if (!found) throw notFound('Segment', id);
  return found;
}

/** Validates the tree by compiling it, and keeps it as plain JSON. */
function checkedRules(rules: SegmentRuleGroup): SegmentRuleGroup {
  compileRules(rules, new Date());
  return JSON.parse(JSON.stringify(rules)) as SegmentRuleGroup;
}

export async function createSegment(em: EntityManager, input: CreateSegmentInput): Promise<Segment> {
  if (input.kind === SegmentKind.DYNAMIC && !input.rules) throw badInput('A DYNAMIC segment needs rules', 'rules');
  if (input.kind === SegmentKind.STATIC && input.rules) throw badInput('A STATIC segment has members, not rules', 'rules');
  const segment = em.create(Segment, {
    name: input.name.trim(),
    description: input.description ?? null,
    kind: input.kind,
    rules: input.rules ? checkedRules(input.rules) : null,
  });
  recordEvent(em, {
    type: 'SegmentCreated',
    aggregateId: segment.id,
    payload: { segmentId: segment.id, name: segment.name, kind: segment.kind },
  });
  await em.flush();
  return segment;
}

export async function updateSegment(em: EntityManager, input: UpdateSegmentInput): Promise<Segment> {
  const segment = await getSegment(em, input.id);
  assertVersion(segment, input.version, 'Segment');
  if (segment.archivedAt) throw archived('Segment', segment.id);
  if (input.rules && segment.kind === SegmentKind.STATIC) throw badInput('A STATIC segment has members, not rules', 'rules');
  const changedFields: string[] = [];
  if (input.name != null) {
    segment.name = input.name.trim();
    changedFields.push('name');
  }
  if (input.description !== undefined) {
    segment.description = input.description;
    changedFields.push('description');
  }
  if (input.rules) {
    segment.rules = checkedRules(input.rules);
    changedFields.push('rules');
  }
  recordEvent(em, { type: 'SegmentUpdated', aggregateId: segment.id, payload: { segmentId: segment.id, changedFields } });
  await em.flush();
  return segment;
}

export async function archiveSegment(em: EntityManager, id: string, version: number): Promise<Segment> {
  const segment = await getSegment(em, id);
  assertVersion(segment, version, 'Segment');
  if (segment.archivedAt) return segment;
  segment.archivedAt = new Date();
  recordEvent(em, { type: 'SegmentArchived', aggregateId: segment.id, payload: { segmentId: segment.id } });
  await em.flush();
  return segment;
}

async function staticSegment(em: EntityManager, id: string): Promise<Segment> {
  const segment = await getSegment(em, id, 'segmentId');
  if (segment.kind !== SegmentKind.STATIC) throw badInput(`Segment ${segment.id} is DYNAMIC: its members come from its rules`, 'segmentId');
  if (segment.archivedAt) throw archived('Segment', segment.id);
  return segment;
}

export async function addToList(em: EntityManager, input: StaticListInput): Promise<Segment> {
  const segment = await staticSegment(em, input.segmentId);
  const customerIds = input.customerIds.map((id) => parseId(id, 'Customer', 'customerIds'));
  await em.transactional(async (tx) => {
    const added = await tx.execute<Array<{ customer_id: string }>>(
      `insert into segment_member (id, segment_id, customer_id, added_at)
       select gen_random_uuid(), ?, c, now() from unnest(?::uuid[]) as c on conflict do nothing returning customer_id`,
      [segment.id, pgArray(customerIds)],
    );
    if (added.length > 0) {
      recordEvent(tx, {
        type: 'SegmentMembersAdded',
        aggregateId: segment.id,
        payload: { segmentId: segment.id, customerIds: added.map((r) => r.customer_id) },
      });
    }
  });
  return segment;
}

export async function removeFromList(em: EntityManager, input: StaticListInput): Promise<Segment> {
  const segment = await staticSegment(em, input.segmentId);
  const customerIds = input.customerIds.map((id) => parseId(id, 'Customer', 'customerIds'));
  await em.transactional(async (tx) => {
    const removed = await tx.execute<Array<{ customer_id: string }>>(
      'delete from segment_member where segment_id = ? and customer_id = any(?::uuid[]) returning customer_id',
      [segment.id, pgArray(customerIds)],
    );
    if (removed.length > 0) {
      recordEvent(tx, {
        type: 'SegmentMembersRemoved',
        aggregateId: segment.id,
        payload: { segmentId: segment.id, customerIds: removed.map((r) => r.customer_id) },
      });
    }
  });
  return segment;
}

export function segmentListQuery(filter: SegmentFilter | null | undefined, order: SegmentOrder): Omit<KeysetQuery<Segment>, 'parent'> {
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
  return {
    entity: Segment,
    table: 'segment',
    orderBy:
      order === SegmentOrder.NAME ? { column: 'name', property: 'name', descending: false } : { column: 'created_at', property: 'createdAt', descending: true },
    where: parts.length ? { sql: parts.join(' and '), params } : undefined,
  };
}

const rulesOf = (segment: Segment, now: Date): CompiledRules => compileRules(segment.rules!, now);

// invalid_text_representation, invalid_datetime_format, datetime_field_overflow: a forged cursor's value
const INVALID_VALUE_CODES = new Set(['22P02', '22007', '22008']);

/** A timestamp as exact text (microseconds, UTC), so a cursor built from it seeks exactly past its row. */
const exactTime = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Who is in each of many segments, one page each, in one statement: every segment contributes its own
 * branch (its list rows, or its compiled rules over the profiles), each cut at limit + 1 by its own
 * ORDER BY … LIMIT so PostgreSQL walks the (sort, id) index and stops early.
 * STATIC lists are ordered by when a customer was added, DYNAMIC ones newest known customers first.
 */
export async function segmentMembersPages(em: EntityManager, segments: readonly Segment[], page: PageArgs): Promise<Array<Page<{ id: string }>>> {
  const plan = planKeyset(page);
  if (plan.cursor && (plan.cursor.length !== 2 || typeof plan.cursor[0] !== 'string' || !isUuid(String(plan.cursor[1])))) {
    throw badInput('This cursor belongs to another list', 'cursor');
  }
  const direction = plan.forward ? 'desc' : 'asc';
  const seek = plan.cursor ? ` and (sort_at, row_id) ${plan.forward ? '<' : '>'} (?::timestamptz, ?::uuid)` : '';
  const now = new Date();
  const branches: string[] = [];
  const params: unknown[] = [];
  for (const segment of segments) {
    const source =
      segment.kind === SegmentKind.STATIC
        ? { sql: 'select m.customer_id, m.added_at as sort_at, m.id as row_id from segment_member m where m.segment_id = ?', params: [segment.id] }
        : (() => {
            const rules = rulesOf(segment, now);
            return {
              sql: `select t.id as customer_id, t.created_at as sort_at, t.id as row_id from customer_profile t where ${rules.sql}`,
              params: rules.params,
            };
          })();
    branches.push(`(select ?::uuid as segment_id, customer_id, row_id, ${exactTime('sort_at')} as sort_key
      from (${source.sql}) s where true${seek} order by sort_at ${direction}, row_id ${direction} limit ?)`);
    params.push(segment.id, ...source.params, ...(plan.cursor ?? []), plan.limit + 1);
  }
  const rows =
    branches.length === 0
      ? []
      : await em
          .getConnection()
          .execute<Array<{ segment_id: string; customer_id: string; row_id: string; sort_key: string }>>(branches.join(' union all '), params)
          .catch((error: { code?: string }) => {
            if (plan.cursor && INVALID_VALUE_CODES.has(error.code ?? '')) throw badInput('This cursor belongs to another list', 'cursor');
            throw error;
          });
  const bySegment = groupByKeys(
    segments.map((s) => s.id),
    rows,
    (row) => row.segment_id,
  );
  return bySegment.map((found) => {
    const hasMore = found.length > plan.limit;
    const nodes = found.slice(0, plan.limit);
    if (!plan.forward) nodes.reverse();
    const edges = nodes.map((row) => ({ cursor: encodeCursor([row.sort_key, row.row_id]), node: { id: row.customer_id } }));
    return { edges, pageInfo: pageInfoOf(edges, plan.forward, plan.cursor !== null, hasMore) };
  });
}

function pageInfoOf(edges: Array<Edge<unknown>>, forward: boolean, hasCursor: boolean, hasMore: boolean): PageInfo {
  return {
    hasNextPage: forward ? hasMore : hasCursor,
    hasPreviousPage: forward ? hasCursor : hasMore,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
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
  let cursor: [string, string] | null = null;
  if (plan.cursor) {
    const [name, id] = plan.cursor;
    if (plan.cursor.length !== 2 || typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) {
      throw badInput('This cursor belongs to another list', 'cursor');
    }
    cursor = [name, id.toLowerCase()];
  }
  const key = (s: Segment): [string, string] => [s.name, s.id];
  let nodes: Segment[];
  let hasMore: boolean;
  if (plan.forward) {
    const rest = cursor ? list.filter((s) => compareNameThenId(key(s), cursor) > 0) : [...list];
    nodes = rest.slice(0, plan.limit);
    hasMore = rest.length > plan.limit;
  } else {
    const rest = cursor ? list.filter((s) => compareNameThenId(key(s), cursor) < 0) : [...list];
    nodes = rest.slice(Math.max(0, rest.length - plan.limit));
    hasMore = rest.length > plan.limit;
  }
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(key(node)) }));
  return { edges, pageInfo: pageInfoOf(edges, plan.forward, cursor !== null, hasMore) };
}

/** The size of many segments in one statement: one counted branch per segment. */
export async function segmentSizes(em: EntityManager, segments: readonly Segment[]): Promise<number[]> {
  const now = new Date();
  const branches: string[] = [];
  const params: unknown[] = [];
  for (const segment of segments) {
    if (segment.kind === SegmentKind.STATIC) {
      branches.push('select ?::uuid as segment_id, count(*) as total from segment_member where segment_id = ?');
      params.push(segment.id, segment.id);
    } else {
      const rules = rulesOf(segment, now);
      branches.push(`select ?::uuid as segment_id, count(*) as total from customer_profile t where ${rules.sql}`);
      params.push(segment.id, ...rules.params);
    }
  }
  const rows = await em.execute<Array<{ segment_id: string; total: string }>>(branches.join(' union all '), params);
  const totals = new Map(rows.map((r) => [r.segment_id, Number(r.total)]));
  return segments.map((s) => totals.get(s.id) ?? 0);
}

/**
 * The active segments each customer belongs to: every segment's rules are evaluated for the whole
 * batch of customers in one statement, so the cost follows the number of segments, not of customers.
 */
export async function segmentsOfCustomers(em: EntityManager, customerIds: readonly string[]): Promise<Segment[][]> {
  const segments = await em.find(Segment, { archivedAt: null }, { orderBy: { name: 'asc', id: 'asc' } });
  if (segments.length === 0) return customerIds.map(() => []);
  const now = new Date();
  const ids = pgArray(customerIds.map((id) => id.toLowerCase()));
  const branches = ['select segment_id, customer_id from segment_member where customer_id = any(?::uuid[]) and segment_id = any(?::uuid[])'];
  const params: unknown[] = [ids, pgArray(segments.filter((s) => s.kind === SegmentKind.STATIC).map((s) => s.id))];
  for (const segment of segments.filter((s) => s.kind === SegmentKind.DYNAMIC)) {
    const rules = rulesOf(segment, now);
    branches.push(`select ?::uuid, t.id from customer_profile t where t.id = any(?::uuid[]) and ${rules.sql}`);
    params.push(segment.id, ids, ...rules.params);
  }
  const rows = await em.execute<Array<{ segment_id: string; customer_id: string }>>(branches.join(' union all '), params);
  const members = new Set(rows.map((r) => `${r.customer_id}/${r.segment_id}`));
  sortByName(segments);
  return customerIds.map((customerId) => segments.filter((s) => members.has(`${customerId.toLowerCase()}/${s.id}`)));
}
