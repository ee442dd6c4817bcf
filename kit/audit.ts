import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { REDACTED, redactedInAudit } from './access/personal-data.js';
import type { EventPayload, EventStamp } from './event-catalog.js';
import { recordEvent, recordEvents, type DomainEvent } from './events.js';

/** What the audit log keeps of one thing a caller did: the `AuditRecorded` event's payload (identity stores it). */
export type AuditRecord = Omit<EventPayload<'AuditRecorded'>, EventStamp>;

const auditRecorded = (record: AuditRecord): DomainEvent<'AuditRecorded'> => ({ type: 'AuditRecorded', aggregateId: randomUUID(), payload: record });

/** Queues an audit record in the outbox of `em`'s transaction (its next flush writes it): kept exactly when the change is. */
export function recordAudit(em: EntityManager, record: AuditRecord): void {
  recordEvent(em, auditRecorded(record));
}

/**
 * recordAudit written at once, in one statement with the record bound as a parameter: a mutation's record, after its
 * changes were flushed. Through the unit of work, each record was an entity to track and an insert with its values
 * written into the SQL text, planned anew every time (every mutation makes one).
 */
export async function writeAudit(em: EntityManager, record: AuditRecord): Promise<void> {
  await recordEvents(em, [auditRecorded(record)]);
}

/** One record a mutation changed, with each changed field before and after. */
export interface AuditChange {
  entity: string;
  id: string;
  action: 'created' | 'updated' | 'deleted';
  fields: Record<string, { before: unknown; after: unknown }>;
}

const changesOfRequest = new AsyncLocalStorage<AuditChange[]>();
// Bookkeeping, not the business data a person changed.
const PLUMBING = new Set(['OutboxEvent', 'ProcessedEvent', 'ConsumerCheckpoint', 'IdempotencyKey', 'CustomerAlias']);
const SKIPPED_FIELDS = new Set(['version', 'updatedAt', 'createdAt']);
const MAX_CHANGES = 50;

/** Runs a mutation collecting what its flushes change (AuditTrail fills the list). */
export function collectingChanges<T>(run: () => Promise<T>): { changes: AuditChange[]; result: Promise<T> } {
  const changes: AuditChange[] = [];
  return { changes, result: changesOfRequest.run(changes, run) };
}

const shown = (className: string, property: string, value: unknown): unknown => {
  if (value === undefined || value === null) return null;
  if (redactedInAudit(className, property)) return REDACTED;
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 200)}…`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && !Array.isArray(value)) return '[object]';
  return value;
};

/** A MikroORM subscriber: each flush of a mutation adds the records it changed to the request's audit changes. */
export class AuditTrail implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    const changes = changesOfRequest.getStore();
    if (!changes) return;
    for (const changeSet of uow.getChangeSets()) {
      const className = changeSet.meta.className;
      if (PLUMBING.has(className) || changes.length >= MAX_CHANGES) continue;
      const before = (changeSet.originalEntity ?? {}) as Record<string, unknown>;
      const after = (changeSet.payload ?? {}) as Record<string, unknown>;
      const action = changeSet.type === ChangeSetType.CREATE ? 'created' : changeSet.type === ChangeSetType.DELETE ? 'deleted' : 'updated';
      const keys = action === 'deleted' ? [] : Object.keys(after).filter((key) => !SKIPPED_FIELDS.has(key));
      changes.push({
        entity: className,
        id: String(changeSet.getPrimaryKey() ?? ''),
        action,
        fields: Object.fromEntries(
          keys.map((key) => [key, { before: action === 'created' ? null : shown(className, key, before[key]), after: shown(className, key, after[key]) }]),
        ),
      });
    }
  }
}
