import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { pgArray } from '../../../../kit/pagination.js';
import { Case } from './case.entity.js';
import type { CaseFilter, OpenCaseInput } from './case.inputs.js';

export async function getCase(em: EntityManager, id: string): Promise<Case> {
  const found = await em.findOne(Case, { id: parseId(id, 'Case') });
  if (!found) throw notFound('Case', id);
  return found;
}

export async function openCase(em: EntityManager, input: OpenCaseInput): Promise<Case> {
  const created = em.create(Case, {
    customerId: parseId(input.customerId, 'Customer', 'customerId'),
    assigneeId: input.assigneeId ? parseId(input.assigneeId, 'User', 'assigneeId') : null,
    subject: input.subject.trim(),
    description: input.description ?? null,
    channel: input.channel,
    priority: input.priority,
  });
  recordEvent(em, {
    type: 'CaseOpened',
    aggregateType: 'Case',
    aggregateId: created.id,
    payload: { caseId: created.id, customerId: created.customerId, priority: created.priority, channel: created.channel },
  });
  await em.flush();
  return created;
}

export function caseFilterSql(filter: CaseFilter | null | undefined): { sql: string; params: unknown[] } | undefined {
  if (!filter?.statuses?.length) return undefined;
  return { sql: 'status = any(?::case_status[])', params: [pgArray(filter.statuses)] };
}
