import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent, withSnapshot, type SpecificsArgs } from '@crm/kit/events.js';
import type { Case } from './case.entity.js';

/**
 * The current state of a case that every Case* event carries, so consumers (the live queue,
 * marketing's timeline) can filter and act without reading the case back.
 */
export function caseSnapshot(found: Case) {
  return {
    caseId: found.id,
    customerId: found.customerId,
    status: found.status,
    priority: found.priority,
    line: found.line,
    category: found.category,
    assigneeId: found.assigneeId ?? null,
    channel: found.channel,
    currentChannel: found.currentChannel,
  };
}

/** Records a Case* event: the snapshot, and what is specific to the event (never a snapshot key). */
export function recordCaseEvent<T extends EventsAbout<'Case'>>(
  em: EntityManager,
  found: Case,
  type: T,
  ...[specifics]: SpecificsArgs<T, ReturnType<typeof caseSnapshot>>
): void {
  recordEvent(em, { type, aggregateId: found.id, payload: withSnapshot<T>(caseSnapshot(found), specifics) });
}
