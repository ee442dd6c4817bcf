import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kit/context.js';
import { createOpportunityLoaders } from './modules/opportunity/opportunity.loaders.js';

export function createSalesLoaders(em: EntityManager) {
  return { ...createOpportunityLoaders(em) };
}

export type SalesContext = RequestContext<ReturnType<typeof createSalesLoaders>>;
