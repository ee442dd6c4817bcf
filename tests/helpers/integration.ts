import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import type { EventHandler, HandlerTools } from '@crm/kit/consumer.js';
import { readEvent } from '@crm/kit/event-catalog.js';
import { createErrorFormatter } from '@crm/kit/errors.js';
import { createLogger } from '@crm/kit/logger.js';

const log = createLogger('test');

/**
 * Runs a change as the API runs a mutation (kit/mutations.ts): in a transaction of its own, on a unit of work of its
 * own, committed whole or not at all.
 */
export const mutation = <T>(orm: MikroORM, change: (em: EntityManager) => Promise<T>): Promise<T> => orm.em.fork().transactional(change);

/** A domain event as its subgraph wrote it to the outbox. */
export interface StoredEvent {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** The domain events a subgraph wrote to its outbox about one aggregate, oldest first. */
export async function outboxOf(orm: MikroORM, aggregateId: string): Promise<StoredEvent[]> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<Array<{ id: string; type: string; aggregate_type: string; aggregate_id: string; payload: Record<string, unknown>; occurred_at: Date }>>(
      'select id, type, aggregate_type, aggregate_id, payload, occurred_at from outbox_event where aggregate_id = ? order by position',
      [aggregateId],
    );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    payload: row.payload,
    occurredAt: new Date(row.occurred_at),
  }));
}

/** The types of those events, oldest first. */
export const outboxTypes = async (orm: MikroORM, aggregateId: string): Promise<string[]> => (await outboxOf(orm, aggregateId)).map((e) => e.type);

/** A handler tested on its subgraph's own database reaches nothing beyond it: neither the bus nor the graph is there. */
const NO_TOOLS = new Proxy({} as HandlerTools, {
  get: (_tools, name) => {
    throw new Error(`A handler tested on its own database cannot reach the ${String(name)}`);
  },
});

/** A stored event as its subgraph's relay publishes it on the bus. */
export const published = (stream: string, event: StoredEvent): OutgoingEvent => ({ ...event, stream, occurredAt: event.occurredAt.toISOString() });

/**
 * Hands an event to a handler as its consumer would (kit/consumer.ts), without the relay and the bus in between:
 * read as the catalog declares it, passed over unless it is one of the handler's types and `when` takes it, handled
 * in one transaction. True when the handler ran. The event may be the subgraph's own (`published`) or one another
 * subgraph would publish (tests/helpers/events.ts).
 */
export async function deliver(orm: MikroORM, handler: EventHandler, event: OutgoingEvent): Promise<boolean> {
  if (!(handler.on as readonly string[]).includes(event.type)) return false;
  const read = readEvent({ ...event, cursor: '0' });
  if (!('event' in read)) throw new Error(`${event.type} ${event.id} cannot be read: ${JSON.stringify(read)}`);
  if (handler.when && !handler.when(read.event)) return false;
  await orm.em.fork().transactional((em) => handler.handle(em, read.event, log, NO_TOOLS));
  return true;
}

const formatError = createErrorFormatter(log);

/**
 * How the API answers a call that fails: the code, message and extensions its one error formatter makes of the
 * error (a domain error as it is, a race lost at flush as CONFLICT). A failure the API would hide as internal is
 * rethrown, and a call that succeeds fails the test.
 */
export async function refusal(call: Promise<unknown>): Promise<{ code: unknown; message: string; extensions: Record<string, unknown> }> {
  const outcome = await call.then(
    () => null,
    (error: unknown) => ({ error }),
  );
  if (!outcome) throw new Error('The call succeeded, but a refusal was expected');
  const answer = formatError({ message: '' }, outcome.error);
  if (answer.extensions?.code === 'INTERNAL_SERVER_ERROR') throw outcome.error;
  return { code: answer.extensions?.code, message: answer.message, extensions: { ...answer.extensions } };
}
