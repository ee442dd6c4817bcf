import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { BusEvent, EventBus, TypedPage } from './bus/index.js';
import { DomainError } from './errors.js';
import { readEvent, type CatalogEvent, type EventType } from './event-catalog.js';
import type { GraphClient } from './graph-client.js';
import type { CheckResult } from './health.js';
import type { Logger } from './logger.js';
import { pgArray } from './sql.js';

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

/**
 * An event a consumer could not read: it breaks the catalog's contract (an unknown type or version, a payload of the
 * wrong shape). Kept with the reason for an operator to look into; the consumer read on past it.
 */
@Entity({ tableName: 'dead_letter' })
export class DeadLetter {
  @PrimaryKey({ type: 'text' })
  consumer!: string;

  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  stream!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  aggregateId!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'timestamptz', index: true })
  deadAt: Opt<Date> = new Date();
}

export const consumerEntities = [ProcessedEvent, ConsumerCheckpoint, DeadLetter];

/** The table each subgraph's migration creates. */
export const DEAD_LETTER_SQL = [
  `create table "dead_letter" ("consumer" text not null, "event_id" uuid not null, "stream" text not null, "type" text not null,
    "aggregate_id" text not null, "payload" jsonb not null, "reason" text not null, "occurred_at" timestamptz not null,
    "dead_at" timestamptz not null, primary key ("consumer", "event_id"))`,
  `create index "dead_letter_dead_at_index" on "dead_letter" ("dead_at")`,
];

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
export interface EventHandler<T extends EventType = EventType> {
  /** Stable name: the consumer id under which progress and processed events are remembered. */
  name: string;
  /** The event types of the catalog it reacts to; each event is checked against its contract before it is handled. */
  on: readonly T[];
  /** A narrower choice among those events (e.g. only stage changes into a first-offer stage). */
  when?(event: CatalogEvent<T>): boolean;
  /**
   * The types among `on` it has work for now, asked once per page of the bus that holds any of them: events of the
   * other types are passed over with no transaction (e.g. webhooks, when no endpoint asked for the type). Asked after
   * the page was read, so an event passed over was committed before whatever would have wanted it. The process
   * fetches the payloads of the types it wanted when last asked; one wanted since is read again with its payloads.
   */
  wanted?(em: EntityManager): Promise<ReadonlySet<string>>;
  /**
   * Runs in one transaction with the bookkeeping; events it records (recordEvent) commit with it. That transaction
   * may hold the handler's work for the events before it (a run, see applyAll): locks it takes are held until the
   * run commits, and an effect outside the database (a call to another service) may be made again if the run fails.
   */
  handle(em: EntityManager, event: CatalogEvent<T>, log: Logger, tools: HandlerTools): Promise<void>;
  /**
   * `handle`'s effect for a run of events at once, in bus order (an append-only log: one statement for the run instead
   * of one per event). With it, a run's processed marks are taken in one statement too, and only the events not
   * applied before are handed over; `handle` still applies an event alone (a run that failed is retried one by one).
   * The whole run goes in one call, however long it takes (no RUN_BUDGET_MS): for effects that take no locks others wait on.
   */
  handleRun?(em: EntityManager, events: Array<CatalogEvent<T>>, log: Logger, tools: HandlerTools): Promise<void>;
  afterExpiry: AfterExpiry;
}

/** A handler whose `handle` and `when` read the payloads of its `on` types as the catalog declares them. */
export const defineHandler = <T extends EventType>(handler: EventHandler<T>): EventHandler<T> => handler;

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
  /** Events it could not read (they break their contract), kept in `dead_letter`. */
  deadLetters: number;
}

const PAGE = 200;
/**
 * Events applied in one transaction at most: enough to spare most commits of a burst, few enough that the locks its
 * handlers take (a customer's, a rule's) are not held long.
 */
const RUN = 25;
/**
 * How long a run waits for a lock before it gives way (rolled back, its events then one by one, each waiting as
 * long as it must). Holding the locks of several events, a run could close a cycle with a mutation that locks the
 * same rows in another order, and PostgreSQL would then abort whichever waited first, the mutation included
 * (CONFLICT for its client). Waiting less than deadlock_timeout (1 s), the run gives way before any check runs.
 */
const RUN_LOCK_TIMEOUT = '100ms';
/**
 * How long a run may hold its locks before it commits what it applied and goes on in a new transaction. A writer
 * that has waited for one of them deadlock_timeout (1 s) checks for a cycle once: had the run then just asked for
 * one of the writer's rows (waiting its 100 ms), PostgreSQL would abort the writer. Ending runs well before that
 * keeps the run from asking for anything a second after a writer began to wait.
 */
const RUN_BUDGET_MS = 250;
// Background work stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };
/** A consumer failing this long is reported unhealthy (a poison event or a dependency that stays down). */
const FAILING_UNHEALTHY_MS = 60_000;
/**
 * How often a consumer saves how far it has read when it only passed over events (of types it does not handle): a
 * handled event saves it in its own transaction. Saving after every page was one more commit per event and consumer
 * (five or six per event under a steady trickle of single writes); a restart now re-reads at most this long's worth
 * of events it passes over again. It is also saved when the bus has nothing new and when the consumer stops.
 */
const PASSED_OVER_CHECKPOINT_MS = 1000;

export interface ConsumerOptions {
  orm: MikroORM;
  bus: EventBus;
  handlers: EventHandler[];
  log: Logger;
  graph: GraphClient;
  retryMs?: number;
  /** How long a run may hold its locks (RUN_BUDGET_MS unless a test counts transactions on a loaded machine). */
  runBudgetMs?: number;
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
  // Woken by the same publish, this process's handlers ask for the same page: one read of the bus serves them all
  // (a subgraph runs four to six handlers, and each read its own copy of every page). A read is shared only if no
  // publish was heard since it started, so a handler woken by a publish never gets a page read before it.
  let publishes = 0;
  // The payloads this process's handlers read; the others' events are only passed over (most of the bus, page views).
  // A handler that says which types it wants (wanted) counts with those it wanted when it last asked, all of its
  // types until it first asks: identity's webhook fan-out listens to every type webhooks carry, but with no endpoint
  // for page views it would fetch and parse each one's payload only to pass it over.
  const allPayloads: ReadonlySet<string> = new Set(options.handlers.flatMap((handler) => handler.on));
  const lastWanted = new Map<EventHandler, ReadonlySet<string>>();
  let payloadsOf = allPayloads;
  const rememberWanted = (handler: EventHandler, wanted: ReadonlySet<string>) => {
    const before = lastWanted.get(handler);
    if (before && before.size === wanted.size && [...wanted].every((type) => before.has(type))) return;
    lastWanted.set(handler, wanted);
    payloadsOf = new Set(options.handlers.flatMap((h) => h.on.filter((type) => lastWanted.get(h)?.has(type) ?? true)));
  };
  // The events of the types this process's handlers take, and the last of each page read: the rest of the bus (most
  // of it page views, in a bulk import thousands a second) stays in the transport where it can (EventBus.readTypes).
  const busRead = (cursor: string | null, limit: number, read: ReadonlySet<string>): Promise<TypedPage> =>
    options.bus.readTypes
      ? options.bus.readTypes(cursor, limit, allPayloads, { payloadsOf: read })
      : options.bus.read(cursor, limit, { payloadsOf: read }).then((events) => ({ events, full: events.length >= limit }));
  const reading = new Map<string | null, { publishes: number; page: Promise<ReadPage> }>();
  const readPage = (cursor: string | null): Promise<ReadPage> => {
    const shared = reading.get(cursor);
    if (shared?.publishes === publishes) return shared.page;
    const read = payloadsOf;
    const entry = { publishes, page: busRead(cursor, PAGE, read).then((page) => ({ ...page, payloadsOf: read })) };
    reading.set(cursor, entry);
    const done = () => void (reading.get(cursor) === entry && reading.delete(cursor));
    entry.page.then(done, done);
    return entry.page;
  };
  /**
   * The types `handler` wants now, for a page that holds some of its types. One it did not want when the page was
   * read (an endpoint created meanwhile) has had its payloads left out: the same events are read again with them.
   */
  const wantedIn = async (handler: EventHandler, em: EntityManager, cursor: string | null, page: ReadPage): Promise<WantedPage> => {
    if (!handler.wanted || !page.events.some((event) => handles(handler, event))) return { events: page.events, wanted: null };
    const wanted = await handler.wanted(em);
    rememberWanted(handler, wanted);
    const left = page.events.some((event) => wanted.has(event.type) && handles(handler, event) && !page.payloadsOf.has(event.type));
    if (!left) return { events: page.events, wanted };
    // The same events again, through the page's last: later ones were committed after `wanted` was asked.
    const last = page.events.at(-1)!;
    const again = (await busRead(cursor, PAGE, allPayloads)).events.filter((event) => options.bus.compare(event.cursor, last.cursor) <= 0);
    // A last event of a type no handler takes is sent only as the last of a page: the longer page read again left it
    // out, and the run would end before it (its events read again at the next pass, the consumer "caught up" meanwhile).
    if (again.at(-1)?.cursor !== last.cursor) again.push(last);
    return { events: again, wanted };
  };
  const unsubscribe = options.bus.onPublish(() => {
    publishes++;
    [...wakers].forEach((wake) => wake());
  });

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
      deadLetters: 0,
    };
    statuses.set(handler.name, status);
    const em = options.orm.em.fork({ loggerContext: QUIET });
    let cursor: string | null | undefined;
    let failures = 0;
    // Read past events it passed over, not saved yet (PASSED_OVER_CHECKPOINT_MS).
    let unsaved: string | null = null;
    let savedAt = 0;
    const saveUnsaved = async () => {
      if (unsaved === null) return;
      await saveCheckpoint(em, handler.name, unsaved);
      unsaved = null;
      savedAt = Date.now();
    };
    try {
      while (!stopped) {
        const woken = sleep(2000);
        let page: BusEvent[];
        let full: boolean;
        try {
          if (cursor === undefined) {
            cursor = (await em.fork().findOne(ConsumerCheckpoint, { consumer: handler.name }))?.cursor ?? null;
            status.deadLetters = await em.fork().count(DeadLetter, { consumer: handler.name });
          }
          const read = await readPage(cursor);
          full = read.full;
          const { events, wanted } = await wantedIn(handler, em.fork(), cursor, read);
          page = events;
          // Events it handles, in a row, apply in one transaction (RUN): `through` is the last event the run covers,
          // those passed over after its last handled one included. Nothing of it counts as read before it commits.
          let run: CatalogEvent[] = [];
          let through: BusEvent | undefined;
          const readTo = (event: BusEvent) => {
            cursor = event.cursor;
            status.lastEventAt = event.occurredAt;
          };
          const applyRun = async () => {
            if (!through) return;
            const savedThrough = await applyAll(handler, run, through.cursor, (event) => (cursor = event.cursor));
            readTo(through);
            unsaved = savedThrough ? null : through.cursor;
            if (savedThrough) savedAt = Date.now();
            run = [];
            through = undefined;
          };
          for (const event of page) {
            if (stopped) return;
            const verdict = verdictOn(handler, event, wanted);
            if (verdict && 'violation' in verdict) {
              await applyRun();
              await deadLetter(handler, event, verdict.violation);
              status.deadLetters++;
              unsaved = null;
              savedAt = Date.now();
              readTo(event);
            } else if (verdict || run.length > 0) {
              if (verdict) run.push(verdict.apply);
              through = event;
              if (run.length >= RUN) await applyRun();
            } else {
              unsaved = event.cursor;
              readTo(event);
            }
          }
          await applyRun();
          if (page.length === 0 || Date.now() - savedAt >= PASSED_OVER_CHECKPOINT_MS) await saveUnsaved();
          status.cursor = cursor;
          status.caughtUp = !full;
          status.lagSeconds = status.caughtUp || !status.lastEventAt ? 0 : Math.round((Date.now() - Date.parse(status.lastEventAt)) / 1000);
          if (failures > 0) options.log.info({ consumer: handler.name, failures }, 'event handler recovered');
          failures = 0;
          status.failingSince = status.lastError = null;
        } catch (error) {
          if (isCursorExpired(error)) {
            // What it passed over is gone; the catch-up saves where it reads on from.
            unsaved = null;
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
        if (!full) await woken;
      }
    } finally {
      await saveUnsaved().catch((error: unknown) => options.log.warn({ err: error, consumer: handler.name }, 'checkpoint not saved at stop'));
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
        const movedOn = await quiet.transactional(async (em) => {
          // Replicas of the subgraph fall behind together: they rebuild one at a time, and one that then finds the
          // checkpoint past where its cursor expired (another replica rebuilt) reads on from there. A second rebuild
          // would act twice (e.g. plan every missed first-offer call again).
          await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`consumer-rebuild:${handler.name}`], 'all', QUIET);
          const [saved] = await em.execute<Array<{ cursor: string }>>(
            'select cursor from consumer_checkpoint where consumer = ?',
            [handler.name],
            'all',
            QUIET,
          );
          if (saved && (expired === null || options.bus.compare(saved.cursor, expired) > 0)) return saved.cursor;
          await policy.rebuild(em, options.graph, options.log);
          await moveCheckpoint(em, handler.name, from);
          return null;
        });
        if (movedOn !== null) {
          status.behindRetentionSince = null;
          options.log.info({ consumer: handler.name, from: movedOn }, 'another instance rebuilt this consumer after falling behind; reading on');
          return movedOn;
        }
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

  /**
   * What becomes of an event: applied if it is one of the handler's types and keeps its contract, moved to the dead
   * letters if it breaks it, else (null) passed over.
   */
  function verdictOn(handler: EventHandler, event: BusEvent, wanted: ReadonlySet<string> | null): { apply: CatalogEvent } | { violation: string } | null {
    if (!handles(handler, event) || (wanted && !wanted.has(event.type))) return null;
    const read = readEvent(event);
    // What an erased event described was erased everywhere, this subgraph's part included: nothing to apply.
    if ('erased' in read) return null;
    if ('violation' in read) return { violation: read.violation };
    if (handler.when && !handler.when(read.event)) return null;
    return { apply: read.event };
  }

  /**
   * Applies a run of events in one transaction, with their processed marks and the checkpoint at `through`: one
   * commit, and one wait for the disk, for the run instead of one per event (a partner's bulk import is thousands of
   * events; marketing's projections took 13 minutes to catch up on a 100k data set, at one commit each). If the run
   * fails, it is rolled back whole and its events are applied one by one as before, each in its own transaction, so
   * the failing one is retried alone and those before it are kept. A run that takes longer than RUN_BUDGET_MS
   * commits what it applied and the rest go on in the next. True when the checkpoint at `through` was saved.
   */
  async function applyAll(handler: EventHandler, events: CatalogEvent[], through: string, applied: (event: CatalogEvent) => void): Promise<boolean> {
    let rest = events;
    while (rest.length > 1) {
      try {
        const left = await applyRun(handler, rest, through);
        applied(rest[rest.length - left.length - 1]!);
        rest = left;
      } catch {
        // Rolled back whole; one by one below, where a failure is reported and retried as always.
        break;
      }
    }
    if (rest.length === 0) return true;
    for (const event of rest) {
      await apply(handler, event);
      applied(event);
    }
    return rest.at(-1)?.cursor === through;
  }

  /**
   * One transaction for the events in a row (the checkpoint at `through` once all are applied), or for those applied
   * within RUN_BUDGET_MS (the checkpoint at the last of them): the events it left are returned.
   */
  async function applyRun(handler: EventHandler, events: CatalogEvent[], through: string): Promise<CatalogEvent[]> {
    const started = Date.now();
    let done = 0;
    await options.orm.em.fork({ loggerContext: QUIET }).transactional(async (em) => {
      // A run holds its handlers' locks longer than an event did: it gives way rather than wait (RUN_LOCK_TIMEOUT).
      await em.execute(`set local lock_timeout = '${RUN_LOCK_TIMEOUT}'`, [], 'run', QUIET);
      if (handler.handleRun) {
        await handler.handleRun(em, await notProcessed(em, handler, events), options.log, { bus: options.bus, graph: options.graph });
        await em.flush();
        done = events.length;
      } else {
        do {
          await handleOnce(handler, em, events[done]!);
          // Each event's writes are in place before the next event's handler reads, as in a transaction of its own.
          await em.flush();
          done++;
        } while (done < events.length && Date.now() - started < (options.runBudgetMs ?? RUN_BUDGET_MS));
      }
      await saveCheckpoint(em, handler.name, done === events.length ? through : events[done - 1]!.cursor);
    });
    return events.slice(done);
  }

  /** The event, why it cannot be read and the checkpoint past it commit together: the consumer reads on. */
  async function deadLetter(handler: EventHandler, event: BusEvent, reason: string): Promise<void> {
    await options.orm.em.fork({ loggerContext: QUIET }).transactional(async (em) => {
      await em.execute(
        `insert into dead_letter (consumer, event_id, stream, type, aggregate_id, payload, reason, occurred_at, dead_at)
         values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, now()) on conflict do nothing`,
        [handler.name, event.id, event.stream, event.type, event.aggregateId, JSON.stringify(event.payload), reason, event.occurredAt],
        'run',
        QUIET,
      );
      await saveCheckpoint(em, handler.name, event.cursor);
    });
    options.log.error(
      { consumer: handler.name, eventId: event.id, type: event.type, stream: event.stream, reason, metric: 'consumer_dead_letter' },
      'event breaks its contract (event-catalog.ts): moved to dead_letter, the consumer reads on',
    );
  }

  /** The effect, the processed mark and the checkpoint commit together. */
  async function apply(handler: EventHandler, event: CatalogEvent): Promise<void> {
    await options.orm.em.fork({ loggerContext: QUIET }).transactional(async (em) => {
      await handleOnce(handler, em, event);
      await saveCheckpoint(em, handler.name, event.cursor);
    });
  }

  /** The handler's effect, unless its processed mark says this consumer applied the event already. */
  async function handleOnce(handler: EventHandler, em: EntityManager, event: CatalogEvent): Promise<void> {
    const inserted = await em.execute<{ affectedRows: number }>(
      'insert into processed_event (consumer, event_id, processed_at) values (?, ?, now()) on conflict do nothing',
      [handler.name, event.id],
      'run',
      QUIET,
    );
    if (inserted.affectedRows > 0) await handler.handle(em, event, options.log, { bus: options.bus, graph: options.graph });
  }

  /**
   * A run's processed marks in one statement, taken in bus order as one by one (two replicas' runs wait on each other
   * in one order): the events of the run this consumer had not applied yet.
   */
  async function notProcessed(em: EntityManager, handler: EventHandler, events: CatalogEvent[]): Promise<CatalogEvent[]> {
    const marked = await em.execute<Array<{ event_id: string }>>(
      `insert into processed_event (consumer, event_id, processed_at)
       select ?, id, now() from unnest(?::uuid[]) with ordinality as run(id, n) order by n
       on conflict do nothing returning event_id`,
      [handler.name, pgArray(events.map((event) => event.id))],
      'all',
      QUIET,
    );
    const fresh = new Set(marked.map((row) => row.event_id.toLowerCase()));
    // Once each, even if the run holds an event twice (a transport's redelivery).
    return events.filter((event) => fresh.delete(event.id.toLowerCase()));
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

/** A page of the bus and the types whose payloads it was read with (the others' are `{}`). */
interface ReadPage extends TypedPage {
  payloadsOf: ReadonlySet<string>;
}

interface WantedPage {
  events: BusEvent[];
  /** null: the handler takes all of its types (or the page holds none). */
  wanted: ReadonlySet<string> | null;
}

const handles = (handler: EventHandler, event: BusEvent) => (handler.on as readonly string[]).includes(event.type);

const isCursorExpired = (error: unknown) => error instanceof DomainError && error.extensions.code === 'CURSOR_EXPIRED';
