import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { BusEvent, EventBus } from './bus/index.js';
import type { Logger } from './logger.js';

/** Which events a consumer has applied: the bus delivers at least once, this makes the effect once. */
@Entity({ tableName: 'processed_event' })
export class ProcessedEvent {
  @PrimaryKey({ type: 'text' })
  consumer!: string;

  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'timestamptz' })
  processedAt: Opt<Date> = new Date();
}

/** How far a consumer has read the bus. */
@Entity({ tableName: 'consumer_checkpoint' })
export class ConsumerCheckpoint {
  @PrimaryKey({ type: 'text' })
  consumer!: string;

  @Property({ type: 'text' })
  cursor!: string;
}

export const consumerEntities = [ProcessedEvent, ConsumerCheckpoint];

/** A reaction to other domains' events, e.g. "a lead was created → resolve its customer". */
export interface EventHandler {
  /** Stable name: the consumer id under which progress and processed events are remembered. */
  name: string;
  handles(event: BusEvent): boolean;
  /** Runs in one transaction with the bookkeeping; events it records (recordEvent) commit with it. */
  handle(em: EntityManager, event: BusEvent, log: Logger): Promise<void>;
}

const PAGE = 200;
// Background work stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };

/** Runs each handler as its own consumer of the bus, in bus order, retrying a failed event until it succeeds. */
export function startConsumers(options: { orm: MikroORM; bus: EventBus; handlers: EventHandler[]; log: Logger; retryMs?: number }) {
  let stopped = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });
  const unsubscribe = options.bus.onPublish(() => [...wakers].forEach((wake) => wake()));

  async function run(handler: EventHandler): Promise<void> {
    const em = options.orm.em.fork({ loggerContext: QUIET });
    let cursor: string | null | undefined;
    while (!stopped) {
      const woken = sleep(2000);
      let page: BusEvent[] = [];
      try {
        if (cursor === undefined) cursor = (await em.fork().findOne(ConsumerCheckpoint, { consumer: handler.name }))?.cursor ?? null;
        page = await options.bus.read(cursor, PAGE);
        for (const event of page) {
          if (stopped) return;
          if (handler.handles(event)) await apply(handler, event);
          cursor = event.cursor;
        }
        const last = page.at(-1);
        if (last && !handler.handles(last)) await saveCheckpoint(em, handler.name, last.cursor);
      } catch (error) {
        options.log.error({ err: error, consumer: handler.name }, 'event handler failed; retrying');
        await sleep(options.retryMs ?? 1000);
        continue;
      }
      if (page.length < PAGE) await woken;
    }
  }

  /** The effect, the processed mark and the checkpoint commit together. */
  async function apply(handler: EventHandler, event: BusEvent): Promise<void> {
    await options.orm.em.fork({ loggerContext: QUIET }).transactional(async (em) => {
      const inserted = await em.execute<{ affectedRows: number }>(
        'insert into processed_event (consumer, event_id, processed_at) values (?, ?, now()) on conflict do nothing',
        [handler.name, event.id],
        'run',
        QUIET,
      );
      if (inserted.affectedRows > 0) await handler.handle(em, event, options.log);
      await saveCheckpoint(em, handler.name, event.cursor);
    });
  }

  const saveCheckpoint = (em: EntityManager, consumer: string, cursor: string) =>
    em.execute(
      'insert into consumer_checkpoint (consumer, cursor) values (?, ?) on conflict (consumer) do update set cursor = excluded.cursor',
      [consumer, cursor],
      'run',
      QUIET,
    );

  const loops = options.handlers.map((handler) => run(handler));
  return {
    async stop() {
      stopped = true;
      [...wakers].forEach((wake) => wake());
      await Promise.all(loops);
      await (await unsubscribe)();
    },
  };
}
