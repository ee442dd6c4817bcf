import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '@crm/kit/context.js';
import { createCampaignLoaders } from './modules/campaign/campaign.loaders.js';
import { createInteractionLoaders } from './modules/interaction/interaction.loaders.js';
import { createMessageSendLoaders } from './modules/messaging/message-send.loaders.js';
import { createSegmentLoaders } from './modules/segment/segment.loaders.js';
import { createSequenceLoaders } from './modules/sequence/sequence.loaders.js';

export function createMarketingLoaders(em: EntityManager) {
  return {
    ...createInteractionLoaders(em),
    ...createSegmentLoaders(em),
    ...createCampaignLoaders(em),
    ...createSequenceLoaders(em),
    ...createMessageSendLoaders(em),
  };
}

export type MarketingContext = RequestContext<ReturnType<typeof createMarketingLoaders>>;
