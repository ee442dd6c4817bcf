import { isUuid } from '../../../../kit/ids.js';
import type { IdentityContext } from '../../context.js';

/** How other subgraphs' `Customer { id }` references become full customers, batched per request. */
export const customerReference = {
  Customer: {
    __resolveReference: (reference: { id: string }, context: IdentityContext) =>
      isUuid(reference.id) ? context.loaders.customerById.load(reference.id.toLowerCase()) : null,
  },
};
