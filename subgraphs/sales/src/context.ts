import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext, Viewer } from '@crm/kit/context.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { createActivityLoaders } from './modules/activity/activity.loaders.js';
import { createLeadLoaders } from './modules/lead/lead.loaders.js';
import { createOpportunityLoaders } from './modules/opportunity/opportunity.loaders.js';
import { createPipelineLoaders } from './modules/pipeline/pipeline.loaders.js';
import { createProductLoaders } from './modules/product/product.loaders.js';
import { createQuoteLoaders } from './modules/quote/quote.loaders.js';
import { staffNameLoader } from './modules/staff/staff-names.js';

export function createSalesLoaders(em: EntityManager, viewer: Viewer, graph: GraphClient) {
  const pipelines = createPipelineLoaders(em);
  const staffNameById = staffNameLoader(em, graph);
  return {
    ...createOpportunityLoaders(em, viewer, { stageNameById: pipelines.stageNameById, staffNameById }),
    ...pipelines,
    ...createLeadLoaders(em, viewer),
    ...createProductLoaders(em),
    ...createQuoteLoaders(em, viewer),
    ...createActivityLoaders(em, viewer),
    staffNameById,
  };
}

export type SalesContext = RequestContext<ReturnType<typeof createSalesLoaders>>;
