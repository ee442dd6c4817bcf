import { randomUUID } from 'node:crypto';
import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A domain event in its subgraph's outbox. It is written by the same flush, so in the same
 * transaction, as the change it describes: committed together or not at all.
 * `position` is the order of writing; `seq` is the order of commit, stamped by the database as the writing
 * transaction commits (see outbox-commit-order.ts), and the order the relay publishes in.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['aggregateId', 'position'] })
@Index({ properties: ['occurredAt'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  position!: Opt<string>;

  @Property({ type: 'uuid', unique: true })
  id: Opt<string> = randomUUID();

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  aggregateType!: string;

  @Property({ type: 'text' })
  aggregateId!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  occurredAt: Opt<Date> = new Date();

  // Never set by the application: the database numbers committed events (null only inside the writing transaction).
  @Property({ type: 'bigint', nullable: true, unique: true, lazy: true })
  seq?: string | null;
}

export interface DomainEvent {
  /** Past tense, e.g. `OpportunityStageChanged`. */
  type: string;
  aggregateType: string;
  aggregateId: string;
  /** What changed: ids, new values and `changedFields`, enough for a subscriber to act without reading back. */
  payload: Record<string, unknown>;
}

/**
 * The one way to emit a domain event: queue it in the unit of work, so the caller's
 * `em.flush()` (one transaction) writes the change and its event together.
 */
export function recordEvent(em: EntityManager, event: DomainEvent): OutboxEvent {
  return em.create(OutboxEvent, event);
}

/**
 * Stamps each event with the version its aggregate has once this flush commits (`payload.aggregateVersion`),
 * so a subscriber can tell whether the record it reads later is the one the event describes or a newer one.
 * Versions are bumped by the UPDATE itself (`version = version + 1`), so the new one is the loaded one plus 1.
 */
export class AggregateVersionStamp implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    const changeSets = uow.getChangeSets();
    const versions = new Map<string, number>();
    for (const changeSet of changeSets) {
      const entity = changeSet.entity as { id?: unknown; version?: unknown };
      if (!changeSet.meta.versionProperty || typeof entity.id !== 'string') continue;
      if (changeSet.type === ChangeSetType.CREATE) versions.set(entity.id, Number(entity.version ?? 1));
      if (changeSet.type === ChangeSetType.UPDATE) versions.set(entity.id, Number(entity.version) + 1);
    }
    for (const changeSet of changeSets) {
      if (changeSet.type !== ChangeSetType.CREATE || !(changeSet.entity instanceof OutboxEvent)) continue;
      const event = changeSet.entity;
      const version = versions.get(event.aggregateId);
      if (version === undefined || 'aggregateVersion' in event.payload) continue;
      event.payload = { ...event.payload, aggregateVersion: version };
      uow.recomputeSingleChangeSet(event);
    }
  }
}
