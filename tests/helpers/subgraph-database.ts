import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';

/**
 * The integration tier's database: a fresh, migrated database of one subgraph on DATABASE_URL's server (no other
 * subgraph, no gateway), for a module's rules called directly. `drop()` removes it.
 */
export async function freshSubgraphDatabase(
  definition: Pick<SubgraphDefinition<unknown>, 'name' | 'entities' | 'migrations'>,
): Promise<{ orm: MikroORM; drop(): Promise<void> }> {
  const name = `crm_int${randomBytes(4).toString('hex')}_${definition.name}`;
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('The integration tier needs DATABASE_URL (npm test sets it)');
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const orm = await openDatabase({ url, entities: definition.entities, migrations: definition.migrations, log: createLogger('test') });
  return {
    orm,
    drop: async () => {
      await orm.close();
      const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
