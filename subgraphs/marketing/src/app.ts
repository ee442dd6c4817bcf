import 'reflect-metadata';
import type { SubgraphDefinition } from '../../kit/subgraph.js';
import { createMarketingLoaders } from './context.js';
import { marketingEntities } from './entities.js';
import { marketingMigrations } from './migrations/index.js';
import { buildMarketingSchema } from './schema.js';
import { seedMarketingDemo } from './seeders/demo.seeder.js';

export const marketing: SubgraphDefinition<ReturnType<typeof createMarketingLoaders>> = {
  name: 'marketing',
  entities: marketingEntities,
  migrations: marketingMigrations,
  buildSchema: buildMarketingSchema,
  createLoaders: createMarketingLoaders,
  seedDemoData: seedMarketingDemo,
};
