import type { SalesContext } from './context.js';
import { customerReference } from './modules/customer/customer.reference.js';

type Loaded = 'opportunityById' | 'leadById' | 'productById';
const byLoader = (loader: Loaded) => ({
  __resolveReference: (reference: { id: string }, { loaders }: SalesContext) => loaders[loader].load(reference.id),
});

/** Entities other subgraphs may point at by id; the gateway resolves them here, batched per request. */
export const salesReferences = {
  ...customerReference,
  Opportunity: byLoader('opportunityById'),
  Lead: byLoader('leadById'),
  Product: byLoader('productById'),
};
