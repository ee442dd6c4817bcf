import type { GraphQLSchema } from 'graphql';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { EntityManager, MikroORM, Options } from '@mikro-orm/postgresql';
import { databaseUrlFor, envBool, portFor, subgraphUrlFor, type SubgraphName } from './config.js';
import { connectEventBus, retentionHours, type EventBus } from './bus/index.js';
import { openDatabase } from './database.js';
import { startOutboxRelay } from './outbox-relay.js';
import { startConsumers, type EventHandler } from './consumer.js';
import { createGraphClient } from './graph-client.js';
import { Health } from './health.js';
import type { Viewer } from './access/viewer.js';
import { assertPlatformSecret } from './access/internal-token.js';
import { pruneIdempotencyKeys } from './mutations.js';
import { startPeriodicJob } from './periodic-job.js';
import { PLATFORM_RETENTION, startRetentionJob, type RetentionRule } from './retention.js';
import { createLogger, type Logger } from './logger.js';
import { startSubgraphServer, type RunningServer } from './server.js';

/** Everything that makes a subgraph: its schema, its tables, its loaders and its demo data. */
export interface SubgraphDefinition<Loaders> {
  name: SubgraphName;
  entities: NonNullable<Options['entities']>;
  migrations: Array<{ name: string; class: Constructor<Migration> }>;
  buildSchema(): Promise<GraphQLSchema>;
  createLoaders(em: EntityManager, viewer: Viewer): Loaders;
  seedDemoData(em: EntityManager, log: Logger): Promise<void>;
  /** Reactions to other domains' events (automations, projections), each an idempotent bus consumer. */
  handlers?: EventHandler[];
  /** How long each kind of its data is kept (applied daily with the platform's own rules, PLATFORM_RETENTION). */
  retention?: readonly RetentionRule[];
  /** Periodic work of the domain (e.g. flagging cases at risk of breaching their SLA). */
  startJobs?(orm: MikroORM, log: Logger): { stop(): Promise<void> };
}

export interface SubgraphRuntimeOptions {
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
}

export async function startSubgraph<Loaders>(definition: SubgraphDefinition<Loaders>, options: SubgraphRuntimeOptions = {}): Promise<RunningSubgraph> {
  const log = createLogger(definition.name);
  assertPlatformSecret();
  const orm = await openDatabase({
    url: options.databaseUrl ?? databaseUrlFor(definition.name),
    entities: definition.entities,
    migrations: definition.migrations,
    log,
    onQuery: options.onQuery,
  });
  if (options.seed ?? envBool('SEED_DEMO_DATA', false)) {
    // All of the demo story or none of it: a failed seed leaves nothing half-written to skip next time.
    await orm.em.fork().transactional((em) => definition.seedDemoData(em, log));
  }
  const bus = options.bus ?? (await connectEventBus(log));
  const health = new Health(definition.name);
  const graph = createGraphClient(options.subgraphUrl ?? subgraphUrlFor, definition.name);
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
  }).catch(async (error: unknown) => {
    if (!options.bus) await bus.close();
    await orm.close();
    throw error;
  });
  const relay = startOutboxRelay({ orm, bus, stream: definition.name, log, retentionHours: retentionHours() });
  const consumers = startConsumers({ orm, bus, handlers: definition.handlers ?? [], log, graph });
  health.add('bus', async () => {
    await bus.ping();
    return { ok: true, transport: bus.name };
  });
  health.add('consumers', () => consumers.health());
  const jobs = definition.startJobs?.(orm, log);
  const retention = startRetentionJob(orm, log, definition.name, [...(definition.retention ?? []), ...PLATFORM_RETENTION]);
  const forgetKeys = startPeriodicJob({ name: 'idempotency-keys', intervalMs: 3_600_000, log, run: () => pruneIdempotencyKeys(orm.em.fork()) });
  return {
    ...server,
    orm,
    health,
    stop: async () => {
      await server.stop();
      await jobs?.stop();
      await retention.stop();
      await forgetKeys.stop();
      await consumers.stop();
      await relay.stop();
      if (!options.bus) await bus.close();
      await orm.close();
    },
  };
}

/** Entry point of a deployable subgraph: start, then stop cleanly on SIGINT/SIGTERM. */
export async function runSubgraph<Loaders>(definition: SubgraphDefinition<Loaders>): Promise<void> {
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
