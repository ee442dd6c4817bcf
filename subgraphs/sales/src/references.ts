import { guardedReference } from '@crm/kit/federation.js';
import type { SalesContext } from './context.js';
import { customerReference } from './modules/customer/customer.reference.js';

/**
 * Entities other subgraphs may point at by id; the gateway resolves them here, batched per request. The by-id
 * loaders return only rows the viewer may see (another team's opportunity is null).
 */
export const salesReferences = {
  ...customerReference,
  ...guardedReference<SalesContext>('Opportunity', 'opportunities:read', (id, { loaders }) => loaders.opportunityById.load(id)),
  ...guardedReference<SalesContext>('Lead', 'leads:read', (id, { loaders }) => loaders.leadById.load(id)),
  ...guardedReference<SalesContext>('Product', 'products:read', (id, { loaders }) => loaders.productById.load(id)),
};
