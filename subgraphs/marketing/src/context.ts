import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kit/context.js';
import { createInteractionLoaders } from './modules/interaction/interaction.loaders.js';

export function createMarketingLoaders(em: EntityManager) {
  return { ...createInteractionLoaders(em) };
}

export type MarketingContext = RequestContext<ReturnType<typeof createMarketingLoaders>>;
