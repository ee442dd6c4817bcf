import 'reflect-metadata';
import type { SubgraphDefinition } from '../../kit/subgraph.js';
import { createSalesLoaders } from './context.js';
import { salesEntities } from './entities.js';
import { salesMigrations } from './migrations/index.js';
import { startActivityDueJob } from './modules/activity/activity.due.js';
import { customerMerged } from './modules/customer/customer.handlers.js';
import { webFormLeadRouting } from './modules/lead/lead.handlers.js';
import { firstOfferFollowUp } from './modules/opportunity/opportunity.handlers.js';
import { buildSalesSchema } from './schema.js';
import { seedSalesDemo } from './seeders/demo.seeder.js';

export const sales: SubgraphDefinition<ReturnType<typeof createSalesLoaders>> = {
  name: 'sales',
  entities: salesEntities,
  migrations: salesMigrations,
  buildSchema: buildSalesSchema,
  createLoaders: createSalesLoaders,
  seedDemoData: seedSalesDemo,
  handlers: [webFormLeadRouting, firstOfferFollowUp, customerMerged],
  startJobs: startActivityDueJob,
};
