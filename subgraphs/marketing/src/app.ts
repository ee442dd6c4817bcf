import 'reflect-metadata';
import type { SubgraphDefinition } from '../../kit/subgraph.js';
import { marketingErasure } from './modules/privacy/privacy.handlers.js';
import { marketingRetention } from './modules/privacy/privacy.retention.js';
import { createMarketingLoaders } from './context.js';
import { marketingEntities } from './entities.js';
import { marketingMigrations } from './migrations/index.js';
import { customerMergeHandler } from './modules/customer/customer.handlers.js';
import { timelineHandler } from './modules/interaction/interaction.handlers.js';
import { journeyHandler } from './modules/journey/journey.handlers.js';
import { outboundChannelFromConfig } from './modules/messaging/outbound.channel.js';
import { buildMarketingSchema } from './schema.js';
import { seedMarketingDemo } from './seeders/demo.seeder.js';

/** Where marketing's messages to customers go (OUTBOUND_CHANNEL); a RecordingChannel by default, which tests read. */
export const marketingOutbound = outboundChannelFromConfig();

export const marketing: SubgraphDefinition<ReturnType<typeof createMarketingLoaders>> = {
  name: 'marketing',
  entities: marketingEntities,
  migrations: marketingMigrations,
  buildSchema: buildMarketingSchema,
  createLoaders: createMarketingLoaders,
  seedDemoData: seedMarketingDemo,
  handlers: [journeyHandler(marketingOutbound), timelineHandler, customerMergeHandler, marketingErasure],
  retention: marketingRetention,
};
