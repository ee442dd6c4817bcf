import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { compileRules } from './segment.compiler.js';
import { Segment, SegmentKind } from './segment.entity.js';
import { keepSoon } from './segment.kept-members.js';
import type { CreateSegmentInput, UpdateSegmentInput } from './segment.inputs.js';
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
  if (segment.kind === SegmentKind.DYNAMIC) await keepSoon(em);
  return segment;
}

export async function updateSegment(em: EntityManager, id: string, version: number, input: UpdateSegmentInput): Promise<Segment> {
  const segment = await getSegment(em, id);
  assertVersion(segment, version, 'Segment');
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
  if (input.rules) await keepSoon(em, segment.id);
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
