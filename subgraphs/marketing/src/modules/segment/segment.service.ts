import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { fetchKeysetPage, pgArray, type KeysetQuery, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { assertVersion } from '../../../../kit/versioning.js';
import { CustomerProfile } from '../projection/projection.entity.js';
import { compileRules, type CompiledRules } from './segment.compiler.js';
import { Segment, SegmentKind, SegmentMember } from './segment.entity.js';
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
    aggregateType: 'Segment',
    aggregateId: segment.id,
    payload: { segmentId: segment.id, name: segment.name, kind: segment.kind },
  });
  await em.flush();
  return segment;
}

export async function updateSegment(em: EntityManager, input: UpdateSegmentInput): Promise<Segment> {
  const segment = await getSegment(em, input.id);
  assertVersion(segment, input.version, 'Segment');
  if (segment.archivedAt) throw conflict(`Segment ${segment.id} is archived`);
  if (input.rules && segment.kind === SegmentKind.STATIC) throw badInput('A STATIC segment has members, not rules', 'rules');
  const changedFields: string[] = [];
  if (input.name != null) { segment.name = input.name.trim(); changedFields.push('name'); }
  if (input.description !== undefined) { segment.description = input.description; changedFields.push('description'); }
  if (input.rules) { segment.rules = checkedRules(input.rules); changedFields.push('rules'); }
  recordEvent(em, { type: 'SegmentUpdated', aggregateType: 'Segment', aggregateId: segment.id, payload: { segmentId: segment.id, changedFields } });
  await em.flush();
  return segment;
}

export async function archiveSegment(em: EntityManager, id: string, version: number): Promise<Segment> {
  const segment = await getSegment(em, id);
  assertVersion(segment, version, 'Segment');
  if (segment.archivedAt) return segment;
  segment.archivedAt = new Date();
  recordEvent(em, { type: 'SegmentArchived', aggregateType: 'Segment', aggregateId: segment.id, payload: { segmentId: segment.id } });
  await em.flush();
  return segment;
}

async function staticSegment(em: EntityManager, id: string): Promise<Segment> {
  const segment = await getSegment(em, id, 'segmentId');
  if (segment.kind !== SegmentKind.STATIC) throw badInput(`Segment ${segment.id} is DYNAMIC: its members come from its rules`, 'segmentId');
  if (segment.archivedAt) throw conflict(`Segment ${segment.id} is archived`);
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
      recordEvent(tx, { type: 'SegmentMembersAdded', aggregateType: 'Segment', aggregateId: segment.id, payload: { segmentId: segment.id, customerIds: added.map((r) => r.customer_id) } });
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
      recordEvent(tx, { type: 'SegmentMembersRemoved', aggregateType: 'Segment', aggregateId: segment.id, payload: { segmentId: segment.id, customerIds: removed.map((r) => r.customer_id) } });
    }
  });
  return segment;
}

export function segmentListQuery(filter: SegmentFilter | null | undefined, order: SegmentOrder): Omit<KeysetQuery<Segment>, 'parent'> {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (!filter?.includeArchived) parts.push('archived_at is null');
  if (filter?.kind) { parts.push('kind = ?'); params.push(filter.kind); }
  if (filter?.nameContains?.trim()) { parts.push('name ilike ?'); params.push(`%${filter.nameContains.trim().replace(/[\\%_]/g, '\\$&')}%`); }
  return {
    entity: Segment,
    table: 'segment',
    orderBy: order === SegmentOrder.NAME
      ? { column: 'name', property: 'name', descending: false }
      : { column: 'created_at', property: 'createdAt', descending: true },
    where: parts.length ? { sql: parts.join(' and '), params } : undefined,
  };
}

const rulesOf = (segment: Segment, now: Date): CompiledRules => compileRules(segment.rules!, now);

/** Who is in the segment, newest known customers first; DYNAMIC segments are evaluated by PostgreSQL. */
export async function segmentMembersPage(em: EntityManager, segment: Segment, page: PageArgs): Promise<Page<{ id: string }>> {
  if (segment.kind === SegmentKind.STATIC) {
    const found = await fetchKeysetPage(em, {
      entity: SegmentMember,
      table: 'segment_member',
      orderBy: { column: 'added_at', property: 'addedAt', descending: true },
      where: { sql: 'segment_id = ?', params: [segment.id] },
    }, page);
    return { pageInfo: found.pageInfo, edges: found.edges.map((e) => ({ cursor: e.cursor, node: { id: e.node.customerId } })) };
  }
  const found = await fetchKeysetPage(em, {
    entity: CustomerProfile,
    table: 'customer_profile',
    orderBy: { column: 'created_at', property: 'createdAt', descending: true },
    where: rulesOf(segment, new Date()),
  }, page);
  return { pageInfo: found.pageInfo, edges: found.edges.map((e) => ({ cursor: e.cursor, node: { id: e.node.id } })) };
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
  return customerIds.map((customerId) => segments.filter((s) => members.has(`${customerId.toLowerCase()}/${s.id}`)));
}
