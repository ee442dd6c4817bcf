import { useFreshSubgraphDatabase, type SubgraphSchema } from '../../../tests/helpers/subgraph-database.js';
import { marketingEntities } from '../src/entities.js';
import { marketingMigrations } from '../src/migrations/index.js';

const marketing: SubgraphSchema = { name: 'marketing', entities: marketingEntities, migrations: marketingMigrations };

/** The block's tests get a fresh, migrated marketing database of their own (tests/helpers/subgraph-database.ts). */
export const useFreshMarketingDatabase = () => useFreshSubgraphDatabase(marketing);
