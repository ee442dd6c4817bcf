import type { MikroORM } from '@mikro-orm/postgresql';
import { freshSubgraphDatabase } from '../../../tests/helpers/subgraph-database.js';
import { identityEntities } from '../src/entities.js';
import { identityMigrations } from '../src/migrations/index.js';

/** A fresh, migrated identity database on DATABASE_URL's server, dropped by `drop()`. */
export const freshIdentityDatabase = (): Promise<{ orm: MikroORM; drop(): Promise<void> }> =>
  freshSubgraphDatabase({ name: 'identity', entities: identityEntities, migrations: identityMigrations });
