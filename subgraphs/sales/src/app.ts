import 'reflect-metadata';
import type { SubgraphDefinition } from '../../kit/subgraph.js';
import { createSalesLoaders } from './context.js';
import { salesEntities } from './entities.js';
import { salesMigrations } from './migrations/index.js';
import { buildSalesSchema } from './schema.js';
import { seedSalesDemo } from './seeders/demo.seeder.js';

export const sales: SubgraphDefinition<ReturnType<typeof createSalesLoaders>> = {
  name: 'sales',
  entities: salesEntities,
  migrations: salesMigrations,
  buildSchema: buildSalesSchema,
  createLoaders: createSalesLoaders,
  seedDemoData: seedSalesDemo,
};
