import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SUBGRAPHS, type SubgraphName } from '../../subgraphs/kit/config.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/kit/subgraph.js';
import { createLogger } from '../../subgraphs/kit/logger.js';
import { createGateway } from '../../gateway/app.js';
import { subgraphs } from '../../scripts/subgraphs.js';

export interface Platform {
  gatewayUrl: string;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** SQL statements each subgraph ran since the last reset. */
  sql: Record<SubgraphName, string[]>;
  resetSqlLog(): void;
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real platform in this test process: four subgraphs on their own fresh databases
 * (on DATABASE_URL's server) and the gateway over HTTP on free ports.
 */
export async function startPlatform(options: { seed?: boolean } = {}): Promise<Platform> {
  const prefix = `crm_t${randomBytes(4).toString('hex')}_`;
  const server = new URL(process.env.DATABASE_URL!);
  const urlOf = (name: SubgraphName) => Object.assign(new URL(server), { pathname: `/${prefix}${name}` }).toString();
  const sql = Object.fromEntries(SUBGRAPHS.map((n) => [n, [] as string[]])) as Record<SubgraphName, string[]>;

  const running = Object.fromEntries(
    await Promise.all(
      SUBGRAPHS.map(async (name) => [
        name,
        await startSubgraph(subgraphs[name], {
          databaseUrl: urlOf(name),
          port: 0,
          seed: options.seed ?? false,
          onQuery: (statement) => sql[name].push(statement),
        }),
      ]),
    ),
  ) as Record<SubgraphName, RunningSubgraph>;

  const gateway = await createGateway(
    {
      port: 0,
      supergraph: 'file',
      supergraphPath: 'schema/supergraph.graphql',
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, running[n].url])) as Record<SubgraphName, string>,
    },
    createLogger('gateway'),
  );
  await new Promise<void>((resolve) => gateway.httpServer.listen(0, resolve));
  const gatewayUrl = `http://localhost:${(gateway.httpServer.address() as AddressInfo).port}/graphql`;
  const stopped = new Set<SubgraphName>();

  return {
    gatewayUrl,
    subgraphs: running,
    sql,
    resetSqlLog: () => SUBGRAPHS.forEach((n) => sql[n].splice(0)),
    stopSubgraph: async (name) => {
      stopped.add(name);
      await running[name].stop();
    },
    stop: async () => {
      await gateway.apollo.stop();
      await Promise.all(SUBGRAPHS.filter((n) => !stopped.has(n)).map((n) => running[n].stop()));
      await dropDatabases(server, SUBGRAPHS.map((n) => `${prefix}${n}`));
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
