import type { GraphQLSchema } from 'graphql';
import type { Router } from 'express';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { EntityManager, MikroORM, Options } from '@mikro-orm/postgresql';
import { databaseUrlFor, platform, platformSecret, platformSettings, portFor, SUBGRAPHS, subgraphUrlFor, type SubgraphName } from './config.js';
import { connectEventBus, retentionHours, type EventBus } from './bus/index.js';
import { createOrm, openDatabase } from './database.js';
import { startOutboxRelay } from './outbox-relay.js';
import { startConsumers, type EventHandler } from './consumer.js';
import { createGraphClient, type GraphClient } from './graph-client.js';
import { Health } from './health.js';
import type { Viewer } from './access/viewer.js';
import { pruneIdempotencyKeys } from './mutations.js';
import { startPeriodicJob } from './periodic-job.js';
import { installJobQueue, startJobRunner, type JobDefinitions } from './jobs.js';
import { PLATFORM_RETENTION, retentionSettings, startRetentionJob, type RetentionRule } from './retention.js';
import { checkSettings, exitOnConfigurationError, type SettingsGroup } from './settings.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, loggingSettings, type Logger } from './logger.js';
import { startSubgraphServer, type RunningServer } from './server.js';

/** What every subgraph's code may be given from outside: the time of its periodic work. */
export interface PlatformAdapters {
  clock: Clock;
}

/**
 * Everything that makes a subgraph: its schema, its tables, its loaders, its demo data, its settings, and the
 * adapters its code talks to the outside world through (built from its settings, or passed in by a test).
 */
export interface SubgraphDefinition<Loaders, Adapters extends object = object> {
  name: SubgraphName;
  entities: NonNullable<Options['entities']>;
  migrations: Array<{ name: string; class: Constructor<Migration> }>;
  buildSchema(): Promise<GraphQLSchema>;
  /** A request's loaders; `graph` reads another domain's data (e.g. a projection filled on demand). */
  createLoaders(em: EntityManager, viewer: Viewer, graph: GraphClient): Loaders;
  seedDemoData(em: EntityManager, log: Logger): Promise<void>;
  /** Its own settings groups, checked with the platform's before anything starts. */
  settings?: readonly SettingsGroup[];
  /** Its adapters (e.g. marketing's outbound channel), made from its settings unless the runtime passes them. */
  adapters?(): Adapters;
  /** Reactions to other domains' events (automations, projections), each an idempotent bus consumer. */
  handlers?(adapters: Adapters & PlatformAdapters): EventHandler[];
  /** How long each kind of its data is kept (applied daily with the platform's own rules, PLATFORM_RETENTION). */
  retention?: readonly RetentionRule[];
  /** Periodic work of the domain (e.g. flagging cases at risk of breaching their SLA). */
  startJobs?(orm: MikroORM, log: Logger, adapters: Adapters & PlatformAdapters): { stop(): Promise<void> };
  /**
   * A few plain HTTP routes for customers (e.g. a tracked quote link), on the router mounted at `/public/`; the
   * gateway forwards `/public/<name>/…` to it without credentials, so each route checks its own signed token.
   */
  publicRoutes?(router: Router, context: { orm: MikroORM; log: Logger; graph: GraphClient; adapters: Adapters & PlatformAdapters }): void;
  /** Durable jobs (kit/jobs.ts): tasks that changes enqueue in their transaction, and their schedules. */
  jobs?(context: { orm: MikroORM; log: Logger; graph: GraphClient; adapters: Adapters & PlatformAdapters }): JobDefinitions;
}

/** Every settings group a subgraph reads: the platform's, its own, its retention periods. */
export const settingsOf = (definition: Pick<SubgraphDefinition<unknown>, 'settings' | 'retention'>): SettingsGroup[] => [
  loggingSettings,
  platformSettings,
  ...(definition.settings ?? []),
  retentionSettings([...(definition.retention ?? []), ...PLATFORM_RETENTION]),
];

export interface SubgraphRuntimeOptions<Adapters extends object = object> {
  /** Adapters instead of the ones its settings make (a test's recording channel, a fixed clock). */
  adapters?: Partial<Adapters & PlatformAdapters>;
  databaseUrl?: string;
  port?: number;
  seed?: boolean;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  /** The event bus to relay the outbox to; by default the one EVENT_BUS names. */
  bus?: EventBus;
  /** Where another subgraph answers (consumers rebuild projections from it); by default `<NAME>_URL`. */
  subgraphUrl?: (name: SubgraphName) => string;
  /** How long an idle client socket stays open (HTTP_KEEP_ALIVE_MS). */
  keepAliveMs?: number;
}

export interface RunningSubgraph extends RunningServer {
  orm: MikroORM;
  health: Health;
  /** Its event handlers as its consumers run them (with its adapters). */
  handlers: EventHandler[];
}

export async function startSubgraph<Loaders, Adapters extends object>(
  definition: SubgraphDefinition<Loaders, Adapters>,
  options: SubgraphRuntimeOptions<Adapters> = {},
): Promise<RunningSubgraph> {
  // The whole configuration, before anything starts: one message naming every bad value.
  checkSettings(settingsOf(definition));
  platformSecret();
  const log = createLogger(definition.name);
  const adapters = { clock: systemClock, ...(definition.adapters?.() ?? ({} as Adapters)), ...options.adapters } as Adapters & PlatformAdapters;
  const databaseUrl = options.databaseUrl ?? databaseUrlFor(definition.name);
  const database = { url: databaseUrl, entities: definition.entities, migrations: definition.migrations, log, onQuery: options.onQuery };
  // Named in pg_stat_activity, so an operator (or a test) tells the request pool from the background one.
  const orm = await openDatabase({ ...database, applicationName: `crm-${definition.name}` });
  // The job tables before anything can enqueue into them (a seed, a request, a consumer).
  if (definition.jobs) await installJobQueue(databaseUrl, log);
  if (options.seed ?? platform().SEED_DEMO_DATA) {
    // All of the demo story or none of it: a failed seed leaves nothing half-written to skip next time.
    await orm.em.fork().transactional((em) => definition.seedDemoData(em, log));
  }
  // Background work (relay, consumers, jobs' tasks, periodic jobs) has its own small pool: however busy it is, it
  // never holds the connections requests wait for, and requests never starve it (ADR 12).
  const background = await createOrm({ ...database, applicationName: `crm-${definition.name}-background`, pool: { max: platform().DB_BACKGROUND_POOL_MAX } });
  const bus = options.bus ?? (await connectEventBus(log));
  const health = new Health(definition.name);
  // The others' addresses as configured, worked out once: every reference check asks (the settings' read on each call
  // was about 1 % of marketing's time for a single recordInteraction).
  const configured = Object.fromEntries(SUBGRAPHS.map((other) => [other, subgraphUrlFor(other)])) as Record<SubgraphName, string>;
  const graph = createGraphClient(options.subgraphUrl ?? ((other) => configured[other]), definition.name);
  // The server first: if it cannot start (e.g. the port is taken), no background work is left running.
  const server = await startSubgraphServer({
    health,
    name: definition.name,
    schema: await definition.buildSchema(),
    orm,
    log,
    createLoaders: definition.createLoaders,
    port: options.port ?? portFor(definition.name),
    keepAliveMs: options.keepAliveMs,
    graph,
    publicRoutes: definition.publicRoutes && ((router) => definition.publicRoutes!(router, { orm, log, graph, adapters })),
  }).catch(async (error: unknown) => {
    if (!options.bus) await bus.close();
    await Promise.all([orm.close(), background.close()]);
    throw error;
  });
  // The job runner next, cleaned up like the server if it cannot start.
  const jobRunner = definition.jobs
    ? await startJobRunner({
        url: databaseUrl,
        jobs: definition.jobs({ orm: background, log, graph, adapters }),
        log,
        concurrency: platform().JOB_CONCURRENCY,
      }).catch(async (error: unknown) => {
        await server.stop();
        if (!options.bus) await bus.close();
        await Promise.all([orm.close(), background.close()]);
        throw error;
      })
    : undefined;
  const relay = startOutboxRelay({ orm: background, writers: [orm, background], bus, stream: definition.name, log, retentionHours: retentionHours() });
  const handlers = definition.handlers?.(adapters) ?? [];
  const consumers = startConsumers({ orm: background, bus, handlers, log, graph });
  health.add('bus', async () => {
    await bus.ping();
    return { ok: true, transport: bus.name };
  });
  health.add('consumers', () => consumers.health());
  const jobs = definition.startJobs?.(background, log, adapters);
  const retention = startRetentionJob(background, log, definition.name, [...(definition.retention ?? []), ...PLATFORM_RETENTION]);
  const forgetKeys = startPeriodicJob({ name: 'idempotency-keys', intervalMs: 3_600_000, log, run: () => pruneIdempotencyKeys(background.em.fork()) });
  return {
    ...server,
    orm,
    health,
    handlers,
    stop: async () => {
      await server.stop();
      await jobs?.stop();
      await jobRunner?.stop();
      await retention.stop();
      await forgetKeys.stop();
      await consumers.stop();
      await relay.stop();
      if (!options.bus) await bus.close();
      await Promise.all([orm.close(), background.close()]);
    },
  };
}

/** Entry point of a deployable subgraph: start, then stop cleanly on SIGINT/SIGTERM. */
export async function runSubgraph<Loaders, Adapters extends object>(definition: SubgraphDefinition<Loaders, Adapters>): Promise<void> {
  try {
    checkSettings(settingsOf(definition));
  } catch (error) {
    exitOnConfigurationError(error);
  }
  const running = await startSubgraph(definition);
  const shutdown = async () => {
    try {
      await running.stop();
      process.exit(0);
    } catch {
      process.exit(1);
    }
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
