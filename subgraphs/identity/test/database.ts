import { useFreshSubgraphDatabase, type SubgraphSchema } from '../../../tests/helpers/subgraph-database.js';
import { identityEntities } from '../src/entities.js';
import { identityMigrations } from '../src/migrations/index.js';

const identity: SubgraphSchema = { name: 'identity', entities: identityEntities, migrations: identityMigrations };

/** The block's tests get a fresh, migrated identity database of their own (tests/helpers/subgraph-database.ts). */
export const useFreshIdentityDatabase = () => useFreshSubgraphDatabase(identity);
