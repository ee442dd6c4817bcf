import type { MikroORM } from '@mikro-orm/postgresql';
import { freshSubgraphDatabase } from '../../../tests/helpers/subgraph-database.js';
import { marketingEntities } from '../src/entities.js';
import { marketingMigrations } from '../src/migrations/index.js';

/** A fresh, migrated marketing database on DATABASE_URL's server, dropped by `drop()`. */
export const freshMarketingDatabase = (): Promise<{ orm: MikroORM; drop(): Promise<void> }> =>
  freshSubgraphDatabase({ name: 'marketing', entities: marketingEntities, migrations: marketingMigrations });
