import { randomUUID } from 'node:crypto';
import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EVENTS, writeViolation, type EventType, type PayloadOf } from './event-catalog.js';
import { markForPreparing } from './prepared-statements.js';
import { executeBound } from './sql.js';

/**
 * A domain event in its subgraph's outbox. It is written by the same flush, so in the same
 * transaction, as the change it describes: committed together or not at all.
 * `position` is the order of writing; its OutboxCommitOrder's `seq` is the order of commit, stamped by the database
 * as the writing transaction commits (see outbox-commit-order.ts), and the order the relay publishes in.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['aggregateId', 'position'] })
@Index({ properties: ['occurredAt'] })
// The commit-order trigger finds its transaction's own rows through it.
@Index({ properties: ['txId'] })
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

  // The writing transaction's id, filled by the database's default, never by the application: the commit-order
  // trigger numbers the transaction's rows by it, and the relay resumes a checkpoint from before commit ordering.
  @Property({ type: 'string', columnType: 'xid8', nullable: true, defaultRaw: 'pg_current_xact_id()', lazy: true, hidden: true })
  txId?: string | null;
}

/**
 * The commit order of an outbox event: `seq`, stamped by the database as the writing transaction commits (never by
 * the application), in a narrow table of its own so that numbering does not rewrite the event (ADR 5).
 */
@Entity({ tableName: 'outbox_commit_order' })
@Index({ properties: ['event'] })
export class OutboxCommitOrder {
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @ManyToOne(() => OutboxEvent, { fieldName: 'position', deleteRule: 'cascade', updateRule: 'cascade' })
  event!: OutboxEvent;
}

/** A domain event as its producer records it; its type, aggregate and payload shape come from the catalog. */
export interface DomainEvent<T extends EventType = EventType> {
  /** Past tense, e.g. `OpportunityStageChanged`: a type of the catalog (event-catalog.ts). */
  type: T;
  aggregateId: string;
  /** What changed: ids, new values and `changedFields`, enough for a subscriber to act without reading back. */
  payload: PayloadOf<T>;
}

/**
 * The one way to emit a domain event: queue it in the unit of work, so the caller's `em.flush()` (one transaction)
 * writes the change and its event together. The payload must be its type's (tsc checks it against the catalog);
 * it is stamped with the type's current version.
 */
export function recordEvent<T extends EventType>(em: EntityManager, event: DomainEvent<T>): OutboxEvent {
  return em.create(OutboxEvent, outboxFields(event));
}

/** The event as its outbox row holds it, checked against the catalog and stamped with its type's version. */
function outboxFields<T extends EventType>(event: DomainEvent<T>) {
  const definition = EVENTS[event.type];
  const violation = writeViolation(event.type, event.payload as Record<string, unknown>);
  // A programming error, never input: the change and its event roll back together.
  if (violation) throw new Error(`${event.type} does not keep its contract (event-catalog.ts): ${violation}`);
  return {
    type: event.type,
    aggregateType: definition.aggregate,
    aggregateId: event.aggregateId,
    payload: { ...(event.payload as Record<string, unknown>), eventVersion: definition.version },
  };
}

const INSERT_EVENTS = `insert into outbox_event (id, type, aggregate_type, aggregate_id, payload, occurred_at)
  select id, type, aggregate_type, aggregate_id, payload, now()
  from jsonb_to_recordset($1::jsonb) as e(n int, id uuid, type text, aggregate_type text, aggregate_id text, payload jsonb)
  order by n`;

/**
 * recordEvent for a bulk write that inserts its own rows in one statement (a partner's batch): the events are
 * written in one statement too, in the caller's transaction and in the given order, instead of one entity each
 * through the unit of work (which cost most of a 1,000-row batch's time), their JSON bound as one parameter. Same
 * contract checks, same outbox, same commit-order numbering; an aggregate the write changed gets its new version
 * from `versions`.
 */
export async function recordEvents<T extends EventType>(
  tx: EntityManager,
  events: ReadonlyArray<DomainEvent<T>>,
  /** The version each aggregate this write changed has once it commits (as AggregateVersionStamp stamps it on a flush). */
  versions: ReadonlyMap<string, number> = new Map(),
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event, n) => {
    const fields = outboxFields(event);
    const version = versions.get(fields.aggregateId);
    const payload = version === undefined ? fields.payload : { ...fields.payload, aggregateVersion: version };
    return { n, id: randomUUID(), type: fields.type, aggregate_type: fields.aggregateType, aggregate_id: fields.aggregateId, payload };
  });
  // Prepared once per connection (every write with events runs it; marked at each call, as the marks start again when
  // full). It answers no rows, so no change of its table makes PostgreSQL refuse it, as it refuses a prepared
  // `select t.*` after a migration (kit/prepared-statements.ts).
  markForPreparing(INSERT_EVENTS);
  await executeBound(tx, INSERT_EVENTS, [JSON.stringify(rows)]);
  eventWriters.add(tx);
}

/**
 * The entity managers whose open transaction wrote outbox rows with recordEvents (a flush's OutboxEvent entities
 * are seen by outbox-commit-signal.ts itself), so the relay is woken when that transaction commits.
 */
export const eventWriters = new WeakSet<object>();

/**
 * `unit` ran inside the transaction of `transaction` (a fork keeping its transaction context, as kit/bulk.ts gives
 * each item): the events it wrote commit with that transaction, and so does waking the relay for them.
 */
export function eventsCommitWith(unit: EntityManager, transaction: EntityManager): void {
  if (eventWriters.has(unit)) eventWriters.add(transaction);
}

/** What an event adds to its aggregate's snapshot: the payload without the snapshot's keys. */
export type Specifics<T extends EventType, Snapshot> = Omit<PayloadOf<T>, keyof Snapshot>;
/** The specifics as an argument: optional when the event adds nothing required to the snapshot. */
export type SpecificsArgs<T extends EventType, Snapshot> =
  object extends Specifics<T, Snapshot> ? [specifics?: Specifics<T, Snapshot>] : [specifics: Specifics<T, Snapshot>];

/**
 * The payload of a snapshot-carrying event (every Opportunity*, Quote* and Case* event says what the record is now).
 * The snapshot is the truth about the record; specifics cannot redefine its keys (Specifics omits them).
 */
export const withSnapshot = <T extends EventType>(snapshot: object, specifics: object = {}) => ({ ...specifics, ...snapshot }) as PayloadOf<T>;

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
