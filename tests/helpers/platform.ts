import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SUBGRAPHS, type SubgraphName } from '../../subgraphs/kit/config.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/kit/subgraph.js';
import { requestScope } from '../../subgraphs/kit/context.js';
import { createLogger } from '../../subgraphs/kit/logger.js';
import { createGateway } from '../../gateway/app.js';
import { subgraphs } from '../../scripts/subgraphs.js';
import type { EventBus } from '../../subgraphs/kit/bus/index.js';
import { createPostgresBus } from '../../subgraphs/kit/bus/postgres-bus.js';

export interface RunningGateway {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export interface Platform {
  gatewayUrl: string;
  wsUrl: string;
  bus: EventBus;
  /**
   * Another gateway instance on the same subgraphs and bus (scale-out). `subgraphUrls` makes it reach some
   * subgraphs elsewhere (e.g. through a proxy in front of them).
   */
  startGateway(options?: { bus?: EventBus; subgraphUrls?: Partial<Record<SubgraphName, string>> }): Promise<RunningGateway>;
  /** A new connection to the platform's event bus (e.g. to give a gateway its own, to count what it reads). */
  connectBus(): Promise<EventBus>;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** SQL statements each subgraph ran since the last reset. */
  sql: Record<SubgraphName, string[]>;
  /** Clears the per-subgraph logs of SQL statements run while serving requests. */
  resetSqlLog(): Promise<void>;
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Starts a stopped subgraph again on its database and its port (the gateways still point there). */
  restartSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real platform in this test process: four subgraphs on their own fresh databases
 * (on DATABASE_URL's server) and the gateway over HTTP on free ports.
 */
export async function startPlatform(options: { seed?: boolean; maxStallMs?: number; databaseServer?: string; subgraphIdleSocketMs?: number; keepAliveMs?: number } = {}): Promise<Platform> {
  const prefix = `crm_t${randomBytes(4).toString('hex')}_`;
  const server = new URL(options.databaseServer ?? process.env.DATABASE_URL!);
  const urlOf = (name: string) => Object.assign(new URL(server), { pathname: `/${prefix}${name}` }).toString();
  const bus = await createPostgresBus(urlOf('events'));
  const sql = Object.fromEntries(SUBGRAPHS.map((n) => [n, [] as string[]])) as Record<SubgraphName, string[]>;

  // Filled once all have started; subgraphs ask each other's URLs only later (consumer rebuilds).
  const running = {} as Record<SubgraphName, RunningSubgraph>;
  const start = (name: SubgraphName, port: number) =>
    startSubgraph(subgraphs[name], {
      databaseUrl: urlOf(name),
      port,
      seed: options.seed ?? false,
      // Only what requests run: the relay, consumers and jobs work in the background at their own pace.
      onQuery: (statement) => requestScope.getStore() && sql[name].push(statement),
      bus,
      subgraphUrl: (other) => running[other].url,
      keepAliveMs: options.keepAliveMs,
    });
  Object.assign(running, Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (name) => [name, await start(name, 0)]))));

  const gateways: RunningGateway[] = [];
  const startGateway = async (
    gatewayOptions: { bus?: EventBus; subgraphUrls?: Partial<Record<SubgraphName, string>> } = {},
  ): Promise<RunningGateway> => {
    const gateway = await createGateway(
      {
        port: 0,
        supergraph: 'file',
        supergraphPath: 'schema/supergraph.graphql',
        subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, gatewayOptions.subgraphUrls?.[n] ?? running[n].url])) as Record<SubgraphName, string>,
        maxStallMs: options.maxStallMs ?? 30_000,
        maxQueryDepth: 12,
        subgraphIdleSocketMs: options.subgraphIdleSocketMs ?? 30_000,
      },
      createLogger('gateway'),
      { bus: gatewayOptions.bus ?? bus },
    );
    await new Promise<void>((resolve) => gateway.httpServer.listen(0, resolve));
    const port = (gateway.httpServer.address() as AddressInfo).port;
    const instance = { url: `http://localhost:${port}/graphql`, wsUrl: `ws://localhost:${port}/graphql`, stop: gateway.stop };
    gateways.push(instance);
    return instance;
  };
  const first = await startGateway();
  const stopped = new Set<SubgraphName>();

  return {
    gatewayUrl: first.url,
    wsUrl: first.wsUrl,
    bus,
    startGateway,
    connectBus: () => createPostgresBus(urlOf('events')),
    subgraphs: running,
    sql,
    resetSqlLog: async () => {
      SUBGRAPHS.forEach((n) => sql[n].splice(0));
    },
    stopSubgraph: async (name) => {
      stopped.add(name);
      await running[name].stop();
    },
    restartSubgraph: async (name) => {
      running[name] = await start(name, Number(new URL(running[name].url).port));
      stopped.delete(name);
    },
    stop: async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await Promise.all(SUBGRAPHS.filter((n) => !stopped.has(n)).map((n) => running[n].stop()));
      await bus.close();
      await dropDatabases(server, [...SUBGRAPHS, 'events'].map((n) => `${prefix}${n}`));
    },
  };
}

async function dropDatabases(server: URL, names: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
