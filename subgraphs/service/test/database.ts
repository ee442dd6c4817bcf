import { afterAll, beforeAll } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';
import { systemViewer, type Viewer } from '@crm/kit/access/viewer.js';
import { freshSubgraphDatabase } from '../../../tests/helpers/subgraph-database.js';
import { mutation } from '../../../tests/helpers/integration.js';
import { serviceEntities } from '../src/entities.js';
import { serviceMigrations } from '../src/migrations/index.js';

/** A fresh, migrated service database on DATABASE_URL's server, dropped by `drop()`. */
export const freshServiceDatabase = (): Promise<{ orm: MikroORM; drop(): Promise<void> }> =>
  freshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });

/** The databases of the blocks now running, innermost last (a test file's modules are its own). */
const inUse: MikroORM[] = [];

/**
 * The tests of the block it is called in, a test file at its top or a describe, get a fresh service database of
 * their own: created before the block's first test, dropped after its last. `orm()`, `em()` and `write()` reach the
 * database of the innermost such block, so a describe that must see no other test's rows (a job that scans every
 * case) calls it again.
 */
export function useFreshServiceDatabase(): void {
  let database: { orm: MikroORM; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    database = await freshServiceDatabase();
    inUse.push(database.orm);
  });
  afterAll(async () => {
    if (!database) return;
    inUse.splice(inUse.indexOf(database.orm), 1);
    await database.drop();
  });
}

/** The service database of the tests running now (useFreshServiceDatabase). */
export function orm(): MikroORM {
  const current = inUse.at(-1);
  if (!current) throw new Error('No service database: call useFreshServiceDatabase() in the test file or the describe');
  return current;
}

/** A unit of work of its own for reads, as each request gets. */
export const em = (): EntityManager => orm().em.fork();

/** Runs a change as the API runs a mutation: in a transaction and a unit of work of its own. */
export const write = <T>(change: (em: EntityManager) => Promise<T>): Promise<T> => mutation(orm(), change);

/** The platform with every row in sight, as the service desk and the seed act. */
export const desk = systemViewer('test');

/** An id no row has. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * A service agent as the gateway vouches for them (gateway/auth/authenticator.ts personViewer): their role's
 * permissions, and the cases of their lines of support and those assigned to them.
 */
export const serviceAgent = (id: string, lines: string[]): Viewer => ({
  id,
  kind: 'user',
  role: 'SERVICE_AGENT',
  permissions: ROLE_PERMISSIONS.SERVICE_AGENT,
  owners: null,
  unowned: true,
  lines,
  ip: null,
});
