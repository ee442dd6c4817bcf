import 'reflect-metadata';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { salesErasure } from './modules/privacy/privacy.handlers.js';
import { createSalesLoaders } from './context.js';
import { salesEntities } from './entities.js';
import { salesMigrations } from './migrations/index.js';
import { startActivityDueJob } from './modules/activity/activity.due.js';
import { customerMerged } from './modules/customer/customer.handlers.js';
import { npsDetractorTask } from './modules/detractor/detractor.handlers.js';
import { sequenceTaskHandler } from './modules/activity/sequence-task.handlers.js';
import { webFormLeadRouting } from './modules/lead/lead.handlers.js';
import { firstOfferFollowUp } from './modules/opportunity/opportunity.handlers.js';
import { staffNames } from './modules/staff/staff-name.handlers.js';
import { buildSalesSchema } from './schema.js';
import { seedSalesDemo } from './seeders/demo.seeder.js';
import { startPeriodicJob } from '@crm/kit/periodic-job.js';
import { forgetOldSubmissions } from './modules/intake/web-form.throttle.js';
import { salesRetention } from './modules/privacy/privacy.retention.js';
import { salesSettings } from './settings.js';
import { quotePublicRoutes } from './modules/quote/quote.routes.js';

export const sales: SubgraphDefinition<ReturnType<typeof createSalesLoaders>> = {
  name: 'sales',
  entities: salesEntities,
  migrations: salesMigrations,
  buildSchema: buildSalesSchema,
  createLoaders: createSalesLoaders,
  seedDemoData: seedSalesDemo,
  settings: [salesSettings],
  handlers: () => [webFormLeadRouting, firstOfferFollowUp, npsDetractorTask, sequenceTaskHandler, customerMerged, salesErasure, staffNames],
  retention: salesRetention,
  publicRoutes: quotePublicRoutes,
  startJobs: (orm, log, { clock }) => {
    const jobs = [
      startActivityDueJob(orm, log, clock),
      startPeriodicJob({ name: 'web-form-throttle', intervalMs: 3_600_000, log, run: async () => void (await forgetOldSubmissions(orm.em.fork())) }),
    ];
    return { stop: async () => void (await Promise.all(jobs.map((job) => job.stop()))) };
  },
};
