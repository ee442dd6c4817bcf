import 'reflect-metadata';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { serviceErasure } from './modules/privacy/privacy.handlers.js';
import { serviceRetention } from './modules/privacy/privacy.retention.js';
import { createServiceLoaders } from './context.js';
import { serviceEntities } from './entities.js';
import { serviceMigrations } from './migrations/index.js';
import { dealAssets } from './modules/asset/deal-assets.handlers.js';
import { staffStatus } from './modules/staff/staff-status.handlers.js';
import { customerHandlers } from './modules/customer/customer.handlers.js';
import { npsDetractorCase } from './modules/detractor/detractor.handlers.js';
import { startSlaRiskJob } from './modules/sla/sla-risk.job.js';
import { buildServiceSchema } from './schema.js';
import { seedServiceDemo } from './seeders/demo.seeder.js';
import { serviceSettings } from './settings.js';

export const service: SubgraphDefinition<ReturnType<typeof createServiceLoaders>> = {
  name: 'service',
  entities: serviceEntities,
  migrations: serviceMigrations,
  buildSchema: buildServiceSchema,
  createLoaders: createServiceLoaders,
  seedDemoData: seedServiceDemo,
  settings: [serviceSettings],
  handlers: () => [...customerHandlers, npsDetractorCase, dealAssets, staffStatus, serviceErasure],
  retention: serviceRetention,
  startJobs: (orm, log, { clock }) => startSlaRiskJob(orm, log, clock),
};
