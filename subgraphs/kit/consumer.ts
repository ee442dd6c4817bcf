import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { BusEvent, EventBus } from './bus/index.js';
import { DomainError } from './errors.js';
import type { GraphClient } from './graph-client.js';
import type { CheckResult } from './health.js';
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

/**
 * What a consumer does when events it never read were pruned (it was down longer than the retention window).
 * Every handler chooses one, so no consumer can wait for ever on events that will never come back.
 */
export type AfterExpiry =
  /**
   * A projection: recompute what it derives from the pruned events from the subgraphs that own the data (through
   * the graph), then read on from the bus position taken before the rebuild, so later events replay onto it.
   */
  | { rebuild(em: EntityManager, graph: GraphClient, log: Logger): Promise<void> }
  /**
   * An automation whose triggers have passed (e.g. "send the confirmation of a form submitted days ago"): read on
   * from the oldest retained event. `lost` tells the operator what was not done and how to find it.
   */
  | { skip: { lost: string } };

/** What a handler may reach beyond its own database: the bus (e.g. to redact it) and the other domains' APIs. */
export interface HandlerTools {
  bus: EventBus;
  graph: GraphClient;
}

/** A reaction to other domains' events, e.g. "a lead was created → resolve its customer". */
export interface EventHandler {
  /** Stable name: the consumer id under which progress and processed events are remembered. */
  name: string;
  handles(event: BusEvent): boolean;
  /** Runs in one transaction with the bookkeeping; events it records (recordEvent) commit with it. */
  handle(em: EntityManager, event: BusEvent, log: Logger, tools: HandlerTools): Promise<void>;
  afterExpiry: AfterExpiry;
}

/** What /health/ready reports of one consumer. */
export interface ConsumerStatus {
  consumer: string;
  cursor: string | null;
  /** When the newest event it has read happened. */
  lastEventAt: string | null;
  caughtUp: boolean;
  /** How far behind the bus it is: 0 when caught up, else the age of the newest event it has read. */
  lagSeconds: number | null;
  failingSince: string | null;
  lastError: string | null;
  /** Set while events it never read have been pruned and it has not re-synchronized yet. */
  behindRetentionSince: string | null;
  /** The last re-synchronization after falling behind: rebuilt from the owners, or skipped to the oldest event. */
  resynchronized: { how: 'rebuilt' | 'skipped'; at: string; lost?: string } | null;
}

const PAGE = 200;
// Background work stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };
/** A consumer failing this long is reported unhealthy (a poison event or a dependency that stays down). */
const FAILING_UNHEALTHY_MS = 60_000;

export interface ConsumerOptions {
  orm: MikroORM;
  bus: EventBus;
  handlers: EventHandler[];
  log: Logger;
  graph: GraphClient;
  retryMs?: number;
}

/**
 * Runs each handler as its own consumer of the bus, in bus order, retrying a failed event (with backoff) until it
 * succeeds. A consumer that fell behind the retention window rebuilds its state, or stops and says so.
 */
export function startConsumers(options: ConsumerOptions) {
  let stopped = false;
  const wakers = new Set<() => void>();
  const sleepers = new Set<() => void>();
  const statuses = new Map<string, ConsumerStatus>();
  const sleep = (ms: number, wakeable = true) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
      if (wakeable) wakers.add(done);
    });
  const unsubscribe = options.bus.onPublish(() => [...wakers].forEach((wake) => wake()));

  async function run(handler: EventHandler): Promise<void> {
    const status: ConsumerStatus = {
      consumer: handler.name,
      cursor: null,
      lastEventAt: null,
      caughtUp: false,
      lagSeconds: null,
      failingSince: null,
      lastError: null,
      behindRetentionSince: null,
      resynchronized: null,
    };
    statuses.set(handler.name, status);
    const em = options.orm.em.fork({ loggerContext: QUIET });
    let cursor: string | null | undefined;
    let failures = 0;
    while (!stopped) {
      const woken = sleep(2000);
      let page: BusEvent[];
      try {
        if (cursor === undefined) cursor = (await em.fork().findOne(ConsumerCheckpoint, { consumer: handler.name }))?.cursor ?? null;
        page = await options.bus.read(cursor, PAGE);
        for (const event of page) {
          if (stopped) return;
          if (handler.handles(event)) await apply(handler, event);
          cursor = event.cursor;
          status.lastEventAt = event.occurredAt;
        }
        const last = page.at(-1);
        if (last && !handler.handles(last)) await saveCheckpoint(em, handler.name, last.cursor);
        status.cursor = cursor;
        status.caughtUp = page.length < PAGE;
        status.lagSeconds = status.caughtUp || !status.lastEventAt ? 0 : Math.round((Date.now() - Date.parse(status.lastEventAt)) / 1000);
        if (failures > 0) options.log.info({ consumer: handler.name, failures }, 'event handler recovered');
        failures = 0;
        status.failingSince = status.lastError = null;
      } catch (error) {
        if (isCursorExpired(error)) {
          cursor = await catchUpAfterExpiry(handler, status, cursor ?? null);
          continue;
        }
        failures++;
        status.failingSince ??= new Date().toISOString();
        status.lastError = error instanceof Error ? error.message.slice(0, 200) : 'failed';
        // The first failure and then every tenth: an outage must not flood the log.
        if (failures === 1 || failures % 10 === 0) {
          options.log.error({ err: error, consumer: handler.name, failures }, 'event handler failed; retrying');
        }
        await sleep(Math.min((options.retryMs ?? 1000) * 2 ** Math.min(failures - 1, 5), 30_000), false);
        continue;
      }
      if (page.length < PAGE) await woken;
    }
  }

  /**
   * Events this consumer never read are gone. It rebuilds what it derives from them from the owning subgraphs and
   * reads on from the bus position taken before the rebuild (later events replay onto the rebuilt state), or, for
   * an automation whose triggers have passed, it reads on from the oldest retained event. Unhealthy until done.
   */
  async function catchUpAfterExpiry(handler: EventHandler, status: ConsumerStatus, expired: string | null): Promise<string | null | undefined> {
    const policy = handler.afterExpiry;
    if (!status.behindRetentionSince) {
      status.behindRetentionSince = new Date().toISOString();
      options.log.error(
        { consumer: handler.name, cursor: expired, metric: 'consumer_behind_retention' },
        'rebuild' in policy
          ? 'consumer fell behind the event retention window; rebuilding its state from the owning subgraphs'
          : `consumer fell behind the event retention window; skipping to the oldest retained event. Not done: ${policy.skip.lost}`,
      );
    }
    try {
      const started = Date.now();
      const quiet = options.orm.em.fork({ loggerContext: QUIET });
      let from: string | null;
      if ('rebuild' in policy) {
        from = await options.bus.head();
        await quiet.transactional(async (em) => {
          await policy.rebuild(em, options.graph, options.log);
          await moveCheckpoint(em, handler.name, from);
        });
      } else {
        from = null;
        await moveCheckpoint(quiet, handler.name, null);
      }
      const how = 'rebuild' in policy ? 'rebuilt' : 'skipped';
      status.behindRetentionSince = null;
      status.resynchronized = { how, at: new Date().toISOString(), ...('skip' in policy ? { lost: policy.skip.lost } : {}) };
      options.log.info(
        { consumer: handler.name, from, ms: Date.now() - started, metric: `consumer_${how}` },
        `consumer ${how} after falling behind; reading on`,
      );
      return from;
    } catch (error) {
      status.lastError = error instanceof Error ? error.message.slice(0, 200) : 're-synchronization failed';
      options.log.error({ err: error, consumer: handler.name }, 'consumer re-synchronization failed; retrying');
      await sleep(5000, false);
      return expired;
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
      if (inserted.affectedRows > 0) await handler.handle(em, event, options.log, { bus: options.bus, graph: options.graph });
      await saveCheckpoint(em, handler.name, event.cursor);
    });
  }

  /** null: from the oldest retained event on. */
  const moveCheckpoint = (em: EntityManager, consumer: string, cursor: string | null) =>
    cursor === null ? em.execute('delete from consumer_checkpoint where consumer = ?', [consumer], 'run', QUIET) : saveCheckpoint(em, consumer, cursor);

  const saveCheckpoint = (em: EntityManager, consumer: string, cursor: string) =>
    em.execute(
      'insert into consumer_checkpoint (consumer, cursor) values (?, ?) on conflict (consumer) do update set cursor = excluded.cursor',
      [consumer, cursor],
      'run',
      QUIET,
    );

  const loops = options.handlers.map((handler) => run(handler));
  return {
    statuses: () => [...statuses.values()].map((status) => ({ ...status })),
    /** Readiness: no consumer behind the retention window, none failing for a minute. */
    health(): CheckResult {
      const all = [...statuses.values()];
      const unhealthy = all.filter((s) => s.behindRetentionSince || (s.failingSince && Date.now() - Date.parse(s.failingSince) > FAILING_UNHEALTHY_MS));
      return { ok: unhealthy.length === 0, consumers: all.map((status) => ({ ...status })) };
    },
    async stop() {
      stopped = true;
      [...sleepers].forEach((wake) => wake());
      await Promise.all(loops);
      await (
        await unsubscribe
      )();
    },
  };
}

const isCursorExpired = (error: unknown) => error instanceof DomainError && error.extensions.code === 'CURSOR_EXPIRED';
