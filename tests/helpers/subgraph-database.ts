import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { installJobQueue } from '@crm/kit/jobs.js';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { mutation } from './integration.js';

/** What the integration tier needs of a subgraph to give it a database. */
export type SubgraphSchema = Pick<SubgraphDefinition<unknown>, 'name' | 'entities' | 'migrations'> & { withJobQueue?: boolean };

/** An id no row has. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The integration tier's database: a fresh, migrated database of one subgraph on DATABASE_URL's server (no other
 * subgraph, no gateway), for a module's rules called directly. `drop()` removes it.
 */
export async function freshSubgraphDatabase(definition: SubgraphSchema): Promise<{ orm: MikroORM; drop(): Promise<void> }> {
  const { name, url } = unusedDatabase(definition.name);
  const orm = await openDatabase({ url, entities: definition.entities, migrations: definition.migrations, log: createLogger('test') });
  // The job tables, for a subgraph whose changes enqueue jobs (kit/jobs.ts); the tests run the tasks themselves.
  if (definition.withJobQueue) await installJobQueue(url, createLogger('test'));
  return {
    orm,
    drop: async () => {
      await orm.close();
      await dropDatabases(url, [name]);
    },
  };
}

/** A database name of the subgraph no test uses yet, and its URL on DATABASE_URL's server; nothing creates it. */
export function unusedDatabase(subgraph: string): { name: string; url: string } {
  const name = `crm_int${randomBytes(4).toString('hex')}_${subgraph}`;
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('The integration tier needs DATABASE_URL (npm test sets it)');
  return { name, url: Object.assign(new URL(server), { pathname: `/${name}` }).toString() };
}

/** Drops the named databases, closing their connections, on the server of `server` (the URL of any database on it). */
export async function dropDatabases(server: string | URL, names: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** The database of a subgraph's tests running now (useFreshSubgraphDatabase). */
export interface SubgraphDatabase {
  orm(): MikroORM;
  /** A unit of work of its own for reads, as each request gets. */
  em(): EntityManager;
  /** Runs a change as the API runs a mutation (tests/helpers/integration.ts `mutation`): in a transaction and a unit of work of its own. */
  write<T>(change: (em: EntityManager) => Promise<T>): Promise<T>;
}

/** Per subgraph, the databases of the blocks now running, innermost last (a test file's modules are its own). */
const inUse = new Map<string, MikroORM[]>();
const inUseOf = (subgraph: string): MikroORM[] => inUse.get(subgraph) ?? inUse.set(subgraph, []).get(subgraph)!;

/**
 * The database of the subgraph's tests running now: that of the innermost block, a test file at its top or a
 * describe, that called useFreshSubgraphDatabase for it. For helpers declared once at a file's top and used by
 * describes that each have a database of their own.
 */
export function subgraphDatabase(definition: SubgraphSchema): SubgraphDatabase {
  const orm = (): MikroORM => {
    const current = inUseOf(definition.name).at(-1);
    if (!current) throw new Error(`No ${definition.name} database: call useFreshSubgraphDatabase (test/database.ts) in the test file or the describe`);
    return current;
  };
  return { orm, em: () => orm().em.fork(), write: (change) => mutation(orm(), change) };
}

/**
 * The tests of the block it is called in, a test file at its top or a describe, get a fresh database of the
 * subgraph of their own: created before the block's first test (so before the block's own `beforeAll`s that come
 * after the call), dropped after its last. The answer reaches the database of the innermost such block, so a
 * describe that must see no other test's rows (a job that scans every row) calls it again.
 */
export function useFreshSubgraphDatabase(definition: SubgraphSchema): SubgraphDatabase {
  let database: { orm: MikroORM; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    database = await freshSubgraphDatabase(definition);
    inUseOf(definition.name).push(database.orm);
  });
  afterAll(async () => {
    if (!database) return;
    const databases = inUseOf(definition.name);
    databases.splice(databases.indexOf(database.orm), 1);
    await database.drop();
  });
  return subgraphDatabase(definition);
}
