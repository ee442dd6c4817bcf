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
  // A quote is as visible as its opportunity; one made without an opportunity, as an unowned record (quoteVisible).
  ...guardedReference<SalesContext>('Quote', 'quotes:read', async (id, { loaders, viewer }) => {
    const quote = await loaders.quoteById.load(id);
    if (!quote || viewer.owners === null) return quote;
    return (quote.opportunityId ? await loaders.opportunityById.load(quote.opportunityId) : viewer.unowned) ? quote : null;
  }),
  ...guardedReference<SalesContext>('Product', 'products:read', (id, { loaders }) => loaders.productById.load(id)),
};
