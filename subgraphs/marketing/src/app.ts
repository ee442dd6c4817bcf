import 'reflect-metadata';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { marketingErasure } from './modules/privacy/privacy.handlers.js';
import { marketingRetention } from './modules/privacy/privacy.retention.js';
import { createMarketingLoaders } from './context.js';
import { marketingEntities } from './entities.js';
import { marketingMigrations } from './migrations/index.js';
import { customerMergeHandler } from './modules/customer/customer.handlers.js';
import { timelineHandler } from './modules/interaction/interaction.handlers.js';
import { journeyHandler } from './modules/journey/journey.handlers.js';
import { outboundChannelFromSettings, RecordingChannel, type OutboundChannel } from './modules/messaging/outbound.channel.js';
import { marketingJobs } from './jobs.js';
import { messagingRoutes } from './modules/messaging/messaging.routes.js';
import { buildMarketingSchema } from './schema.js';
import { seedMarketingDemo } from './seeders/demo.seeder.js';
import { marketingSettings } from './settings.js';

/** What marketing's code talks to the outside world through. */
export interface MarketingAdapters {
  /** Where e-mails to customers go (OUTBOUND_CHANNEL): SMTP, or a RecordingChannel (the default; tests read it). */
  outbound: OutboundChannel;
  /** Text messages' provider (a recording channel until one is configured). */
  sms: OutboundChannel;
  /** Push notifications' provider (a recording channel until one is configured). */
  push: OutboundChannel;
}

export const marketing: SubgraphDefinition<ReturnType<typeof createMarketingLoaders>, MarketingAdapters> = {
  name: 'marketing',
  entities: marketingEntities,
  migrations: marketingMigrations,
  buildSchema: buildMarketingSchema,
  createLoaders: createMarketingLoaders,
  seedDemoData: seedMarketingDemo,
  settings: [marketingSettings],
  adapters: () => ({ outbound: outboundChannelFromSettings(), sms: new RecordingChannel('recording-sms'), push: new RecordingChannel('recording-push') }),
  handlers: () => [journeyHandler(), timelineHandler, customerMergeHandler, marketingErasure],
  jobs: marketingJobs,
  publicRoutes: messagingRoutes,
  retention: marketingRetention,
};
