import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '../../../../kit/events.js';
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

/** Records a Case* event: the snapshot plus what is specific to the event (which wins on a shared key). */
export function recordCaseEvent(em: EntityManager, found: Case, type: string, specifics: Record<string, unknown> = {}): void {
  recordEvent(em, { type, aggregateType: 'Case', aggregateId: found.id, payload: { ...caseSnapshot(found), ...specifics } });
}
