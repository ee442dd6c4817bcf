import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
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
