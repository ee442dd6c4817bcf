import { afterAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { identity } from '../subgraphs/identity/src/app.js';
import { marketing } from '../subgraphs/marketing/src/app.js';
import { sales } from '../subgraphs/sales/src/app.js';
import { service } from '../subgraphs/service/src/app.js';
import { dropDatabases, unusedDatabase, type SubgraphSchema } from './helpers/subgraph-database.js';

// Two replicas of a subgraph starting at the same moment on one database (a first install, or an upgrade rolled out
// to every pod at once) both open it the way every start does: openDatabase, which startSubgraph (each subgraph's
// main.js), `npm run db:migrate` and db:migration:create call. Both must start, and each migration must be applied
// once: without a lock both ran the pending migrations and one failed on the other's tables.

const log = createLogger('migrations-replicas-test');
const created: string[] = [];
afterAll(() => dropDatabases(process.env.DATABASE_URL!, created));

/** Opens the database as a replica starting would, and says how that went; its connections are closed after. */
async function replicaStart(url: string, definition: SubgraphSchema, migrations = definition.migrations): Promise<string> {
  let orm: MikroORM | undefined;
  try {
    orm = await openDatabase({ url, entities: definition.entities, migrations, log });
    return 'started';
  } catch (error) {
    return `failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await orm?.close();
  }
}

/** How many times each migration is recorded as applied in the database at `url`. */
async function appliedMigrations(url: string, definition: SubgraphSchema): Promise<Record<string, number>> {
  const orm = await openDatabase({ url, entities: definition.entities, migrations: definition.migrations, log });
  try {
    const rows = await orm.em.fork().execute<Array<{ name: string; n: number }>>('select name, count(*)::int as n from mikro_orm_migrations group by name');
    return Object.fromEntries(rows.map((row) => [row.name, row.n]));
  } finally {
    await orm.close();
  }
}

const onceEach = (definition: SubgraphSchema) => Object.fromEntries(definition.migrations.map((m) => [m.name, 1]));

describe('two replicas of a subgraph starting at once', () => {
  // One round per subgraph: each starts two replicas on a database that does not exist yet.
  it.each([identity, sales, marketing, service])('on a first install both start, and the $name database is created and migrated once', async (definition) => {
    const { name, url } = unusedDatabase(definition.name);
    created.push(name);
    expect(await Promise.all([replicaStart(url, definition), replicaStart(url, definition)])).toEqual(['started', 'started']);
    expect(await appliedMigrations(url, definition)).toEqual(onceEach(definition));
  });

  // A release adds migrations: every replica of the new version finds them pending at the same moment.
  it.each([1, 2, 3])('on an upgrade both start, and the new migrations are applied once (round %i)', async () => {
    const { name, url } = unusedDatabase(sales.name);
    created.push(name);
    expect(await replicaStart(url, sales, sales.migrations.slice(0, -3))).toBe('started');
    expect(await Promise.all([replicaStart(url, sales), replicaStart(url, sales)])).toEqual(['started', 'started']);
    expect(await appliedMigrations(url, sales)).toEqual(onceEach(sales));
  });
});
