import 'reflect-metadata';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { createIdentityLoaders } from './context.js';
import { identityEntities } from './entities.js';
import { identityMigrations } from './migrations/index.js';
import { webFormSubmitted } from './modules/customer/customer.handlers.js';
import { auditLogHandler } from './modules/audit/audit.handlers.js';
import { erasureProgress, identityErasure } from './modules/privacy/privacy.handlers.js';
import { webhookFanOut } from './modules/webhooks/webhook.handlers.js';
import { webhookJobs } from './modules/webhooks/webhook.jobs.js';
import { webhookRetention } from './modules/webhooks/webhook.retention.js';
import { webhookSettings } from './modules/webhooks/webhook.settings.js';
import { buildIdentitySchema } from './schema.js';
import { seedIdentityDemo } from './seeders/demo.seeder.js';

export const identity: SubgraphDefinition<ReturnType<typeof createIdentityLoaders>> = {
  name: 'identity',
  entities: identityEntities,
  migrations: identityMigrations,
  buildSchema: buildIdentitySchema,
  createLoaders: createIdentityLoaders,
  seedDemoData: seedIdentityDemo,
  handlers: () => [webFormSubmitted, auditLogHandler, identityErasure, erasureProgress, webhookFanOut],
  settings: [webhookSettings],
  jobs: webhookJobs,
  retention: webhookRetention,
};
