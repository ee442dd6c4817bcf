import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { groupByKeys } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { encodeCursor, keysetCursor, pageOf, planKeyset } from '@crm/kit/pagination/cursor.js';
import { rejectForgedCursor } from '@crm/kit/pagination/keyset.js';
import { liveCustomerIds } from '@crm/kit/customer-aliases.js';
import { pgArray } from '@crm/kit/sql.js';
import { compileRules, type CompiledRules } from './segment.compiler.js';
import { Segment, SegmentKind } from './segment.entity.js';
import { dynamicSize, refreshForRead } from './segment.kept-members.js';
import { sortByName } from './segment.queries.js';
import { getSegment } from './segment.service.js';

/**
 * The membership engine: who is in a segment. A STATIC segment is its list (segment_member rows, added and
 * removed here); a DYNAMIC one is its rules, compiled to SQL over the profiles and evaluated by PostgreSQL
 * each time it is asked, so it is always current. Its size alone is counted from its kept members, which a read
 * brings up to date first (segment.kept-members.ts): evaluating the rules over every profile grew with the customers.
 */

async function staticSegment(em: EntityManager, id: string): Promise<Segment> {
  const segment = await getSegment(em, id, 'segmentId');
  if (segment.kind !== SegmentKind.STATIC) throw badInput(`Segment ${segment.id} is DYNAMIC: its members come from its rules`, 'segmentId');
  if (segment.archivedAt) throw archived('Segment', segment.id);
  return segment;
}

/** How many customers one addToList or removeFromList takes; a longer list is sent in parts. */
export const MAX_LIST_CHANGE = 1000;

function checkListSize(customerIds: string[]): void {
  if (customerIds.length < 1) throw badInput('customerIds must contain at least 1 elements', 'customerIds');
  if (customerIds.length > MAX_LIST_CHANGE) throw badInput(`customerIds must contain no more than ${MAX_LIST_CHANGE} elements`, 'customerIds');
}

/** No version: additions commute, so two people adding customers at once both get theirs in. */
export async function addToList(em: EntityManager, segmentId: string, ids: string[]): Promise<Segment> {
  checkListSize(ids);
  const segment = await staticSegment(em, segmentId);
  const customerIds = ids.map((id) => parseId(id, 'Customer', 'customerIds'));
  await em.transactional(async (tx) => {
    // The customers as they are now, locked until this write commits: a merge moving their memberships waits for it.
    const live = await liveCustomerIds(tx, customerIds);
    const added = await tx.execute<Array<{ customer_id: string }>>(
      `insert into segment_member (id, segment_id, customer_id, added_at)
       select gen_random_uuid(), ?, c, now() from unnest(?::uuid[]) as c on conflict do nothing returning customer_id`,
      [segment.id, pgArray([...new Set(live.values())])],
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

export async function removeFromList(em: EntityManager, segmentId: string, ids: string[]): Promise<Segment> {
  checkListSize(ids);
  const segment = await staticSegment(em, segmentId);
  const customerIds = ids.map((id) => parseId(id, 'Customer', 'customerIds'));
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

const rulesOf = (segment: Segment, now: Date): CompiledRules => compileRules(segment.rules!, now);

/** A segment's members as rows (customer_id, sort_at, row_id): its list rows, or its rules over `customer_profile t`. */
export function memberRows(segment: Segment, now: Date): { sql: string; params: unknown[] } {
  if (segment.kind === SegmentKind.STATIC) {
    return { sql: 'select m.customer_id, m.added_at as sort_at, m.id as row_id from segment_member m where m.segment_id = ?', params: [segment.id] };
  }
  const rules = rulesOf(segment, now);
  return { sql: `select t.id as customer_id, t.created_at as sort_at, t.id as row_id from customer_profile t where ${rules.sql}`, params: rules.params };
}

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
  const cursor = plan.cursor ? keysetCursor(plan.cursor, true) : null;
  const direction = plan.forward ? 'desc' : 'asc';
  const seek = cursor ? ` and (sort_at, row_id) ${plan.forward ? '<' : '>'} (?::timestamptz, ?::uuid)` : '';
  const now = new Date();
  const branches: string[] = [];
  const params: unknown[] = [];
  for (const segment of segments) {
    const source = memberRows(segment, now);
    branches.push(`(select ?::uuid as segment_id, customer_id, row_id, ${exactTime('sort_at')} as sort_key
      from (${source.sql}) s where true${seek} order by sort_at ${direction}, row_id ${direction} limit ?)`);
    params.push(segment.id, ...source.params, ...(cursor ?? []), plan.limit + 1);
  }
  const rows =
    branches.length === 0
      ? []
      : await em
          .getConnection()
          .execute<Array<{ segment_id: string; customer_id: string; row_id: string; sort_key: string }>>(branches.join(' union all '), params)
          .catch(rejectForgedCursor(plan));
  const bySegment = groupByKeys(
    segments.map((s) => s.id),
    rows,
    (row) => row.segment_id,
  );
  return bySegment.map((found) => pageOf(found, plan, (row) => ({ cursor: encodeCursor([row.sort_key, row.row_id]), node: { id: row.customer_id } })));
}

/**
 * The size of many segments in one statement: one counted branch per segment. An active DYNAMIC segment counts its
 * kept members once the job has kept it, brought up to date first (segment.kept-members.ts); until then, or when a
 * read finds too much to bring up to date, and for an archived one, its rules are evaluated.
 */
export async function segmentSizes(em: EntityManager, segments: readonly Segment[]): Promise<number[]> {
  const now = new Date();
  const dynamic = (segment: Segment) => segment.kind === SegmentKind.DYNAMIC && !segment.archivedAt;
  const current = segments.some(dynamic) && (await refreshForRead(em, now));
  const branches: string[] = [];
  const params: unknown[] = [];
  for (const segment of segments) {
    if (segment.kind === SegmentKind.STATIC) {
      branches.push('select ?::uuid as segment_id, count(*) as total from segment_member where segment_id = ?');
      params.push(segment.id, segment.id);
    } else {
      const size = dynamicSize(segment, now, current && dynamic(segment));
      branches.push(size.sql);
      params.push(...size.params);
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
