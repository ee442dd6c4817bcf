import { guardedReference } from '@crm/kit/federation.js';
import type { IdentityContext } from '../../context.js';

/**
 * How other subgraphs' `Customer { id }` references become full customers, batched per request; asked only their id
 * (another subgraph checking the ids a caller gave), from the key alone.
 */
export const customerReference = guardedReference<IdentityContext>(
  'Customer',
  'customers:read',
  (id, { loaders }) => loaders.customerById.load(id),
  (id, { loaders }) => loaders.customerKeyById.load(id),
);
